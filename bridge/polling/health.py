"""Are the webhooks alive? Receipt times kept in the store (table webhook_health), and the verdict.

Xero disables a subscription after 24 h of failed deliveries and sends nothing more until it is
re-enabled (xero-facts §1); Odoo's webhook has no retry (odoo-facts §2.1). The pollers heal the
data either way; this module makes the outage visible. A change a poller had to bring (the bridge
had not applied it yet) is a *suspect*: if no webhook at all arrives after it within
`webhook_silence`, the webhooks look dead and the scheduler says so at ERROR, every round, and
`bridge status` shows the alarm. Any webhook arriving after the oldest suspect clears it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.store import Database
from bridge.store.models import WebhookHealth, utcnow

log = logging.getLogger(__name__)

TOUCH_EVERY = 10.0  # seconds: one store write per source and connection at most this often, per process

_touched: dict[tuple[str, str, str], float] = {}
_touched_lock = threading.Lock()


def _row(session: Session, source: str, connection_id: str) -> WebhookHealth:
    row = session.get(WebhookHealth, (source, connection_id))
    if row is None:
        row = WebhookHealth(source=source, connection_id=connection_id, missed=0)
        session.add(row)
    return row


def received(db: Database, source: str, connection_ids: Iterable[str | None], force: bool = False) -> None:
    """Note that a webhook of `source` arrived for these connections (throttled: cheap on the ingest path)."""
    now_mono = time.monotonic()
    due = []
    with _touched_lock:
        for connection_id in {c for c in connection_ids if c}:
            key = (db.url, source, connection_id)
            if force or now_mono - _touched.get(key, -1e9) >= TOUCH_EVERY:
                _touched[key] = now_mono
                due.append(connection_id)
    if not due:
        return
    stamp = utcnow()
    with db.session() as session:
        for connection_id in due:
            _row(session, source, connection_id).last_received_at = stamp


def note_polled(session: Session, source: str, connection_id: str, modified: list[datetime]) -> int:
    """The pollers brought changes modified at these times: those after the last webhook are suspects."""
    row = _row(session, source, connection_id)
    last = row.last_received_at
    suspects = [t for t in modified if last is None or t > last]
    if suspects:
        row.missed = (row.missed or 0) + len(suspects)
        oldest = min(suspects)
        row.suspect_since = oldest if row.suspect_since is None else min(row.suspect_since, oldest)
    return len(suspects)


def verdict(session: Session, source: str, connection_id: str, silence: float, now: datetime) -> str | None:
    """Clear the suspicion if a webhook came after it; raise the alarm if none came for `silence` s."""
    row = _row(session, source, connection_id)
    if row.suspect_since is None:
        row.alarm = None
        return None
    if row.last_received_at is not None and row.last_received_at >= row.suspect_since:
        row.suspect_since, row.missed, row.alarm = None, 0, None
        return None
    if now - row.suspect_since < timedelta(seconds=silence):
        return None
    last = row.last_received_at.isoformat(timespec="seconds") if row.last_received_at else "never"
    row.alarm = (
        f"{source} webhooks look dead for connection {connection_id}: {row.missed} change(s) since "
        f"{row.suspect_since.isoformat(timespec='seconds')} came only through polling; last webhook "
        f"received: {last}"
        + (
            ". Check the subscription in the Xero developer portal (Xero disables it after 24 h of "
            "failed deliveries) and re-enable it"
            if source == "xero"
            else ". Check the bridge's automation rules in Odoo (bridge odoo setup)"
        )
    )
    return row.alarm


def all_rows(session: Session) -> list[WebhookHealth]:
    return list(
        session.execute(
            select(WebhookHealth).order_by(WebhookHealth.connection_id, WebhookHealth.source)
        ).scalars()
    )


def check(db: Database, source: str, connection_id: str, silence: float) -> str | None:
    with db.session() as session:
        alarm = verdict(session, source, connection_id, silence, utcnow())
    if alarm:
        log.error("%s", alarm)
    return alarm
