"""Items ⇄ products (consumers/items), end to end against the sandboxes: Xero sends no webhooks for
items (xero-facts §1), so Xero's side reaches the bridge through the poller (If-Modified-Since); Odoo's
through its webhook rule on product.product, or its poller.

One world per module (each test uses its own codes and names); Xero's tax rates OUTPUT2/INPUT2 are
mapped to Odoo's 15 % taxes as `bridge mapping` would (a binding of the tax_rate entity)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bridge import entities
from bridge.cli.sandboxed import SandboxedBridge
from bridge.polling.scheduler import Plan, Scheduler
from bridge.store import bindings, entity_settings, mismatches
from bridge.store.mismatches import MismatchFilter
from consumers.base import Context
from consumers.items.bulk import ItemBulk
from consumers.items.polling import OdooTemplateChanges, XeroItemChanges
from consumers.items.settings import set_import_category
from tests.test_polling import started


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    # Xero's clock four times as fast: its minute limit (60 calls, xero-facts §2) resets every 15 s, so the
    # module's tests, sharing one tenant, do not wait on each other's calls.
    w = started(SandboxedBridge(home=str(tmp_path_factory.mktemp("items") / "home"), time_scale=4.0))
    admin = w.odoo.env("admin")
    with w.runtime.db.session() as session:
        for tax_type, use in (("OUTPUT2", "sale"), ("INPUT2", "purchase")):
            (tax,) = admin.search("account.tax", [("type_tax_use", "=", use), ("amount", "=", 15.0)], limit=1)
            bindings.bind(session, "demo", "tax_rate", xero_id=tax_type, odoo_id=tax)
    yield w
    w.stop()


@pytest.fixture(autouse=True)
def keeps_to_xeros_spec(world):
    """The module's world is started before conftest's per-test check: the same check, per test."""
    violations, ignored = len(world.xero.spec_violations), len(world.xero.ignored_fields)
    yield
    assert world.xero.spec_violations[violations:] == []
    assert world.xero.ignored_fields[ignored:] == [], "the bridge sent Xero a field Xero ignores"


# ------------------------------------------------------------------------------------------ helpers


def xero_item(world: SandboxedBridge, code: str) -> dict | None:
    """Read from the sandbox directly: reads in a loop would spend the tenant's API budget."""
    org = world.xero.org()
    with org.lock:
        found = [dict(i) for i in org.items.values() if i["Code"] == code]
    return found[0] if found else None


def put_item(world: SandboxedBridge, item: dict) -> dict:
    """A Xero user creates an item (no webhook follows: Xero has none for items)."""
    response = world.xero_api("PUT", "Items", json={"Items": [item]})
    assert response.status_code == 200, response.text
    return response.json()["Items"][0]


def post_item(world: SandboxedBridge, item: dict) -> None:
    response = world.xero_api("POST", f"Items/{item['ItemID']}", json={"Items": [item]})
    assert response.status_code == 200, response.text


def products(
    world: SandboxedBridge, domain: list, fields=("name", "default_code", "list_price")
) -> list[dict]:
    admin = world.odoo.env("admin").with_context(active_test=False)
    return admin.search_read("product.product", domain, list(fields))


def item_binding(world: SandboxedBridge, xero_id: str | None = None, odoo_id: int | None = None):
    with world.runtime.db.session() as session:
        found = (
            bindings.by_xero(session, "demo", "item", xero_id)
            if xero_id
            else bindings.by_odoo(session, "demo", "item", odoo_id)
        )
        return found if found is not None and found.xero_id and found.odoo_id else None


def xero_account_id(world: SandboxedBridge, code: str) -> str:
    org = world.xero.org()
    with org.lock:
        return org.account_by_code(code)["AccountID"]


