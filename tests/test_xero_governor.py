"""The rate governor on its own, with a clock the test moves (xero-facts §2 for the limits)."""

from __future__ import annotations

import pytest

from bridge.config import XeroSettings
from bridge.store import Database
from bridge.xero.governor import BULK, REALTIME, RateGovernor, RateLimited
from consumers.framework.bulk import PATIENCE


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def governor(database_url):
    db = Database(database_url)
    db.migrate()
    clock = FakeClock()
    yield RateGovernor(
        db, XeroSettings(minute_limit=10, concurrent_limit=3, day_limit=100), clock, clock.sleep
    )
    db.dispose()


def test_no_more_than_the_minute_limit_in_any_sliding_minute(governor):
    clock = governor.clock
    patient = RateGovernor(governor.db, governor.settings, clock, clock.sleep, realtime_max_wait=120)
    started = clock()
    for _ in range(25):
        patient.release(patient.acquire("t1"), 200, {})
    # 25 calls at 10 a minute: the 21st cannot start before two full minutes have passed
    assert clock() - started >= 120


def test_no_more_than_the_concurrent_limit_in_flight(governor):
    permits = [governor.acquire("t1") for _ in range(3)]
    with pytest.raises(RateLimited):
        RateGovernor(
            governor.db, governor.settings, governor.clock, governor.clock.sleep, max_wait=0.5
        ).acquire("t1")
    governor.release(permits[0], 200, {})
    assert governor.acquire("t1")


def test_tenants_have_separate_budgets(governor):
    for _ in range(10):
        governor.release(governor.acquire("t1"), 200, {})
    before = governor.clock()
    governor.acquire("t2")
    assert governor.clock() == before  # t2 did not wait for t1's minute


def test_bulk_work_leaves_real_time_room_in_the_minute(governor):
    bulk_settings = governor.settings
    for _ in range(int(bulk_settings.minute_limit * bulk_settings.bulk_share)):
        governor.release(governor.acquire("t1", BULK), 200, {})
    impatient = RateGovernor(
        governor.db, governor.settings, governor.clock, governor.clock.sleep, max_wait=0.5
    )
    with pytest.raises(RateLimited):
        impatient.acquire("t1", BULK)  # bulk has used its share
    assert impatient.acquire("t1", REALTIME)  # a real-time event still gets through at once


def test_a_429_blocks_the_tenant_for_its_retry_after(governor):
    permit = governor.acquire("t1")
    governor.release(permit, 429, {"Retry-After": "30", "X-Rate-Limit-Problem": "minute"})
    before = governor.clock()
    governor.acquire("t1", BULK)
    assert governor.clock() - before >= 30
    assert governor.state("t1")["last_problem"] == "minute"


def test_a_real_time_call_that_would_wait_long_is_refused_at_once_with_the_wait(governor):
    for _ in range(10):
        governor.release(governor.acquire("t1"), 200, {})
    governor.clock.now += 20  # the minute's first call frees its slot in 40 s
    before = governor.clock()
    with pytest.raises(RateLimited) as raised:
        governor.acquire("t1", REALTIME)
    assert governor.clock() == before  # it did not sleep: the worker delays the event instead
    assert raised.value.retry_after == pytest.approx(40, abs=0.1)


def test_a_real_time_call_waits_for_a_slot_that_frees_within_its_bound(governor):
    for _ in range(10):
        governor.release(governor.acquire("t1"), 200, {})
    governor.clock.now += 59.5  # the minute's first call frees its slot in half a second
    before = governor.clock()
    assert governor.acquire("t1", REALTIME)
    assert 0.4 <= governor.clock() - before <= governor.settings.realtime_max_wait


def test_bulk_work_keeps_waiting_for_its_slot(governor):
    for _ in range(10):
        governor.release(governor.acquire("t1"), 200, {})
    before = governor.clock()
    governor.acquire("t1", BULK)
    assert governor.clock() - before >= 59


def test_the_daily_limit_parks_the_tenant_until_xeros_reset(governor):
    permit = governor.acquire("t1")
    governor.release(
        permit, 429, {"Retry-After": "36000", "X-Rate-Limit-Problem": "day", "X-DayLimit-Remaining": "0"}
    )
    with pytest.raises(RateLimited) as raised:
        governor.acquire("t1")
    assert raised.value.retry_after == pytest.approx(36000, abs=5)
    assert governor.state("t1")["day_remaining"] == 0


def test_bulk_stops_when_the_day_budget_is_down_to_the_real_time_reserve(governor):
    permit = governor.acquire("t1")
    governor.release(permit, 200, {"X-DayLimit-Remaining": "15"})  # reserve is 20% of 100
    impatient = RateGovernor(governor.db, governor.settings, governor.clock, governor.clock.sleep, max_wait=1)
    with pytest.raises(RateLimited) as limited:
        impatient.acquire("t1", BULK)
    assert limited.value.retry_after > PATIENCE  # a bulk run refuses the record instead of waiting
    assert impatient.acquire("t1", REALTIME)


def test_a_slot_held_by_a_dead_process_is_freed_after_its_timeout(governor):
    for _ in range(3):
        governor.acquire("t1")  # never released: the process died
    governor.clock.now += 200
    assert governor.acquire("t1")


def test_a_wait_counted_on_a_faster_clock_is_reported_in_real_seconds(governor):
    """A sandbox clock running 4× (SandboxedBridge's time_scale): the governor counts Xero's minute on
    it, but the worker delays an event and a bulk run pauses on the real clock."""
    clock = governor.clock
    clock.scale = 4.0
    for _ in range(10):
        governor.release(governor.acquire("t1"), 200, {})
    with pytest.raises(RateLimited) as limited:
        RateGovernor(governor.db, governor.settings, clock, clock.sleep, realtime_max_wait=0).acquire("t1")
    assert limited.value.retry_after == pytest.approx(60 / 4, abs=0.5)  # Xero's minute, in real seconds
