"""The seed's "disable export of accounts & taxes" (per connection): Odoo never creates accounts, taxes
or bank accounts in Xero; they are mapped (`bridge mapping`), and an Odoo record that depends on an
unmapped one is a mismatch naming it. The mechanism is each entity's `export_disabled` setting; the
end-to-end tests apply it to contact groups, the dependency contacts have today."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bridge.broker.publisher import Outgoing
from bridge.cli import main
from bridge.cli.sandboxed import SandboxedBridge
from bridge.events import Event, now
from bridge.store import connections, entity_settings, mismatches
from bridge.store.mismatches import MismatchFilter
from consumers.accounts.settings import inventory_account
from consumers.items.settings import import_category

TAG = "res.partner.category"


def bridge(environ: dict, *args: str):
    return CliRunner().invoke(main, list(args), env=environ)


@pytest.fixture
def runtime(make_runtime):
    runtime = make_runtime("embedded")
    with runtime.db.session() as session:
        connections.add(session, "Demo", "tenant-1", 1, id="demo")
    return runtime


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Export of accounts & taxes disabled, and the same mechanism applied to contact groups."""
    w = SandboxedBridge(home=str(tmp_path_factory.mktemp("export") / "home")).start()
    assert bridge(w.environ, "settings", "export-accounts-taxes", "demo", "--disable").exit_code == 0
    with w.runtime.db.session() as session:
        entity_settings.put(session, "demo", "contact_group", export_disabled=True)
    yield w
    w.stop()


def xero_groups(world: SandboxedBridge) -> dict[str, dict]:
    org = world.xero.org()
    with org.lock:
        return {g["Name"]: dict(g) for g in org.contact_groups.values()}


def xero_group_ids(world: SandboxedBridge, name: str) -> list[str]:
    org = world.xero.org()
    with org.lock:
        return [g["ContactGroupID"] for g in org.contact_groups.values() if g["Name"] == name]


def xero_contact(world: SandboxedBridge, name: str) -> dict | None:
    org = world.xero.org()
    with org.lock:
        return next((dict(c) for c in org.contacts.values() if c["Name"] == name), None)


def tagged_partner(world: SandboxedBridge, tag_name: str, partner_name: str) -> tuple[int, int]:
    admin = world.odoo.env("admin")
    (tag,) = admin.create(TAG, [{"name": tag_name}])
    (partner,) = admin.create(
        "res.partner", [{"name": partner_name, "is_company": True, "category_id": [tag]}]
    )
    return tag, partner


def open_mismatch_of(world: SandboxedBridge, partner: int):
    def found():
        with world.runtime.db.session() as session:
            entries = mismatches.find(session, MismatchFilter(status="open", entity="contact"))
        return next((e for e in entries if e.source == "odoo" and e.source_id == str(partner)), None)

    return world.wait(found, message=f"a mismatch for Odoo partner {partner}")


def test_disabling_export_of_accounts_and_taxes_leaves_them_import_only_and_the_rest_as_set(runtime):
    environ = runtime.test_environ
    result = bridge(environ, "settings", "export-accounts-taxes", "demo", "--disable")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "demo: export of account, tax_rate, bank_account to Xero disabled: map them with bridge mapping auto|set"
    )
    shown = bridge(environ, "settings", "show").stdout.splitlines()
    assert shown[0] == "demo: export of accounts & taxes DISABLED"
    lines = {line.split()[0]: line for line in shown[1:]}
    for entity in ("account", "tax_rate", "bank_account"):
        assert lines[entity].split()[1] == "import" and "export disabled" in lines[entity]
    assert lines["contact"].split()[1] == "both" and "export disabled" not in lines["contact"]
    with runtime.db.session() as session:
        account = entity_settings.get(session, "demo", "account")
        assert (account.allows("odoo"), account.allows("xero")) == (False, True)
        assert entity_settings.get(session, "demo", "contact").allows("odoo")

    assert bridge(environ, "settings", "export-accounts-taxes", "demo", "--enable").exit_code == 0
    with runtime.db.session() as session:
        assert entity_settings.get(session, "demo", "account").allows("odoo")
    assert bridge(environ, "settings", "show").stdout.startswith("demo: export of accounts & taxes on")


