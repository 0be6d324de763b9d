"""Fault injection: make the sandbox fail the way a real Odoo (or the network in front of it) does."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from .errors import LockError, LockNotAvailable, SerializationFailure


@dataclass
class Faults:
    version: int
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _commit_failures: int = 0
    _commit_kind: str = "serialization"
    _lock_errors: int = 0
    _http_errors: list[int] = field(default_factory=list)
    _latency: list[float] = field(default_factory=list)
    _drop_before: int = 0
    _drop_after: int = 0
    _rollback_after_work: int = 0

    # -- arming ------------------------------------------------------------------------------------
    def serialization_failures(self, calls: int = 1, max_tries: int = 5) -> None:
        """The next ``calls`` data calls fail with SerializationFailure after the server's own retries
        (every attempt does its work — and on 17/18 sends its webhooks — then fails to commit)."""
        with self._lock:
            self._commit_failures += calls * max_tries
            self._commit_kind = "serialization"

    def commit_failures(self, attempts: int = 1) -> None:
        """The next ``attempts`` commit attempts fail; fewer than max tries are absorbed by the server."""
        with self._lock:
            self._commit_failures += attempts
            self._commit_kind = "serialization"

    def lock_errors(self, calls: int = 1, max_tries: int = 5) -> None:
        """19: LockError (JSON-2 409) once per call; 16–18: LockNotAvailable after the retries."""
        with self._lock:
            if self.version >= 19:
                self._lock_errors += calls
            else:
                self._commit_failures += calls * max_tries
                self._commit_kind = "lock"

    def http_errors(self, status: int = 502, count: int = 1) -> None:
        """The next ``count`` requests get a bare HTTP error page (e.g. a proxy's 502) without reaching Odoo."""
        with self._lock:
            self._http_errors.extend([status] * count)

    def latency(self, seconds: float, count: int = 1) -> None:
        with self._lock:
            self._latency.extend([seconds] * count)

    def drop_connections(self, count: int = 1, after_commit: bool = False) -> None:
        """Close the socket without an answer: before the call runs, or after it committed (lost response)."""
        with self._lock:
            if after_commit:
                self._drop_after += count
            else:
                self._drop_before += count

    def rollback_after_work(self, calls: int = 1) -> None:
        """The next ``calls`` data calls raise after doing their work (and sending 17/18 webhooks): rollback."""
        with self._lock:
            self._rollback_after_work += calls

    def clear(self) -> None:
        with self._lock:
            self._commit_failures = self._lock_errors = self._drop_before = self._drop_after = 0
            self._rollback_after_work = 0
            self._http_errors.clear()
            self._latency.clear()

    # -- consuming ---------------------------------------------------------------------------------
    def take_http_error(self) -> int | None:
        with self._lock:
            return self._http_errors.pop(0) if self._http_errors else None

    def take_latency(self) -> float:
        with self._lock:
            return self._latency.pop(0) if self._latency else 0.0

    def take_drop(self, after_commit: bool) -> bool:
        with self._lock:
            if after_commit and self._drop_after:
                self._drop_after -= 1
                return True
            if not after_commit and self._drop_before:
                self._drop_before -= 1
                return True
            return False

    def on_call_start(self) -> None:
        with self._lock:
            if self._lock_errors:
                self._lock_errors -= 1
                raise LockError(
                    "Cannot acquire a lock on the record: it is being modified by another transaction."
                )

    def on_commit(self) -> None:
        with self._lock:
            if self._rollback_after_work:
                self._rollback_after_work -= 1
                raise RuntimeError("Injected failure after the work was done: the transaction is rolled back")
            if self._commit_failures:
                self._commit_failures -= 1
                raise SerializationFailure() if self._commit_kind == "serialization" else LockNotAvailable()
