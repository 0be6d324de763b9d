"""Change detection without webhooks, end to end: Xero sandbox ⇄ bridge (broker, worker, scheduler) ⇄ Odoo sandbox.

Webhooks are dropped on purpose (a disabled Xero subscription, paused Odoo rules) and the
scheduler's poll or reconciliation must bring the change anyway.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest

from bridge.cli.sandboxed import SandboxedBridge
from bridge.config import PollSettings
from bridge.polling import health
from bridge.polling.runner import run_watermark
from bridge.polling.scheduler import Plan, Scheduler
from bridge.store import bindings
from bridge.store.models import WebhookHealth
from consumers.contacts.polling import OdooPartnerChanges


def started(world: SandboxedBridge) -> SandboxedBridge:
    """The world, its connection made in a second of its own: the pollers look no further back than
    the connection, and the sandboxes' seed records (made a moment before) are not changes."""
    from bridge.store.models import Connection, utcnow

    world.start()
    time.sleep(1.0 - utcnow().microsecond / 1e6)
    with world.runtime.db.session() as session:
        session.get(Connection, "demo").created_at = utcnow()
    return world


@pytest.fixture
def world(tmp_path):
    w = started(SandboxedBridge(home=str(tmp_path / "home")))
    yield w
    w.stop()


def scheduler(world: SandboxedBridge, **kwargs) -> Scheduler:
    return Scheduler(world.runtime, keep_events=True, **kwargs)


def group_hash_specs(world: SandboxedBridge) -> list:
    """The ContactGroups hash poller alone (other entities have hash pollers of their own)."""
    return [s for s in scheduler(world).plan.hashed if s.entity == "contact_group"]


def xero_contacts(world: SandboxedBridge, name: str) -> list[dict]:
    """Read from the sandbox directly: reads in a loop would spend the tenant's API budget."""
    org = world.xero.org()
    with org.lock:
        return [dict(c) for c in org.contacts.values() if c.get("Name") == name]


def odoo_partners(
    world: SandboxedBridge, name: str, fields=("name", "phone", "active", "category_id")
) -> list[dict]:
    admin = world.odoo.env("admin").with_context(active_test=False)
    return admin.search_read("res.partner", [("name", "=", name)], list(fields))


def disable_xero_webhooks(world: SandboxedBridge) -> None:
    """What Xero does after 24 h of failed deliveries: the subscription stops sending (xero-facts §1)."""
    for subscription_id in list(world.xero.webhooks.subscriptions):
        world.xero.webhooks.disable(subscription_id)


def pause_odoo_webhooks(world: SandboxedBridge) -> None:
    """Odoo's webhook has no retry (odoo-facts §2.1): as if every notification got lost."""
    admin = world.odoo.env("admin")
    rules = admin.search("base.automation", [("name", "like", "Xero bridge: ")])
    assert rules, "bridge odoo setup made no rules"
    admin.write("base.automation", rules, {"active": False})


def create_in_xero(world: SandboxedBridge, contact: dict) -> dict:
    response = world.xero_api("PUT", "Contacts", json={"Contacts": [contact]})
    assert response.status_code == 200, response.text
    return response.json()["Contacts"][0]


def bound(world: SandboxedBridge, odoo_id: int | None = None, xero_id: str | None = None):
    """The contact binding once both ids are known, read in a transaction of its own (each poll of a
    wait sees new commits; before a create the bridge notes only its source's id)."""
    with world.runtime.db.session() as session:
        if odoo_id is not None:
            found = bindings.by_odoo(session, "demo", "contact", odoo_id)
        else:
            found = bindings.by_xero(session, "demo", "contact", xero_id)
        return found if found is not None and found.xero_id and found.odoo_id else None


def webhook_health(world: SandboxedBridge) -> WebhookHealth | None:
    with world.runtime.db.session() as session:
        return session.get(WebhookHealth, ("xero", "demo"))


