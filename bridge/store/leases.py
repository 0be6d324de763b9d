"""Per-record leases, so two workers never apply changes to the same record at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.orm import Session

from bridge.store.models import RecordLease, utcnow
from bridge.store.upsert import insert_for


def acquire(session: Session, record_key: str, holder: str, seconds: float) -> bool:
    """Take the lease if it is free, expired, or already ours; return whether we hold it."""
    now = utcnow()
    expires = now + timedelta(seconds=seconds)
    stmt = insert_for(session, RecordLease).values(record_key=record_key, holder=holder, expires_at=expires)
    stmt = stmt.on_conflict_do_nothing(index_elements=["record_key"]).returning(RecordLease.record_key)
    if session.execute(stmt).scalar() is not None:
        return True
    taken = session.execute(
        update(RecordLease)
        .where(
            RecordLease.record_key == record_key,
            or_(RecordLease.expires_at < now, RecordLease.holder == holder),
        )
        .values(holder=holder, expires_at=expires)
    ).rowcount
    return bool(taken)


def release(session: Session, record_key: str, holder: str) -> None:
    session.execute(
        delete(RecordLease).where(RecordLease.record_key == record_key, RecordLease.holder == holder)
    )