def mapped_account(world: SandboxedBridge, code: str, name: str, account_type: str, xero_code: str) -> int:
    """An Odoo account mapped to an existing Xero account, as `bridge mapping set account` does (a
    binding of the account entity), before the account entity's own webhook could export it."""
    admin = world.odoo.env("admin")
    rules = admin.search("base.automation", [("name", "like", "Xero bridge: ")])
    admin.write("base.automation", rules, {"active": False})
    try:
        company = {"company_ids": [(6, 0, [1])]} if world.odoo_version >= 18 else {"company_id": 1}
        values = {"code": code, "name": name, "account_type": account_type, **company}
        (account,) = admin.create("account.account", [values])
        with world.runtime.db.session() as session:
            bindings.bind(
                session, "demo", "account", xero_id=xero_account_id(world, xero_code), odoo_id=account
            )
    finally:
        admin.write("base.automation", rules, {"active": True})
    return account


def poll_xero(world: SandboxedBridge):
    """One round of the Xero items poller, as the scheduler runs it."""
    done = Scheduler(world.runtime, keep_events=True, plan=Plan(watermark=[XeroItemChanges()])).poll()
    assert not done.failures, done.failures
    return [e for r in done.results for e in r.events]


def context(world: SandboxedBridge) -> Context:
    return world.context()


def open_entries(world: SandboxedBridge, status: str = "open") -> list:
    with world.runtime.db.session() as session:
        return [m for m in mismatches.find(session, MismatchFilter(status=status)) if m.entity == "item"]


def exported(world: SandboxedBridge, values: dict) -> tuple[int, dict]:
    """A product an Odoo user creates, once its webhook brought it to Xero."""
    product = world.odoo.env("admin").create("product.product", values)
    code = values.get("default_code") or f"ODOO-1-{product}"
    assert world.wait(lambda: xero_item(world, code) and item_binding(world, odoo_id=product)), code
    return product, xero_item(world, code)


# ---------------------------------------------------------------------------------- bulk
# First in the module: bulk work runs at the rate governor's bulk share, which later tests' calls spend.


def test_bulk_import_brings_every_xero_item_and_a_second_run_changes_nothing(world):
    for n in range(3):
        put_item(world, {"Code": f"BI-{n}", "Name": f"Bulk In {n}", "SalesDetails": {"UnitPrice": n + 1}})
    run = ItemBulk(context(world), "demo")

    first = run.import_()

    assert [p["default_code"] for p in products(world, [("default_code", "like", "BI-")])] == [
        "BI-0",
        "BI-1",
        "BI-2",
    ]
    assert first.created == 3 and first.xero_calls >= 1
    again = ItemBulk(context(world), "demo").import_()
    assert again.created == 0 and again.updated == 0


def test_bulk_import_resumes_from_its_checkpoint(world):
    """An interrupted run's checkpoint is the newest UpdatedDateUTC it finished: the next run asks Xero
    only for items changed since (If-Modified-Since, xero-facts §5)."""
    older = put_item(world, {"Code": "BR-0", "Name": "Before The Checkpoint"})
    newer = put_item(world, {"Code": "BR-1", "Name": "After The Checkpoint"})
    org = world.xero.org()
    with org.lock:
        org.items[older["ItemID"]]["_updated"] -= 60  # changed a minute before the other
        resumed_at = datetime.fromtimestamp(org.items[newer["ItemID"]]["_updated"] - 1, UTC)
    run = ItemBulk(context(world), "demo")
    run.save_checkpoint("import", resumed_at.isoformat())

    report = run.import_()

    assert [p["default_code"] for p in products(world, [("default_code", "like", "BR-")])] == ["BR-1"]
    assert report.created == 1 and run.checkpoint("import") is None


def test_bulk_export_sends_products_in_batches_and_resumes_after_its_checkpoint(world):
    admin = world.odoo.env("admin")
    with world.runtime.db.session() as session:
        entity_settings.put(session, "demo", "item", direction="import")  # their webhooks change nothing
    try:
        ids = [
            admin.create("product.product", {"name": f"Bulk Out {n}", "default_code": f"BO-{n}"})
            for n in range(4)
        ]
        world.settle()
    finally:
        with world.runtime.db.session() as session:
            entity_settings.put(session, "demo", "item", direction="both")
    assert [xero_item(world, f"BO-{n}") for n in range(4)] == [None] * 4
    run = ItemBulk(context(world), "demo")
    run.save_checkpoint("export", str(ids[1]))  # an earlier run got this far

    report = run.export()

    assert [xero_item(world, f"BO-{n}") is not None for n in range(4)] == [False, False, True, True]
    assert report.created == 2 and report.xero_calls <= 3
    assert run.checkpoint("export") is None


