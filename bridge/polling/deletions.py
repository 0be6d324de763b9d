"""Odoo records gone: deletions leave no trace in Odoo (odoo-facts §4), so the reconciliation diffs
the ids the bridge has bound against the ids Odoo still has (archived ones count as present) and
sends a "delete" envelope for each one missing. The entity's Odoo→Xero translator decides what a
deletion means on the Xero side (contacts: archive, since Xero never deletes a contact)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bridge.broker.publisher import Publisher
from bridge.events import Event, now
from bridge.polling.runner import PollResult, not_done, publish
from bridge.polling.specs import Scope
from bridge.store import Database
from bridge.store.models import Binding

CHUNK = 500


@dataclass(frozen=True)
class DeletionSpec:
    entity: str
    model: str

    def bound_ids(self, db: Database, connection_id: str) -> list[int]:
        with db.session() as session:
            return list(
                session.execute(
                    select(Binding.odoo_id)
                    .where(
                        Binding.connection_id == connection_id,
                        Binding.entity == self.entity,
                        Binding.odoo_id.is_not(None),
                    )
                    .order_by(Binding.odoo_id)
                ).scalars()
            )

    def envelope(self, scope: Scope, record_id: int, received_at) -> Event:
        return Event(
            source="odoo",
            origin="poll",
            connection=scope.connection_id,
            entity=self.entity,
            resource_id=str(record_id),
            change_type="delete",
            occurred_at=None,
            dedupe_key=f"poll|odoo|{scope.connection_id}|{self.model}|{record_id}|delete",
            company_id=scope.company_id,
            payload={"_model": self.model, "_id": record_id, "_event": "unlink"},
            received_at=received_at,
        )


def run_deletions(
    spec: DeletionSpec, scope: Scope, db: Database, publisher: Publisher, keep_events: bool = False
) -> PollResult:
    result = PollResult(f"odoo:{spec.entity}:deletions", scope.connection_id)
    bound = spec.bound_ids(db, scope.connection_id)
    result.seen = len(bound)
    received = now()
    events: list[Event] = []
    for start in range(0, len(bound), CHUNK):
        chunk = bound[start : start + CHUNK]
        present = set(scope.odoo.search(spec.model, [("id", "in", chunk)]))
        events += [spec.envelope(scope, i, received) for i in chunk if i not in present]
    fresh = not_done(db, events)
    result.already = len(events) - len(fresh)
    publish(publisher, fresh)
    result.sent = len(fresh)
    if keep_events:
        result.events = fresh
    return result
