"""Dependencies first: a record that refers to an unsynced record of another entity has that record
synced first, through its own translator and binding; one that cannot be synced makes the dependent
event a mismatch that names it."""

from __future__ import annotations

import pytest

from bridge.cli.sandboxed import SandboxedBridge
from bridge.store import bindings, entity_settings, mismatches
from bridge.store.mismatches import MismatchFilter


@pytest.fixture
def world(tmp_path):
    w = SandboxedBridge(home=str(tmp_path / "home")).start()
    yield w
    w.stop()


def member_of_new_xero_group(world: SandboxedBridge, group_name: str, contact_name: str) -> tuple[str, str]:
    """A group made in Xero (Xero sends no webhook for groups), a contact put in it, then the contact
    edited: its webhook is the first the bridge hears of the group."""
    group = world.xero_api("PUT", "ContactGroups", json={"ContactGroups": [{"Name": group_name}]}).json()
    group_id = group["ContactGroups"][0]["ContactGroupID"]
    world.stop_workers()
    contact = world.xero_api("PUT", "Contacts", json={"Contacts": [{"Name": contact_name}]}).json()[
        "Contacts"
    ][0]
    world.xero_api(
        "PUT", f"ContactGroups/{group_id}/Contacts", json={"Contacts": [{"ContactID": contact["ContactID"]}]}
    )
    world.xero.wait_for_webhooks()
    world.start_worker()
    return group_id, contact["ContactID"]


def test_a_contacts_unsynced_group_is_synced_first_through_its_own_translator(world):
    group_id, _ = member_of_new_xero_group(world, "Dependency Group", "Dependency Member Ltd")
    admin = world.odoo.env("admin")
    (partner,) = world.wait(
        lambda: admin.search_read("res.partner", [("name", "=", "Dependency Member Ltd")], ["category_id"]),
        message="the partner in Odoo",
    )
    tags = admin.read("res.partner.category", partner["category_id"], ["name"])
    assert [t["name"] for t in tags] == ["Dependency Group"]
    with world.runtime.db.session() as session:
        bound = bindings.by_xero(session, "demo", "contact_group", group_id)
        assert bound is not None and bound.odoo_id == tags[0]["id"]  # bound as the group entity's own


def test_a_dependency_that_cannot_be_synced_makes_the_event_a_mismatch_naming_it(world):
    with world.runtime.db.session() as session:
        entity_settings.put(session, "demo", "contact_group", direction="import")  # Odoo's tags stay there
    admin = world.odoo.env("admin")
    admin.create("res.partner.category", [{"name": "Twin Tag"}, {"name": "Twin Tag"}])
    group_id, contact_id = member_of_new_xero_group(world, "Twin Tag", "Blocked Member Ltd")
    world.settle()
    with world.runtime.db.session() as session:
        entries = mismatches.find(session, MismatchFilter(status="open"))
    (entry,) = [e for e in entries if e.source_id == contact_id]
    assert (
        f"depends on contact_group {group_id}" in entry.note
        and "Xero contact group 'Twin Tag': 2 Odoo tags have the same name" in entry.note
    )
    assert admin.search("res.partner", [("name", "=", "Blocked Member Ltd")]) == []
