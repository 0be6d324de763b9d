"""Contact groups ⇄ partner tags, the groups themselves (memberships travel with contacts)."""

from __future__ import annotations

import pytest

from bridge.broker.publisher import Outgoing
from bridge.cli.sandboxed import SandboxedBridge
from bridge.events import Event, now


@pytest.fixture
def world(tmp_path):
    w = SandboxedBridge(home=str(tmp_path / "home")).start()
    yield w
    w.stop()


def xero_groups(world: SandboxedBridge) -> dict[str, dict]:
    org = world.xero.org()
    with org.lock:
        return {g["Name"]: dict(g) for g in org.contact_groups.values()}


def test_a_tag_created_then_renamed_in_odoo_becomes_a_contact_group_in_xero(world):
    admin = world.odoo.env("admin")
    (tag,) = admin.create("res.partner.category", [{"name": "Wholesale"}])
    assert world.wait(lambda: "Wholesale" in xero_groups(world))
    admin.write("res.partner.category", tag, {"name": "Wholesale NZ"})
    assert world.wait(lambda: "Wholesale NZ" in xero_groups(world) and "Wholesale" not in xero_groups(world))
    assert [n for n in xero_groups(world) if n.startswith("Wholesale")] == ["Wholesale NZ"]


def test_a_group_xero_reports_through_the_poller_becomes_a_tag_in_odoo(world):
    created = world.xero_api("PUT", "ContactGroups", json={"ContactGroups": [{"Name": "Retail"}]})
    group = created.json()["ContactGroups"][0]
    event = Event(
        source="xero", origin="poll", connection="demo", tenant_id=world.xero.tenants[0].tenant_id,
        entity="contact_group", resource_id=group["ContactGroupID"], change_type="update",
        occurred_at=now(), dedupe_key=f"poll|xero|ContactGroup|{group['ContactGroupID']}|1",
    )  # fmt: skip
    world.runtime.publisher.publish([Outgoing(event.routing_key, event.to_dict())])
    assert world.wait(
        lambda: world.odoo.env("admin").search("res.partner.category", [("name", "=", "Retail")])
    )
