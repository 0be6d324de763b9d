"""Publishing with publisher confirms, waiting once per batch rather than once per message.

A request handler publishes every event of one webhook and then waits for all their confirms: on
this machine that is about 10x the throughput of a confirm wait per message (perf-baselines.md).
Each thread keeps one long-lived connection; any doubt (timeout, nack, unroutable, lost connection)
throws that connection away and raises PublishError, so the caller can answer 503 and let the
sender redeliver. Duplicates that a redelivery creates are absorbed by the consumers' inbox.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from kombu import Connection, Producer

from bridge.broker.topology import Topology
from bridge.events import Event

log = logging.getLogger(__name__)


class PublishError(Exception):
    """The broker did not confirm every message of a batch."""


@dataclass(frozen=True)
class Outgoing:
    routing_key: str
    body: dict
    exchange: str | None = None  # None: the events exchange
    headers: dict = field(default_factory=dict)
    message_id: str | None = None
    correlation_id: str | None = None

    @classmethod
    def of(cls, event: Event, exchange: str | None = None) -> Outgoing:
        """An event as a message: routed by its entity, identified by its ids."""
        return cls(
            routing_key=event.routing_key,
            body=event.to_dict(),
            exchange=exchange,
            message_id=event.event_id,
            correlation_id=event.correlation_id,
        )


class _ConfirmTracker:
    """Delivery tags sent on a confirm-mode channel and what the broker said of them."""

    def __init__(self, channel) -> None:
        self.sent = 0
        self.unconfirmed: set[int] = set()
        self.failures: list[str] = []
        channel.events["basic_ack"].add(self._ack)
        channel.events["basic_nack"].add(self._nack)
        channel.events["basic_return"].add(self._returned)

    def next_tag(self) -> int:
        self.sent += 1
        self.unconfirmed.add(self.sent)
        return self.sent

    def _settle(self, tag: int, multiple: bool) -> set[int]:
        settled = {t for t in self.unconfirmed if t <= tag} if multiple else {tag} & self.unconfirmed
        self.unconfirmed -= settled
        return settled

    def _ack(self, tag: int, multiple: bool) -> None:
        self._settle(tag, multiple)

    def _nack(self, tag: int, multiple: bool) -> None:
        if self._settle(tag, multiple):
            self.failures.append("the broker refused a message (nack)")

    def _returned(self, exc, exchange, routing_key, message) -> None:
        self.failures.append(f"no queue for routing key {routing_key!r} on {exchange!r}")


class _Link:
    """One thread's connection, channel and producer."""

    def __init__(self, url: str, topology: Topology, timeout: float, transport_options: dict) -> None:
        self.connection = Connection(url, connect_timeout=timeout, transport_options=transport_options)
        self.connection.ensure_connection(max_retries=0, interval_start=0, timeout=timeout)
        self.channel = self.connection.channel()
        topology.declare(self.channel)
        self.confirms = self.connection.transport.driver_type == "amqp"
        self.tracker = None
        if self.confirms:
            self.channel.confirm_select()
            self.tracker = _ConfirmTracker(self.channel)
        self.producer = Producer(
            self.channel, exchange=topology.events, serializer="json", auto_declare=False
        )

    def close(self) -> None:
        try:
            self.connection.release()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail in any way
            log.debug("closing a broker connection failed", exc_info=True)


class Publisher:
    """Long-lived connections in a pool: a request takes one, publishes, and gives it back. (Not one per
    thread: a server that starts a thread per request, like werkzeug's, would leak a connection each.)"""

    def __init__(
        self,
        url: str,
        topology: Topology,
        timeout: float = 2.0,
        transport_options: dict | None = None,
        max_idle: int = 16,
    ):
        self.url = url
        self.topology = topology
        self.timeout = timeout
        self.transport_options = transport_options or {}
        self.max_idle = max_idle
        self._idle: list[_Link] = []
        self._lock = threading.Lock()

    def _take(self) -> _Link:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _Link(self.url, self.topology, self.timeout, self.transport_options)

    def _give_back(self, link: _Link) -> None:
        with self._lock:
            if len(self._idle) < self.max_idle:
                self._idle.append(link)
                return
        link.close()

    def publish(self, messages: list[Outgoing]) -> None:
        """Publish persistently and return once the broker has confirmed all; else raise PublishError.

        A stale connection (e.g. the broker restarted since its last use) gets one fresh try.
        """
        if not messages:
            return
        deadline = time.monotonic() + self.timeout
        for attempt in (1, 2):
            link = None
            try:
                link = self._take()
                self._publish_once(link, messages, deadline)
                self._give_back(link)
                return
            except PublishError:
                if link is not None:
                    link.close()
                raise
            except Exception as exc:  # noqa: BLE001 - any transport error: reconnect once, then give up
                if link is not None:
                    link.close()
                if attempt == 2 or time.monotonic() >= deadline:
                    raise PublishError(f"broker unavailable: {type(exc).__name__}: {exc}") from None
                log.info("broker connection lost (%s); reconnecting", type(exc).__name__)

    def _publish_once(self, link: _Link, messages: list[Outgoing], deadline: float) -> None:
        tracker = link.tracker
        if tracker is not None:
            tracker.failures.clear()
        for message in messages:
            if tracker is not None:
                tracker.next_tag()
            link.producer.publish(
                message.body,
                routing_key=message.routing_key,
                exchange=message.exchange or self.topology.events.name,
                delivery_mode=2,
                mandatory=link.confirms,
                headers=message.headers or None,
                message_id=message.message_id,
                correlation_id=message.correlation_id,
            )
        if tracker is None:
            return  # the embedded transport stores each message before publish() returns
        while tracker.unconfirmed and not tracker.failures:
            left = deadline - time.monotonic()
            if left <= 0:
                raise PublishError(
                    f"broker confirmed {len(messages) - len(tracker.unconfirmed)} of {len(messages)}"
                )
            try:
                link.connection.drain_events(timeout=left)
            except TimeoutError:
                continue
        if tracker.failures:
            raise PublishError("; ".join(dict.fromkeys(tracker.failures)))

    def close(self) -> None:
        with self._lock:
            links, self._idle = self._idle, []
        for link in links:
            link.close()