def test_an_export_direction_left_with_export_disabled_is_off(runtime):
    with runtime.db.session() as session:
        entity_settings.put(session, "demo", "tax_rate", direction="export")
        entity_settings.set_master_data_export(session, "demo", enabled=False)
        assert entity_settings.get(session, "demo", "tax_rate").direction == "off"
        entity_settings.set_master_data_export(session, "demo", enabled=True)
        assert entity_settings.get(session, "demo", "tax_rate").direction == "export"  # as it was set


def test_an_unknown_connection_is_refused_in_one_line(runtime):
    result = bridge(runtime.test_environ, "settings", "export-accounts-taxes", "nowhere", "--disable")
    assert result.exit_code == 1 and result.stderr == "no connection nowhere\n"


def test_the_inventory_account_is_set_shown_and_cleared_per_connection(runtime):
    """The seed's "Use as inventory in Xero" flag: the items entity reads it (consumers/accounts/settings.py)."""
    environ = runtime.test_environ
    assert bridge(environ, "settings", "inventory-account", "demo", "id:14").exit_code == 0
    assert inventory_account(runtime.db, "demo") == 14
    assert "inventory account: Odoo account #14" in bridge(environ, "settings", "show").output
    assert bridge(environ, "settings", "inventory-account", "demo", "--none").exit_code == 0
    assert inventory_account(runtime.db, "demo") is None


def test_a_bad_inventory_account_is_one_line(runtime):
    result = bridge(runtime.test_environ, "settings", "inventory-account", "demo", "Stock")
    assert result.exit_code == 2 and result.stderr == "not an Odoo account id: 'Stock' (e.g. id:14)\n"


def test_the_import_categories_are_set_shown_and_cleared_per_connection(runtime):
    """The seed's "Tracked Category" / "Untracked Category" (consumers/items/settings.py)."""
    environ = runtime.test_environ
    assert bridge(environ, "settings", "item-category", "demo", "tracked", "id:7").exit_code == 0
    assert bridge(environ, "settings", "item-category", "demo", "untracked", "8").exit_code == 0
    assert (import_category(runtime.db, "demo", True), import_category(runtime.db, "demo", False)) == (7, 8)
    shown = bridge(environ, "settings", "show").output
    assert "tracked category: Odoo product category #7" in shown
    assert "untracked category: Odoo product category #8" in shown
    assert bridge(environ, "settings", "item-category", "demo", "tracked", "--none").exit_code == 0
    assert import_category(runtime.db, "demo", True) is None
    assert "tracked category: the bridge's own" in bridge(environ, "settings", "show").output


def test_a_bad_import_category_is_one_line(runtime):
    result = bridge(runtime.test_environ, "settings", "item-category", "demo", "tracked", "Goods")
    assert (
        result.exit_code == 2 and result.stderr == "not an Odoo product category id: 'Goods' (e.g. id:14)\n"
    )


def test_an_odoo_record_whose_dependency_is_unmapped_is_a_mismatch_naming_it_and_nothing_is_created(world):
    tag, partner = tagged_partner(world, "Unmapped Tag", "Depends On Unmapped Ltd")
    entry = open_mismatch_of(world, partner)
    assert entry.note == (
        f"depends on contact_group {tag} (Unmapped Tag), which is not mapped to Xero, and this connection "
        "does not export contact_group records (export of accounts & taxes is disabled): map it "
        f"(bridge mapping set contact_group XERO_REF id:{tag}), then replay"
    )
    world.settle()
    assert "Unmapped Tag" not in xero_groups(world)
    assert xero_contact(world, "Depends On Unmapped Ltd") is None


