"""The dedupe ledger: an event whose effect is committed is never applied again."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bridge.store.models import InboxEntry, utcnow
from bridge.store.upsert import insert_for


@dataclass(frozen=True)
class Claim:
    duplicate: bool
    attempts: int
    last_error: str | None = None  # what an earlier attempt that was not settled failed on


def claim(session: Session, dedupe_key: str, event_id: str) -> Claim:
    """Start an attempt at an event: a duplicate if its effect is already done, else count the attempt.

    Committed before the effect is applied, so attempts survive a crash (poison detection).
    """
    stmt = insert_for(session, InboxEntry).values(
        dedupe_key=dedupe_key,
        event_id=event_id,
        status="processing",
        attempts=1,
        first_seen=utcnow(),
        updated_at=utcnow(),
    )
    stmt = stmt.on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(InboxEntry.dedupe_key)
    if session.execute(stmt).scalar() is not None:
        return Claim(duplicate=False, attempts=1)
    entry = session.execute(
        select(InboxEntry).where(InboxEntry.dedupe_key == dedupe_key).with_for_update()
    ).scalar_one()
    if entry.status == "done":
        return Claim(duplicate=True, attempts=entry.attempts)
    entry.attempts += 1
    entry.status = "processing"
    return Claim(duplicate=False, attempts=entry.attempts, last_error=entry.last_error)


def is_done(session: Session, dedupe_key: str) -> bool:
    status = session.execute(select(InboxEntry.status).where(InboxEntry.dedupe_key == dedupe_key)).scalar()
    return status == "done"


def history(session: Session, dedupe_key: str) -> tuple[int, str | None]:
    """How many attempts an event has had, and what the last one that was not settled failed on."""
    row = session.execute(
        select(InboxEntry.attempts, InboxEntry.last_error).where(InboxEntry.dedupe_key == dedupe_key)
    ).first()
    return (row.attempts, row.last_error) if row else (0, None)


def note_error(session: Session, dedupe_key: str, error: str) -> None:
    """Keep what an attempt that could not be settled failed on, for the mismatch log's note."""
    session.execute(
        update(InboxEntry)
        .where(InboxEntry.dedupe_key == dedupe_key)
        .values(last_error=error[:2000], updated_at=utcnow())
    )


def mark(session: Session, dedupe_key: str, status: str) -> None:
    session.execute(
        update(InboxEntry)
        .where(InboxEntry.dedupe_key == dedupe_key)
        .values(status=status, updated_at=utcnow())
    )


def reset(session: Session, dedupe_key: str) -> None:
    """Forget the attempts of an event an operator replays, so it gets a fresh delivery budget."""
    session.execute(
        update(InboxEntry)
        .where(InboxEntry.dedupe_key == dedupe_key, InboxEntry.status != "done")
        .values(attempts=0, status="failed", last_error=None, updated_at=utcnow())
    )
