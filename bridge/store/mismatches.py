"""The mismatch log: events the bridge could not apply, for operators to read, fix and replay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from bridge.store.models import Mismatch, utcnow

STATUSES = ("open", "replaying", "resolved", "ignored")


def record(
    session: Session,
    *,
    event: dict,
    kind: str,
    note: str,
    source: str,
    source_model: str,
    entity: str,
    target: str,
    attempts: int,
    record_name: str | None = None,
    details: dict | None = None,
    status: str = "open",
) -> Mismatch:
    """Log (or update) the one entry an event has; a repeated failure updates it, never a second row."""
    entry = session.execute(
        select(Mismatch).where(Mismatch.dedupe_key == event["dedupe_key"]).with_for_update()
    ).scalar()
    if entry is None:
        entry = Mismatch(dedupe_key=event["dedupe_key"], created_at=utcnow())
        session.add(entry)
    entry.record_name = record_name or entry.record_name
    entry.source = source
    entry.source_model = source_model
    entry.source_id = event["resource_id"]
    entry.entity = entity
    entry.target = target
    entry.connection_id = event.get("connection")
    entry.tenant_id = event.get("tenant_id")
    entry.company_id = event.get("company_id")
    entry.kind = kind
    entry.note = note
    entry.details = details
    entry.attempts = attempts
    entry.event = event
    entry.status = status
    entry.updated_at = utcnow()
    session.flush()
    return entry


@dataclass(frozen=True)
class MismatchFilter:
    status: str | None = "open"
    entity: str | None = None
    tenant_id: str | None = None
    connection_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    ids: tuple[int, ...] = ()

    def apply(self, query: Select) -> Select:
        if self.ids:
            query = query.where(Mismatch.id.in_(self.ids))
        if self.status:
            query = query.where(Mismatch.status == self.status)
        if self.entity:
            query = query.where(Mismatch.entity == self.entity)
        if self.tenant_id:
            query = query.where(Mismatch.tenant_id == self.tenant_id)
        if self.connection_id:
            query = query.where(Mismatch.connection_id == self.connection_id)
        if self.since:
            query = query.where(Mismatch.created_at >= self.since)
        if self.until:
            query = query.where(Mismatch.created_at < self.until)
        return query


def find(session: Session, flt: MismatchFilter, limit: int | None = None) -> list[Mismatch]:
    query = flt.apply(select(Mismatch)).order_by(Mismatch.id)
    if limit:
        query = query.limit(limit)
    return list(session.execute(query).scalars())


def get(session: Session, mismatch_id: int) -> Mismatch | None:
    return session.get(Mismatch, mismatch_id)


def set_status(session: Session, mismatch_id: int, status: str, note: str | None = None) -> None:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    values: dict = {"status": status, "updated_at": utcnow()}
    if note:
        values["note"] = note
    session.execute(update(Mismatch).where(Mismatch.id == mismatch_id).values(**values))


def mark_replaying(session: Session, mismatch_ids: list[int]) -> dict[int, str]:
    """Mark entries `replaying`; returns each one's status before, for put_back()."""
    if not mismatch_ids:
        return {}
    rows = session.execute(
        select(Mismatch.id, Mismatch.status).where(Mismatch.id.in_(mismatch_ids)).with_for_update()
    ).all()
    session.execute(
        update(Mismatch).where(Mismatch.id.in_(mismatch_ids)).values(status="replaying", updated_at=utcnow())
    )
    return {row.id: row.status for row in rows}


def put_back(session: Session, previous: dict[int, str]) -> None:
    """Undo mark_replaying() for entries still `replaying` (a replay that was never sent)."""
    for mismatch_id, status in previous.items():
        session.execute(
            update(Mismatch)
            .where(Mismatch.id == mismatch_id, Mismatch.status == "replaying")
            .values(status=status, updated_at=utcnow())
        )


def resolve_applied(session: Session, dedupe_key: str) -> None:
    """An event that failed before has now been applied: its entry is resolved."""
    session.execute(
        update(Mismatch)
        .where(Mismatch.dedupe_key == dedupe_key, Mismatch.status.in_(("open", "replaying")))
        .values(status="resolved", updated_at=utcnow())
    )


def counts_by_status(session: Session) -> dict[str, int]:
    from sqlalchemy import func

    rows = session.execute(select(Mismatch.status, func.count()).group_by(Mismatch.status)).all()
    return {status: count for status, count in rows}
