"""The refusal every Side.find gives when a match key finds more than one record: the bridge never
guesses, it puts the event in the mismatch log naming what it matched, by which key, and the
candidates, so a person can bind the right one (`bridge mapping set`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple, NoReturn

from bridge.errors import PermanentError

MAX_LISTED = 10  # candidates named in the note; the rest are counted (all are in details)


class Candidate(NamedTuple):
    """One record a match key found: its id (Odoo int or Xero id), name and — where the entity has
    one — code."""

    id: Any
    name: Any
    code: Any = None


def refuse_ambiguous(
    matching: str,
    name: Any,
    *,
    code: Any = None,
    among: str,
    by: str,
    candidates: Iterable[Candidate],
) -> NoReturn:
    """Raise the PermanentError for a match that is not unique.

    `matching` is the label of the record being matched ("Xero bank account"), `name`/`code` its
    name and code; `among` the label of the candidates' kind ("Odoo bank journal"); `by` the match
    key ("account number"). Candidates are listed by id, so the note is the same on every retry.
    """
    found = sorted(candidates, key=_by_id)
    listed = ", ".join(_named(c.id, c.code, c.name) for c in found[:MAX_LISTED])
    if len(found) > MAX_LISTED:
        listed += f", and {len(found) - MAX_LISTED} more"
    raise PermanentError(
        f"ambiguous match for {matching} {_named(None, code, name)}: {len(found)} {_plural(among)} "
        f"have the same {by}: {listed}; map the right one with `bridge mapping set`",
        details={"candidates": [c.id for c in found], "matched_by": by},
    )


def _named(ident: Any, code: Any, name: Any) -> str:
    """`#12 1200 'Sales'` for Odoo, `OUTPUT2 'GST on Income'` for Xero: id, code, quoted name."""
    parts = [] if ident is None else [f"#{ident}" if isinstance(ident, int) else str(ident)]
    if code:
        parts.append(str(code))
    parts.append(repr(name) if name else "(no name)")
    return " ".join(parts)


def _by_id(candidate: Candidate) -> tuple:
    """Odoo ids in number order, any other id in text order."""
    ident = candidate.id
    return (0, ident, "") if isinstance(ident, int) else (1, 0, str(ident))


def _plural(label: str) -> str:
    """'Odoo tax' → 'Odoo taxes', 'Odoo tag' → 'Odoo tags' (the labels Sides use)."""
    return label + ("es" if label.endswith(("s", "x", "ch", "sh")) else "s")
