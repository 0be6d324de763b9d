"""Contact groups ⇄ partner tags without webhooks: Xero sends none for groups (xero-facts §1), and an
Odoo 17/18 tag webhook can come before its commit or get lost (odoo-facts §2.1). The pollers bring
them: the ContactGroups hash poller from its very first read, the tag poller by write_date."""

from __future__ import annotations

import pytest

from bridge.cli.sandboxed import SandboxedBridge
from bridge.polling.scheduler import Plan, Scheduler
from bridge.store import bindings
from tests.test_polling import group_hash_specs, pause_odoo_webhooks, scheduler, started


@pytest.fixture
def world(tmp_path):
    w = started(SandboxedBridge(home=str(tmp_path / "home")))
    yield w
    w.stop()


def xero_groups(world: SandboxedBridge) -> dict[str, dict]:
    """Read from the sandbox directly: reads in a loop would spend the tenant's API budget."""
    org = world.xero.org()
    with org.lock:
        return {g["Name"]: dict(g) for g in org.contact_groups.values()}


def odoo_tags(world: SandboxedBridge, name: str) -> list[dict]:
    admin = world.odoo.env("admin").with_context(active_test=False)
    return admin.search_read("res.partner.category", [("name", "=", name)], ["name", "active"])


def group_binding(world: SandboxedBridge, xero_id: str | None = None, odoo_id: int | None = None):
    """The pair, once both ids are known (before a create the bridge notes only its source's)."""
    with world.runtime.db.session() as session:
        if xero_id is not None:
            found = bindings.by_xero(session, "demo", "contact_group", xero_id)
        else:
            found = bindings.by_odoo(session, "demo", "contact_group", odoo_id)
        return found if found is not None and found.xero_id and found.odoo_id else None


def group_poller(world: SandboxedBridge) -> Scheduler:
    """The scheduler with the ContactGroups hash poller only."""
    return scheduler(world, plan=Plan(hashed=group_hash_specs(world)))


def synced_tag(world: SandboxedBridge, name: str) -> dict:
    """A tag created in Odoo and exported through its webhook, with its Xero group."""
    (tag,) = world.odoo.env("admin").create("res.partner.category", [{"name": name}])
    assert world.wait(lambda: name in xero_groups(world)), f"{name} never reached Xero"
    assert world.wait(lambda: group_binding(world, odoo_id=tag))
    return {"id": tag, "xero": xero_groups(world)[name]}


def polled(done, spec: str) -> list:
    return [e for r in done.results for e in r.events if r.spec == spec]


# ------------------------------------------------------------------- Xero groups: the first full read


def test_a_group_created_in_xero_before_the_first_read_reaches_odoo_as_a_tag(world):
    response = world.xero_api("PUT", "ContactGroups", json={"ContactGroups": [{"Name": "Early Birds"}]})
    assert response.status_code == 200, response.text
    group_id = response.json()["ContactGroups"][0]["ContactGroupID"]
    world.settle()
    assert odoo_tags(world, "Early Birds") == []  # no webhook for groups: nothing brought it yet
    runner = group_poller(world)

    first = runner.reconcile()

    assert not first.failures, first.failures
    events = polled(first, "xero:contact_group")
    assert [(e.entity, e.resource_id, e.origin) for e in events] == [("contact_group", group_id, "poll")]
    assert world.wait(lambda: odoo_tags(world, "Early Birds")), "the first read did not bring the group"
    assert world.wait(lambda: group_binding(world, xero_id=group_id))
    assert [r.sent for r in runner.reconcile().results] == [0]  # recorded: the next read sends nothing


def test_the_first_read_does_not_send_a_group_the_bridge_already_holds(world):
    tag = synced_tag(world, "Known Group")

    first = group_poller(world).reconcile()

    assert not first.failures, first.failures
    assert [e.resource_id for e in polled(first, "xero:contact_group")] == []
    assert group_binding(world, xero_id=tag["xero"]["ContactGroupID"]).odoo_id == tag["id"]


