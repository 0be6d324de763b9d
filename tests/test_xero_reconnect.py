"""A Xero connection whose refresh token died: events are parked, nothing is lost, and a reconnect
sends them again."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from bridge.store import connections as connection_store
from bridge.store import parked
from consumers.base import Outcome, Translator
from sandboxes.xero import XeroSandbox
from tests.support.stack import Stack, wait_until
from tests.support.xero import XeroSide

TOKEN = "test-odoo-token-0123456789"


class ReadsXero(Translator):
    """Applies an Odoo event by calling Xero: enough to show what happens when Xero cannot be called."""

    source = "odoo"
    entity = "contact"

    def __init__(self):
        self.applied: list[str] = []

    def apply(self, event, ctx):
        client = ctx.services["xero"].for_connection(event.connection)
        organisation = client.get("Organisation")["Organisations"][0]
        self.applied.append(event.resource_id)
        return Outcome("updated", record_name=organisation["Name"])


@pytest.fixture
def sandbox():
    sb = XeroSandbox(auto_approve=True)
    sb.start()
    yield sb
    sb.stop()


def test_events_of_a_connection_that_needs_reconnecting_are_parked_and_sent_again_after_reconnect(
    make_runtime, probe, sandbox
):
    runtime = make_runtime("embedded")
    side = XeroSide.build(sandbox, str(runtime.settings.home), runtime.settings.database_url)
    stack = Stack(runtime, probe, connect_tenant=False)
    side.connect("demo")
    translator = ReadsXero()
    import threading

    from consumers.registry import Registry
    from consumers.worker import Worker

    worker = Worker(runtime, Registry([translator]), services={"xero": side.clients})
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        sandbox.expire_refresh_tokens()
        sandbox.expire_access_tokens()
        for record_id in (1, 2):
            body = {"_model": "res.partner", "_id": record_id, "write_date": f"2026-11-24 08:0{record_id}:00"}
            assert stack.client.post(f"/webhooks/odoo/{TOKEN}", json=body).status_code == 200
        wait_until(lambda: worker.stats.get("parked", 0) == 2, timeout=15)
        with runtime.db.session() as session:
            assert parked.counts(session) == {"demo": 2}
            assert connection_store.get(session, "demo").status == "reconnect_needed"
        assert translator.applied == []

        # A person reconnects through the consent page; the callback is served by the bridge's web app.
        connector = side.connector()
        consent = requests.get(connector.authorization_url(), allow_redirects=False, timeout=5)
        callback = consent.headers["Location"]
        token_set, organisations = connector.complete(
            callback, parse_qs(urlsplit(callback).query)["state"][0]
        )
        assert connector.activate(token_set, organisations, runtime.publisher) == ["demo"]

        wait_until(lambda: sorted(translator.applied) == ["1", "2"], timeout=15)
        with runtime.db.session() as session:
            assert parked.counts(session) == {}
            assert connection_store.get(session, "demo").status == "active"
    finally:
        worker.stop()
        thread.join(10)
        side.db.dispose()


def test_the_callback_page_completes_the_connect_flow_and_lists_organisations_to_map(
    make_runtime, probe, sandbox
):
    from tests.support.xero import xero_environ

    environ = xero_environ(sandbox, "unused")
    environ.pop("BRIDGE_HOME")
    runtime = make_runtime("embedded", **environ)
    stack = Stack(runtime, probe, connect_tenant=False)
    url = stack.app.extensions["bridge"].xero_connector().authorization_url()
    callback = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
    parts = urlsplit(callback)
    page = stack.client.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Xero connected" in text
    for tenant in sandbox.tenants:
        assert tenant.tenant_id in text and "bridge connection add" in text


def test_a_refused_consent_says_so(make_runtime, probe):
    stack = Stack(make_runtime("embedded"), probe, connect_tenant=False)
    page = stack.client.get("/oauth/xero/callback?error=access_denied&state=x")
    assert page.status_code == 400 and "access_denied" in page.get_data(as_text=True)
