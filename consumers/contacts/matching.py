"""The match rule both contact directions share: the same email or the same name finds the record;
ambiguous or doubtful → the mismatch log with the candidates named, never a second record."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bridge.errors import PermanentError
from bridge.store.entity_settings import EntityPolicy
from consumers.contacts.canonical import Contact, email_key, name_key


@dataclass(frozen=True)
class MatchSide:
    """How to read a matched record of one system: its id, name and email, and what to call it."""

    record: str  # "Odoo partner" / "Xero contact"
    ident: str
    name: str
    email: str


ODOO_SIDE = MatchSide("Odoo partner", "id", "name", "email")
XERO_SIDE = MatchSide("Xero contact", "ContactID", "Name", "EmailAddress")


def describe(candidates: list[tuple[object, str]]) -> str:
    return ", ".join(f"#{ident} {json.dumps(name)}" for ident, name in candidates)


def choose_match(
    c: Contact, found_by: str, matches: list[dict], policy: EntityPolicy, own: str, other: MatchSide
):
    """The record `c` matched by email or name: its id, None when nothing matched, and a mismatch
    (PermanentError) when it is ambiguous or doubtful — never a second record."""
    if len(matches) > 1:
        raise PermanentError(
            f"ambiguous match for {own} {c.name!r}: several {other.record}s with the same {found_by}: "
            + describe([(m[other.ident], m[other.name]) for m in matches])
        )
    if not matches:
        return None
    match = matches[0]
    agree = name_key(match.get(other.name)) == name_key(c.name) and email_key(
        match.get(other.email)
    ) == email_key(c.email)
    if agree or policy.overwrite_on_match:
        return match[other.ident]
    missing = "name" if found_by == "email" else "email"
    raise PermanentError(
        f"possible duplicate: {own} {c.name!r} has the same {found_by} as {other.record} "
        f"{match[other.name]!r}, but not the same {missing}; turn on contact overwrite to link them"
    )