# ---------------------------------------------------------------------------------- Odoo → Xero


def test_a_product_created_in_odoo_becomes_a_xero_item_with_its_prices_texts_and_taxes(world):
    admin = world.odoo.env("admin")
    (sale_tax,) = admin.search("account.tax", [("type_tax_use", "=", "sale")], limit=1)
    _, item = exported(
        world,
        {
            "name": "Blue Widget", "default_code": "BW-1", "list_price": 12.5, "standard_price": 4.2567,
            "description_sale": "A blue widget", "taxes_id": [(6, 0, [sale_tax])],
        },
    )  # fmt: skip
    assert (item["Name"], item["Description"]) == ("Blue Widget", "A blue widget")
    assert Decimal(str(item["SalesDetails"]["UnitPrice"])) == Decimal("12.5")
    assert Decimal(str(item["PurchaseDetails"]["UnitPrice"])) == Decimal("4.2567")  # unitdp=4
    assert item["SalesDetails"]["TaxType"] == "OUTPUT2"  # through the tax_rate binding
    assert item["IsTrackedAsInventory"] is False


def test_a_product_without_internal_reference_gets_a_generated_code_and_keeps_its_own_blank(world):
    product, item = exported(world, {"name": "Nameless Gadget"})
    assert item["Code"] == f"ODOO-1-{product}"
    assert products(world, [("id", "=", product)])[0]["default_code"] is False
    world.settle()
    assert open_entries(world) == []


def test_a_name_longer_than_xeros_50_is_cut_in_xero_and_keeps_its_tail_in_odoo(world):
    long_name = "Industrial stainless steel fastener assortment, 500 pieces, metric"
    product, item = exported(world, {"name": long_name, "default_code": "LONG-1"})
    assert item["Name"] == long_name[:50].rstrip()
    world.settle()
    assert products(world, [("id", "=", product)])[0]["name"] == long_name


def test_an_internal_reference_longer_than_xeros_30_is_a_mismatch_that_says_so(world):
    code = "REF-" + "X" * 30
    world.odoo.env("admin").create("product.product", {"name": "Long Reference", "default_code": code})
    assert world.wait(lambda: [m for m in open_entries(world) if code in m.note])
    assert xero_item(world, code) is None
    for entry in open_entries(world):
        with world.runtime.db.session() as session:
            mismatches.set_status(session, entry.id, "ignored", note="test: expected refusal")


def test_a_price_changed_in_odoo_reaches_the_xero_item(world):
    product, _ = exported(world, {"name": "Price Mover", "default_code": "PM-1", "list_price": 10.0})
    world.odoo.env("admin").write("product.product", [product], {"list_price": 11.75})
    assert world.wait(
        lambda: Decimal(str(xero_item(world, "PM-1")["SalesDetails"].get("UnitPrice"))) == Decimal("11.75")
    )


def test_a_storable_product_with_automated_valuation_is_refused_as_tracked_without_a_cogs_account(world):
    """Xero makes an item tracked only with an INVENTORY asset account and a COGS account (xero-facts §8):
    a tracked product that names no expense account (neither its own nor its category's) is a mismatch
    with Xero's own message, never an untracked item."""
    admin = world.odoo.env("admin")
    (category,) = admin.create("product.category", [{"name": "Valued", "property_valuation": "real_time"}])
    storable = {"is_storable": True} if world.odoo_version >= 18 else {"detailed_type": "product"}
    admin.create(
        "product.product", {"name": "Valued Bolt", "default_code": "VB-1", "categ_id": category, **storable}
    )
    assert world.wait(lambda: open_entries(world))
    notes = [m.note for m in open_entries(world)]
    assert any(n.startswith("Xero ValidationException") and "VB-1" not in n for n in notes), notes
    assert xero_item(world, "VB-1") is None
    for entry in open_entries(world):
        with world.runtime.db.session() as session:
            mismatches.set_status(session, entry.id, "ignored", note="test: expected refusal")