def synced_partner(world: SandboxedBridge, name: str) -> dict:
    """A partner created in Odoo and exported through the webhook, with its Xero contact."""
    partner_id = world.odoo.env("admin").create("res.partner", {"name": name, "is_company": True})
    assert world.wait(lambda: xero_contacts(world, name)), f"{name} never reached Xero"
    assert world.wait(lambda: bound(world, odoo_id=partner_id))
    world.xero.wait_for_webhooks()
    world.wait(lambda: world.stats().get("unchanged"), timeout=5)  # the echo of our own write
    return {"id": partner_id, "xero": xero_contacts(world, name)[0]}


def settle(world: SandboxedBridge, _seconds: float | None = None) -> None:
    """Until the bridge is idle (SandboxedBridge.settle). The second argument, once a sleep's length, is ignored."""
    world.settle()


# ---------------------------------------------------------------------------------------- healing


def test_a_dropped_xero_webhook_is_healed_by_the_next_poll(world):
    disable_xero_webhooks(world)
    created = create_in_xero(world, {"Name": "Lost Webhook Ltd", "EmailAddress": "lost@webhook.test"})
    assert world.xero.wait_for_webhooks(timeout=1) is False  # held by the disabled subscription
    world.settle()
    assert odoo_partners(world, "Lost Webhook Ltd") == []

    done = scheduler(world).poll()

    assert not done.failures
    (event,) = [e for r in done.results for e in r.events if r.spec == "xero:contact"]
    assert (event.origin, event.resource_id, event.routing_key) == (
        "poll",
        created["ContactID"],
        "to_odoo.partners.contact",
    )
    assert world.wait(lambda: odoo_partners(world, "Lost Webhook Ltd")), "the poll did not heal it"
    # the next poll sees the contact again (overlap) but knows it is applied: nothing is sent
    assert world.wait(lambda: world.stats().get("created"))
    again = scheduler(world).poll()
    assert [r.sent for r in again.results if r.spec == "xero:contact"] == [0]


def test_a_dropped_odoo_webhook_is_healed_by_the_next_poll(world):
    pause_odoo_webhooks(world)
    partner = world.odoo.env("admin").create(
        "res.partner", {"name": "Quiet Partner Ltd", "email": "q@quiet.test", "is_company": True}
    )
    world.settle()
    assert xero_contacts(world, "Quiet Partner Ltd") == []

    done = scheduler(world).poll()

    (event,) = [e for r in done.results for e in r.events if r.spec == "odoo:contact"]
    assert (event.origin, event.resource_id, event.change_type) == ("poll", str(partner), "update")
    assert event.dedupe_key.startswith(f"poll|odoo|demo|res.partner|{partner}|")
    assert world.wait(lambda: xero_contacts(world, "Quiet Partner Ltd")), "the poll did not heal it"


def test_a_child_contact_changed_in_odoo_is_one_change_of_its_company(world):
    company = synced_partner(world, "Parent Co")
    pause_odoo_webhooks(world)
    admin = world.odoo.env("admin")
    admin.create("res.partner", {"name": "Kid One", "parent_id": company["id"], "type": "contact"})
    admin.create("res.partner", {"name": "Kid Two", "parent_id": company["id"], "type": "contact"})

    done = scheduler(world).poll()

    events = [e for r in done.results for e in r.events if r.spec == "odoo:contact"]
    assert [e.resource_id for e in events] == [str(company["id"])]
    contact_id = company["xero"]["ContactID"]

    def persons() -> list[str]:
        org = world.xero.org()
        with org.lock:
            return sorted(
                p.get("FirstName", "") for p in org.contacts[contact_id].get("ContactPersons") or []
            )

    assert world.wait(lambda: persons() == ["Kid", "Kid"]), persons()


# ---------------------------------------------------------------------------------------- watermarks


