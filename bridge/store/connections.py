"""Connections: which Xero organisation is kept in sync with which Odoo company."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.store.models import Connection

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(name: str) -> str:
    return _SLUG.sub("-", name.lower()).strip("-")[:64] or "connection"


def add(
    session: Session,
    name: str,
    xero_tenant_id: str | None,
    odoo_company_id: int | None,
    id: str | None = None,
) -> Connection:
    connection = Connection(
        id=id or slug(name), name=name, xero_tenant_id=xero_tenant_id, odoo_company_id=odoo_company_id
    )
    session.add(connection)
    session.flush()
    return connection


def all_connections(session: Session) -> list[Connection]:
    return list(session.execute(select(Connection).order_by(Connection.id)).scalars())


def by_tenant(session: Session, tenant_id: str) -> Connection | None:
    return session.execute(select(Connection).where(Connection.xero_tenant_id == tenant_id)).scalar()


def by_company(session: Session, company_id: int) -> Connection | None:
    return session.execute(select(Connection).where(Connection.odoo_company_id == company_id)).scalar()


def get(session: Session, connection_id: str) -> Connection | None:
    return session.get(Connection, connection_id)