def test_the_first_read_sends_no_membership_events(world):
    """Memberships found on the first read are its baseline: contacts have their own poller."""
    response = world.xero_api("PUT", "Contacts", json={"Contacts": [{"Name": "Member Ltd"}]})
    contact_id = response.json()["Contacts"][0]["ContactID"]
    response = world.xero_api("PUT", "ContactGroups", json={"ContactGroups": [{"Name": "Members"}]})
    group_id = response.json()["ContactGroups"][0]["ContactGroupID"]
    response = world.xero_api(
        "PUT", f"ContactGroups/{group_id}/Contacts", json={"Contacts": [{"ContactID": contact_id}]}
    )
    assert response.status_code == 200, response.text

    first = group_poller(world).reconcile()

    assert [(e.entity, e.resource_id) for e in polled(first, "xero:contact_group")] == [
        ("contact_group", group_id)
    ]


# ------------------------------------------------------------------- Odoo tags: the write_date poller


def test_a_tag_created_in_odoo_with_its_webhook_lost_reaches_xero_after_one_poll(world):
    pause_odoo_webhooks(world)
    (tag,) = world.odoo.env("admin").create("res.partner.category", [{"name": "Quiet Tag"}])
    world.settle()
    assert "Quiet Tag" not in xero_groups(world)

    done = scheduler(world).poll()

    assert not done.failures, done.failures
    (event,) = polled(done, "odoo:contact_group")
    assert (event.origin, event.entity, event.resource_id) == ("poll", "contact_group", str(tag))
    assert event.dedupe_key.startswith(f"poll|odoo|demo|res.partner.category|{tag}|")
    assert world.wait(lambda: "Quiet Tag" in xero_groups(world)), "the poll did not heal it"
    assert world.wait(lambda: group_binding(world, odoo_id=tag))
    # seen again within the overlap, but its event is done: nothing is sent
    assert polled(scheduler(world).poll(), "odoo:contact_group") == []


def test_a_tag_archived_in_odoo_with_its_webhook_lost_deletes_the_xero_group(world):
    tag = synced_tag(world, "Old Tag")
    pause_odoo_webhooks(world)
    world.odoo.env("admin").write("res.partner.category", [tag["id"]], {"active": False})
    world.settle()
    assert xero_groups(world)["Old Tag"]["Status"] == "ACTIVE"

    done = scheduler(world).poll()

    assert [e.resource_id for e in polled(done, "odoo:contact_group")] == [str(tag["id"])]
    assert world.wait(lambda: xero_groups(world)["Old Tag"]["Status"] == "DELETED")


def test_tags_the_bridge_wrote_itself_are_not_polled_back(world):
    response = world.xero_api("PUT", "ContactGroups", json={"ContactGroups": [{"Name": "From Xero"}]})
    group_id = response.json()["ContactGroups"][0]["ContactGroupID"]
    group_poller(world).reconcile()
    assert world.wait(lambda: group_binding(world, xero_id=group_id))
    assert odoo_tags(world, "From Xero")  # written by the bridge's Odoo user

    done = scheduler(world).poll()

    assert not done.failures, done.failures
    assert [r.seen for r in done.results if r.spec == "odoo:contact_group"] == [0]


def test_a_tag_deleted_in_odoo_deletes_the_xero_group_at_the_reconciliation(world):
    tag = synced_tag(world, "Doomed Tag")
    pause_odoo_webhooks(world)  # no "on deletion" webhook: only the id-set diff can tell
    world.odoo.env("admin").unlink("res.partner.category", [tag["id"]])
    world.settle()
    assert xero_groups(world)["Doomed Tag"]["Status"] == "ACTIVE"

    done = scheduler(world).reconcile()

    (event,) = polled(done, "odoo:contact_group:deletions")
    assert (event.change_type, event.resource_id) == ("delete", str(tag["id"]))
    assert world.wait(lambda: xero_groups(world)["Doomed Tag"]["Status"] == "DELETED")
