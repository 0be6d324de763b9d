"""A side's API client together with the bridge's store, for what an account needs beyond its own
record: the tax_rate entity's bindings (TaxType ⇄ Odoo tax) and the connection's inventory account."""

from __future__ import annotations

from typing import Any

from bridge.store import bindings


class Handle:
    """The client (every attribute is the client's) plus the store and the connection it acts for.
    Sides get one from `client()`; a bare client works too, without tax mapping or settings."""

    def __init__(self, api: Any, db: Any, connection_id: str):
        self.api, self.db, self.connection_id = api, db, connection_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self.api, name)


def store_of(client: Any) -> tuple[Any, str] | tuple[None, None]:
    if isinstance(client, Handle):
        return client.db, client.connection_id
    return None, None


def tax_odoo_id(client: Any, tax_type: str | None) -> int | None:
    """The Odoo tax the tax_rate entity binds to this Xero TaxType, if any."""
    db, connection_id = store_of(client)
    if db is None or not tax_type:
        return None
    with db.session() as session:
        found = bindings.by_xero(session, connection_id, "tax_rate", tax_type)
        return found.odoo_id if found is not None else None


def tax_xero_type(client: Any, tax_ids: tuple[int, ...]) -> str | None:
    """The Xero TaxType the tax_rate entity binds to the first of these Odoo taxes that is bound."""
    db, connection_id = store_of(client)
    if db is None:
        return None
    with db.session() as session:
        for tax_id in tax_ids:
            found = bindings.by_odoo(session, connection_id, "tax_rate", tax_id)
            if found is not None and found.xero_id:
                return found.xero_id
    return None


def bound_odoo_id(client: Any, entity: str, xero_id: str) -> int | None:
    db, connection_id = store_of(client)
    if db is None:
        return None
    with db.session() as session:
        found = bindings.by_xero(session, connection_id, entity, xero_id)
        return found.odoo_id if found is not None else None
