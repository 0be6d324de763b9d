"""Bindings: the pair of ids (Xero, Odoo) one record has, and what was last written to it.

The bindings of an entity are also its mapping table (`bridge mapping`): a pair set by hand is
`manual`, and sync never re-pairs either of its records with another one.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.errors import PermanentError
from bridge.store.models import Binding


class MappedByHand(PermanentError):
    """A sync would re-pair a record whose mapping was set by hand."""


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


def of_entity(session: Session, connection_id: str, entity: str) -> list[Binding]:
    """Every binding of an entity on a connection (pairs, and creates begun but never bound)."""
    return list(
        session.execute(
            select(Binding)
            .where(Binding.connection_id == connection_id, Binding.entity == entity)
            .order_by(Binding.id)
        ).scalars()
    )


def is_pair(binding: Binding | None) -> bool:
    """Both ids known (the rest are notes of a create begun but never bound: scope.intend)."""
    return binding is not None and binding.xero_id is not None and binding.odoo_id is not None


def remove(session: Session, binding: Binding) -> None:
    session.delete(binding)
    session.flush()


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
    manual: bool | None = None,
) -> Binding:
    """Create or update the binding of a record pair, found by either id. A pair set by hand is never
    re-paired by sync: MappedByHand (a permanent error) instead."""
    binding = None
    if xero_id is not None:
        binding = by_xero(session, connection_id, entity, xero_id)
    if binding is None and odoo_id is not None:
        binding = by_odoo(session, connection_id, entity, odoo_id)
    if binding is None:
        binding = Binding(connection_id=connection_id, entity=entity)
        session.add(binding)
    elif binding.manual and not manual and _repairs(binding, xero_id, odoo_id):
        raise MappedByHand(
            f"{entity}: Xero {binding.xero_id} ⇄ Odoo #{binding.odoo_id} is mapped by hand; sync does "
            f"not re-pair it with {'Xero ' + xero_id if xero_id != binding.xero_id else f'Odoo #{odoo_id}'} "
            f"(change it with bridge mapping set or clear)"
        )
    binding.xero_id = xero_id if xero_id is not None else binding.xero_id
    binding.odoo_id = odoo_id if odoo_id is not None else binding.odoo_id
    binding.content_hash = content_hash
    binding.xero_version = xero_version or binding.xero_version
    binding.odoo_version = odoo_version or binding.odoo_version
    if snapshot is not None:
        binding.snapshot = snapshot
    if manual is not None:
        binding.manual = manual
    session.flush()
    return binding


def _repairs(binding: Binding, xero_id: str | None, odoo_id: int | None) -> bool:
    return (xero_id is not None and binding.xero_id not in (None, xero_id)) or (
        odoo_id is not None and binding.odoo_id not in (None, odoo_id)
    )
