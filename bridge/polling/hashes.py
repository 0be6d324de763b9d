"""What hash-compare pollers last saw, per connection, source, entity and record (table poll_hashes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bridge.store.models import PollHash

BASELINE = "*"  # a row that says the first full read was recorded (even if it found no records)
RESERVED = "*schedule:"  # rows of the budget's ledger (ledger.py), not records


def seen(session: Session, connection_id: str, source: str, entity: str) -> dict[str, tuple[str, Any]]:
    """record id → (digest, detail) as last stored (the ledger's rows left out)."""
    rows = session.execute(
        select(PollHash).where(
            PollHash.connection_id == connection_id,
            PollHash.source == source,
            PollHash.entity == entity,
            PollHash.record_id.not_like(RESERVED + "%"),
        )
    ).scalars()
    return {r.record_id: (r.digest, r.detail) for r in rows}


def remember(
    session: Session, connection_id: str, source: str, entity: str, record_id: str, digest: str, detail: Any
) -> None:
    row = session.get(PollHash, (connection_id, source, entity, record_id))
    if row is None:
        session.add(
            PollHash(
                connection_id=connection_id,
                source=source,
                entity=entity,
                record_id=record_id,
                digest=digest,
                detail=detail,
            )
        )
    else:
        row.digest, row.detail = digest, detail


def forget(session: Session, connection_id: str, source: str, entity: str, record_id: str) -> None:
    session.execute(
        delete(PollHash).where(
            PollHash.connection_id == connection_id,
            PollHash.source == source,
            PollHash.entity == entity,
            PollHash.record_id == record_id,
        )
    )
