"""Contacts as a real Odoo 17 showed them: what a user types arrives as typed, nothing the other side
merely lacks is erased, people and deletions arrive however they were made. End to end, with Odoo's
before-commit webhook window on (SandboxedBridge's default)."""

from __future__ import annotations

import time

import pytest

from bridge.broker.publisher import Outgoing
from bridge.cli.sandboxed import SandboxedBridge
from bridge.events import Event, now
from bridge.store import bindings, entity_settings, mismatches
from bridge.store.mismatches import MismatchFilter


@pytest.fixture
def world(tmp_path):
    w = SandboxedBridge(home=str(tmp_path / "home")).start()
    yield w
    w.stop()


def xero_contact_named(world: SandboxedBridge, name: str) -> dict | None:
    org = world.xero.org()
    with org.lock:
        found = [dict(c) for c in org.contacts.values() if c.get("Name") == name]
    return found[0] if found else None


def xero_groups(world: SandboxedBridge) -> dict[str, dict]:
    org = world.xero.org()
    with org.lock:
        return {
            g["Name"]: dict(g) for g in org.contact_groups.values() if g.get("Status", "ACTIVE") == "ACTIVE"
        }


def open_entries(world: SandboxedBridge):
    with world.runtime.db.session() as session:
        return mismatches.find(session, MismatchFilter(status="open"))


def publish_group_poll(world: SandboxedBridge, group_id: str) -> None:
    """What the ContactGroups poller sends for a new group (Xero has no webhook for groups)."""
    event = Event(
        source="xero", origin="poll", connection="demo", tenant_id=world.xero.tenants[0].tenant_id,
        entity="contact_group", resource_id=group_id, change_type="update", occurred_at=now(),
        dedupe_key=f"poll|xero|ContactGroup|{group_id}|1",
    )  # fmt: skip
    world.runtime.publisher.publish([Outgoing(event.routing_key, event.to_dict())])


def next_second() -> None:
    """Odoo's write_date has whole seconds over RPC: make the next change land in a later one."""
    time.sleep(1.05)


def test_a_contact_person_added_later_to_an_odoo_company_reaches_xero(world):
    admin = world.odoo.env("admin")
    company = admin.create("res.partner", {"name": "Later People Ltd", "is_company": True})
    world.wait(lambda: xero_contact_named(world, "Later People Ltd"), message="the company in Xero")
    world.settle()
    next_second()  # the child's change is newer than its parent's last write
    admin.create(
        "res.partner",
        {"name": "Hone Heke", "email": "hone@later.test", "parent_id": company, "type": "contact"},
    )
    contact = world.wait(
        lambda: (xero_contact_named(world, "Later People Ltd") or {}).get("ContactPersons"),
        message="the contact person on the Xero contact",
    )
    assert [(p["FirstName"], p["LastName"], p["EmailAddress"]) for p in contact] == [
        ("Hone", "Heke", "hone@later.test")
    ]
    assert open_entries(world) == []


def test_a_partner_deleted_in_odoo_archives_its_xero_contact_at_once_and_its_echo_is_quiet(world):
    admin = world.odoo.env("admin")
    partner = admin.create("res.partner", {"name": "Short Lived Ltd", "is_company": True})
    world.wait(lambda: xero_contact_named(world, "Short Lived Ltd"), message="the contact in Xero")
    world.settle()
    admin.unlink("res.partner", partner)
    world.wait(
        lambda: (xero_contact_named(world, "Short Lived Ltd") or {}).get("ContactStatus") == "ARCHIVED",
        message="the Xero contact archived by the unlink webhook (no reconciliation runs here)",
    )
    world.xero.wait_for_webhooks()  # Xero's webhook for the archive, the echo …
    world.settle()
    assert open_entries(world) == []  # … is recognised, not "partner … is gone"


