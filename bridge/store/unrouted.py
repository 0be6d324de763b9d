"""Webhook events for a tenant or company no connection maps: acknowledged and kept, not processed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bridge.store.models import UnroutedEvent


def keep(
    session: Session, source: str, event: dict, tenant_id: str | None = None, company_id: int | None = None
):
    session.add(UnroutedEvent(source=source, event=event, tenant_id=tenant_id, company_id=company_id))


def count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(UnroutedEvent)).scalar_one()


def by_tenant(session: Session, tenant_id: str) -> list[UnroutedEvent]:
    return list(session.execute(select(UnroutedEvent).where(UnroutedEvent.tenant_id == tenant_id)).scalars())
