"""Webhook sender (xero-facts §1): signed batches of CONTACT, INVOICE and CREDITNOTE events, the
intent-to-receive check, redelivery with backoff and disabling after 24 h of failures (sandbox clock)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import random
import string
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from .clock import Clock
from .formats import iso_utc

log = logging.getLogger(__name__)

CATEGORIES = frozenset({"CONTACT", "INVOICE", "CREDITNOTE"})
RESPONSE_DEADLINE = 5.0  # seconds to answer (D-WH-SRV via xero-facts §1)
DISABLE_AFTER = 24 * 3600.0
DEFAULT_RETRY_DELAYS = (10.0, 60.0, 300.0, 900.0)  # then every 900 s: "decreasing frequency" (⚠ R26)


def sign(body: bytes, key: str) -> str:
    """x-xero-signature: base64(HMAC-SHA256(key, raw body)) (xero-facts §1 "Signature")."""
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def _entropy() -> str:
    return "".join(random.choices(string.ascii_uppercase, k=20))


@dataclass
class Delivery:
    subscription_id: str
    payload: dict[str, Any]
    body: bytes
    signature: str
    at: float
    status: int | None
    ok: bool
    error: str | None = None


@dataclass
class Subscription:
    id: str
    url: str
    key: str
    status: str = "PENDING"  # PENDING → OK | ITR_FAILED; OK → RETRY → OK | DISABLED
    itr_errors: list[str] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)
    outstanding: dict[str, Any] | None = None  # a batch that failed and awaits redelivery
    sequence: int = 0
    first_failure_at: float | None = None
    next_attempt_at: float = 0.0
    failures: int = 0


class WebhookDispatcher:
    def __init__(
        self,
        clock: Clock,
        default_key: str,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        batch_window: float = 0.05,
        itr_requests: int = 4,
        on_payload: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.clock = clock
        self.default_key = default_key
        self.retry_delays = tuple(retry_delays)
        self.batch_window = batch_window
        self.itr_requests = max(2, itr_requests)
        self.on_payload = on_payload
        self.subscriptions: dict[str, Subscription] = {}
        self.deliveries: list[Delivery] = []
        self._cond = threading.Condition()
        self._busy = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="xero-sandbox-webhooks", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    # -- subscriptions ---------------------------------------------------------------------------
    def subscribe(self, url: str, key: str | None = None) -> Subscription:
        """Adds a subscription and runs the intent-to-receive check at once; only a passing target
        is enabled (status "OK"), otherwise status is "ITR_FAILED" with reasons in itr_errors."""
        sub = Subscription(str(uuid.uuid4()), url, key or self.default_key)
        self._intent_to_receive(sub)
        with self._cond:
            self.subscriptions[sub.id] = sub
        return sub

    def disable(self, subscription_id: str, timeout: float = 10.0) -> Subscription:
        """What Xero does after 24 h of failed deliveries (xero-facts §1), now: events are held from
        here on. Returns once no delivery that began before is still running, so none carries them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            sub = self.subscriptions[subscription_id]
            sub.status = "DISABLED"
            while self._busy and time.monotonic() < deadline:
                self._cond.wait(0.05)
        return sub

    def reenable(self, subscription_id: str) -> Subscription:
        """Re-runs ITR on a disabled or failed subscription (xero-facts §1); held events are kept."""
        sub = self.subscriptions[subscription_id]
        self._intent_to_receive(sub)
        with self._cond:
            if sub.status == "OK":
                sub.first_failure_at = None
                sub.failures = 0
                sub.next_attempt_at = 0.0
            self._cond.notify_all()
        return sub

    def _intent_to_receive(self, sub: Subscription) -> None:
        sub.itr_errors = []
        plan = [True, False] + [random.random() < 0.5 for _ in range(self.itr_requests - 2)]
        random.shuffle(plan)
        for good in plan:
            payload = {"events": [], "firstEventSequence": 0, "lastEventSequence": 0, "entropy": _entropy()}
            body = json.dumps(payload, separators=(",", ":")).encode()
            key = sub.key if good else sub.key + "-wrong"
            status, error = self._post(sub, payload, body, sign(body, key), expect=200 if good else 401)
            if error:
                sub.itr_errors.append(f"{'valid' if good else 'invalid'} signature: {error}")
        sub.status = "ITR_FAILED" if sub.itr_errors else "OK"

    # -- events ----------------------------------------------------------------------------------
    def publish(
        self,
        category: str,
        event_type: str,
        tenant_id: str,
        resource_id: str,
        resource_url: str,
        data: dict[str, Any] | None = None,
    ) -> None:
        if category not in CATEGORIES or event_type not in ("CREATE", "UPDATE"):
            raise ValueError("unknown webhook category or event type")
        event: dict[str, Any] = {
            "resourceUrl": resource_url,
            "resourceId": resource_id,
            "eventDateUtc": iso_utc(self.clock(), millis=True),
            "eventType": event_type,
            "eventCategory": category,
            "tenantId": tenant_id,
            "tenantType": "ORGANISATION",
        }
        if data is not None:
            event["data"] = data
        with self._cond:
            for sub in self.subscriptions.values():
                if sub.status in ("OK", "RETRY", "DISABLED"):
                    sub.pending.append(dict(event))
            self._cond.notify_all()

    def flush(self, timeout: float = 5.0) -> bool:
        """Waits until every event due now has been attempted. True when nothing is left to deliver;
        False when something awaits a later retry (on the sandbox clock), is disabled, or time ran out."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                now = self.clock()
                left = [s for s in self.subscriptions.values() if s.pending or s.outstanding]
                if not left and not self._busy:
                    return True
                due = [s for s in left if s.status in ("OK", "RETRY") and s.next_attempt_at <= now]
                if not due and not self._busy:
                    return False
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.05))

    # -- delivery loop ---------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            with self._cond:
                work = self._next_work()
                if work is None:
                    self._cond.wait(0.02)
                    continue
                self._busy = True
            try:
                if self.batch_window and work.outstanding is None:
                    time.sleep(self.batch_window)  # let a burst of changes share one batch
                self._deliver(work)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _next_work(self) -> Subscription | None:
        now = self.clock()
        for sub in self.subscriptions.values():
            if sub.status == "RETRY" and now - (sub.first_failure_at or now) >= DISABLE_AFTER:
                sub.status = "DISABLED"
                log.warning("webhook subscription %s disabled after 24 h of failures", sub.id)
                continue
            if (
                sub.status in ("OK", "RETRY")
                and (sub.pending or sub.outstanding)
                and sub.next_attempt_at <= now
            ):
                return sub
        return None

    def _deliver(self, sub: Subscription) -> None:
        with self._cond:
            if sub.outstanding is None:
                events, sub.pending = sub.pending, []
                payload = {
                    "events": events,
                    "firstEventSequence": sub.sequence + 1,
                    "lastEventSequence": sub.sequence + len(events),
                    "entropy": _entropy(),
                }
                sub.sequence += len(events)
                sub.outstanding = payload
            payload = sub.outstanding
        if self.on_payload is not None:
            self.on_payload(payload)
        body = json.dumps(payload, separators=(",", ":")).encode()
        _, error = self._post(sub, payload, body, sign(body, sub.key), expect=200)
        with self._cond:
            now = self.clock()
            if error is None:
                sub.outstanding = None
                if sub.status == "RETRY":  # a delivery never re-enables a subscription disabled meanwhile
                    sub.status = "OK"
                sub.first_failure_at = None
                sub.failures = 0
                sub.next_attempt_at = 0.0
                return
            sub.failures += 1
            if sub.first_failure_at is None:
                sub.first_failure_at = now
            delays = self.retry_delays or (900.0,)
            sub.next_attempt_at = now + delays[min(sub.failures - 1, len(delays) - 1)]
            sub.status = "RETRY"
            if now - sub.first_failure_at >= DISABLE_AFTER:
                sub.status = "DISABLED"

    def _post(
        self, sub: Subscription, payload: dict[str, Any], body: bytes, signature: str, expect: int
    ) -> tuple[int | None, str | None]:
        """One signed POST; the target must answer `expect` within 5 s with an empty body and no cookies."""
        status = None
        error = None
        try:
            resp = requests.post(
                sub.url,
                data=body,
                timeout=RESPONSE_DEADLINE,
                allow_redirects=False,
                headers={"Content-Type": "application/json", "x-xero-signature": signature},
            )
            status = resp.status_code
            if status != expect:
                error = f"answered {status}, expected {expect}"
            elif resp.content:
                error = "response body must be empty"
            elif "Set-Cookie" in resp.headers:
                error = "response must not set cookies"
            elif resp.elapsed.total_seconds() > RESPONSE_DEADLINE:
                error = "answered after more than 5 seconds"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"
        with self._cond:
            self.deliveries.append(
                Delivery(sub.id, payload, body, signature, self.clock(), status, error is None, error)
            )
        return status, error
