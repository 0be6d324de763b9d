"""Watermarks: per connection, source and entity, the newest modification time a poller has seen.

Never "now": the clock of the poller is not the source's clock, and a change stamped before the
poll may become visible after it (odoo-facts §4: write_date is the transaction start, visible at
commit). The next poll reads again from the watermark minus an overlap window, with `>=`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bridge.store.models import Watermark


def load(session: Session, connection_id: str, source: str, entity: str) -> datetime | None:
    row = session.get(Watermark, (connection_id, source, entity))
    return None if row is None else datetime.fromisoformat(row.value)


def advance(session: Session, connection_id: str, source: str, entity: str, seen: datetime) -> datetime:
    """Move the watermark to `seen` if that is newer; it never goes back. Returns the stored value."""
    row = session.get(Watermark, (connection_id, source, entity))
    if row is None:
        session.add(
            Watermark(connection_id=connection_id, source=source, entity=entity, value=seen.isoformat())
        )
        return seen
    current = datetime.fromisoformat(row.value)
    if seen > current:
        row.value = seen.isoformat()
        return seen
    return current


def poll_from(stored: datetime | None, start: datetime, overlap: float, lookback: float = 0.0) -> datetime:
    """Where a poll starts reading: the watermark minus the overlap and any extra lookback, but never
    before `start`, when the connection was made (what existed before is bulk sync's business).

    `start` is rounded down to the second: both sources compare whole seconds (If-Modified-Since;
    write_date over RPC, odoo-facts §4), and a change in the connection's first second must be seen.
    """
    floor = start.replace(microsecond=0)
    if stored is None:
        return floor
    return max(floor, stored - timedelta(seconds=overlap + lookback))
