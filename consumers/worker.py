"""The consumer loop: take an event, apply it exactly once in effect, then acknowledge it.

A Worker runs one consumer per work queue it is given (direction × group), each on its own broker
connection and channel, in its own thread (`concurrency` of them per queue): a slow group (documents)
never holds up another (partners). run() starts them and watches over them until stop().

Per message:
  1. parse the envelope (malformed → mismatch log);
  2. lease the record (busy → wait a moment, without counting an attempt);
  3. claim it in the inbox (already done → acknowledge, no effect), committing the attempt count;
  4. apply it through its translator;
  5. commit binding + inbox "done" + mismatch resolution in one transaction;
  6. acknowledge. A crash before 6 redelivers the event; the translator's idempotence and step 3
     keep the effect single.
Failures: transient/unknown → the retry ladder (RabbitMQ TTL queues, or the store on the embedded
broker); permanent, or the ladder spent → the mismatch log. A Xero tenant out of its rate budget is a
transient failure too (the governor raises RateLimited rather than sleep in the consumer thread), so
it never holds up another tenant's events. When the worker's own work fails — the commit of step 5,
or the store being unreachable — the message is not acknowledged: it is logged as what it is, its
error kept in the inbox, and it is delivered again after a pause. On RabbitMQ a message that keeps
failing like that, or killing its consumer, is dead-lettered by the quorum queue's delivery limit; on
the embedded broker the inbox's attempt count does the same; either way the mismatch entry names the
last error seen.
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
from dataclasses import replace
from datetime import datetime, timedelta

from kombu import Connection, Consumer, Message, Queue
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError

from bridge.broker.publisher import Outgoing
from bridge.entities import DIRECTIONS, GROUPS
from bridge.errors import BLOCKED, PERMANENT, TRANSIENT, BridgeError, classify
from bridge.events import Event, now
from bridge.metrics import APPLY_SECONDS, EVENTS_HANDLED
from bridge.runtime import Runtime
from bridge.store import bindings, deferred, inbox, leases, mismatches, parked
from bridge.store import connections as connection_store
from bridge.xero.governor import RateLimited
from consumers.base import Context, Outcome
from consumers.registry import Registry

log = logging.getLogger(__name__)

BUSY_DELAY = 1.0  # seconds an event waits when another worker holds its record
UNSETTLED_PAUSE = 1.0  # seconds before a message the worker could not settle is delivered again


def describe(exc: BaseException) -> str:
    """An exception in one line: its type and the first line of its message (a database error's own,
    without the SQL statement and parameters SQLAlchemy appends)."""
    text = str(exc.orig) if isinstance(exc, DBAPIError) and exc.orig is not None else str(exc)
    first = text.strip().splitlines()[0] if text.strip() else ""
    return f"{type(exc).__name__}: {first}"[:500]


class BrokerLost(Exception):
    """Acknowledging or requeueing a message failed: the connection is gone (the message comes back)."""


def _settle(operation: Callable[[], None]) -> None:
    try:
        operation()
    except Exception as exc:  # noqa: BLE001 - whatever the transport raises
        raise BrokerLost(describe(exc)) from exc


class QueueConsumer:
    """One queue, consumed on its own broker connection and channel, in one thread."""

    def __init__(self, worker: Worker, queue: Queue, name: str):
        self.worker = worker
        self.queue = queue
        self.name = name  # also its lease holder: two consumers never share a record's lease
        self.consuming = False

    def run(self, stopped: Callable[[], bool]) -> None:
        """Consume until stopped(), reconnecting after broker outages."""
        while not stopped():
            try:
                self._consume(stopped)
            except Exception as exc:  # noqa: BLE001 - connection errors of any transport
                self.consuming = False
                if stopped():
                    break
                cause = exc.__cause__ if isinstance(exc, BrokerLost) and exc.__cause__ else exc
                log.warning(
                    "%s: broker connection lost (%s); reconnecting in 1 s", self.name, describe(cause)
                )
                self.worker.pause(1.0)
        self.consuming = False

    def _consume(self, stopped: Callable[[], bool]) -> None:
        worker = self.worker
        with Connection(worker.settings.broker_url, heartbeat=0) as connection:
            connection.ensure_connection(max_retries=3)
            channel = connection.channel()
            worker.topology.declare(channel)
            consumer = Consumer(
                channel, queues=[self.queue], callbacks=[self._on_message], accept=["json"], no_ack=False
            )
            consumer.qos(prefetch_count=worker.settings.prefetch)
            with consumer:
                log.info("worker %s consuming %s", self.name, self.queue.name)
                self.consuming = True
                while not stopped():
                    worker.recover_stranded(channel)
                    with contextlib.suppress(TimeoutError):
                        connection.drain_events(timeout=0.2)

    def _on_message(self, body: dict, message: Message) -> None:
        self.worker.dispatch(body, message, holder=self.name)


class Worker:
    def __init__(
        self,
        runtime: Runtime,
        registry: Registry,
        services: dict | None = None,
        directions: tuple[str, ...] = DIRECTIONS,
        groups: tuple[str, ...] = GROUPS,
        name: str | None = None,
        concurrency: int = 1,
    ):
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.runtime = runtime
        self.settings = runtime.settings
        self.db = runtime.db
        self.topology = runtime.topology
        self.registry = registry
        self.ctx = Context(settings=self.settings, db=self.db, services=services or {})
        self.queues = self.topology.work_queues(directions, groups)
        self.concurrency = concurrency
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.stats: dict[str, int] = {}
        self.consumers: list[QueueConsumer] = []
        self._stats_lock = threading.Lock()
        self._stop = threading.Event()
        self._recovery_lock = threading.Lock()
        self._last_recovery = -1e9
        self._applied_from: dict[str, datetime] = {}  # record → start of the last completed fetch

    # ----------------------------------------------------------------------------- loop

    def stop(self) -> None:
        self._stop.set()

    def pause(self, seconds: float) -> None:
        """Wait, unless stop() comes first."""
        self._stop.wait(seconds)

    def ready(self) -> bool:
        """Every consumer is subscribed to its queue."""
        return bool(self.consumers) and all(c.consuming for c in self.consumers)

    def _make_consumers(self) -> list[QueueConsumer]:
        queues = [(q, n) for q in self.queues for n in range(self.concurrency)]
        if self.topology.native:
            queues.append((self.topology.dead_queue(), 0))
        prefix = self.topology.namespace + "."
        return [
            QueueConsumer(self, queue, f"{self.name[:80]}/{queue.name.removeprefix(prefix)}#{n}")
            for queue, n in queues
        ]

    def run(self, until: Callable[[], bool] | None = None) -> None:
        """Run every consumer until stop() (or `until()` is true); each finishes the event in hand.

        A consumer killed by something that is not an Exception (as a crash would kill the process)
        stops the others, and run() raises it.
        """
        halt = threading.Event()
        crashed: list[BaseException] = []

        def stopped() -> bool:
            return halt.is_set() or self._stop.is_set()

        def consume(consumer: QueueConsumer) -> None:
            try:
                consumer.run(stopped)
            except BaseException as exc:  # noqa: BLE001 - handed to run()'s caller
                crashed.append(exc)
                halt.set()

        self.consumers = self._make_consumers()
        threads = [
            threading.Thread(target=consume, args=(c,), name=c.name, daemon=True) for c in self.consumers
        ]
        for thread in threads:
            thread.start()
        try:
            while not stopped() and not (until and until()):
                if not self.housekeeping():
                    halt.wait(1.0)
                halt.wait(0.2)
        finally:
            halt.set()
            for thread in threads:
                thread.join()
        if crashed:
            raise crashed[0]

    def housekeeping(self) -> bool:
        """What the embedded broker cannot do itself: send delayed events back when they are due."""
        if self.topology.native:
            return True
        try:
            self.release_due()
        except Exception as exc:  # noqa: BLE001 - the store or the broker is away: try again shortly
            log.warning("could not release delayed events (%s); trying again", describe(exc))
            return False
        return True

    def recover_stranded(self, channel) -> None:
        """Embedded broker: make visible again what a killed consumer had fetched (one consumer of
        this worker at a time does it, every few seconds)."""
        if self.topology.native or not hasattr(channel, "recover_stale"):
            return
        with self._recovery_lock:
            now = time.monotonic()
            if now - self._last_recovery <= min(10.0, self.settings.lease_seconds):
                return
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

    def dispatch(self, body: dict, message: Message, holder: str | None = None) -> None:
        """Handle one message. Whatever fails in the worker's own work (the store, a bug) leaves it
        unsettled for another delivery, named as what it is; only a lost broker connection escapes."""
        try:
            if message.delivery_info.get("exchange") == self.topology.dead_exchange.name:
                self.handle_dead_letter(body, message)
            else:
                self.handle(body, message, holder)
        except BrokerLost:
            raise
        except Exception as exc:  # noqa: BLE001 - named, kept and retried below
            key = body.get("dedupe_key") if isinstance(body, dict) else None
            what = (
                f"{body.get('source')} {body.get('entity')} {body.get('resource_id')}" if key else "a message"
            )
            entity = str(body.get("entity") or "-") if key else "-"
            self._unsettled(message, key, f"handling {what} failed: {describe(exc)}", exc, entity)

    def _unsettled(
        self, message: Message, key: str | None, error: str, exc: BaseException, entity: str = "-"
    ) -> None:
        """Leave a message for another delivery: say why, keep the error for the mismatch log should
        the delivery limit be reached, and requeue it after a pause."""
        log.error("%s; not acknowledged, it will be delivered again", error, exc_info=exc)
        if key:
            try:
                with self.db.session() as session:
                    inbox.note_error(session, key, error)
            except Exception as noted:  # noqa: BLE001 - the store may be what failed
                log.warning("could not keep that error in the inbox (%s)", describe(noted))
        self._count("unsettled", entity)
        self.pause(UNSETTLED_PAUSE)
        if not message.acknowledged:
            _settle(message.requeue)

    def _count(self, outcome: str, entity: str = "-") -> None:
        with self._stats_lock:
            self.stats[outcome] = self.stats.get(outcome, 0) + 1
        EVENTS_HANDLED.labels(entity, outcome).inc()

    def _parse(self, body: dict, message: Message) -> Event | None:
        """The envelope, or None after logging a malformed one as a mismatch (and acknowledging it)."""
        try:
            return Event.from_dict(body)
        except ValidationError as exc:
            self._malformed(body, exc.normalized_messages())
            _settle(message.ack)
            return None

    def handle(self, body: dict, message: Message, holder: str | None = None) -> None:
        holder = holder or self.name
        event = self._parse(body, message)
        if event is None:
            return
        if event.waiting() > 0:
            # Back from a broker delay step shorter than its Retry-After: wait the rest.
            wait = event.waiting()
            self._delay(event, wait, self.topology.retry_step(1, at_least=wait))
            _settle(message.ack)
            return
        translator = self.registry.get(event.source, event.entity)
        if translator is None:
            self._to_mismatch(
                event, "permanent", f"no translator for {event.source} {event.entity} events yet", 1
            )
            _settle(message.ack)
            return
        blocked = self._blocked_note(event)
        if blocked:
            self._park(event, blocked)
            _settle(message.ack)
            return
        with self.db.session() as session:
            held = leases.acquire(session, event.record_key, holder, self.settings.lease_seconds)
        if not held:
            self._delay(event, BUSY_DELAY, step=0)
            self._count("busy", event.entity)
            _settle(message.ack)
            return
        try:
            self._handle_leased(event, translator, message)
        finally:
            self._release_lease(event, holder)

    def _release_lease(self, event: Event, holder: str) -> None:
        try:
            with self.db.session() as session:
                leases.release(session, event.record_key, holder)
        except Exception as exc:  # noqa: BLE001 - the lease expires by itself
            log.warning(
                "could not release the lease on %s (%s); it expires in %gs",
                event.record_key,
                describe(exc),
                self.settings.lease_seconds,
            )

    def _handle_leased(self, event: Event, translator, message: Message) -> None:
        with self.db.session() as session:
            claim = inbox.claim(session, event.dedupe_key, event.event_id)
            if claim.duplicate:
                mismatches.resolve_applied(session, event.dedupe_key)
        if claim.duplicate:
            self._count("duplicate", event.entity)
            _settle(message.ack)
            return
        unsettled = claim.attempts - 1 - event.attempt  # claims that never settled: failed or died
        if not self.topology.native and unsettled >= self.settings.delivery_limit:
            why = (
                f"the last try failed: {claim.last_error}"
                if claim.last_error
                else "the worker kept dying on it"
            )
            note = f"delivered {claim.attempts} times without being settled; {why}"
            self._to_mismatch(event, "dead_letter", note, claim.attempts)
            _settle(message.ack)
            return
        if self._covered(event):
            # A fetch of this record began after this notification arrived: its effect is applied.
            with self.db.session() as session:
                inbox.mark(session, event.dedupe_key, "done")
                mismatches.resolve_applied(session, event.dedupe_key)
            self._count("coalesced", event.entity)
            _settle(message.ack)
            return
        started = time.perf_counter()
        fetch_started = now()
        try:
            outcome = translator.apply(event, self.ctx)
        except Exception as exc:  # noqa: BLE001 - every failure is classified below
            self._failed(event, classify(exc), claim.attempts, translator)
            _settle(message.ack)
            return
        finally:
            APPLY_SECONDS.labels(event.entity).observe(time.perf_counter() - started)
        try:
            self._commit(event, outcome)
        except Exception as exc:  # noqa: BLE001 - the effect is applied; only our record of it failed
            error = (
                f"commit failed after {event.source} {event.entity} {event.resource_id} was applied: "
                f"{describe(exc)}"
            )
            self._unsettled(message, event.dedupe_key, error, exc, event.entity)  # translators are idempotent
            return
        if event.source == "xero":
            self._applied_from[event.record_key] = fetch_started
        self._count(outcome.action, event.entity)
        _settle(message.ack)

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
                    snapshot=b.snapshot,
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
        if isinstance(error, RateLimited):
            # Not a failed try: the tenant's Xero budget is spent for now. The event waits its turn
            # without using up the retry ladder (a backlog must not end in the mismatch log).
            wait = max(error.retry_after or 1.0, 0.1)
            with self.db.session() as session:
                inbox.reset(session, event.dedupe_key)
                inbox.mark(session, event.dedupe_key, "retrying")
            self._delay(
                replace(event, not_before=now() + timedelta(seconds=wait)),
                wait,
                self.topology.retry_step(1, at_least=wait),
            )
            self._count("rate_limited", event.entity)
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
        """A message the broker gave up on (delivery limit): it kept failing, killing or stalling its
        consumer. The note names the last error the worker kept for it, if it saw one."""
        event = self._parse(body, message)
        if event is None:
            return
        with self.db.session() as session:
            done = inbox.is_done(session, event.dedupe_key)
            attempts, last_error = inbox.history(session, event.dedupe_key)
        # x-death's count is how often it was dead-lettered, not delivered: the inbox counted deliveries.
        count = (message.headers or {}).get("x-delivery-count") or attempts
        if last_error:
            why = f"the last try failed: {last_error}"
        else:
            why = "the worker crashed or stalled while applying it"
        note = (
            f"dead-lettered by the broker after {count or 'too many'} deliveries "
            f"(delivery limit {self.settings.delivery_limit}): {why}"
        )
        if not done:
            self._to_mismatch(event, "dead_letter", note, int(count or 0))
        _settle(message.ack)


__all__ = ["QueueConsumer", "Worker"]
