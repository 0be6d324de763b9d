"""Which connection an event belongs to, with that connection's settings for the entity and the
binding of the record, if any."""

from __future__ import annotations

from dataclasses import dataclass

from bridge import entities
from bridge.errors import PermanentError
from bridge.events import Event
from bridge.store import bindings, connections, entity_settings
from bridge.store.entity_settings import EntityPolicy
from bridge.store.models import Binding
from consumers.base import Context


@dataclass
class Scope:
    connection_id: str
    tenant_id: str
    company_id: int
    entity: str
    policy: EntityPolicy
    binding: Binding | None  # the pair, when both ids are known
    pending: dict | None = None  # a create the bridge began but never bound: the state it wrote

    def snapshot(self, side: str) -> dict | None:
        """The binding's snapshot of one side at the last sync (None: no binding, or none kept)."""
        if self.binding is None or not self.binding.snapshot:
            return None
        return self.binding.snapshot.get(side)


def scope_of(
    ctx: Context, event: Event, entity: str, *, xero_id: str | None = None, odoo_id: int | None = None
) -> Scope:
    if not event.connection:
        raise PermanentError("the event names no connection: map the Xero organisation to an Odoo company")
    with ctx.db.session() as session:
        connection = connections.get(session, event.connection)
        if connection is None:
            raise PermanentError(f"no connection {event.connection}")
        defaults = entities.get(entity).defaults
        policy = entity_settings.get(session, connection.id, entity, defaults)
        binding = None
        if xero_id is not None:
            binding = bindings.by_xero(session, connection.id, entity, xero_id)
        if binding is None and odoo_id is not None:
            binding = bindings.by_odoo(session, connection.id, entity, odoo_id)
        pending = None
        if binding is not None:
            session.expunge(binding)
            if binding.xero_id is None or binding.odoo_id is None:
                pending, binding = (binding.snapshot or {}).get("pending"), None
        return Scope(
            connection.id,
            connection.xero_tenant_id,
            connection.odoo_company_id,
            entity,
            policy,
            binding,
            pending,
        )


def intend(ctx: Context, scope: Scope, source: str, source_id: object, state: dict) -> None:
    """Before a create: note, committed, what is about to be written for this source record. A crash
    after the other system saved it but before the binding was kept leaves this note, so the next
    try can find the record by what it was created as — even if the source changed meanwhile."""
    with ctx.db.session() as session:
        bindings.bind(
            session, scope.connection_id, scope.entity,
            xero_id=source_id if source == "xero" else None, odoo_id=source_id if source == "odoo" else None,
            snapshot={"pending": state},
        )  # fmt: skip