def test_an_odoo_mobile_number_reaches_xero(world):
    world.odoo.env("admin").create(
        "res.partner", {"name": "Mobile Owner Ltd", "is_company": True, "mobile": "+64 21 555 0101"}
    )
    phones = world.wait(
        lambda: [
            p
            for p in (xero_contact_named(world, "Mobile Owner Ltd") or {}).get("Phones", [])
            if p.get("PhoneType") == "MOBILE" and p.get("PhoneNumber")
        ],
        message="the mobile phone in Xero",
    )
    assert phones[0]["PhoneNumber"] == "+64 21 555 0101"


def test_names_and_emails_are_written_as_the_user_typed_them(world):
    admin = world.odoo.env("admin")
    (tag,) = admin.create("res.partner.category", [{"name": "Retail NZ"}])
    admin.create(
        "res.partner",
        {
            "name": "Typed Case Ltd",
            "is_company": True,
            "email": "Ana.Smith@Typed.test",
            "category_id": [(6, 0, [tag])],
        },
    )
    contact = world.wait(
        lambda: (c := xero_contact_named(world, "Typed Case Ltd")) and c.get("ContactGroups") and c,
        message="the contact with its group in Xero",
    )
    assert contact["EmailAddress"] == "Ana.Smith@Typed.test"
    assert [g["Name"] for g in contact["ContactGroups"]] == ["Retail NZ"]
    assert "Retail NZ" in xero_groups(world) and "Retail Nz" not in xero_groups(world)


def test_a_xero_group_is_not_matched_to_an_odoo_tag_by_like_wildcards(world):
    with world.runtime.db.session() as session:
        entity_settings.put(session, "demo", "contact_group", direction="import")  # Odoo's tags stay in Odoo
    admin = world.odoo.env("admin")
    (vips,) = admin.create("res.partner.category", [{"name": "VIPs"}])
    group = world.xero_api("PUT", "ContactGroups", json={"ContactGroups": [{"Name": "VIP_"}]}).json()[
        "ContactGroups"
    ][0]
    publish_group_poll(world, group["ContactGroupID"])
    world.wait(lambda: admin.search("res.partner.category", [("name", "=", "VIP_")]), message="the tag VIP_")
    assert admin.read("res.partner.category", [vips], ["name"])[0]["name"] == "VIPs"  # not renamed


def test_a_first_match_fills_blanks_and_never_erases_what_xero_lacks(world):
    admin = world.odoo.env("admin")
    country = admin.search("res.country", [("code", "=", "NZ")])[0]
    partner = admin.create(
        "res.partner",
        {"name": "Keeps Its Data Ltd", "is_company": True, "email": "ap@keeps.test", "vat": "NZ-123",
         "street": "9 Quay St", "country_id": country},
    )  # fmt: skip
    world.wait(lambda: xero_contact_named(world, "Keeps Its Data Ltd"), message="exported first")
    world.settle()
    with world.runtime.db.session() as session:  # forget the pair: the next import has to match again
        binding = bindings.by_odoo(session, "demo", "contact", partner)
        session.delete(binding)
    contact = xero_contact_named(world, "Keeps Its Data Ltd")
    element = {"ContactID": contact["ContactID"], "TaxNumber": "", "Addresses": [], "Phones": [
        {"PhoneType": "DEFAULT", "PhoneNumber": "+64 9 555 0777"}]}  # fmt: skip
    assert (
        world.xero_api("POST", f"Contacts/{contact['ContactID']}", json={"Contacts": [element]}).status_code
        == 200
    )
    world.wait(
        lambda: admin.read("res.partner", [partner], ["phone"])[0]["phone"] == "+64 9 555 0777",
        message="Xero's phone in Odoo",
    )
    (after,) = admin.read("res.partner", [partner], ["vat", "street", "country_id"])
    assert (after["vat"], after["street"], after["country_id"][0]) == ("NZ-123", "9 Quay St", country)


