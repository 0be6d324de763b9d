"""Clocks for the sandbox. Every time-based rule (token lifetimes, rate windows, idempotency retention,
webhook retries) reads the sandbox clock, so tests can shift or scale time instead of sleeping."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Clock = Callable[[], float]
"""A clock returns seconds since the epoch (UTC), like time.time."""


class ManualClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds

    def set(self, epoch_seconds: float) -> None:
        with self._lock:
            self._now = epoch_seconds


class ShiftedClock:
    """Real time, optionally scaled (scale=60: one real second is one sandbox minute) and shifted."""

    def __init__(self, scale: float = 1.0, offset: float = 0.0) -> None:
        self._origin = time.time()
        self.scale = scale
        self.offset = offset
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            real = time.time()
            return self._origin + (real - self._origin) * self.scale + self.offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.offset += seconds
