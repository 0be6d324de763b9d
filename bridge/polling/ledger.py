"""What each Xero poller of a connection last cost and when it last ran, kept in the store.

The budget planner (budget.py) plans on what a round really costs, pages included, and the scheduler
must not re-run every poller when it restarts (a restart loop would spend the day's budget): both need
this to outlive the process. The rows live in poll_hashes under a reserved record id per spec
("*schedule:<spec>"), which hashes.seen() leaves out, so no table of its own is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.polling.hashes import RESERVED as PREFIX
from bridge.store.models import PollHash

SMOOTHING = 0.3  # weight of the newest round in the moving average of calls per round


@dataclass(frozen=True)
class Entry:
    ran_at: datetime | None = None  # when its last round started
    calls: float | None = None  # Xero calls per round: a moving average of the measured ones
    last_calls: int | None = None  # what the last round cost
    full_at: datetime | None = None  # the last wide re-read (watermark) or full read (hash spec)
    rounds: int = 0

    def detail(self) -> dict:
        return {
            "ran_at": self.ran_at.isoformat() if self.ran_at else None,
            "calls": self.calls,
            "last_calls": self.last_calls,
            "full_at": self.full_at.isoformat() if self.full_at else None,
            "rounds": self.rounds,
        }

    @classmethod
    def of(cls, detail: dict | None) -> Entry:
        detail = detail or {}

        def when(key: str) -> datetime | None:
            return datetime.fromisoformat(detail[key]) if detail.get(key) else None

        return cls(
            when("ran_at"),
            detail.get("calls"),
            detail.get("last_calls"),
            when("full_at"),
            detail.get("rounds", 0),
        )


def key_of(spec) -> str:
    """A spec's name in the ledger: its entity and class (an entity may have several Xero specs)."""
    return f"{spec.entity}:{type(spec).__name__}"


def load(session: Session, connection_id: str, spec) -> Entry:
    row = session.get(PollHash, (connection_id, spec.source, spec.entity, PREFIX + key_of(spec)))
    return Entry() if row is None else Entry.of(row.detail)


def load_all(session: Session, connection_id: str) -> dict[tuple[str, str], Entry]:
    """(source, spec key) → entry, for every spec of the connection that ever ran."""
    rows = session.execute(
        select(PollHash).where(PollHash.connection_id == connection_id, PollHash.record_id.like(PREFIX + "%"))
    ).scalars()
    return {(r.source, r.record_id.removeprefix(PREFIX)): Entry.of(r.detail) for r in rows}


def record(session: Session, connection_id: str, spec, at: datetime, calls: int, full: bool = False) -> Entry:
    """A round of `spec` started at `at` and cost `calls` Xero calls; `full`: a wide or full read."""
    record_id = PREFIX + key_of(spec)
    row = session.get(PollHash, (connection_id, spec.source, spec.entity, record_id))
    before = Entry() if row is None else Entry.of(row.detail)
    average = calls if before.calls is None else (1 - SMOOTHING) * before.calls + SMOOTHING * calls
    entry = Entry(at, average, calls, at if full else before.full_at, before.rounds + 1)
    if row is None:
        session.add(
            PollHash(
                connection_id=connection_id,
                source=spec.source,
                entity=spec.entity,
                record_id=record_id,
                digest="-",
                detail=entry.detail(),
            )
        )
    else:
        row.detail = entry.detail()
    return entry