def test_a_value_cleared_in_xero_after_the_last_sync_is_cleared_in_odoo(world):
    created = world.xero_api(
        "PUT", "Contacts", json={"Contacts": [{"Name": "Clears Ltd", "TaxNumber": "GST-1"}]}
    ).json()["Contacts"][0]
    admin = world.odoo.env("admin")
    (partner,) = world.wait(
        lambda: admin.search("res.partner", [("name", "=", "Clears Ltd"), ("vat", "=", "GST-1")])
    )
    world.settle()
    element = {"ContactID": created["ContactID"], "TaxNumber": ""}
    world.xero_api("POST", f"Contacts/{created['ContactID']}", json={"Contacts": [element]})
    world.wait(
        lambda: not admin.read("res.partner", [partner], ["vat"])[0]["vat"], message="VAT cleared in Odoo"
    )


def test_an_odoo_edit_keeps_a_membership_only_xero_has(world):
    admin = world.odoo.env("admin")
    partner = admin.create("res.partner", {"name": "Member Ltd", "is_company": True})
    contact = world.wait(lambda: xero_contact_named(world, "Member Ltd"), message="the contact in Xero")
    world.settle()
    group = world.xero_api("PUT", "ContactGroups", json={"ContactGroups": [{"Name": "Xero Only"}]}).json()[
        "ContactGroups"
    ][0]
    world.xero_api(
        "PUT",
        f"ContactGroups/{group['ContactGroupID']}/Contacts",
        json={"Contacts": [{"ContactID": contact["ContactID"]}]},
    )
    admin.write("res.partner", partner, {"phone": "+64 9 555 0123"})
    world.wait(
        lambda: any(
            p.get("PhoneNumber") == "+64 9 555 0123"
            for p in xero_contact_named(world, "Member Ltd")["Phones"]
        ),
        message="Odoo's phone in Xero",
    )
    world.settle()
    org = world.xero.org()
    with org.lock:
        assert contact["ContactID"] in org.contact_groups[group["ContactGroupID"]]["_members"]


def test_a_users_partner_edited_in_odoo_is_not_sent_to_xero(world):
    admin = world.odoo.env("admin")
    (me,) = admin.search_read("res.users", [("login", "=", "admin")], ["partner_id"])
    admin.write("res.partner", me["partner_id"][0], {"phone": "+64 9 555 0999"})
    admin.create("res.partner", {"name": "A Real Contact Ltd", "is_company": True})  # sent after it
    world.wait(lambda: xero_contact_named(world, "A Real Contact Ltd"), message="the real contact in Xero")
    world.settle()
    assert xero_contact_named(world, me["partner_id"][1]) is None


def test_changes_to_different_fields_on_both_sides_both_survive_without_a_conflict(world):
    created = world.xero_api(
        "PUT", "Contacts", json={"Contacts": [{"Name": "Both Sides Ltd", "EmailAddress": "old@both.test"}]}
    ).json()["Contacts"][0]
    admin = world.odoo.env("admin")
    (partner,) = world.wait(lambda: admin.search("res.partner", [("name", "=", "Both Sides Ltd")]))
    world.settle()
    world.stop_workers()  # both change while the bridge is not looking
    element = {"ContactID": created["ContactID"], "EmailAddress": "new@both.test"}
    world.xero_api("POST", f"Contacts/{created['ContactID']}", json={"Contacts": [element]})
    admin.write("res.partner", partner, {"phone": "+64 9 555 0456"})
    world.xero.wait_for_webhooks()
    world.start_worker()
    world.wait(
        lambda: admin.read("res.partner", [partner], ["email"])[0]["email"] == "new@both.test",
        message="Xero's new email in Odoo",
    )
    world.wait(
        lambda: any(
            p.get("PhoneNumber") == "+64 9 555 0456"
            for p in xero_contact_named(world, "Both Sides Ltd")["Phones"]
        ),
        message="Odoo's new phone in Xero",
    )
    world.settle()
    assert xero_contact_named(world, "Both Sides Ltd")["EmailAddress"] == "new@both.test"
    assert admin.read("res.partner", [partner], ["phone"])[0]["phone"] == "+64 9 555 0456"
    with world.runtime.db.session() as session:
        assert [e for e in mismatches.find(session, MismatchFilter()) if e.kind == "conflict"] == []
