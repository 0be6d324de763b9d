"""Rate limits per tenant and per app, their headers, and 429s (xero-facts §2)."""

from __future__ import annotations

import threading

import pytest

from sandboxes.xero import Limits

from .helpers import Api, wait_until


def test_limit_headers_on_every_response(api):
    first = api.get("/Contacts")
    second = api.get("/TrackingCategories")  # not implemented: 501, still counted and reported
    for r in (first, second):
        for header in ("X-MinLimit-Remaining", "X-DayLimit-Remaining", "X-AppMinLimit-Remaining"):
            assert header in r.headers
    assert int(first.headers["X-MinLimit-Remaining"]) == 59
    assert int(second.headers["X-MinLimit-Remaining"]) == 58
    assert int(second.headers["X-DayLimit-Remaining"]) == 4998


def test_minute_limit_gives_429_with_retry_after(make_sandbox, clock):
    sb = make_sandbox(limits=Limits(per_minute=3))
    api = Api(sb, sb.token_for(), sb.tenants[0].tenant_id)
    for _ in range(3):
        assert api.get("/Contacts").status_code == 200
    clock.advance(20)
    r = api.get("/Contacts")
    assert r.status_code == 429
    assert r.headers["X-Rate-Limit-Problem"] == "minute" and r.headers["Retry-After"] == "40"
    assert r.headers["X-MinLimit-Remaining"] == "0"


def test_minute_window_resets_on_the_sandbox_clock(make_sandbox, clock):
    sb = make_sandbox(limits=Limits(per_minute=1))
    api = Api(sb, sb.token_for(), sb.tenants[0].tenant_id)
    assert api.get("/Contacts").status_code == 200
    assert api.get("/Contacts").status_code == 429
    clock.advance(60)
    assert api.get("/Contacts").status_code == 200


def test_limits_are_per_tenant(make_sandbox):
    sb = make_sandbox(limits=Limits(per_minute=1))
    token = sb.token_for()
    assert Api(sb, token, sb.tenants[0].tenant_id).get("/Contacts").status_code == 200
    assert Api(sb, token, sb.tenants[1].tenant_id).get("/Contacts").status_code == 200
    assert Api(sb, token, sb.tenants[0].tenant_id).get("/Contacts").status_code == 429


def test_day_limit_gives_429_day_until_the_day_window_ends(make_sandbox, clock):
    sb = make_sandbox(limits=Limits(per_day=2))
    api = Api(sb, sb.token_for(), sb.tenants[0].tenant_id)
    api.get("/Contacts")
    api.get("/Contacts")
    clock.advance(120)  # past the minute window: only the day limit can refuse now
    r = api.get("/Contacts")
    assert r.status_code == 429 and r.headers["X-Rate-Limit-Problem"] == "day"
    assert int(r.headers["Retry-After"]) == 86400 - 120
    clock.advance(86400)
    api.token = sb.token_for()  # the old access token expired meanwhile
    assert api.get("/Contacts").status_code == 200


def test_app_minute_limit_spans_tenants(make_sandbox):
    sb = make_sandbox(limits=Limits(app_per_minute=2))
    token = sb.token_for()
    Api(sb, token, sb.tenants[0].tenant_id).get("/Contacts")
    Api(sb, token, sb.tenants[1].tenant_id).get("/Contacts")
    r = Api(sb, token, sb.tenants[1].tenant_id).get("/Contacts")
    assert r.status_code == 429 and r.headers["X-Rate-Limit-Problem"] == "appminute"


def test_sixth_concurrent_request_gets_429_concurrent(make_sandbox):
    sb = make_sandbox()
    tenant = sb.tenants[0].tenant_id
    api = Api(sb, sb.token_for(), tenant)
    sb.inject_fault("latency", method="GET", path="/api.xro/2.0/Contacts", delay=1.0, times=5)
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(api.get("/Contacts").status_code)) for _ in range(5)
    ]
    for t in threads:
        t.start()
    assert wait_until(lambda: sb.limiter.in_flight(tenant) == 5)
    r = api.get("/Contacts")
    for t in threads:
        t.join()
    assert r.status_code == 429 and r.headers["X-Rate-Limit-Problem"] == "concurrent"
    assert results == [200] * 5


@pytest.mark.parametrize("field", ["concurrent", "per_minute", "per_day", "app_per_minute"])
def test_limits_cannot_be_switched_off(field):
    with pytest.raises(ValueError):
        Limits(**{field: 0})
