"""A tenant held by Xero's rate limit never holds up another tenant's events (xero-facts §2: the limits
are per tenant, so one organisation's spent minute says nothing about another's)."""

from __future__ import annotations

import threading
import time

import pytest

from bridge.broker.publisher import Outgoing
from bridge.events import Event, now
from bridge.xero.governor import RateGovernor
from consumers.base import Outcome, Translator
from consumers.registry import Registry
from consumers.worker import Worker
from sandboxes.xero import XeroSandbox
from tests.support.stack import wait_until
from tests.support.xero import XeroSide

MINUTE_LIMIT = 5
FREES_IN = 4.0  # seconds until tenant A's sliding minute has room again


class ReadsOrganisation(Translator):
    """Applies an Odoo change by calling the connection's Xero organisation: one governed call."""

    source = "odoo"
    entity = "contact"

    def __init__(self) -> None:
        self.applied: dict[str, float] = {}  # connection → when its event was applied

    def apply(self, event, ctx):
        client = ctx.services["xero"].for_connection(event.connection)
        organisation = client.get("Organisation")["Organisations"][0]
        self.applied[event.connection] = time.monotonic()
        return Outcome("updated", record_name=organisation["Name"])


def odoo_change(connection: str, company: int) -> Event:
    return Event(
        source="odoo",
        origin="webhook",
        connection=connection,
        entity="contact",
        resource_id="7",
        change_type="update",
        occurred_at=now(),
        dedupe_key=f"odoo|{company}|res.partner|7|test",
        company_id=company,
    )


@pytest.fixture
def sandbox():
    sb = XeroSandbox(auto_approve=True)
    sb.start()
    yield sb
    sb.stop()


@pytest.fixture(params=["rabbitmq", "embedded"])
def broker(request):
    if request.param == "rabbitmq":
        request.getfixturevalue("rabbitmq_url")
    return request.param


def test_a_tenant_out_of_minute_budget_is_delayed_while_another_tenants_event_applies_at_once(
    broker, make_runtime, sandbox
):
    runtime = make_runtime(broker, XERO_MINUTE_LIMIT=str(MINUTE_LIMIT))
    side = XeroSide.build(
        sandbox,
        str(runtime.settings.home),
        runtime.settings.database_url,
        XERO_MINUTE_LIMIT=str(MINUTE_LIMIT),
    )
    side.connect("a", tenant_index=0, company=1)
    side.connect("b", tenant_index=1, company=2)
    translator = ReadsOrganisation()
    worker = Worker(runtime, Registry([translator]), services={"xero": side.clients})
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        wait_until(worker.ready)
        # Tenant A spent its minute: its calls started 56 s ago, so the next one may start in 4 s.
        earlier = RateGovernor(side.db, side.settings.xero, clock=lambda: time.time() - (60 - FREES_IN))
        for _ in range(MINUTE_LIMIT):
            earlier.release(earlier.acquire(sandbox.tenants[0].tenant_id), 200, {})
        frees_at = time.monotonic() + FREES_IN
        # A's event first, on the same queue: one consumer thread takes both in turn.
        runtime.publisher.publish([Outgoing.of(odoo_change("a", 1)), Outgoing.of(odoo_change("b", 2))])

        wait_until(lambda: "b" in translator.applied, timeout=10)
        assert "a" not in translator.applied  # B did not wait behind A
        assert translator.applied["b"] < frees_at - 1

        wait_until(lambda: "a" in translator.applied, timeout=20)
        assert translator.applied["a"] >= frees_at - 0.5  # A waited for its minute …
        assert worker.stats.get("rate_limited", 0) >= 1  # … delayed, not in the consumer thread …
        assert not worker.stats.get("retried")  # … and without using up a retry-ladder try
    finally:
        worker.stop()
        thread.join(10)
        side.db.dispose()
