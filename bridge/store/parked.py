"""Events held back while their connection cannot act (Xero needs reconnecting); nothing is lost."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bridge.store.models import ParkedEvent


def park(session: Session, connection_id: str, reason: str, routing_key: str, body: dict) -> None:
    session.add(ParkedEvent(connection_id=connection_id, reason=reason, routing_key=routing_key, body=body))


def take(session: Session, connection_ids: list[str]) -> list[ParkedEvent]:
    """The parked events of these connections, removed in the caller's transaction (commit after publishing)."""
    rows = list(
        session.execute(
            select(ParkedEvent).where(ParkedEvent.connection_id.in_(connection_ids)).order_by(ParkedEvent.id)
        ).scalars()
    )
    if rows:
        session.execute(delete(ParkedEvent).where(ParkedEvent.id.in_([r.id for r in rows])))
    return rows


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(ParkedEvent.connection_id, func.count()).group_by(ParkedEvent.connection_id)
    )
    return {connection: count for connection, count in rows}
