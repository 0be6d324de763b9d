"""Both sides changed since the last sync: the entity's conflict policy decides, and the losing
side's values are kept where an operator can review them (a resolved "conflict" entry)."""

from __future__ import annotations

from datetime import datetime

from bridge.events import Event
from bridge.store import mismatches
from bridge.store.entity_settings import EntityPolicy
from consumers.base import Context
from consumers.framework.canonical import Canonical


def xero_wins(policy: EntityPolicy, xero_time: datetime | None, odoo_time: datetime | None) -> bool:
    if policy.conflict_policy == "xero-wins":
        return True
    if policy.conflict_policy == "odoo-wins":
        return False
    if xero_time is None or odoo_time is None:
        return xero_time is not None
    return xero_time >= odoo_time


def log_conflict(
    ctx: Context, event: Event, winner: str, kept: Canonical, overwritten: Canonical, note: str, name: str
) -> None:
    with ctx.db.session() as session:
        mismatches.record(
            session,
            event=event.to_dict() | {"dedupe_key": f"conflict|{event.dedupe_key}"},
            kind="conflict",
            note=note,
            details={"winner": winner, "kept": kept.snapshot(), "overwritten": overwritten.snapshot()},
            source=event.source,
            source_model=event.source_model,
            entity=event.entity,
            target=event.target,
            attempts=1,
            record_name=name,
            status="resolved",
        )
