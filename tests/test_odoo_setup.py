"""`bridge odoo setup` against the Odoo sandbox, and what the rules it makes send."""

from __future__ import annotations

import time

import pytest

from bridge.config import OdooSettings
from bridge.errors import PermanentError
from bridge.odoo.client import OdooClient
from bridge.odoo.outbox import drain_outbox
from bridge.odoo.setup import RULE_PREFIX, OdooSetup
from bridge.routing import ConnectionDirectory
from consumers.base import Outcome, Translator
from sandboxes.odoo import OdooSandbox
from tests.support.servers import ServedApp
from tests.support.stack import Stack, drain, wait_until

TOKEN = "test-odoo-token-0123456789"


def admin_client(sb: OdooSandbox) -> OdooClient:
    return OdooClient.connect(OdooSettings(url=sb.url, db=sb.db_name, username=sb.login, api_key=sb.api_key))


def bridge_client(sb: OdooSandbox) -> OdooClient:
    return OdooClient.connect(
        OdooSettings(url=sb.url, db=sb.db_name, username=sb.bridge_login, api_key=sb.bridge_api_key)
    )


@pytest.fixture(params=[17, 18, 19])
def odoo(request):
    sb = OdooSandbox(version=request.param)
    sb.start()
    yield sb
    sb.stop()


def rules(sb: OdooSandbox) -> list[dict]:
    return sb.env("admin").search_read(
        "base.automation", [("name", "like", RULE_PREFIX)], ["name", "trigger"]
    )


def test_setup_twice_makes_one_set_of_rules(odoo):
    setup = OdooSetup(admin_client(odoo), "http://127.0.0.1:9/webhooks/odoo/x", bridge_uid=odoo.bridge_uid)
    first = setup.run()
    assert first.changes > 0
    made = rules(odoo)
    second = setup.run()
    assert second.changes == 0 and all(a.startswith("unchanged") for a in second.actions)
    assert rules(odoo) == made
    assert {r["name"] for r in made} >= {
        f"{RULE_PREFIX}res.partner changed",
        f"{RULE_PREFIX}res.partner deleted",
    }


def test_a_dry_run_lists_the_changes_and_makes_none(odoo):
    plan = OdooSetup(admin_client(odoo), "http://127.0.0.1:9/x", bridge_uid=odoo.bridge_uid).run(dry_run=True)
    assert any(a.startswith("create rule") for a in plan.actions)
    assert rules(odoo) == []


def test_a_changed_webhook_address_is_brought_up_to_date(odoo):
    OdooSetup(admin_client(odoo), "http://127.0.0.1:9/old", bridge_uid=odoo.bridge_uid).run()
    plan = OdooSetup(admin_client(odoo), "http://127.0.0.1:9/new", bridge_uid=odoo.bridge_uid).run()
    assert any(a.startswith("update rule") for a in plan.actions)
    urls = {
        a["webhook_url"]
        for a in odoo.env("admin").search_read(
            "ir.actions.server", [("state", "=", "webhook")], ["webhook_url"]
        )
    }
    assert all(u.startswith("http://127.0.0.1:9/new") for u in urls)


def test_a_user_without_settings_rights_is_told_what_setup_needs(odoo):
    with pytest.raises(PermanentError, match="Settings rights"):
        OdooSetup(bridge_client(odoo), "http://127.0.0.1:9/x").run()


def test_the_rules_send_relevant_changes_to_the_bridge_and_skip_its_own_writes(odoo, make_runtime, probe):
    stack = Stack(make_runtime("embedded"), probe)
    served = ServedApp(stack.app)
    try:
        OdooSetup(admin_client(odoo), f"{served.url}/webhooks/odoo/{TOKEN}", bridge_uid=odoo.bridge_uid).run()
        queue = stack.runtime.topology.work_queue_name("to_xero", "partners")
        admin = odoo.env("admin")
        partner = admin.create("res.partner", {"name": "Webhooked Ltd", "email": "a@webhooked.test"})
        wait_until(lambda: len(odoo.webhook_calls()) >= 1)
        admin.write("res.partner", partner, {"lang": "en_US"})  # not a trigger field: sends nothing
        bridge = odoo.env("bridge")
        bridge.write("res.partner", partner, {"phone": "+64 9 555 0101"})  # the bridge's own write: no echo
        time.sleep(0.3)
        events = drain(stack.runtime, queue)
        assert [e["resource_id"] for e in events] == [str(partner)]
        assert events[0]["payload"]["_model"] == "res.partner" and "write_date" in events[0]["payload"]
        admin.unlink("res.partner", partner)
        wait_until(lambda: drain(stack.runtime, queue), timeout=5)
    finally:
        served.stop()


def test_odoo_16_gets_an_outbox_that_the_bridge_drains_into_events(make_runtime, probe):
    sb = OdooSandbox(version=16)
    sb.start()
    try:
        plan = OdooSetup(admin_client(sb), "unused-on-16", bridge_uid=sb.bridge_uid).run()
        assert any("outbox model" in a for a in plan.actions)
        assert OdooSetup(admin_client(sb), "unused-on-16", bridge_uid=sb.bridge_uid).run().changes == 0
        admin = sb.env("admin")
        partner = admin.create("res.partner", {"name": "Outboxed Ltd"})
        admin.write("res.partner", partner, {"email": "o@outboxed.test"})
        sb.env("bridge").write("res.partner", partner, {"phone": "1"})  # skipped: the bridge's own write
        runtime = make_runtime("embedded")
        stack = Stack(runtime, probe)
        drained = drain_outbox(bridge_client(sb), runtime.publisher, ConnectionDirectory(runtime.db, 0))
        assert drained == 2
        events = drain(runtime, runtime.topology.work_queue_name("to_xero", "partners"))
        assert [(e["resource_id"], e["origin"]) for e in events] == [(str(partner), "poll")] * 2
        assert stack and sb.env("admin").search("x_xero_event", []) == []
    finally:
        sb.stop()


class ReadsOdoo(Translator):
    """A translator that reads the Odoo record an event names, as every Odoo→Xero translator will."""

    source = "odoo"
    entity = "contact"

    def __init__(self, client: OdooClient):
        self.client = client
        self.seen: list[str] = []

    def apply(self, event, ctx):
        row = self.client.read_one("res.partner", int(event.resource_id), ["name"], expect=True)
        self.seen.append(row["name"])
        return Outcome("updated", record_name=row["name"])


@pytest.mark.parametrize("version", [17, 18])
def test_a_webhook_sent_before_odoos_commit_is_retried_until_the_record_is_readable(
    version, make_runtime, probe
):
    import threading

    from consumers.registry import Registry
    from consumers.worker import Worker

    sb = OdooSandbox(version=version, hold_commit_after_webhook=0.5)  # 17/18 post inside the transaction
    sb.start()
    stack = Stack(make_runtime("embedded"), probe)
    served = ServedApp(stack.app)
    try:
        OdooSetup(admin_client(sb), f"{served.url}/webhooks/odoo/{TOKEN}", bridge_uid=sb.bridge_uid).run()
        translator = ReadsOdoo(bridge_client(sb))
        worker = Worker(stack.runtime, Registry([translator]))
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        sb.env("admin").create("res.partner", {"name": "Committed Late Ltd"})
        wait_until(lambda: translator.seen, timeout=15)
        worker.stop()
        thread.join(10)
        assert translator.seen == ["Committed Late Ltd"]
        assert worker.stats.get("retried", 0) >= 1  # the first read found nothing: not yet committed
    finally:
        served.stop()
        sb.stop()
