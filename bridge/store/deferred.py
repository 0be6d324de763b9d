"""Delayed events for brokers that cannot delay a message themselves (the embedded transport)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bridge.store.models import DeferredEvent, utcnow


def defer(session: Session, routing_key: str, body: dict, delay_seconds: float) -> None:
    session.add(
        DeferredEvent(due_at=utcnow() + timedelta(seconds=delay_seconds), routing_key=routing_key, body=body)
    )


def take_due(session: Session, limit: int = 500) -> list[DeferredEvent]:
    """Due events, removed in the caller's transaction: commit only after they are published."""
    rows = list(
        session.execute(
            select(DeferredEvent)
            .where(DeferredEvent.due_at <= utcnow())
            .order_by(DeferredEvent.due_at, DeferredEvent.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    if rows:
        session.execute(delete(DeferredEvent).where(DeferredEvent.id.in_([r.id for r in rows])))
    return rows


def pending(session: Session) -> int:
    from sqlalchemy import func

    return session.execute(select(func.count()).select_from(DeferredEvent)).scalar_one()