def test_an_archived_product_leaves_its_xero_item_as_it_is(world):
    """Xero items have no archived state (the spec's Item has no Status): archiving changes nothing there."""
    product, item = exported(world, {"name": "Retired Tool", "default_code": "RT-1", "list_price": 3.0})
    world.odoo.env("admin").write("product.product", [product], {"active": False, "list_price": 4.0})
    assert world.wait(
        lambda: Decimal(str(xero_item(world, "RT-1")["SalesDetails"]["UnitPrice"])) == Decimal("4")
    ), "the change made while archiving was not sent"
    assert xero_item(world, "RT-1")["ItemID"] == item["ItemID"]


def test_a_product_deleted_in_odoo_deletes_its_xero_item(world):
    product, item = exported(world, {"name": "Short Lived", "default_code": "SL-1"})
    world.odoo.env("admin").unlink("product.product", [product])
    assert world.wait(lambda: xero_item(world, "SL-1") is None), "the Xero item is still there"


def test_a_products_accounts_reach_xero_as_the_codes_of_their_bound_accounts(world):
    income = mapped_account(world, "400100", "Widget Sales", "income", "260")
    expense = mapped_account(world, "600100", "Widget Costs", "expense", "429")
    _, item = exported(
        world,
        {
            "name": "Accounted", "default_code": "AC-1",
            "property_account_income_id": income, "property_account_expense_id": expense,
        },
    )  # fmt: skip
    assert (item["SalesDetails"]["AccountCode"], item["PurchaseDetails"]["AccountCode"]) == ("260", "429")


def test_a_storable_product_with_automated_valuation_becomes_a_tracked_xero_item(world):
    """Xero tracks an item with an INVENTORY asset account and a COGS account (xero-facts §8): the
    category's stock valuation account and the product's expense account, through their bindings."""
    stock = mapped_account(world, "110100", "Stock Valuation", "asset_current", "630")
    cogs = mapped_account(world, "500100", "Goods Sold Cost", "expense_direct_cost", "310")
    admin = world.odoo.env("admin")
    values = {
        "name": "Valued Stock",
        "property_valuation": "real_time",
        "property_stock_valuation_account_id": stock,
    }
    (category,) = admin.create("product.category", [values])
    storable = {"is_storable": True} if world.odoo_version >= 18 else {"detailed_type": "product"}
    _, item = exported(
        world,
        {
            "name": "Tracked Bolt", "default_code": "TB-1", "categ_id": category, "standard_price": 2.5,
            "property_account_expense_id": cogs, **storable,
        },
    )  # fmt: skip
    assert item["IsTrackedAsInventory"] is True
    assert (item["InventoryAssetAccountCode"], item["PurchaseDetails"]["COGSAccountCode"]) == ("630", "310")
    assert "AccountCode" not in item["PurchaseDetails"]  # not applicable to a tracked item (spec, Purchase)


def test_an_items_account_with_no_binding_is_synced_first(world):
    """The account entity brings the Xero account into Odoo before the item (the framework's
    dependencies), and the product names the account it made."""
    put_item(world, {"Code": "DA-1", "Name": "Needs Its Account", "SalesDetails": {"AccountCode": "200"}})
    poll_xero(world)
    fields = ("property_account_income_id",)
    assert world.wait(lambda: products(world, [("default_code", "=", "DA-1")], fields))
    with world.runtime.db.session() as session:
        account = bindings.by_xero(session, "demo", "account", xero_account_id(world, "200"))
        assert account is not None and account.odoo_id
    (product,) = products(world, [("default_code", "=", "DA-1")], fields)
    assert product["property_account_income_id"][0] == account.odoo_id


# ---------------------------------------------------------------------------------- Xero → Odoo


