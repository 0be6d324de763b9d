"""Contacts and contact groups both ways, end to end: Xero sandbox ⇄ bridge (HTTP, broker, worker) ⇄ Odoo sandbox."""

from __future__ import annotations

import time

import pytest

from bridge.cli.sandboxed import SandboxedBridge
from bridge.store import bindings, entity_settings, mismatches
from bridge.store.mismatches import MismatchFilter


@pytest.fixture
def world(tmp_path):
    w = SandboxedBridge(home=str(tmp_path / "home")).start()
    yield w
    w.stop()


def xero_contacts(world: SandboxedBridge, name: str) -> list[dict]:
    """What a person sees in Xero (read from the sandbox directly: reads in a loop would spend the
    tenant's API budget that the bridge itself needs)."""
    org = world.xero.org()
    with org.lock:
        return [dict(c) for c in org.contacts.values() if c.get("Name") == name]


def xero_contact(world: SandboxedBridge, contact_id: str) -> dict:
    org = world.xero.org()
    with org.lock:
        return dict(org.contacts[contact_id])


def odoo_partners(world: SandboxedBridge, name: str) -> list[dict]:
    return world.odoo.env("admin").with_context(active_test=False).search_read(
        "res.partner", [("name", "=", name)], ["name", "email", "phone", "vat", "ref", "street", "city", "zip",
                                                 "country_id", "active", "category_id", "child_ids", "is_company"]
    )  # fmt: skip


def open_entries(world: SandboxedBridge, status: str | None = "open"):
    with world.runtime.db.session() as session:
        return mismatches.find(session, MismatchFilter(status=status))


def create_in_xero(world: SandboxedBridge, contact: dict) -> dict:
    response = world.xero_api("PUT", "Contacts", json={"Contacts": [contact]})
    assert response.status_code == 200, response.text
    return response.json()["Contacts"][0]


def test_a_contact_created_in_xero_appears_in_odoo_once_with_its_details(world):
    created = create_in_xero(
        world,
        {
            "Name": "Harbour Supplies Ltd",
            "EmailAddress": "Accounts@Harbour.test",
            "TaxNumber": "123-456-789",
            "AccountNumber": "HARB01",
            "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": "+64 9 555 0100"}],
            "Addresses": [
                {
                    "AddressType": "POBOX",
                    "AddressLine1": "1 Quay St",
                    "City": "Auckland",
                    "PostalCode": "1010",
                    "Country": "NZ",
                }
            ],
            "ContactPersons": [
                {"FirstName": "Mere", "LastName": "Tane", "EmailAddress": "mere@harbour.test"}
            ],
        },
    )
    # the partner is written first, then its contact person
    (partner,) = world.wait(
        lambda: [p for p in odoo_partners(world, "Harbour Supplies Ltd") if p["child_ids"]]
    )
    assert (partner["email"], partner["vat"], partner["ref"], partner["phone"]) == (
        "Accounts@Harbour.test", "123-456-789", "HARB01", "+64 9 555 0100"  # as typed
    )  # fmt: skip
    assert (partner["street"], partner["city"], partner["zip"], partner["is_company"]) == (
        "1 Quay St",
        "Auckland",
        "1010",
        True,
    )
    children = world.odoo.env("admin").read("res.partner", partner["child_ids"], ["name", "email"])
    assert [(c["name"], c["email"]) for c in children] == [("Mere Tane", "mere@harbour.test")]
    world.settle()  # the worker commits the binding after its writes to Odoo
    with world.runtime.db.session() as session:
        assert bindings.by_xero(session, "demo", "contact", created["ContactID"]).odoo_id == partner["id"]
    assert open_entries(world) == []


def test_a_partner_created_in_odoo_appears_in_xero_with_its_people_and_tags(world):
    admin = world.odoo.env("admin")
    (tag,) = admin.create("res.partner.category", [{"name": "Wholesale"}])
    partner = admin.create(
        "res.partner",
        {"name": "Kiwi Fruit Co", "email": "hello@kiwi.test", "is_company": True, "category_id": [(6, 0, [tag])],
         "street": "2 Orchard Rd", "city": "Tauranga"},
    )  # fmt: skip
    admin.create(
        "res.partner",
        {"name": "Ana Smith", "email": "ana@kiwi.test", "parent_id": partner, "type": "contact"},
    )
    contact = world.wait(
        lambda: [c for c in xero_contacts(world, "Kiwi Fruit Co") if c.get("ContactPersons")]
    )
    assert contact, "the company with its contact person never reached Xero"
    full = xero_contact(world, contact[0]["ContactID"])
    assert full["EmailAddress"] == "hello@kiwi.test"
    assert [(p["FirstName"], p["LastName"]) for p in full["ContactPersons"]] == [("Ana", "Smith")]
    assert world.wait(
        lambda: [g["Name"] for g in xero_contact(world, contact[0]["ContactID"]).get("ContactGroups", [])]
    ) == ["Wholesale"]
    assert len(xero_contacts(world, "Kiwi Fruit Co")) == 1


