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
    binding: Binding | None

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
        if binding is not None:
            session.expunge(binding)
        return Scope(
            connection.id, connection.xero_tenant_id, connection.odoo_company_id, entity, policy, binding
        )