def test_an_item_created_in_xero_reaches_odoo_through_the_poller(world):
    created = put_item(
        world,
        {
            "Code": "XI-1", "Name": "Xero Made", "Description": "Sold by the box",
            "PurchaseDescription": "Bought by the pallet",
            "SalesDetails": {"UnitPrice": 25.5, "TaxType": "OUTPUT2"},
            "PurchaseDetails": {"UnitPrice": 9.99, "TaxType": "INPUT2"},
        },
    )  # fmt: skip
    world.settle()
    assert products(world, [("default_code", "=", "XI-1")]) == []  # no webhook for items

    events = poll_xero(world)

    assert [(e.entity, e.resource_id) for e in events] == [("item", created["ItemID"])]
    fields = (
        "name",
        "list_price",
        "standard_price",
        "description_sale",
        "taxes_id",
        "supplier_taxes_id",
        "categ_id",
    )
    assert world.wait(lambda: products(world, [("default_code", "=", "XI-1")], fields))
    (product,) = products(world, [("default_code", "=", "XI-1")], fields)
    assert (product["name"], product["list_price"], product["standard_price"]) == ("Xero Made", 25.5, 9.99)
    assert product["description_sale"] == "Sold by the box"
    admin = world.odoo.env("admin")
    assert admin.read("account.tax", product["taxes_id"], ["type_tax_use"])[0]["type_tax_use"] == "sale"
    assert (
        admin.read("account.tax", product["supplier_taxes_id"], ["type_tax_use"])[0]["type_tax_use"]
        == "purchase"
    )
    assert product["categ_id"][1] == "Untracked Category"


def test_an_item_changed_in_xero_reaches_odoo_through_the_poller(world):
    created = put_item(world, {"Code": "XI-2", "Name": "Renamable", "SalesDetails": {"UnitPrice": 1}})
    poll_xero(world)
    assert world.wait(lambda: products(world, [("default_code", "=", "XI-2")]))
    post_item(
        world,
        {"ItemID": created["ItemID"], "Code": "XI-2", "Name": "Renamed", "SalesDetails": {"UnitPrice": 2}},
    )
    poll_xero(world)
    assert world.wait(
        lambda: (
            [(p["name"], p["list_price"]) for p in products(world, [("default_code", "=", "XI-2")])]
            == [("Renamed", 2.0)]
        )
    )


def test_a_tracked_xero_item_becomes_a_storable_product_in_the_tracked_category(world):
    put_item(
        world,
        {
            "Code": "TR-1", "Name": "Tracked Thing", "InventoryAssetAccountCode": "630",
            "PurchaseDetails": {"UnitPrice": 5, "COGSAccountCode": "310"}, "SalesDetails": {"UnitPrice": 8},
        },
    )  # fmt: skip
    poll_xero(world)
    storable = "is_storable" if world.odoo_version >= 18 else "detailed_type"
    assert world.wait(lambda: products(world, [("default_code", "=", "TR-1")], ("categ_id", storable)))
    (product,) = products(world, [("default_code", "=", "TR-1")], ("categ_id", storable))
    assert product[storable] in (True, "product")
    category = world.odoo.env("admin").read(
        "product.category", [product["categ_id"][0]], ["name", "property_valuation"]
    )
    assert category[0] == {
        "id": product["categ_id"][0],
        "name": "Tracked Category",
        "property_valuation": "real_time",
    }


@contextmanager
def chosen_categories(world: SandboxedBridge, tracked: int | None, untracked: int | None):
    """The seed's "Tracked Category" / "Untracked Category" settings, for one test (the world is shared)."""
    for is_tracked, category in ((True, tracked), (False, untracked)):
        set_import_category(world.runtime.db, "demo", is_tracked, category)
    try:
        yield
    finally:
        for is_tracked in (True, False):
            set_import_category(world.runtime.db, "demo", is_tracked, None)


