"""Idempotency-Key (xero-facts §3): ≤128 chars, PUT/POST/PATCH only, kept 6 minutes per app; the same
request is answered with the first response (errors too); a different request gets 400."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

from .clock import Clock

MAX_KEY_LENGTH = 128
METHODS = frozenset({"PUT", "POST", "PATCH"})


@dataclass
class StoredResponse:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str]


@dataclass
class _Entry:
    fingerprint: str
    created: float
    done: threading.Event = field(default_factory=threading.Event)
    response: StoredResponse | None = None


def fingerprint(method: str, url: str, tenant_id: str | None, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.upper(), url, tenant_id or "", ""):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


class IdempotencyStore:
    def __init__(self, clock: Clock, ttl: float) -> None:
        self.clock = clock
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}

    def begin(self, key: str, fp: str, wait: float = 30.0) -> tuple[str, StoredResponse | None]:
        """Returns ("new", None) — the caller must then finish() or abandon() — or ("replay", response)
        or ("mismatch", None). A concurrent duplicate waits for the first to finish."""
        with self._lock:
            now = self.clock()
            entry = self._entries.get(key)
            if entry is not None and now - entry.created > self.ttl:
                entry = None
            if entry is None:
                self._entries[key] = _Entry(fp, now)
                return "new", None
            if entry.fingerprint != fp:
                return "mismatch", None
        entry.done.wait(wait)
        if entry.response is None:
            return "new", None  # the first attempt never completed (e.g. dropped before processing)
        return "replay", entry.response

    def finish(self, key: str, response: StoredResponse) -> None:
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None:
            entry.response = response
            entry.done.set()

    def abandon(self, key: str) -> None:
        with self._lock:
            entry = self._entries.pop(key, None)
        if entry is not None:
            entry.done.set()