def test_a_record_written_during_a_poll_is_not_skipped(world):
    """write_date is the transaction's start, visible only at commit (odoo-facts §4): a slow
    transaction commits a row older than what a poll in the meantime has already seen."""
    pause_odoo_webhooks(world)
    admin = world.odoo.env("admin")
    slow = admin.create("res.partner", {"name": "Slow Writer Ltd", "is_company": True})
    runner = scheduler(world)
    runner.poll()  # the watermark now covers the partner's creation
    assert world.wait(lambda: bound(world, odoo_id=slow))  # and the bridge has applied it
    (scope,) = runner.scopes()
    spec = OdooPartnerChanges()
    no_overlap = world.settings.replace(polling=PollSettings(odoo_overlap=0.0))

    with world.odoo.transaction("admin") as env:  # starts now: its write_date is now
        env.write("res.partner", [slow], {"phone": "+64 9 000 0001"})
        time.sleep(1.1)  # a second later, another change commits while this one is still open
        quick = admin.create("res.partner", {"name": "Quick Writer Ltd", "is_company": True})
        during = run_watermark(spec, scope, world.runtime.db, world.runtime.publisher, world.settings,
                               keep_events=True)  # fmt: skip
        assert [e.resource_id for e in during.events] == [str(quick)]
    written = admin.read("res.partner", [slow], ["write_date"])[0]["write_date"]
    assert str(written) < str(during.watermark.replace(tzinfo=None))  # committed behind the watermark

    # Without the overlap the change would be lost; with it, the next poll finds it.
    blind = run_watermark(spec, scope, world.runtime.db, world.runtime.publisher, no_overlap,
                          keep_events=True)  # fmt: skip
    assert str(slow) not in [e.resource_id for e in blind.events]
    after = run_watermark(spec, scope, world.runtime.db, world.runtime.publisher, world.settings,
                          keep_events=True)  # fmt: skip
    assert str(slow) in [e.resource_id for e in after.events]
    assert after.watermark >= during.watermark  # never moves back
    assert world.wait(
        lambda: any(p.get("PhoneNumber") == "+64 9 000 0001" for c in xero_contacts(world, "Slow Writer Ltd")
                    for p in c.get("Phones") or [])
    )  # fmt: skip


def test_the_watermark_is_the_newest_change_seen_not_the_clock(world):
    pause_odoo_webhooks(world)
    admin = world.odoo.env("admin")
    partner = admin.create("res.partner", {"name": "Stamp Ltd", "is_company": True})
    stamp = admin.read("res.partner", [partner], ["write_date"])[0]["write_date"]
    time.sleep(1.5)  # the clock moves on: a watermark taken from it would not be the partner's stamp
    world.settle()
    done = scheduler(world).poll()
    (result,) = [r for r in done.results if r.spec == "odoo:contact"]
    assert result.watermark.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds") == str(stamp)[:19]
    quiet = scheduler(world).poll()  # nothing new: the watermark stays
    assert [r.watermark for r in quiet.results if r.spec == "odoo:contact"] == [result.watermark]


# ---------------------------------------------------------------------------------------- coalescing


def test_ten_changes_to_one_record_in_a_burst_cost_one_event_and_one_write(world):
    partner = synced_partner(world, "Bursty Ltd")
    pause_odoo_webhooks(world)
    disable_xero_webhooks(world)  # no echo from Xero either: every event counted below is the burst's
    before = world.stats()
    admin = world.odoo.env("admin")
    for n in range(10):
        admin.write("res.partner", [partner["id"]], {"phone": f"+64 9 555 01{n:02d}"})

    done = scheduler(world).poll()

    events = [e for r in done.results for e in r.events if r.spec == "odoo:contact"]
    assert [e.resource_id for e in events] == [str(partner["id"])]

    def phone() -> str | None:
        phones = xero_contacts(world, "Bursty Ltd")[0].get("Phones") or []
        return next((p.get("PhoneNumber") for p in phones if p.get("PhoneNumber")), None)

    assert world.wait(lambda: phone() == "+64 9 555 0109"), phone()
    world.settle()
    after = world.stats()
    assert after.get("updated", 0) - before.get("updated", 0) == 1, after  # one write to Xero
    assert sum(after.values()) - sum(before.values()) == 1, after  # one event handled: one fetch


# ---------------------------------------------------------------------------------------- deletions