def test_imported_items_go_to_the_categories_chosen_in_the_settings(world):
    admin = world.odoo.env("admin")
    (valued,) = admin.create(
        "product.category", [{"name": "Stock We Count", "property_valuation": "real_time"}]
    )
    (plain,) = admin.create("product.category", [{"name": "Services And Such"}])
    with chosen_categories(world, tracked=valued, untracked=plain):
        put_item(
            world,
            {
                "Code": "CAT-T", "Name": "Counted Thing", "InventoryAssetAccountCode": "630",
                "PurchaseDetails": {"UnitPrice": 5, "COGSAccountCode": "310"}, "SalesDetails": {"UnitPrice": 8},
            },
        )  # fmt: skip
        put_item(world, {"Code": "CAT-U", "Name": "Uncounted Thing", "SalesDetails": {"UnitPrice": 3}})
        poll_xero(world)
        codes = [("default_code", "in", ["CAT-T", "CAT-U"])]
        assert world.wait(lambda: len(products(world, codes)) == 2)
    categories = {
        p["default_code"]: p["categ_id"][0] for p in products(world, codes, ("default_code", "categ_id"))
    }
    assert categories == {"CAT-T": valued, "CAT-U": plain}


def test_a_chosen_tracked_category_that_does_not_value_stock_automatically_is_a_mismatch_naming_it(world):
    """A tracked item in a manually valued category would read back as untracked, and the next sync
    would try to untrack the Xero item: refused, naming the setting and the category."""
    (manual,) = world.odoo.env("admin").create(
        "product.category", [{"name": "Counted By Hand", "property_valuation": "manual_periodic"}]
    )
    with chosen_categories(world, tracked=manual, untracked=None):
        put_item(
            world,
            {
                "Code": "CAT-M", "Name": "Hand Counted", "InventoryAssetAccountCode": "630",
                "PurchaseDetails": {"UnitPrice": 5, "COGSAccountCode": "310"}, "SalesDetails": {"UnitPrice": 8},
            },
        )  # fmt: skip
        poll_xero(world)
        assert world.wait(lambda: any("Counted By Hand" in m.note for m in open_entries(world)))
    (entry,) = [m for m in open_entries(world) if "Counted By Hand" in m.note]
    assert "Tracked Category setting" in entry.note and "not automated" in entry.note
    assert products(world, [("default_code", "=", "CAT-M")]) == []
    with world.runtime.db.session() as session:
        mismatches.set_status(session, entry.id, "ignored", note="test: expected")


def test_the_echo_of_the_bridges_own_write_writes_nothing(world):
    product, item = exported(world, {"name": "Echo Chamber", "default_code": "EC-1", "list_price": 7.0})
    world.settle()
    before = products(world, [("id", "=", product)], ("write_date",))
    stats = dict(world.stats())

    events = poll_xero(world)  # the poller reads the item the bridge wrote

    world.settle()
    echoed = [e for e in events if e.resource_id == item["ItemID"]]
    assert products(world, [("id", "=", product)], ("write_date",)) == before
    assert world.stats().get("updated", 0) == stats.get("updated", 0)
    assert item_binding(world, odoo_id=product).xero_id == item["ItemID"]
    assert len(echoed) <= 1


def test_an_unbound_tax_rate_is_synced_first_or_named_in_the_mismatch(world):
    """An item's tax rate with no binding is synced by the tax_rate entity first; while that entity is
    not built, the item is a mismatch that names it — never an item without its tax."""
    put_item(
        world,
        {
            "Code": "DEP-1",
            "Name": "Zero Rated Thing",
            "SalesDetails": {"UnitPrice": 3, "TaxType": "ZERORATED"},
        },
    )
    poll_xero(world)
    if entities.get("tax_rate").built:
        assert world.wait(lambda: products(world, [("default_code", "=", "DEP-1")]))
        with world.runtime.db.session() as session:
            assert bindings.by_xero(session, "demo", "tax_rate", "ZERORATED") is not None
    else:
        assert world.wait(lambda: any("ZERORATED" in m.note for m in open_entries(world)))
        assert products(world, [("default_code", "=", "DEP-1")]) == []
        for entry in open_entries(world):
            with world.runtime.db.session() as session:
                mismatches.set_status(session, entry.id, "ignored", note="test: expected")


