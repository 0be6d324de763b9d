"""Purchase orders both ways (consumers/purchase_orders): Odoo RFQs and orders ⇄ Xero purchase orders,
with their status, lines and totals — through the whole spine, against both sandboxes. Xero has no
webhook for purchase orders, so its side comes through the poller. The world is the invoices' (USD on
both sides; Odoo 400000 ⇄ Xero 200, 600000 ⇄ 400, the 15 % taxes ⇄ OUTPUT2 / INPUT2, bound by hand)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bridge.cli.sandboxed import SandboxedBridge
from bridge.polling.scheduler import Plan, Scheduler
from bridge.store import bindings, mismatches
from bridge.store.mismatches import MismatchFilter
from consumers.purchase_orders.bulk import PurchaseOrderBulk
from consumers.purchase_orders.polling import XeroPurchaseOrderChanges
from sandboxes.xero.resources.orders import PURCHASE_ORDER, _render
from tests.test_currencies import usd_organisation
from tests.test_invoices import as_user, context, tax, without_webhooks, xero_contact
from tests.test_polling import started


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = started(
        SandboxedBridge(home=str(tmp_path_factory.mktemp("purchase_orders") / "home"), time_scale=4.0)
    )
    usd_organisation(w)
    admin = w.odoo.env("admin")
    org = w.xero.org()
    with w.runtime.db.session() as session:
        for tax_type, use in (("OUTPUT2", "sale"), ("INPUT2", "purchase")):
            (found,) = admin.search(
                "account.tax", [("type_tax_use", "=", use), ("amount", "=", 15.0)], limit=1
            )
            bindings.bind(session, "demo", "tax_rate", xero_id=tax_type, odoo_id=found)
        for odoo_code, xero_code in (("400000", "200"), ("600000", "400")):
            (account,) = admin.search("account.account", [("code", "=", odoo_code)], limit=1)
            with org.lock:
                xero_id = org.account_by_code(xero_code)["AccountID"]
            bindings.bind(session, "demo", "account", xero_id=xero_id, odoo_id=account)
    yield w
    w.stop()


@pytest.fixture(autouse=True)
def keeps_to_xeros_spec(world):
    violations, ignored = len(world.xero.spec_violations), len(world.xero.ignored_fields)
    yield
    assert world.xero.spec_violations[violations:] == []
    assert world.xero.ignored_fields[ignored:] == [], "the bridge sent Xero a field Xero ignores"


# ------------------------------------------------------------------------------------------ helpers


def product(world: SandboxedBridge, code: str, cost: float = 5.0) -> int:
    """The Odoo product of this internal reference (made the first time: the tests share a few, so that
    their Xero items are exported once and the tenant's minute budget is left to the orders)."""
    admin = world.odoo.env("admin")
    found = admin.search("product.product", [("default_code", "=", code)])
    if found:
        return found[0]
    (made,) = admin.create(
        "product.product",
        [{"name": f"Product {code}", "default_code": code, "standard_price": cost, "purchase_ok": True}],
    )
    return made


def odoo_rfq(world: SandboxedBridge, vendor: str, lines: list[tuple], **extra) -> int:
    """An Odoo user's RFQ: lines of (product code, description, quantity, price, taxed)."""
    (partner,) = world.odoo.env("admin").create("res.partner", [{"name": vendor, "is_company": True}])
    values = {
        "partner_id": partner,
        "order_line": [
            (0, 0, {
                "product_id": product(world, code), "name": text, "product_qty": qty, "price_unit": price,
                "taxes_id": [(6, 0, [tax(world, "purchase")] if taxed else [])],
                "date_planned": "2026-12-01 12:00:00",
            })
            for code, text, qty, price, taxed in lines
        ],
        **extra,
    }  # fmt: skip
    (order,) = world.odoo.env("admin").create("purchase.order", [values])
    return order


def order(world: SandboxedBridge, order_id: int) -> dict:
    fields = ["state", "name", "partner_ref", "amount_total", "order_line", "date_planned", "date_order"]
    (row,) = world.odoo.env("admin").read("purchase.order", [order_id], fields)
    return row


def binding_of(world: SandboxedBridge, odoo_id: int | None = None, xero_id: str | None = None):
    with world.runtime.db.session() as session:
        found = (
            bindings.by_odoo(session, "demo", "purchase_order", odoo_id)
            if odoo_id is not None
            else bindings.by_xero(session, "demo", "purchase_order", xero_id)
        )
        return found if bindings.is_pair(found) else None


def xero_order(world: SandboxedBridge, po_id: str) -> dict:
    """Read from the sandbox directly (reads in a loop would spend the tenant's 60 calls a minute)."""
    org = world.xero.org()
    with org.lock:
        return json.loads(json.dumps(_render(org, PURCHASE_ORDER, org.purchase_orders[po_id])))


def exported(world: SandboxedBridge, order_id: int, condition=lambda doc: True) -> dict:
    def found():
        bound = binding_of(world, odoo_id=order_id)
        if bound is None:
            return None
        doc = xero_order(world, bound.xero_id)
        return doc if condition(doc) else None

    return world.wait(found, timeout=30, message=f"Odoo purchase order {order_id} in Xero")


def put_order(world: SandboxedBridge, element: dict) -> dict:
    response = as_user(
        world, "PUT", "PurchaseOrders", params={"unitdp": 4}, json={"PurchaseOrders": [element]}
    )
    assert response.status_code == 200, response.text
    return response.json()["PurchaseOrders"][0]


def put_item(world: SandboxedBridge, code: str, cost: float) -> None:
    item = {"Code": code, "Name": f"Item {code}", "PurchaseDetails": {"UnitPrice": cost, "TaxType": "INPUT2"}}
    response = as_user(world, "PUT", "Items", json={"Items": [item]})
    assert response.status_code == 200, response.text


def poll_xero(world: SandboxedBridge) -> list:
    """One round of the Xero purchase-order poller, as the scheduler runs it."""
    done = Scheduler(
        world.runtime, keep_events=True, plan=Plan(watermark=[XeroPurchaseOrderChanges()])
    ).poll()
    assert not done.failures, done.failures
    return [e for r in done.results for e in r.events]


def open_entries(world: SandboxedBridge) -> list:
    with world.runtime.db.session() as session:
        found = mismatches.find(session, MismatchFilter(status="open"))
        return [m for m in found if m.entity == "purchase_order"]


def xero_po_element(contact: str, lines: list[dict], **extra) -> dict:
    return {"Contact": {"ContactID": contact}, "Date": "2026-11-23", "DeliveryDate": "2026-12-07",
            "LineAmountTypes": "Exclusive", "LineItems": lines, **extra}  # fmt: skip


# ---------------------------------------------------------------------------------- Odoo → Xero


def test_an_odoo_rfq_reaches_xero_as_a_draft_purchase_order_under_odoos_number(world):
    made = odoo_rfq(
        world,
        "RFQ Vendor Ltd",
        [("POW-1", "Widgets", 3, 12.5, True), ("POW-2", "Bolts, boxed", 2, 0.3333, False)],
        partner_ref="VQ-881",
    )
    doc = exported(world, made)
    odoo = order(world, made)
    assert (doc["Status"], doc["PurchaseOrderNumber"], doc["Reference"]) == ("DRAFT", odoo["name"], "VQ-881")
    assert doc["Contact"]["Name"] == "RFQ Vendor Ltd"
    assert [
        (line["ItemCode"], line["Description"], line["Quantity"], line["UnitAmount"], line["TaxType"])
        for line in doc["LineItems"]
    ] == [("POW-1", "Widgets", 3.0, 12.5, "INPUT2"), ("POW-2", "Bolts, boxed", 2.0, 0.3333, "NONE")]
    assert doc["DeliveryDate"] == "/Date(1796083200000+0000)/"  # 2026-12-01, the lines' date_planned
    assert Decimal(str(doc["Total"])) == Decimal(str(odoo["amount_total"])) == Decimal("43.8")


def test_confirming_the_order_in_odoo_authorises_the_xero_purchase_order(world):
    made = odoo_rfq(world, "Confirming Vendor Ltd", [("POW-1", "Cable", 10, 2.0, True)])
    exported(world, made)
    world.odoo.env("admin").call("purchase.order", "button_confirm", [made])
    assert order(world, made)["state"] == "purchase"
    doc = exported(world, made, lambda d: d["Status"] == "AUTHORISED")
    assert doc["Total"] == 23.0


def test_cancelling_the_order_in_odoo_deletes_the_xero_purchase_order(world):
    made = odoo_rfq(world, "Cancelling Vendor Ltd", [("POW-1", "Maybe", 1, 9.0, True)])
    admin = world.odoo.env("admin")
    admin.call("purchase.order", "button_confirm", [made])
    exported(world, made, lambda d: d["Status"] == "AUTHORISED")
    admin.call("purchase.order", "button_cancel", [made])
    exported(world, made, lambda d: d["Status"] == "DELETED")


def test_the_echo_of_the_bridges_own_write_writes_nothing(world):
    made = odoo_rfq(world, "Echo Vendor Ltd", [("POW-1", "Echo", 1, 1.0, True)])
    doc = exported(world, made)
    world.settle()
    poll_xero(world)  # the poller reads the order the bridge wrote
    world.settle()
    assert xero_order(world, doc["PurchaseOrderID"])["UpdatedDateUTC"] == doc["UpdatedDateUTC"]
    assert order(world, made)["state"] == "draft"
    assert open_entries(world) == []


# ---------------------------------------------------------------------------------- Xero → Odoo


def test_a_xero_purchase_order_polled_becomes_an_odoo_order_with_its_lines_and_equal_totals(world):
    put_item(world, "XPO-1", 7.25)
    contact = xero_contact(world, "Xero Supplier Ltd")
    doc = put_order(world, xero_po_element(contact, [
        {"ItemCode": "XPO-1", "Description": "Pallets", "Quantity": 4, "UnitAmount": 7.1234, "TaxType": "INPUT2"},
    ], Reference="SUP-REF-9"))  # fmt: skip
    world.settle()
    assert binding_of(world, xero_id=doc["PurchaseOrderID"]) is None  # no webhook for purchase orders

    events = poll_xero(world)

    assert [(e.entity, e.resource_id) for e in events] == [("purchase_order", doc["PurchaseOrderID"])]
    bound = world.wait(lambda: binding_of(world, xero_id=doc["PurchaseOrderID"]), timeout=30)
    odoo = order(world, bound.odoo_id)
    assert (odoo["state"], odoo["partner_ref"]) == ("draft", "SUP-REF-9")
    assert odoo["name"] != doc["PurchaseOrderNumber"]  # each side keeps the number it gave
    assert (str(odoo["date_order"])[:10], str(odoo["date_planned"])[:10]) == ("2026-11-23", "2026-12-07")
    assert Decimal(str(odoo["amount_total"])) == Decimal(str(doc["Total"])) == Decimal("32.76")
    (line,) = world.odoo.env("admin").read(
        "purchase.order.line", odoo["order_line"], ["name", "product_qty", "price_unit", "product_id"]
    )
    assert (line["name"], line["product_qty"], line["price_unit"]) == ("Pallets", 4.0, 7.1234)
    (made,) = world.odoo.env("admin").read("product.product", [line["product_id"][0]], ["default_code"])
    assert made["default_code"] == "XPO-1"
    world.settle()
    assert xero_order(world, doc["PurchaseOrderID"])["UpdatedDateUTC"] == doc["UpdatedDateUTC"]  # no echo


def test_a_xero_purchase_order_approved_in_xero_is_confirmed_in_odoo(world):
    put_item(world, "XPO-2", 3.0)
    contact = xero_contact(world, "Approving Supplier Ltd")
    line = {"ItemCode": "XPO-2", "Description": "Tape", "Quantity": 2, "UnitAmount": 3, "TaxType": "INPUT2"}
    doc = put_order(world, xero_po_element(contact, [line]))
    poll_xero(world)
    bound = world.wait(lambda: binding_of(world, xero_id=doc["PurchaseOrderID"]), timeout=30)
    world.settle()
    response = as_user(world, "POST", f"PurchaseOrders/{doc['PurchaseOrderID']}", json={
        "PurchaseOrders": [{"PurchaseOrderID": doc["PurchaseOrderID"], "Status": "AUTHORISED"}],
    })  # fmt: skip
    assert response.status_code == 200, response.text
    poll_xero(world)
    world.wait(lambda: order(world, bound.odoo_id)["state"] == "purchase", timeout=30)


def test_a_xero_order_submitted_for_approval_waits_in_odoo_and_approving_it_there_authorises_it(world):
    put_item(world, "XPO-6", 4.0)
    contact = xero_contact(world, "Submitting Supplier Ltd")
    line = {"ItemCode": "XPO-6", "Description": "Crates", "Quantity": 2, "UnitAmount": 4, "TaxType": "INPUT2"}
    doc = put_order(world, xero_po_element(contact, [line], Status="SUBMITTED"))
    poll_xero(world)
    bound = world.wait(lambda: binding_of(world, xero_id=doc["PurchaseOrderID"]), timeout=30)
    world.wait(lambda: order(world, bound.odoo_id)["state"] == "to approve", timeout=30)
    world.settle()
    assert xero_order(world, doc["PurchaseOrderID"])["Status"] == "SUBMITTED"
    world.odoo.env("admin").call("purchase.order", "button_approve", [bound.odoo_id])
    world.wait(lambda: xero_order(world, doc["PurchaseOrderID"])["Status"] == "AUTHORISED", timeout=30)


def test_lines_edited_in_xero_on_an_approved_order_are_rewritten_in_place_in_odoo(world):
    put_item(world, "XPO-4", 2.0)
    contact = xero_contact(world, "Editing Supplier Ltd")
    line = {"ItemCode": "XPO-4", "Description": "Rope", "Quantity": 5, "UnitAmount": 2, "TaxType": "INPUT2"}
    doc = put_order(world, xero_po_element(contact, [line], Status="AUTHORISED"))
    poll_xero(world)
    bound = world.wait(lambda: binding_of(world, xero_id=doc["PurchaseOrderID"]), timeout=30)
    world.wait(lambda: order(world, bound.odoo_id)["state"] == "purchase", timeout=30)
    (line_id,) = order(world, bound.odoo_id)["order_line"]
    world.settle()
    response = as_user(world, "POST", f"PurchaseOrders/{doc['PurchaseOrderID']}", json={"PurchaseOrders": [{
        "PurchaseOrderID": doc["PurchaseOrderID"],
        "LineItems": [{**line, "Description": "Rope, 20 m", "Quantity": 8}],
    }]})  # fmt: skip
    assert response.status_code == 200, response.text
    poll_xero(world)
    world.wait(lambda: order(world, bound.odoo_id)["amount_total"] == 18.4, timeout=30)
    odoo = order(world, bound.odoo_id)
    assert (odoo["state"], odoo["order_line"]) == ("purchase", [line_id])  # the same line, rewritten


def test_a_line_removed_in_xero_from_an_approved_order_is_a_mismatch_with_odoos_message(world):
    put_item(world, "XPO-5", 1.0)
    contact = xero_contact(world, "Shrinking Supplier Ltd")
    lines = [
        {"ItemCode": "XPO-5", "Description": f"Part {n}", "Quantity": 1, "UnitAmount": 1, "TaxType": "INPUT2"}
        for n in (1, 2)
    ]
    doc = put_order(world, xero_po_element(contact, lines, Status="AUTHORISED"))
    poll_xero(world)
    bound = world.wait(lambda: binding_of(world, xero_id=doc["PurchaseOrderID"]), timeout=30)
    world.wait(lambda: order(world, bound.odoo_id)["state"] == "purchase", timeout=30)
    world.settle()
    response = as_user(world, "POST", f"PurchaseOrders/{doc['PurchaseOrderID']}", json={
        "PurchaseOrders": [{"PurchaseOrderID": doc["PurchaseOrderID"], "LineItems": lines[:1]}],
    })  # fmt: skip
    assert response.status_code == 200, response.text
    poll_xero(world)
    entry = world.wait(
        lambda: [m for m in open_entries(world) if "Cannot delete a purchase order line" in m.note],
        timeout=30,
    )
    assert "Purchase Order" in entry[0].note
    odoo = order(world, bound.odoo_id)
    assert (len(odoo["order_line"]), odoo["amount_total"]) == (2, 2.3)  # nothing of the edit was written
    for found in open_entries(world):
        with world.runtime.db.session() as session:
            mismatches.set_status(session, found.id, "ignored", note="test: expected")


def test_resetting_an_approved_order_to_draft_in_odoo_is_a_mismatch_with_xeros_message(world):
    made = odoo_rfq(world, "Resetting Vendor Ltd", [("POW-1", "Once", 1, 10.0, True)])
    admin = world.odoo.env("admin")
    admin.call("purchase.order", "button_confirm", [made])
    exported(world, made, lambda d: d["Status"] == "AUTHORISED")
    admin.call("purchase.order", "button_draft", [made])
    entry = world.wait(
        lambda: [m for m in open_entries(world) if "cannot be changed to DRAFT" in m.note], timeout=30
    )
    assert "AUTHORISED" in entry[0].note
    for found in open_entries(world):
        with world.runtime.db.session() as session:
            mismatches.set_status(session, found.id, "ignored", note="test: expected")


def test_a_xero_purchase_order_deleted_cancels_its_odoo_order(world):
    put_item(world, "XPO-3", 1.0)
    contact = xero_contact(world, "Deleting Supplier Ltd")
    line = {"ItemCode": "XPO-3", "Description": "Maybe", "Quantity": 1, "UnitAmount": 1, "TaxType": "INPUT2"}
    doc = put_order(world, xero_po_element(contact, [line]))
    poll_xero(world)
    bound = world.wait(lambda: binding_of(world, xero_id=doc["PurchaseOrderID"]), timeout=30)
    world.settle()
    response = as_user(world, "POST", f"PurchaseOrders/{doc['PurchaseOrderID']}", json={
        "PurchaseOrders": [{"PurchaseOrderID": doc["PurchaseOrderID"], "Status": "DELETED"}],
    })  # fmt: skip
    assert response.status_code == 200, response.text
    poll_xero(world)
    world.wait(lambda: order(world, bound.odoo_id)["state"] == "cancel", timeout=30)


def test_a_xero_line_without_an_item_is_a_mismatch_and_no_product_is_invented(world):
    contact = xero_contact(world, "Itemless Supplier Ltd")
    line = {
        "Description": "Consulting",
        "Quantity": 1,
        "UnitAmount": 100,
        "AccountCode": "400",
        "TaxType": "INPUT2",
    }
    doc = put_order(world, xero_po_element(contact, [line]))
    products_before = world.odoo.env("admin").search_count("product.product", [])
    poll_xero(world)
    entry = world.wait(lambda: [m for m in open_entries(world) if "has no item" in m.note], timeout=30)
    assert "'Consulting'" in entry[0].note and doc["PurchaseOrderNumber"] in entry[0].note
    assert binding_of(world, xero_id=doc["PurchaseOrderID"]) is None
    assert world.odoo.env("admin").search_count("product.product", []) == products_before
    for found in open_entries(world):
        with world.runtime.db.session() as session:
            mismatches.set_status(session, found.id, "ignored", note="test: expected")


# ---------------------------------------------------------------------------------- bulk


def test_bulk_export_sends_the_companys_orders_and_a_second_run_changes_nothing(world):
    world.settle()
    restore = without_webhooks(world)
    try:
        made = [odoo_rfq(world, f"Bulk Vendor {n}", [("POW-2", f"Bulk {n}", n, 10.0, True)]) for n in (1, 2)]
    finally:
        restore()
    first = PurchaseOrderBulk(context(world), "demo").export()
    # the earlier tests' orders are bound already; the one reset to draft stays refused by Xero
    assert first.created == 2 and first.refused <= 1, first
    for number, order_id in enumerate(made, start=1):
        doc = xero_order(world, binding_of(world, odoo_id=order_id).xero_id)
        assert doc["Total"] == round(number * 10 * 1.15, 2)
    second = PurchaseOrderBulk(context(world), "demo").export()
    assert (second.created, second.updated, second.refused) == (0, 0, first.refused), second
