"""A per-tenant rate governor shared by every worker process, kept in the store.

Why the store: every process already shares it (SQLite on one machine, PostgreSQL in production),
so the governor needs no extra service, and one row lock per tenant makes each decision atomic.
Partitioning the broker by tenant would also serialise calls, but would throw away Xero's five
concurrent calls and would not see calls made outside the workers (bulk sync, the CLI).

Xero's limits (xero-facts §2): 5 calls in flight and 60 a minute per tenant, 5,000 a day; its minute
windows are fixed but start at a different time for every tenant, so the governor keeps a *sliding*
minute (never more than 60 calls in any 60 s), which fits inside whatever window Xero uses. It honours
Retry-After, keeps the day's budget from X-DayLimit-Remaining, and lets bulk work use only a share
of the minute and one slot less than real time, so real-time events always find room.

Real-time calls (a worker applying an event) wait for a slot at most `realtime_max_wait`
(XERO_REALTIME_MAX_WAIT, 1 s): a longer wait raises RateLimited with the wait as its retry_after, and
the worker sends the event round the retry ladder instead of sleeping in its consumer thread, where
it would hold up every other tenant's events behind it. Bulk work (its own process) keeps waiting.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from bridge.config import XeroSettings
from bridge.errors import TransientError, parse_retry_after
from bridge.store import Database
from bridge.store.models import XeroCall, XeroRate
from bridge.store.upsert import insert_for

REALTIME, BULK = "realtime", "bulk"
MINUTE = 60.0
SLOT_TIMEOUT = 120.0  # a call still "in flight" after this was made by a process that died
# What a bulk call is told to wait once the day's budget is down to the real-time reserve: longer than
# any bulk run waits (its records are refused, replayable, rather than each waiting minutes in vain).
DAY_RESERVED_WAIT = 3600.0


class RateLimited(TransientError):
    """The tenant cannot be called for a while (Retry-After, its daily budget is spent, or — for
    real-time work — no slot frees within realtime_max_wait); retry_after says how long."""


@dataclass(frozen=True)
class Permit:
    tenant_id: str
    call_id: int


class RateGovernor:
    def __init__(
        self,
        db: Database,
        settings: XeroSettings,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = 120.0,
        realtime_max_wait: float | None = None,
    ):
        self.db = db
        self.settings = settings
        self.clock = clock
        self.sleep = sleep
        self.max_wait = max_wait
        self.realtime_max_wait = (
            settings.realtime_max_wait if realtime_max_wait is None else realtime_max_wait
        )

    def _limits(self, priority: str) -> tuple[int, int]:
        minute, concurrent = self.settings.minute_limit, self.settings.concurrent_limit
        if priority == BULK:
            return max(1, int(minute * self.settings.bulk_share)), max(1, concurrent - 1)
        return minute, concurrent

    def acquire(self, tenant_id: str, priority: str = REALTIME) -> Permit:
        """Wait until a call to the tenant is allowed and record it; raise RateLimited instead when that
        would take longer than the priority's bound (real time: realtime_max_wait; bulk: max_wait)."""
        bound = min(self.max_wait, self.realtime_max_wait) if priority == REALTIME else self.max_wait
        waited = 0.0
        while True:
            permit, wait = self._try(tenant_id, priority)
            if permit is not None:
                return permit
            if waited + wait > bound:
                # retry_after in real seconds: the worker's delays and a bulk run's pauses run on the
                # real clock, also when the governor counts on a faster one (a scaled sandbox clock)
                real = wait / getattr(self.clock, "scale", 1.0)
                raise RateLimited(
                    f"Xero tenant {tenant_id} is rate limited for another {real:.1f}s", retry_after=real
                )
            step = min(wait, 1.0)
            self.sleep(step)
            waited += step

    def _try(self, tenant_id: str, priority: str) -> tuple[Permit | None, float]:
        minute_limit, concurrent_limit = self._limits(priority)
        with self.db.session() as session:
            session.execute(
                insert_for(session, XeroRate)
                .values(tenant_id=tenant_id, blocked_until=0.0)
                .on_conflict_do_nothing(index_elements=["tenant_id"])
            )
            # The row lock (and on SQLite the write lock this UPDATE takes) makes the decision atomic.
            session.execute(
                update(XeroRate).where(XeroRate.tenant_id == tenant_id).values(tenant_id=tenant_id)
            )
            rate = session.get(XeroRate, tenant_id)
            now = self.clock()
            if rate.blocked_until > now:
                return None, rate.blocked_until - now
            reserve = self.settings.day_limit * (1 - self.settings.bulk_share)
            if priority == BULK and rate.day_remaining is not None and rate.day_remaining <= reserve:
                return None, DAY_RESERVED_WAIT  # the rest of the day is kept for real-time events
            session.execute(
                delete(XeroCall).where(XeroCall.tenant_id == tenant_id, XeroCall.started_at <= now - MINUTE)
            )
            calls = select(func.count()).select_from(XeroCall).where(XeroCall.tenant_id == tenant_id)
            in_minute = session.execute(calls).scalar_one()
            if in_minute >= minute_limit:
                oldest = session.execute(
                    select(func.min(XeroCall.started_at)).where(XeroCall.tenant_id == tenant_id)
                ).scalar_one()
                return None, max(0.01, oldest + MINUTE - now)
            in_flight = session.execute(calls.where(XeroCall.in_flight_until > now)).scalar_one()
            if in_flight >= concurrent_limit:
                return None, 0.05
            call = XeroCall(tenant_id=tenant_id, started_at=now, in_flight_until=now + SLOT_TIMEOUT)
            session.add(call)
            if rate.day_remaining is not None:
                rate.day_remaining -= 1
            session.flush()
            return Permit(tenant_id, call.id), 0.0

    def release(self, permit: Permit, status: int | None = None, headers: dict | None = None) -> None:
        """The call is over: free its slot and learn from Xero's answer (limits headers, 429)."""
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        with self.db.session() as session:
            session.execute(update(XeroCall).where(XeroCall.id == permit.call_id).values(in_flight_until=0.0))
            values: dict = {}
            if "x-daylimit-remaining" in headers:
                with contextlib.suppress(ValueError):
                    values["day_remaining"] = int(headers["x-daylimit-remaining"])
            if status == 429:
                retry_after = parse_retry_after(headers.get("retry-after"))
                problem = headers.get("x-rate-limit-problem")
                # A concurrent-limit 429 carries no Retry-After: a short pause is enough.
                values["blocked_until"] = self.clock() + (retry_after if retry_after is not None else 1.0)
                values["problem"] = problem
            if values:
                session.execute(
                    update(XeroRate).where(XeroRate.tenant_id == permit.tenant_id).values(**values)
                )

    def state(self, tenant_id: str) -> dict:
        """What `bridge status` shows for a tenant."""
        now = self.clock()
        with self.db.session() as session:
            rate = session.get(XeroRate, tenant_id)
            in_minute = session.execute(
                select(func.count())
                .select_from(XeroCall)
                .where(XeroCall.tenant_id == tenant_id, XeroCall.started_at > now - MINUTE)
            ).scalar_one()
        return {
            "calls_last_minute": in_minute,
            "day_remaining": rate.day_remaining if rate else None,
            "blocked_for_s": max(0.0, rate.blocked_until - now) if rate else 0.0,
            "last_problem": rate.problem if rate else None,
        }
