"""The canonical form of a record: one neutral shape mapped from and to either side, and hashed.

Both translators compare canonical forms: a record whose hash is what the bridge last wrote (or read)
is an echo of the bridge's own write and is left alone — the end of ping-pong.

`merge` is the rule that never loses data: a value one side merely lacks never blanks the other
side's; a first match only fills blanks; a value is cleared only when the source cleared it after the
last sync (its snapshot then had it). Collections (contact persons, group memberships) merge as sets:
the source's additions are added, and only what the source removed since the last sync is removed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from decimal import Decimal
from typing import Any, TypeVar

from bridge.money import check_no_floats

C = TypeVar("C", bound="Canonical")


def jsonable(value: Any) -> Any:
    """A canonical value as JSON: dataclasses as dicts, tuples as lists, Decimal as its exact text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def _key(value: Any) -> str:
    return json.dumps(jsonable(value), sort_keys=True)


def blank(value: Any) -> bool:
    return value is None or value == "" or value == () or value == []


class Canonical:
    """Base of an entity's canonical dataclass (frozen). Fields with metadata {"hash": False} are
    carried but not hashed (e.g. roles that flow one way only); money fields must be Decimal."""

    def __post_init__(self) -> None:
        check_no_floats(self)

    def hashed(self) -> dict:
        return {
            f.name: jsonable(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.metadata.get("hash", True)
        }

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.hashed(), sort_keys=True).encode()).hexdigest()

    def snapshot(self) -> dict:
        """What the binding keeps of this state, to tell later what a side changed since."""
        return self.hashed()


def with_scalars_of(c: C, snapshot: dict) -> C:
    """`c` with the plain values (texts, numbers, flags) an earlier snapshot of it held: enough to look
    a record up by what it was, when the snapshot is not of the current state."""
    plain = (str, int, bool, type(None))
    values = {
        f.name: snapshot[f.name]
        for f in dataclasses.fields(c)
        if f.name in snapshot
        and isinstance(snapshot[f.name], plain)
        and isinstance(getattr(c, f.name), plain)
    }
    return dataclasses.replace(c, **values)


def merge(incoming: C, current: C, last: dict | None) -> C:
    """`incoming` (the source's state) applied onto `current` (the target's) without losing data.

    `last` is the source's snapshot at the last sync, or None when there is none (a first match):
    then nothing the target has is cleared.
    """
    values = {}
    for f in dataclasses.fields(incoming):
        new, cur = getattr(incoming, f.name), getattr(current, f.name)
        if not f.metadata.get("hash", True) or not f.metadata.get("merge", True):
            values[f.name] = new
            continue
        before = None if last is None else last.get(f.name)
        if isinstance(new, tuple) and isinstance(cur, tuple):
            values[f.name] = _merge_set(new, cur, before)
        elif blank(new) and not blank(cur):
            values[f.name] = new if last is not None and not blank(before) else cur
        else:
            values[f.name] = new
    return dataclasses.replace(incoming, **values)


def ordered(items) -> tuple:
    """A collection field in its one canonical order (mappers and merge both use it, so hashes agree)."""
    return tuple(sorted(items, key=_key))


def _merge_set(new: tuple, cur: tuple, before: list | None) -> tuple:
    new_keys = {_key(v) for v in new}
    removed = {_key(v) for v in before or []} - new_keys if before is not None else set()
    kept = [v for v in cur if _key(v) not in removed and _key(v) not in new_keys]
    return ordered([*new, *kept])