def test_a_deleted_odoo_partner_archives_the_xero_contact(world):
    partner = synced_partner(world, "Gone Soon Ltd")
    pause_odoo_webhooks(world)  # no "on deletion" webhook: only the id-set diff can tell
    world.odoo.env("admin").unlink("res.partner", [partner["id"]])
    world.settle()
    assert xero_contacts(world, "Gone Soon Ltd")[0]["ContactStatus"] == "ACTIVE"

    done = scheduler(world).reconcile()

    (event,) = [e for r in done.results for e in r.events if r.spec == "odoo:contact:deletions"]
    assert (event.change_type, event.resource_id) == ("delete", str(partner["id"]))
    assert world.wait(lambda: xero_contacts(world, "Gone Soon Ltd")[0]["ContactStatus"] == "ARCHIVED")
    assert world.wait(lambda: world.stats().get("archived") == 1)
    # once applied, later reconciliations do not send it again
    again = scheduler(world).reconcile()
    assert [r.sent for r in again.results if r.spec == "odoo:contact:deletions"] == [0]


def test_a_contact_archived_in_xero_is_archived_in_odoo_by_the_poll(world):
    created = create_in_xero(world, {"Name": "Old Customer Ltd"})
    assert world.wait(lambda: odoo_partners(world, "Old Customer Ltd"))
    world.xero.wait_for_webhooks()
    disable_xero_webhooks(world)
    element = {"ContactID": created["ContactID"], "ContactStatus": "ARCHIVED"}
    response = world.xero_api("POST", f"Contacts/{created['ContactID']}", json={"Contacts": [element]})
    assert response.status_code == 200, response.text
    world.settle()
    assert odoo_partners(world, "Old Customer Ltd")[0]["active"] is True

    scheduler(world).poll()

    assert world.wait(lambda: odoo_partners(world, "Old Customer Ltd")[0]["active"] is False)


# ---------------------------------------------------------------------------------------- hash compare


def test_a_contact_group_membership_change_in_xero_reaches_odoo_through_the_hash_poller(world):
    created = create_in_xero(world, {"Name": "Grouped Ltd"})
    assert world.wait(lambda: odoo_partners(world, "Grouped Ltd"))
    world.xero.wait_for_webhooks()
    response = world.xero_api("PUT", "ContactGroups", json={"ContactGroups": [{"Name": "Trade"}]})
    group_id = response.json()["ContactGroups"][0]["ContactGroupID"]
    runner = scheduler(world, plan=Plan(hashed=group_hash_specs(world)))
    first = runner.reconcile()  # the first full read sends the group it has no binding for, no memberships
    assert [(e.entity, e.resource_id) for r in first.results for e in r.events] == [
        ("contact_group", group_id)
    ]

    response = world.xero_api(
        "PUT", f"ContactGroups/{group_id}/Contacts", json={"Contacts": [{"ContactID": created["ContactID"]}]}
    )
    assert response.status_code == 200, response.text
    done = runner.reconcile()

    (event,) = [e for r in done.results for e in r.events]
    assert (event.entity, event.resource_id) == ("contact", created["ContactID"])

    def tags() -> list[str]:
        (partner,) = odoo_partners(world, "Grouped Ltd")
        rows = world.odoo.env("admin").read("res.partner.category", partner["category_id"], ["name"])
        return [r["name"] for r in rows]

    assert world.wait(lambda: tags() == ["Trade"]), tags()
    assert [r.sent for r in runner.reconcile().results] == [0]  # unchanged since: nothing sent


def test_contact_groups_created_or_renamed_in_xero_give_group_events_after_an_empty_first_read(world):
    runner = scheduler(world, plan=Plan(hashed=group_hash_specs(world)))
    assert [r.sent for r in runner.reconcile().results] == [0]  # no groups yet: the first read records that

    response = world.xero_api("PUT", "ContactGroups", json={"ContactGroups": [{"Name": "Wholesale"}]})
    group_id = response.json()["ContactGroups"][0]["ContactGroupID"]
    created = [e for r in runner.reconcile().results for e in r.events]
    assert [(e.entity, e.resource_id) for e in created] == [("contact_group", group_id)]

    renamed = {"ContactGroupID": group_id, "Name": "Wholesale Trade"}
    response = world.xero_api("POST", f"ContactGroups/{group_id}", json={"ContactGroups": [renamed]})
    assert response.status_code == 200, response.text
    events = [e for r in runner.reconcile().results for e in r.events]
    assert [(e.entity, e.resource_id) for e in events] == [("contact_group", group_id)]
    assert events[0].dedupe_key != created[0].dedupe_key  # a new change, not a repeat for the inbox
    assert [r.sent for r in runner.reconcile().results] == [0]


