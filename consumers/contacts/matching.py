"""The match rule both contact directions share: the same email or the same name finds the record;
ambiguous or doubtful → the mismatch log with the candidates named, never a second record."""

from __future__ import annotations

from dataclasses import dataclass

from bridge.errors import PermanentError
from bridge.store.entity_settings import EntityPolicy
from consumers.contacts.canonical import Contact, email_key, name_key
from consumers.framework.matching import Candidate, refuse_ambiguous


@dataclass(frozen=True)
class MatchSide:
    """How to read a matched record of one system: its id, name and email, and what to call it."""

    record: str  # "Odoo partner" / "Xero contact"
    ident: str
    name: str
    email: str


ODOO_SIDE = MatchSide("Odoo partner", "id", "name", "email")
XERO_SIDE = MatchSide("Xero contact", "ContactID", "Name", "EmailAddress")


def choose_match(
    c: Contact, found_by: str, matches: list[dict], policy: EntityPolicy, own: str, other: MatchSide
):
    """The record `c` matched by email or name: its id, None when nothing matched, and a mismatch
    (PermanentError) when it is ambiguous or doubtful — never a second record."""
    if len(matches) > 1:
        refuse_ambiguous(
            own,
            c.name,
            among=other.record,
            by=found_by,
            candidates=[Candidate(m[other.ident], m.get(other.name)) for m in matches],
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
