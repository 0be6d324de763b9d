"""The canonical form of a record: one neutral shape mapped from and to either side, and hashed.

Both translators compare canonical forms: a record whose hash is what the bridge last wrote (or read)
is an echo of the bridge's own write and is left alone — the end of ping-pong.

`merge` is the rule that never loses data: a value one side merely lacks never blanks the other
side's; a first match only fills blanks; after that only what the source changed since the last sync
(its snapshot) is applied — so a value is cleared only when the source cleared it, and a field only
the other side changed keeps its value. Collections (contact persons, group memberships) merge as
sets: the source's additions are added, and only what it removed since the last sync is removed.
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
        return digest_of(self.hashed())

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


def changed(c: Canonical, before: dict | None) -> set[str]:
    """The hashed fields whose value differs from a snapshot (every field when there is none)."""
    now = c.snapshot()
    if before is None:
        return set(now)
    return {name for name, value in now.items() if before.get(name) != value}


def merge(incoming: C, current: C, last: dict | None, keep: frozenset[str] = frozenset()) -> C:
    """`incoming` (the source's state) applied onto `current` (the target's) without losing data.

    `last` is the source's snapshot at the last sync, or None when there is none (a first match):
    then the source's values win where it has one and the target's fill the blanks. With a snapshot,
    only what the source changed since is applied — a value it cleared is cleared, one it merely
    lacks is kept, and a field only the target changed keeps the target's value. `keep`: fields
    whose current value wins (a conflict the target won).
    """
    values = {}
    for f in dataclasses.fields(incoming):
        new, cur = getattr(incoming, f.name), getattr(current, f.name)
        if not f.metadata.get("hash", True) or not f.metadata.get("merge", True):
            values[f.name] = new
        elif f.name in keep:
            values[f.name] = cur
        else:
            values[f.name] = merged_value(new, cur, last, f.name)
    return dataclasses.replace(incoming, **values)


def merge_snapshot(
    incoming: Canonical, target: dict, last: dict | None, keep: frozenset[str] = frozenset()
) -> dict:
    """`merge` on a snapshot: what the target's last-sync state becomes with the source's changes."""
    merged = {}
    for name, new in incoming.snapshot().items():
        cur = target.get(name)
        merged[name] = cur if name in keep else jsonable(merged_value(new, cur, last, name))
    return merged


def merged_value(new: Any, cur: Any, last: dict | None, name: str) -> Any:
    before = None if last is None else last.get(name)
    if isinstance(new, (tuple, list)) and isinstance(cur, (tuple, list)):
        return _merge_set(tuple(new), tuple(cur), before)
    if last is None:
        return cur if blank(new) and not blank(cur) else new
    if jsonable(new) == before:
        return cur  # the source did not change it since the last sync
    return new


def digest_of(snapshot: dict) -> str:
    """The content hash of a snapshot (Canonical.digest of the state it records)."""
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()


def ordered(items) -> tuple:
    """A collection field in its one canonical order (mappers and merge both use it, so hashes agree)."""
    return tuple(sorted(items, key=_key))


def _merge_set(new: tuple, cur: tuple, before: list | None) -> tuple:
    new_keys = {_key(v) for v in new}
    removed = {_key(v) for v in before or []} - new_keys if before is not None else set()
    kept = [v for v in cur if _key(v) not in removed and _key(v) not in new_keys]
    return ordered([*new, *kept])
