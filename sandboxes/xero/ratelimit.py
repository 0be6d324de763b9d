"""Per-tenant and per-app API limits (xero-facts §2): fixed windows that start at a tenant's first call,
so each tenant resets at its own time; 429 with Retry-After and X-Rate-Limit-Problem."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from .clock import Clock
from .settings import Limits


@dataclass
class _Window:
    start: float
    count: int = 0


@dataclass
class Decision:
    allowed: bool
    problem: str | None = None
    retry_after: int | None = None
    headers: dict[str, str] | None = None


class RateLimiter:
    def __init__(self, limits: Limits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        self._lock = threading.Lock()
        self._minute: dict[str, _Window] = {}
        self._day: dict[str, _Window] = {}
        self._app_minute: _Window | None = None
        self._in_flight: dict[str, int] = {}

    def _window(self, table: dict[str, _Window], key: str, length: float, now: float) -> _Window:
        win = table.get(key)
        if win is None or now >= win.start + length:
            win = _Window(now)
            table[key] = win
        return win

    def _headers(self, minute: _Window, day: _Window, app: _Window) -> dict[str, str]:
        lim = self.limits
        return {
            "X-MinLimit-Remaining": str(max(0, lim.per_minute - minute.count)),
            "X-DayLimit-Remaining": str(max(0, lim.per_day - day.count)),
            "X-AppMinLimit-Remaining": str(max(0, lim.app_per_minute - app.count)),
        }

    def acquire(self, tenant_id: str) -> Decision:
        """Counts a call and takes a concurrency slot; release() must follow an allowed call."""
        lim = self.limits
        with self._lock:
            now = self.clock()
            minute = self._window(self._minute, tenant_id, lim.minute_seconds, now)
            day = self._window(self._day, tenant_id, lim.day_seconds, now)
            if self._app_minute is None or now >= self._app_minute.start + lim.minute_seconds:
                self._app_minute = _Window(now)
            app = self._app_minute

            def refuse(problem: str, retry_at: float | None) -> Decision:
                retry = None if retry_at is None else max(1, math.ceil(retry_at - now))
                return Decision(False, problem, retry, self._headers(minute, day, app))

            if day.count >= lim.per_day:
                return refuse("day", day.start + lim.day_seconds)
            if app.count >= lim.app_per_minute:
                return refuse("appminute", app.start + lim.minute_seconds)
            if minute.count >= lim.per_minute:
                return refuse("minute", minute.start + lim.minute_seconds)
            if self._in_flight.get(tenant_id, 0) >= lim.concurrent:
                return refuse("concurrent", None)
            minute.count += 1
            day.count += 1
            app.count += 1
            self._in_flight[tenant_id] = self._in_flight.get(tenant_id, 0) + 1
            return Decision(True, headers=self._headers(minute, day, app))

    def release(self, tenant_id: str) -> None:
        with self._lock:
            self._in_flight[tenant_id] = max(0, self._in_flight.get(tenant_id, 0) - 1)

    def in_flight(self, tenant_id: str) -> int:
        with self._lock:
            return self._in_flight.get(tenant_id, 0)