def test_a_conflict_keeps_the_newest_change_and_logs_the_other(world):
    product, item = exported(world, {"name": "Contested", "default_code": "CO-1", "list_price": 10.0})
    world.settle()
    admin = world.odoo.env("admin")
    rules = admin.search("base.automation", [("name", "like", "Xero bridge: ")])
    admin.write("base.automation", rules, {"active": False})  # Odoo's change stays unsent
    try:
        admin.write("product.product", [product], {"list_price": 20.0})
        post_item(world, {"ItemID": item["ItemID"], "Code": "CO-1", "SalesDetails": {"UnitPrice": 30}})
        poll_xero(world)  # Xero's change is the newer one
        assert world.wait(lambda: products(world, [("id", "=", product)])[0]["list_price"] == 30.0)
    finally:
        admin.write("base.automation", rules, {"active": True})
    conflicts = [m for m in open_entries(world, status="resolved") if m.kind == "conflict"]
    assert conflicts and conflicts[-1].details["winner"] == "xero"


# ---------------------------------------------------------------------------------- pollers


def test_a_template_edited_in_odoo_reaches_xero_through_the_template_poller(world):
    """A user editing the product form writes product.template, which the product.product rule does not
    see: the template poller turns it into a change of its variant."""
    product, _ = exported(world, {"name": "Form Edited", "default_code": "FE-1", "list_price": 5.0})
    admin = world.odoo.env("admin")
    (template,) = [
        p["product_tmpl_id"][0] for p in products(world, [("id", "=", product)], ("product_tmpl_id",))
    ]
    admin.write("product.template", [template], {"list_price": 6.5})
    world.settle()
    done = Scheduler(world.runtime, keep_events=True, plan=Plan(watermark=[OdooTemplateChanges()])).poll()
    assert not done.failures, done.failures
    assert str(product) in [e.resource_id for r in done.results for e in r.events]
    assert world.wait(
        lambda: Decimal(str(xero_item(world, "FE-1")["SalesDetails"]["UnitPrice"])) == Decimal("6.5")
    )


# ---------------------------------------------------------------------------------- per Odoo version


@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_tracked_and_untracked_xero_items_become_storable_and_consumable_products_on_every_version(
    tmp_path, version
):
    """Storable is 16/17 detailed_type 'product', 18+ is_storable on a 'consu' product (odoo-facts §3.7);
    automated valuation is the category's property_valuation 'real_time' on every version."""
    w = started(SandboxedBridge(home=str(tmp_path / "home"), odoo_version=version))
    try:
        put_item(
            w,
            {
                "Code": "TRV", "Name": "Tracked", "InventoryAssetAccountCode": "630",
                "PurchaseDetails": {"COGSAccountCode": "310"},
            },
        )  # fmt: skip
        put_item(w, {"Code": "UNV", "Name": "Untracked", "SalesDetails": {"UnitPrice": 1}})
        poll_xero(w)
        fields = ("default_code", "categ_id", "type", "is_storable" if version >= 18 else "detailed_type")
        assert w.wait(lambda: len(products(w, [("default_code", "in", ["TRV", "UNV"])], fields)) == 2)
        found = {p["default_code"]: p for p in products(w, [("default_code", "in", ["TRV", "UNV"])], fields)}
        if version >= 18:
            assert [(found[c]["type"], found[c]["is_storable"]) for c in ("TRV", "UNV")] == [
                ("consu", True),
                ("consu", False),
            ]
        else:
            assert [found[c]["detailed_type"] for c in ("TRV", "UNV")] == ["product", "consu"]
        categories = w.odoo.env("admin").read(
            "product.category",
            [found[c]["categ_id"][0] for c in ("TRV", "UNV")],
            ["name", "property_valuation"],
        )
        assert [(c["name"], c["property_valuation"] == "real_time") for c in categories] == [
            ("Tracked Category", True),
            ("Untracked Category", False),
        ]
        w.settle()
        assert open_entries(w) == []
        assert w.xero.spec_violations == [] and w.xero.ignored_fields == []
    finally:
        w.stop()