# ---------------------------------------------------------------------------------------- webhook health


def test_dead_xero_webhooks_are_reported_loudly_until_one_arrives_again(tmp_path, caplog, monkeypatch):
    world = started(SandboxedBridge(home=str(tmp_path / "home"), extra_env={"BRIDGE_WEBHOOK_SILENCE": "1s"}))
    try:
        disable_xero_webhooks(world)
        create_in_xero(world, {"Name": "Unheard Ltd"})
        runner = scheduler(world)
        first = runner.poll()
        assert [r.suspects for r in first.results if r.spec == "xero:contact"] == [1]
        time.sleep(1.2)  # longer than BRIDGE_WEBHOOK_SILENCE without a webhook
        with caplog.at_level(logging.ERROR, logger="bridge.polling.health"):
            second = runner.poll()
        (alarm,) = second.alarms
        assert (
            "xero webhooks look dead for connection demo" in alarm and "last webhook received: never" in alarm
        )
        assert any(r.levelno == logging.ERROR and "look dead" in r.getMessage() for r in caplog.records)

        from click.testing import CliRunner

        from bridge.cli.status import status

        monkeypatch.setenv("BRIDGE_HOME", world.home)
        shown = CliRunner().invoke(status, [])
        assert shown.exit_code == 0, shown.output
        assert "webhooks xero demo: last received never  ALARM: xero webhooks look dead" in shown.output

        for subscription in list(world.xero.webhooks.subscriptions.values()):
            world.xero.webhooks.reenable(subscription.id)  # held events are delivered again
        assert world.xero.wait_for_webhooks(timeout=10)
        assert world.wait(lambda: webhook_health(world).last_received_at)
        assert runner.poll().alarms == []
        row = webhook_health(world)
        assert (row.alarm, row.suspect_since, row.missed) == (None, None, 0)
    finally:
        world.stop()


def test_changes_the_webhooks_brought_raise_no_suspicion(world):
    create_in_xero(world, {"Name": "Heard Ltd"})
    assert world.wait(lambda: odoo_partners(world, "Heard Ltd"))
    done = scheduler(world).poll()
    assert [r.suspects for r in done.results if r.spec == "xero:contact"] == [0]
    with world.runtime.db.session() as session:
        assert health.verdict(session, "xero", "demo", 0.0, health.utcnow()) is None


# ---------------------------------------------------------------------------------------- Odoo 16


def test_odoo_16_changes_travel_through_the_outbox_the_scheduler_drains(tmp_path):
    world = started(
        SandboxedBridge(
            home=str(tmp_path / "home"), odoo_version=16, extra_env={"BRIDGE_OUTBOX_INTERVAL": "200ms"}
        )
    )
    stop = None
    try:
        admin = world.odoo.env("admin")
        partner = admin.create("res.partner", {"name": "Sixteen Ltd", "is_company": True})
        assert admin.search_count("x_xero_event", []) == 1  # the rule wrote the outbox row
        world.settle()
        assert xero_contacts(world, "Sixteen Ltd") == []  # Odoo 16 sends nothing by itself

        runner = Scheduler(world.runtime, plan=Plan())  # the outbox only: no poller may bring it
        assert runner.outbox_needed()
        stop = runner.stop
        thread = threading.Thread(target=runner.run, daemon=True)
        thread.start()
        assert world.wait(lambda: xero_contacts(world, "Sixteen Ltd")), "the outbox was not drained"
        assert world.wait(lambda: admin.search_count("x_xero_event", []) == 0)
        admin.unlink("res.partner", [partner])
        assert world.wait(lambda: xero_contacts(world, "Sixteen Ltd")[0]["ContactStatus"] == "ARCHIVED")
    finally:
        if stop is not None:
            stop()
        world.stop()


# ---------------------------------------------------------------------------------------- CLI


def test_scheduler_once_from_the_command_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from bridge.cli import main

    monkeypatch.setenv("BRIDGE_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(main, ["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert "scheduler: 0 change(s) sent, 0 outbox row(s) drained, 0 failure(s)" in result.output
