"""Bindings: the pair of ids (Xero, Odoo) one record has, and what was last written to it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.store.models import Binding


def by_xero(session: Session, connection_id: str, entity: str, xero_id: str) -> Binding | None:
    return session.execute(
        select(Binding).where(
            Binding.connection_id == connection_id, Binding.entity == entity, Binding.xero_id == xero_id
        )
    ).scalar()


def by_odoo(session: Session, connection_id: str, entity: str, odoo_id: int) -> Binding | None:
    return session.execute(
        select(Binding).where(
            Binding.connection_id == connection_id, Binding.entity == entity, Binding.odoo_id == odoo_id
        )
    ).scalar()


def bind(
    session: Session,
    connection_id: str,
    entity: str,
    *,
    xero_id: str | None,
    odoo_id: int | None,
    content_hash: str | None = None,
    xero_version: str | None = None,
    odoo_version: str | None = None,
    snapshot: dict | None = None,
) -> Binding:
    """Create or update the binding of a record pair, found by either id."""
    binding = None
    if xero_id is not None:
        binding = by_xero(session, connection_id, entity, xero_id)
    if binding is None and odoo_id is not None:
        binding = by_odoo(session, connection_id, entity, odoo_id)
    if binding is None:
        binding = Binding(connection_id=connection_id, entity=entity)
        session.add(binding)
    binding.xero_id = xero_id if xero_id is not None else binding.xero_id
    binding.odoo_id = odoo_id if odoo_id is not None else binding.odoo_id
    binding.content_hash = content_hash
    binding.xero_version = xero_version or binding.xero_version
    binding.odoo_version = odoo_version or binding.odoo_version
    if snapshot is not None:
        binding.snapshot = snapshot
    session.flush()
    return binding
