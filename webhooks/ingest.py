"""Turning verified webhook bodies into published events (or kept, unrouted ones)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bridge.broker.publisher import Outgoing, Publisher
from bridge.events import Event
from bridge.metrics import EVENTS_PUBLISHED, EVENTS_UNROUTED
from bridge.polling import health
from bridge.store import Database
from bridge.store import unrouted as unrouted_store

log = logging.getLogger(__name__)


@dataclass
class Batch:
    source: str
    events: list[Event] = field(default_factory=list)
    unrouted: list[tuple[dict, str | None, int | None]] = field(default_factory=list)


def accept(batch: Batch, publisher: Publisher, db: Database) -> None:
    """Publish every routed event with one confirm wait, then keep the unrouted ones.

    Raises PublishError (or a store error) when anything could not be made durable: the caller
    answers 503 and the sender delivers the whole batch again.
    """
    publisher.publish([Outgoing.of(e) for e in batch.events])
    EVENTS_PUBLISHED.labels(batch.source).inc(len(batch.events))
    try:  # for the scheduler's "webhooks look dead" check; at most one write per 10 s per connection
        health.received(db, batch.source, (e.connection for e in batch.events))
    except Exception:  # noqa: BLE001 - the events are safe on the broker; this is only a heartbeat
        log.warning("could not note the webhook's arrival in the store", exc_info=True)
    if batch.unrouted:
        with db.session() as session:
            for body, tenant_id, company_id in batch.unrouted:
                unrouted_store.keep(session, batch.source, body, tenant_id=tenant_id, company_id=company_id)
        EVENTS_UNROUTED.labels(batch.source).inc(len(batch.unrouted))
        log.info("kept %d %s event(s) that no connection maps", len(batch.unrouted), batch.source)
