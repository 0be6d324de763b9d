"""What both contact translators share: the connection and its settings, lookups, conflicts."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime

from bridge.errors import NotYetVisible, PermanentError
from bridge.events import Event, parse_odoo_datetime
from bridge.store import bindings, connections, entity_settings, mismatches
from bridge.store.entity_settings import EntityPolicy
from bridge.store.models import Binding
from consumers.base import Context
from consumers.contacts.canonical import Contact, email_key, name_key

ENTITY = "contact"


@dataclass
class Scope:
    connection_id: str
    tenant_id: str
    company_id: int
    policy: EntityPolicy
    binding: Binding | None


def scope_of(
    ctx: Context,
    event: Event,
    *,
    xero_id: str | None = None,
    odoo_id: int | None = None,
    entity: str = ENTITY,
) -> Scope:
    if not event.connection:
        raise PermanentError("the event names no connection: map the Xero organisation to an Odoo company")
    with ctx.db.session() as session:
        connection = connections.get(session, event.connection)
        if connection is None:
            raise PermanentError(f"no connection {event.connection}")
        policy = entity_settings.get(session, connection.id, entity)
        binding = None
        if xero_id is not None:
            binding = bindings.by_xero(session, connection.id, entity, xero_id)
        if binding is None and odoo_id is not None:
            binding = bindings.by_odoo(session, connection.id, entity, odoo_id)
        return Scope(connection.id, connection.xero_tenant_id, connection.odoo_company_id, policy, binding)


def xero_updated(contact: dict) -> datetime | None:
    """UpdatedDateUTC is MS-JSON `/Date(1746349964107+0000)/` (xero-facts §5)."""
    text = str(contact.get("UpdatedDateUTC") or "")
    if text.startswith("/Date("):
        millis = int(text[6:].split("+")[0].split("-")[0].rstrip(")/"))
        return datetime.fromtimestamp(millis / 1000, UTC)
    try:
        value = datetime.fromisoformat(text.rstrip("Z"))
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
    except ValueError:
        return None


def xero_wins(policy: EntityPolicy, xero_time: datetime | None, odoo_write_date: str | None) -> bool:
    """Who wins when both sides changed since the last sync (the entity's conflict policy)."""
    if policy.conflict_policy == "xero-wins":
        return True
    if policy.conflict_policy == "odoo-wins":
        return False
    odoo_time = parse_odoo_datetime(odoo_write_date)
    if xero_time is None or odoo_time is None:
        return xero_time is not None
    return xero_time >= odoo_time


def log_conflict(
    ctx: Context, event: Event, winner: str, kept: Contact, overwritten: Contact, note: str
) -> None:
    """Keep the losing side's values where an operator can review them (a resolved conflict)."""
    with ctx.db.session() as session:
        mismatches.record(
            session,
            event=event.to_dict() | {"dedupe_key": f"conflict|{event.dedupe_key}"},
            kind="conflict",
            note=note,
            details={"winner": winner, "kept": asdict(kept), "overwritten": asdict(overwritten)},
            source=event.source,
            source_model=event.source_model,
            entity=ENTITY,
            target=event.target,
            attempts=1,
            record_name=kept.name,
            status="resolved",
        )


def ensure_committed(event: Event, write_date: object) -> None:
    """Odoo 17/18 post their webhook before the transaction commits (odoo-facts §2.1): reading the record
    then gives the *old* state. When the event carries the change's write_date and the record read is
    older, the change is not visible yet: try again shortly instead of calling it unchanged."""
    if event.source != "odoo" or event.occurred_at is None:
        return
    seen = parse_odoo_datetime(write_date)
    # RPC reads drop microseconds (odoo-facts §4): compare whole seconds.
    if seen is not None and seen < event.occurred_at.replace(microsecond=0):
        raise NotYetVisible(
            f"Odoo {event.entity} {event.resource_id} still shows its state before this change"
        )


def comparable(contact: Contact, has_mobile: bool) -> Contact:
    """Odoo 19 has no mobile field: leave mobile out of every comparison there (odoo-facts §3.6)."""
    return contact if has_mobile else replace(contact, mobile=None)


def describe(candidates: list[tuple[object, str]]) -> str:
    return ", ".join(f"#{ident} {json.dumps(name)}" for ident, name in candidates)


@dataclass(frozen=True)
class Side:
    """How to read a matched record of one system: its id, name and email, and what to call it."""

    record: str  # "Odoo partner" / "Xero contact"
    ident: str
    name: str
    email: str


ODOO_SIDE = Side("Odoo partner", "id", "name", "email")
XERO_SIDE = Side("Xero contact", "ContactID", "Name", "EmailAddress")


def choose_match(c: Contact, found_by: str, matches: list[dict], policy: EntityPolicy, own: str, other: Side):
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
    agree = (
        name_key(match.get(other.name)) == name_key(c.name) and email_key(match.get(other.email)) == c.email
    )
    if agree or policy.overwrite_on_match:
        return match[other.ident]
    missing = "name" if found_by == "email" else "email"
    raise PermanentError(
        f"possible duplicate: {own} {c.name!r} has the same {found_by} as {other.record} "
        f"{match[other.name]!r}, but not the same {missing}; turn on contact overwrite to link them"
    )