def test_once_mapped_the_replayed_record_syncs_with_the_mapped_dependency(world):
    tag, partner = tagged_partner(world, "Tag To Map", "Replayed After Mapping Ltd")
    entry = open_mismatch_of(world, partner)
    # contacts name their groups (consumers/contacts): Xero's group of the same name, mapped by hand
    group = world.xero_api("PUT", "ContactGroups", json={"ContactGroups": [{"Name": "Tag To Map"}]})
    group_id = group.json()["ContactGroups"][0]["ContactGroupID"]

    mapped = bridge(world.environ, "mapping", "set", "contact_group", group_id, f"id:{tag}")
    assert mapped.exit_code == 0, mapped.output
    replayed = bridge(world.environ, "mismatch", "replay", str(entry.id))
    assert replayed.exit_code == 0, replayed.output

    members = world.wait(
        lambda: xero_groups(world)["Tag To Map"]["_members"], message="the contact in the mapped group"
    )
    assert members == [xero_contact(world, "Replayed After Mapping Ltd")["ContactID"]]
    assert xero_group_ids(world, "Tag To Map") == [group_id]  # mapped, never created


def test_an_odoo_tag_is_not_exported_while_xero_groups_still_come_to_odoo(world):
    admin = world.odoo.env("admin")
    admin.create(TAG, [{"name": "Stays In Odoo"}])
    created = world.xero_api("PUT", "ContactGroups", json={"ContactGroups": [{"Name": "Comes From Xero"}]})
    group_id = created.json()["ContactGroups"][0]["ContactGroupID"]
    event = Event(
        source="xero", origin="poll", connection="demo", tenant_id=world.xero.tenants[0].tenant_id,
        entity="contact_group", resource_id=group_id, change_type="update",
        occurred_at=now(), dedupe_key=f"poll|xero|ContactGroup|{group_id}|1",
    )  # fmt: skip
    world.runtime.publisher.publish([Outgoing(event.routing_key, event.to_dict())])
    assert world.wait(lambda: admin.search(TAG, [("name", "=", "Comes From Xero")]))
    world.settle()
    assert "Stays In Odoo" not in xero_groups(world)


def xero_accounts(world: SandboxedBridge) -> dict[str, dict]:
    org = world.xero.org()
    with org.lock:
        return {a["Name"]: dict(a) for a in org.accounts.values()}


def product_with_income_account(
    world: SandboxedBridge, code: str, name: str, product: str
) -> tuple[int, int]:
    admin = world.odoo.env("admin")
    (account,) = admin.create("account.account", [{"code": code, "name": name, "account_type": "income"}])
    (product_id,) = admin.create(
        "product.product",
        [{"name": product, "default_code": product.upper()[:10], "property_account_income_id": account}],
    )
    return account, product_id


def open_item_mismatch_of(world: SandboxedBridge, product: int):
    def found():
        with world.runtime.db.session() as session:
            entries = mismatches.find(session, MismatchFilter(status="open", entity="item"))
        return next((e for e in entries if e.source == "odoo" and e.source_id == str(product)), None)

    return world.wait(found, message=f"a mismatch for Odoo product {product}")


def test_an_item_whose_income_account_is_unmapped_is_a_mismatch_naming_the_account(world):
    account, product = product_with_income_account(world, "499100", "Unmapped Income", "Widget")
    entry = open_item_mismatch_of(world, product)
    assert entry.note.startswith(
        f"depends on account {account} (Unmapped Income), which is not mapped to Xero, and this connection "
        "does not export account records (export of accounts & taxes is disabled)"
    )
    world.settle()
    assert "Unmapped Income" not in xero_accounts(world)  # never created in Xero


def test_an_item_replayed_after_its_account_and_taxes_are_mapped_uses_the_mapped_xero_account(world):
    account, product = product_with_income_account(world, "499200", "Mapped Income", "Gadget")
    entry = open_item_mismatch_of(world, product)
    assert bridge(world.environ, "mapping", "auto", "tax_rate").exit_code == 0
    mapped = bridge(world.environ, "mapping", "set", "account", "260", f"id:{account}")  # Other Revenue
    assert mapped.exit_code == 0, mapped.output
    assert bridge(world.environ, "mismatch", "replay", str(entry.id)).exit_code == 0

    def item():
        org = world.xero.org()
        with org.lock:
            return next((dict(i) for i in org.items.values() if i.get("Name") == "Gadget"), None)

    assert world.wait(item, message="the item in Xero")["SalesDetails"]["AccountCode"] == "260"
    assert "Mapped Income" not in xero_accounts(world)