def test_an_edit_in_odoo_changes_xero_and_its_echo_writes_nothing(world):
    created = create_in_xero(world, {"Name": "Echo Ltd", "EmailAddress": "echo@echo.test"})
    (partner,) = world.wait(lambda: odoo_partners(world, "Echo Ltd"))
    world.odoo.env("admin").write("res.partner", partner["id"], {"phone": "+64 4 555 0199"})
    world.wait(
        lambda: any(
            p.get("PhoneNumber") == "+64 4 555 0199"
            for p in xero_contact(world, created["ContactID"])["Phones"]
        )
    )
    xero_version = xero_contact(world, created["ContactID"])["_updated"]
    odoo_version = world.odoo.env("admin").read("res.partner", partner["id"], ["write_date"])[0]["write_date"]
    world.xero.wait_for_webhooks()  # Xero's webhook for the bridge's own write, the echo …
    assert world.wait(lambda: world.stats().get("unchanged", 0) >= 1)  # … was read and left alone:
    assert xero_contact(world, created["ContactID"])["_updated"] == xero_version  # no second Xero write
    assert (
        world.odoo.env("admin").read("res.partner", partner["id"], ["write_date"])[0]["write_date"]
        == odoo_version
    )
    assert len(odoo_partners(world, "Echo Ltd")) == 1 and len(xero_contacts(world, "Echo Ltd")) == 1


def test_the_same_contact_created_on_both_sides_at_once_becomes_one_pair(world):
    world.odoo.env("admin").create(
        "res.partner", {"name": "Twin Traders", "email": "ap@twin.test", "is_company": True}
    )
    create_in_xero(world, {"Name": "Twin Traders", "EmailAddress": "ap@twin.test"})
    world.wait(lambda: sum(world.stats().values()) >= 2)
    world.settle()  # both events and any echo handled
    (partner,) = odoo_partners(world, "Twin Traders")
    (contact,) = xero_contacts(world, "Twin Traders")
    with world.runtime.db.session() as session:  # and the bridge made them a pair
        pair = bindings.by_xero(session, "demo", "contact", contact["ContactID"])
        assert pair is not None and pair.odoo_id == partner["id"]
    assert open_entries(world) == []


def test_an_ambiguous_match_goes_to_the_mismatch_log_with_the_candidates_named(world):
    with world.runtime.db.session() as session:
        entity_settings.put(session, "demo", "contact", direction="import")  # Odoo's two stay in Odoo
    admin = world.odoo.env("admin")
    first = admin.create("res.partner", {"name": "Dup One", "email": "dup@dup.test"})
    second = admin.create("res.partner", {"name": "Dup Two", "email": "dup@dup.test"})
    create_in_xero(world, {"Name": "Dup Three", "EmailAddress": "DUP@dup.test"})
    (entry,) = world.wait(lambda: open_entries(world))
    assert (
        entry.source == "xero"
        and "ambiguous match" in entry.note
        and f"#{first}" in entry.note
        and f"#{second}" in entry.note
    )
    assert odoo_partners(world, "Dup Three") == []


def test_xeros_validation_message_reaches_the_mismatch_log_verbatim(world):
    create_in_xero(world, {"Name": "Taken Name Ltd"})
    world.wait(lambda: odoo_partners(world, "Taken Name Ltd"))
    partner = world.odoo.env("admin").create(
        "res.partner", {"name": "Free Name Ltd", "email": "free@free.test"}
    )
    world.wait(lambda: xero_contacts(world, "Free Name Ltd"))
    world.odoo.env("admin").write("res.partner", partner, {"name": "Taken Name Ltd"})
    (entry,) = world.wait(lambda: open_entries(world))
    assert entry.kind == "permanent"
    assert "The contact name Taken Name Ltd is already assigned to another contact" in entry.note
    assert entry.source_model == "res.partner" and entry.source_id == str(partner)


def test_a_change_refused_by_the_settings_is_skipped_and_counted(world):
    with world.runtime.db.session() as session:
        entity_settings.put(session, "demo", "contact", direction="import")  # Xero → Odoo only
    world.odoo.env("admin").create("res.partner", {"name": "Stays In Odoo", "is_company": True})
    world.wait(lambda: world.stats().get("skipped"))
    assert xero_contacts(world, "Stays In Odoo") == []
    create_in_xero(world, {"Name": "Comes From Xero"})
    assert world.wait(lambda: odoo_partners(world, "Comes From Xero"))


@pytest.mark.parametrize(
    ("policy", "winner"), [("xero-wins", "xero"), ("odoo-wins", "odoo"), ("newest-wins", "odoo")]
)
def test_a_conflict_is_settled_by_the_policy_and_the_overwritten_values_are_kept(tmp_path, policy, winner):
    world = SandboxedBridge(home=str(tmp_path / "home")).start()
    try:
        with world.runtime.db.session() as session:
            entity_settings.put(session, "demo", "contact", conflict_policy=policy)
        created = create_in_xero(world, {"Name": "Contested Ltd", "EmailAddress": "a@contested.test"})
        (partner,) = world.wait(lambda: odoo_partners(world, "Contested Ltd"))
        world.settle()
        world.stop_workers()  # both sides change while the bridge is not looking
        element = {
            "ContactID": created["ContactID"],
            "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": "111 Xero"}],
        }
        world.xero_api("POST", f"Contacts/{created['ContactID']}", json={"Contacts": [element]})
        time.sleep(1.1)  # Odoo's change is the newer one: a second later on the clocks that compare them
        world.odoo.env("admin").write("res.partner", partner["id"], {"phone": "222 Odoo"})
        world.xero.wait_for_webhooks()
        world.start_worker()
        expected = "111 Xero" if winner == "xero" else "222 Odoo"
        assert world.wait(
            lambda: (
                odoo_partners(world, "Contested Ltd")[0]["phone"] == expected
                and any(
                    p.get("PhoneNumber") == expected
                    for p in xero_contact(world, created["ContactID"])["Phones"]
                )
            ),
            timeout=20,
        ), (odoo_partners(world, "Contested Ltd"), xero_contact(world, created["ContactID"])["Phones"])
        conflicts = [e for e in open_entries(world, status="resolved") if e.kind == "conflict"]
        assert conflicts and conflicts[0].details["winner"] == winner
    finally:
        world.stop()
