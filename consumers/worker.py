"""The consumer loop: take an event, apply it exactly once in effect, then acknowledge it.

Per message:
  1. parse the envelope (malformed → mismatch log);
  2. lease the record (busy → wait a moment, without counting an attempt);
  3. claim it in the inbox (already done → acknowledge, no effect), committing the attempt count;
  4. apply it through its translator;
  5. commit binding + inbox "done" + mismatch resolution in one transaction;
  6. acknowledge. A crash before 6 redelivers the event; the translator's idempotence and step 3
     keep the effect single.
Failures: transient/unknown → the retry ladder (RabbitMQ TTL queues, or the store on the embedded
broker); permanent, or the ladder spent → the mismatch log. On RabbitMQ a message that keeps killing
its consumer is dead-lettered by the quorum queue's delivery limit; on the embedded broker the inbox's
attempt count does the same.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from kombu import Connection, Consumer, Message
from marshmallow import ValidationError

from bridge.broker.publisher import Outgoing
from bridge.entities import DIRECTIONS, GROUPS
from bridge.errors import BLOCKED, PERMANENT, TRANSIENT, BridgeError, classify
from bridge.events import Event, now
from bridge.metrics import APPLY_SECONDS, EVENTS_HANDLED
from bridge.runtime import Runtime
from bridge.store import bindings, deferred, inbox, leases, mismatches, parked
from bridge.store import connections as connection_store
from consumers.base import Context, Outcome
from consumers.registry import Registry

log = logging.getLogger(__name__)

BUSY_DELAY = 1.0  # seconds an event waits when another worker holds its record


class Worker:
    def __init__(
        self,
        runtime: Runtime,
        registry: Registry,
        services: dict | None = None,
        directions: tuple[str, ...] = DIRECTIONS,
        groups: tuple[str, ...] = GROUPS,
        name: str | None = None,
    ):
        self.runtime = runtime
        self.settings = runtime.settings
        self.db = runtime.db
        self.topology = runtime.topology
        self.registry = registry
        self.ctx = Context(settings=self.settings, db=self.db, services=services or {})
        self.queues = self.topology.work_queues(directions, groups)
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.stats: dict[str, int] = {}
        self._stop = threading.Event()
        self._last_recovery = -1e9
        self._applied_from: dict[str, datetime] = {}  # record → start of the last completed fetch

    # ----------------------------------------------------------------------------- loop

    def stop(self) -> None:
        self._stop.set()

    def run(self, until: Callable[[], bool] | None = None) -> None:
        """Consume until stop() (or `until()` is true), reconnecting after broker outages."""
        while not self._stop.is_set() and not (until and until()):
            try:
                self._consume(until)
            except Exception as exc:  # noqa: BLE001 - connection errors of any transport
                if self._stop.is_set():
                    break
                log.warning("broker connection lost (%s: %s); reconnecting in 1 s", type(exc).__name__, exc)
                self._stop.wait(1.0)

    def _consume(self, until: Callable[[], bool] | None) -> None:
        with Connection(self.settings.broker_url, heartbeat=0) as connection:
            connection.ensure_connection(max_retries=3)
            channel = connection.channel()
            self.topology.declare(channel)
            queues = list(self.queues)
            if self.topology.native:
                queues.append(self.topology.dead_queue())
            consumer = Consumer(
                channel, queues=queues, callbacks=[self._on_message], accept=["json"], no_ack=False
            )
            consumer.qos(prefetch_count=self.settings.prefetch)
            with consumer:
                log.info("worker %s consuming %s", self.name, ", ".join(q.name for q in queues))
                while not self._stop.is_set() and not (until and until()):
                    self.housekeeping(channel)
                    with contextlib.suppress(TimeoutError):
                        connection.drain_events(timeout=0.2)

    def housekeeping(self, channel) -> None:
        """What the embedded broker cannot do itself: release delayed events, recover stranded ones."""
        if self.topology.native:
            return
        self.release_due()
        now = time.monotonic()
        if now - self._last_recovery > min(10.0, self.settings.lease_seconds) and hasattr(
            channel, "recover_stale"
        ):
            self._last_recovery = now
            recovered = channel.recover_stale(older_than_seconds=self.settings.lease_seconds * 2)
            if recovered:
                log.warning("made %d stranded message(s) visible again", recovered)

    def release_due(self) -> int:
        with self.db.session() as session:
            due = deferred.take_due(session)
            if due:
                self.runtime.publisher.publish(
                    [Outgoing(routing_key=d.routing_key, body=d.body) for d in due]
                )
        return len(due)

    # -------------------------------------------------------------------------- messages

    def _on_message(self, body: dict, message: Message) -> None:
        if message.delivery_info.get("exchange") == self.topology.dead_exchange.name:
            self.handle_dead_letter(body, message)
        else:
            self.handle(body, message)

    def _count(self, outcome: str, entity: str = "-") -> None:
        self.stats[outcome] = self.stats.get(outcome, 0) + 1
        EVENTS_HANDLED.labels(entity, outcome).inc()

    def _parse(self, body: dict, message: Message) -> Event | None:
        """The envelope, or None after logging a malformed one as a mismatch (and acknowledging it)."""
        try:
            return Event.from_dict(body)
        except ValidationError as exc:
            self._malformed(body, exc.normalized_messages())
            message.ack()
            return None

    def handle(self, body: dict, message: Message) -> None:
        event = self._parse(body, message)
        if event is None:
            return
        if event.waiting() > 0:
            # Back from a broker delay step shorter than its Retry-After: wait the rest.
            wait = event.waiting()
            self._delay(event, wait, self.topology.retry_step(1, at_least=wait))
            message.ack()
            return
        translator = self.registry.get(event.source, event.entity)
        if translator is None:
            self._to_mismatch(
                event, "permanent", f"no translator for {event.source} {event.entity} events yet", 1
            )
            message.ack()
            return
        blocked = self._blocked_note(event)
        if blocked:
            self._park(event, blocked)
            message.ack()
            return
        with self.db.session() as session:
            held = leases.acquire(session, event.record_key, self.name, self.settings.lease_seconds)
        if not held:
            self._delay(event, BUSY_DELAY, step=0)
            self._count("busy", event.entity)
            message.ack()
            return
        try:
            self._handle_leased(event, translator, message)
        finally:
            with self.db.session() as session:
                leases.release(session, event.record_key, self.name)

    def _handle_leased(self, event: Event, translator, message: Message) -> None:
        with self.db.session() as session:
            claim = inbox.claim(session, event.dedupe_key, event.event_id)
            if claim.duplicate:
                mismatches.resolve_applied(session, event.dedupe_key)
        if claim.duplicate:
            self._count("duplicate", event.entity)
            message.ack()
            return
        crashes = claim.attempts - 1 - event.attempt  # claims that never settled: the worker died
        if not self.topology.native and crashes >= self.settings.delivery_limit:
            note = f"delivered {claim.attempts} times without being settled; the worker kept dying on it"
            self._to_mismatch(event, "dead_letter", note, claim.attempts)
            message.ack()
            return
        if self._covered(event):
            # A fetch of this record began after this notification arrived: its effect is applied.
            with self.db.session() as session:
                inbox.mark(session, event.dedupe_key, "done")
                mismatches.resolve_applied(session, event.dedupe_key)
            self._count("coalesced", event.entity)
            message.ack()
            return
        started = time.perf_counter()
        fetch_started = now()
        try:
            outcome = translator.apply(event, self.ctx)
        except Exception as exc:  # noqa: BLE001 - every failure is classified below
            self._failed(event, classify(exc), claim.attempts, translator)
            message.ack()
            return
        finally:
            APPLY_SECONDS.labels(event.entity).observe(time.perf_counter() - started)
        self._commit(event, outcome)
        if event.source == "xero":
            self._applied_from[event.record_key] = fetch_started
        self._count(outcome.action, event.entity)
        message.ack()

    def _covered(self, event: Event) -> bool:
        """Coalescing: an event is covered when this worker completed an apply of the same record whose
        fetch began after the event was received — translators read the latest state, so it included
        this change. Xero events only: Xero notifies after its commit, whereas Odoo 17/18 may notify
        before theirs (odoo-facts §2.1), so an earlier fetch cannot vouch for an Odoo change."""
        if event.source != "xero" or event.origin == "replay":
            return False
        applied_from = self._applied_from.get(event.record_key)
        return applied_from is not None and event.received_at < applied_from

    def _commit(self, event: Event, outcome: Outcome) -> None:
        connection = outcome.connection or event.connection
        with self.db.session() as session:
            if outcome.binding is not None:
                if connection is None:
                    raise RuntimeError(f"{event.entity} {event.resource_id}: a binding needs a connection")
                b = outcome.binding
                bindings.bind(
                    session,
                    connection,
                    event.entity,
                    xero_id=b.xero_id,
                    odoo_id=b.odoo_id,
                    content_hash=b.content_hash,
                    xero_version=b.xero_version,
                    odoo_version=b.odoo_version,
                )
            inbox.mark(session, event.dedupe_key, "done")
            mismatches.resolve_applied(session, event.dedupe_key)

    def _blocked_note(self, event: Event) -> str | None:
        if event.connection is None:
            return None
        with self.db.session() as session:
            connection = connection_store.get(session, event.connection)
            if connection is not None and connection.status == "reconnect_needed":
                return connection.status_note or "the connection needs reconnecting"
        return None

    def _park(self, event: Event, reason: str) -> None:
        """Hold the event until its connection works again (`bridge xero connect` sends it again)."""
        with self.db.session() as session:
            parked.park(session, event.connection or "-", reason, event.routing_key, event.to_dict())
            inbox.reset(session, event.dedupe_key)  # a parked event has not failed: fresh attempts later
        self._count("parked", event.entity)

    def _failed(self, event: Event, error: BridgeError, attempts: int, translator) -> None:
        if error.kind == BLOCKED and event.connection:
            self._park(event, error.note)
            return
        if error.kind == PERMANENT:
            self._to_mismatch(
                event, "permanent", error.note, attempts, error.details, translator.record_name(event)
            )
            return
        step = self.topology.retry_step(event.attempt + 1, at_least=error.retry_after or 0.0)
        if step is None:
            kind = "exhausted" if error.kind == TRANSIENT else "dead_letter"
            note = f"gave up after {event.attempt + 1} tries: {error.note}"
            self._to_mismatch(event, kind, note, attempts, error.details, translator.record_name(event))
            return
        delay = max(self.topology.retry_ladder[step], error.retry_after or 0.0)
        not_before = now() + timedelta(seconds=delay) if delay > self.topology.retry_ladder[step] else None
        log.info(
            "%s %s %s: %s; retry %d in %gs",
            event.source,
            event.entity,
            event.resource_id,
            error.note,
            event.attempt + 1,
            delay,
        )
        with self.db.session() as session:
            inbox.mark(session, event.dedupe_key, "retrying")
        self._delay(event.retried(not_before), delay, step)
        self._count("retried", event.entity)

    def _delay(self, event: Event, delay: float, step: int) -> None:
        """Send the event back after `delay`: a RabbitMQ TTL queue, or the store on the embedded broker."""
        if self.topology.native:
            exchange = self.topology.retry_exchange(step).name
            self.runtime.publisher.publish([Outgoing.of(event, exchange=exchange)])
        else:
            with self.db.session() as session:
                deferred.defer(session, event.routing_key, event.to_dict(), delay)

    # ------------------------------------------------------------------------- mismatches

    def _to_mismatch(
        self,
        event: Event,
        kind: str,
        note: str,
        attempts: int,
        details: dict | None = None,
        record_name: str | None = None,
    ) -> None:
        with self.db.session() as session:
            mismatches.record(
                session,
                event=event.to_dict(),
                kind=kind,
                note=note,
                source=event.source,
                source_model=event.source_model,
                entity=event.entity,
                target=event.target,
                attempts=attempts,
                record_name=record_name,
                details=details,
            )
            inbox.mark(session, event.dedupe_key, "failed")
        log.warning("mismatch (%s) %s %s %s: %s", kind, event.source, event.entity, event.resource_id, note)
        self._count(kind, event.entity)

    def _malformed(self, body: dict, problems: dict) -> None:
        raw = json.dumps(body, sort_keys=True, default=str)
        key = "malformed|" + hashlib.sha256(raw.encode()).hexdigest()
        safe = body if isinstance(body, dict) else {"body": body}
        with self.db.session() as session:
            mismatches.record(
                session,
                event={**safe, "dedupe_key": key, "resource_id": str(safe.get("resource_id") or "?")},
                kind="malformed",
                note=f"not a valid event envelope: {json.dumps(problems, sort_keys=True)[:500]}",
                source=str(safe.get("source") or "?")[:16],
                source_model=str(safe.get("entity") or "?")[:64],
                entity=str(safe.get("entity") or "?")[:64],
                target="?",
                attempts=1,
            )
        self._count("malformed")

    def handle_dead_letter(self, body: dict, message: Message) -> None:
        """A message the broker gave up on (delivery limit): it kept killing or stalling its consumer."""
        deaths = (message.headers or {}).get("x-death") or [{}]
        count = (message.headers or {}).get("x-delivery-count") or deaths[0].get("count")
        note = (
            f"dead-lettered by the broker after {count or 'too many'} deliveries "
            f"(delivery limit {self.settings.delivery_limit}): the worker crashed or stalled while applying it"
        )
        event = self._parse(body, message)
        if event is None:
            return
        with self.db.session() as session:
            done = inbox.is_done(session, event.dedupe_key)
        if not done:
            self._to_mismatch(event, "dead_letter", note, int(count or 0))
        message.ack()


__all__ = ["Worker"]
