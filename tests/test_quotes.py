"""Quotes ⇄ sales orders both ways (consumers/quotes), end to end against the sandboxes: Odoo's side through
its webhook rule on sale.order (and its pollers), Xero's through the quotes poller — Xero has no webhook
for quotes (xero-facts §1). The world is tests/test_invoices.py's: a USD organisation, accounts and
taxes mapped as `bridge mapping` would (Odoo 400000 ⇄ Xero 200, Odoo's 15 % sale tax ⇄ OUTPUT2)."""

from __future__ import annotations

import copy
import time
from decimal import Decimal

import pytest

from bridge.cli.sandboxed import SandboxedBridge
from bridge.polling.scheduler import Plan, Scheduler
from bridge.store import bindings, mismatches
from consumers.quotes.bulk import QuoteBulk
from consumers.quotes.polling import OdooOrderLineChanges, XeroQuoteChanges
from tests.test_currencies import usd_organisation
from tests.test_invoices import as_user, context, partner, tax, without_webhooks, xero_contact
from tests.test_polling import started


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = started(SandboxedBridge(home=str(tmp_path_factory.mktemp("quotes") / "home"), time_scale=4.0))
    usd_organisation(w)
    admin = w.odoo.env("admin")
    org = w.xero.org()
    with w.runtime.db.session() as session:
        (sale_tax,) = admin.search(
            "account.tax", [("type_tax_use", "=", "sale"), ("amount", "=", 15.0)], limit=1
        )
        bindings.bind(session, "demo", "tax_rate", xero_id="OUTPUT2", odoo_id=sale_tax)
        (income,) = admin.search("account.account", [("code", "=", "400000")], limit=1)
        with org.lock:
            xero_id = org.account_by_code("200")["AccountID"]
        bindings.bind(session, "demo", "account", xero_id=xero_id, odoo_id=income)
    yield w
    w.stop()


@pytest.fixture(autouse=True)
def keeps_to_xeros_spec(world):
    violations, ignored = len(world.xero.spec_violations), len(world.xero.ignored_fields)
    yield
    assert world.xero.spec_violations[violations:] == []
    assert world.xero.ignored_fields[ignored:] == [], "the bridge sent Xero a field Xero ignores"


# ------------------------------------------------------------------------------------------ helpers


def product(world: SandboxedBridge, code: str) -> int:
    """The module's product with this internal reference, made on first use (a product made in Odoo is
    exported to Xero as an item: one per code keeps the tenant's call budget for the quotes)."""
    admin = world.odoo.env("admin")
    found = admin.search("product.product", [("default_code", "=", code)], limit=1)
    if found:
        return found[0]
    values = {"name": f"Product {code}", "default_code": code, "taxes_id": [(6, 0, [])]}
    (made,) = admin.create("product.product", [values])
    return made


def quotation(world: SandboxedBridge, name: str, lines: list[tuple], **extra) -> int:
    """An Odoo user's quotation: lines of (product code, description, quantity, price, taxed)."""
    values = {
        "partner_id": partner(world, name),
        "validity_date": "2026-12-31",
        "order_line": [
            (
                0,
                0,
                {
                    "product_id": product(world, code),
                    "name": text,
                    "product_uom_qty": qty,
                    "price_unit": price,
                    "tax_id": [(6, 0, [tax(world, "sale")] if taxed else [])],
                },
            )
            for code, text, qty, price, taxed in lines
        ],  # fmt: skip
        **extra,
    }
    (order,) = world.odoo.env("admin").create("sale.order", [values])
    return order


def order(world: SandboxedBridge, order_id: int) -> dict:
    fields = ["name", "state", "partner_id", "client_order_ref", "validity_date", "note", "order_line"]
    fields += ["amount_untaxed", "amount_tax", "amount_total"]
    (row,) = world.odoo.env("admin").read("sale.order", [order_id], fields)
    return row


def binding_of(world: SandboxedBridge, odoo_id: int | None = None, xero_id: str | None = None):
    with world.runtime.db.session() as session:
        found = (
            bindings.by_odoo(session, "demo", "quote", odoo_id)
            if odoo_id is not None
            else bindings.by_xero(session, "demo", "quote", xero_id)
        )
        return found if bindings.is_pair(found) else None


def xero_quote(world: SandboxedBridge, quote_id: str) -> dict:
    """Read from the sandbox's store directly: reads in a loop would spend the tenant's API budget."""
    org = world.xero.org()
    with org.lock:
        return copy.deepcopy(org.quotes[quote_id])


def exported(world: SandboxedBridge, order_id: int, condition=lambda quote: True) -> dict:
    """The Xero quote of an Odoo order, once the bridge wrote it (and it satisfies `condition`)."""

    def found():
        bound = binding_of(world, odoo_id=order_id)
        quote = xero_quote(world, bound.xero_id) if bound is not None else None
        return quote if quote is not None and condition(quote) else None

    return world.wait(found, timeout=30, message=f"Odoo order {order_id} in Xero")


def poll_xero(world: SandboxedBridge) -> list:
    """One round of the Xero quotes poller, as the scheduler runs it; a round the tenant's rate limit
    stopped (the users' calls share it) is run again, as the scheduler's next round would."""
    for _ in range(6):
        done = Scheduler(world.runtime, keep_events=True, plan=Plan(watermark=[XeroQuoteChanges()])).poll()
        if not done.failures or not all("rate limited" in str(f) for f in done.failures):
            break
        time.sleep(5)
    assert not done.failures, done.failures
    return [e for r in done.results for e in r.events]


def xero_item(world: SandboxedBridge, code: str, price: float) -> None:
    item = {"Code": code, "Name": f"Item {code}", "SalesDetails": {"UnitPrice": price, "TaxType": "OUTPUT2"}}
    response = as_user(world, "PUT", "Items", json={"Items": [item]})
    assert response.status_code == 200, response.text


def put_quote(world: SandboxedBridge, element: dict) -> dict:
    response = as_user(world, "PUT", "Quotes", params={"unitdp": 4}, json={"Quotes": [element]})
    assert response.status_code == 200, response.text
    return response.json()["Quotes"][0]


def post_status(world: SandboxedBridge, quote_id: str, status: str) -> None:
    body = {"Quotes": [{"QuoteID": quote_id, "Status": status}]}
    response = as_user(world, "POST", f"Quotes/{quote_id}", params={"unitdp": 4}, json=body)
    assert response.status_code == 200, response.text


def open_entries(world: SandboxedBridge) -> list:
    with world.runtime.db.session() as session:
        found = mismatches.find(session, mismatches.MismatchFilter(status="open"))
        return [m for m in found if m.entity == "quote"]


def dismiss(world: SandboxedBridge, entries: list) -> None:
    with world.runtime.db.session() as session:
        for entry in entries:
            mismatches.set_status(session, entry.id, "ignored", note="test: expected")


# ---------------------------------------------------------------------------------- Odoo → Xero


def test_an_odoo_quotation_reaches_xero_as_a_draft_quote_under_its_name_with_lines_and_totals(world):
    made = quotation(
        world,
        "Quote Buyer Ltd",
        [("QP-1", "Chairs, oak", 4, 120.5, True), ("QP-2", "Delivery", 1, 30.0, False)],
        client_order_ref="PO-778",
        note="<p>Valid for 30 days<br>Prices in USD</p>",
    )
    quote = exported(world, made)
    odoo = order(world, made)
    assert (quote["Status"], quote["QuoteNumber"], quote["LineAmountTypes"]) == (
        "DRAFT",
        odoo["name"],
        "EXCLUSIVE",
    )
    assert (quote["Reference"], quote["Terms"]) == ("PO-778", "Valid for 30 days\nPrices in USD")
    assert quote["_ExpiryDate"].isoformat() == "2026-12-31"
    assert [
        (line["ItemCode"], line["Description"], line["Quantity"], line["UnitAmount"], line["TaxType"])
        for line in quote["LineItems"]
    ] == [("QP-1", "Chairs, oak", 4.0, 120.5, "OUTPUT2"), ("QP-2", "Delivery", 1.0, 30.0, "NONE")]
    assert Decimal(str(quote["Total"])) == Decimal(str(odoo["amount_total"])) == Decimal("584.30")


def test_confirming_in_odoo_accepts_the_xero_quote_through_sent(world):
    made = quotation(world, "Confirming Buyer Ltd", [("QP-1", "Desk", 1, 300.0, True)])
    exported(world, made)
    world.odoo.env("admin").call("sale.order", "action_confirm", [made])
    quote = exported(world, made, lambda q: q["Status"] == "ACCEPTED")
    assert quote["Total"] == 345.0


def test_cancelling_an_odoo_quotation_deletes_its_draft_and_declines_a_sent_one(world):
    admin = world.odoo.env("admin")
    draft = quotation(world, "Cancelled Draft Ltd", [("QP-2", "Lamp", 2, 15.0, False)])
    sent = quotation(world, "Cancelled Sent Ltd", [("QP-1", "Shelf", 1, 80.0, False)])
    exported(world, draft)
    exported(world, sent)
    admin.call("sale.order", "action_quotation_sent", [sent])
    exported(world, sent, lambda q: q["Status"] == "SENT")
    for made in (draft, sent):
        admin.with_context(disable_cancel_warning=True).call("sale.order", "action_cancel", [made])
    exported(world, draft, lambda q: q["Status"] == "DELETED")
    exported(world, sent, lambda q: q["Status"] == "DECLINED")


def test_reopening_an_order_whose_xero_quote_is_deleted_is_a_mismatch_with_xeros_message(world):
    admin = world.odoo.env("admin")
    made = quotation(world, "Reopened Buyer Ltd", [("QP-2", "Rug", 1, 50.0, False)])
    exported(world, made)
    admin.with_context(disable_cancel_warning=True).call("sale.order", "action_cancel", [made])
    exported(world, made, lambda q: q["Status"] == "DELETED")
    admin.call("sale.order", "action_draft", [made])
    entry = world.wait(lambda: [m for m in open_entries(world) if "status is DELETED" in m.note], timeout=30)
    dismiss(world, open_entries(world))
    assert "cannot be changed" in entry[0].note


def test_a_line_edited_on_its_own_reaches_xero_through_the_line_poller(world):
    made = quotation(world, "Line Edit Ltd", [("QP-1", "Table", 1, 200.0, True)])
    exported(world, made)
    line = order(world, made)["order_line"][0]
    world.odoo.env("admin").write("sale.order.line", [line], {"name": "Table, walnut"})
    world.settle()
    assert (
        xero_quote(world, binding_of(world, odoo_id=made).xero_id)["LineItems"][0]["Description"] == "Table"
    )
    done = Scheduler(world.runtime, keep_events=True, plan=Plan(watermark=[OdooOrderLineChanges()])).poll()
    assert not done.failures, done.failures
    exported(world, made, lambda q: q["LineItems"][0]["Description"] == "Table, walnut")


def test_the_echo_of_the_bridges_own_write_writes_nothing(world):
    made = quotation(world, "Echo Quote Ltd", [("QP-2", "Echo", 1, 1.0, False)])
    quote = exported(world, made)
    world.settle()
    poll_xero(world)  # the poller reads the quote the bridge wrote
    world.settle()
    assert xero_quote(world, quote["QuoteID"])["_updated"] == quote["_updated"]
    odoo = order(world, made)
    assert odoo["state"] == "draft"
    assert [m.note for m in open_entries(world) if m.record_name == odoo["name"]] == []


# ---------------------------------------------------------------------------------- Xero → Odoo


def test_a_xero_quote_polled_becomes_an_odoo_sales_order_with_its_lines_and_equal_totals(world):
    xero_item(world, "XQ-1", 80.0)
    contact = xero_contact(world, "Xero Quote Buyer Ltd")
    quote = put_quote(world, {
        "Contact": {"ContactID": contact}, "Date": "2026-11-21", "ExpiryDate": "2026-12-21",
        "Reference": "RFQ-12", "Terms": "Net 30", "LineAmountTypes": "EXCLUSIVE",
        "LineItems": [{"ItemCode": "XQ-1", "Description": "Design work", "Quantity": 2.5, "UnitAmount": 80.1234,
                       "DiscountRate": 10, "TaxType": "OUTPUT2"}],
    })  # fmt: skip
    assert binding_of(world, xero_id=quote["QuoteID"]) is None  # no webhook for quotes

    events = poll_xero(world)

    assert ("quote", quote["QuoteID"]) in [(e.entity, e.resource_id) for e in events]
    bound = world.wait(lambda: binding_of(world, xero_id=quote["QuoteID"]), timeout=30)
    odoo = order(world, bound.odoo_id)
    assert (odoo["state"], odoo["client_order_ref"], str(odoo["validity_date"])) == (
        "draft",
        "RFQ-12",
        "2026-12-21",
    )
    assert odoo["name"] != quote["QuoteNumber"]  # each side keeps the number it gave
    assert Decimal(str(odoo["amount_total"])) == Decimal(str(quote["Total"]))
    (line,) = world.odoo.env("admin").read(
        "sale.order.line",
        odoo["order_line"],
        ["name", "product_uom_qty", "price_unit", "discount", "product_id"],
    )
    assert (line["name"], line["product_uom_qty"], line["price_unit"], line["discount"]) == (
        "Design work",
        2.5,
        80.1234,
        10.0,
    )
    assert line["product_id"][1].endswith("Item XQ-1")
    assert odoo["note"] == "<p>Net 30</p>"  # Odoo's note is Html (17 sale_order.py)


def test_a_xero_quote_sent_then_accepted_confirms_its_odoo_order(world):
    xero_item(world, "XQ-2", 10.0)
    contact = xero_contact(world, "Accepting Buyer Ltd")
    quote = put_quote(world, {
        "Contact": {"ContactID": contact}, "Date": "2026-11-22", "Status": "SENT",
        "LineItems": [{"ItemCode": "XQ-2", "Description": "Widgets", "Quantity": 3, "UnitAmount": 10, "TaxType": "OUTPUT2"}],
    })  # fmt: skip
    poll_xero(world)
    bound = world.wait(lambda: binding_of(world, xero_id=quote["QuoteID"]), timeout=30)
    assert order(world, bound.odoo_id)["state"] == "sent"
    world.settle()
    post_status(world, quote["QuoteID"], "ACCEPTED")
    poll_xero(world)
    world.wait(lambda: order(world, bound.odoo_id)["state"] == "sale", timeout=30)


def test_a_xero_quote_declined_or_deleted_cancels_its_odoo_order(world):
    xero_item(world, "XQ-3", 5.0)
    contact = xero_contact(world, "Declining Buyer Ltd")
    line = {"ItemCode": "XQ-3", "Description": "Maybe", "Quantity": 1, "UnitAmount": 5, "TaxType": "OUTPUT2"}
    declined = put_quote(
        world,
        {"Contact": {"ContactID": contact}, "Date": "2026-11-23", "Status": "SENT", "LineItems": [line]},
    )
    deleted = put_quote(world, {"Contact": {"ContactID": contact}, "Date": "2026-11-23", "LineItems": [line]})
    poll_xero(world)
    orders = [
        world.wait(lambda q=q: binding_of(world, xero_id=q["QuoteID"]), timeout=30).odoo_id
        for q in (declined, deleted)
    ]
    world.settle()
    post_status(world, declined["QuoteID"], "DECLINED")
    post_status(world, deleted["QuoteID"], "DELETED")
    poll_xero(world)
    world.wait(lambda: [order(world, o)["state"] for o in orders] == ["cancel", "cancel"], timeout=30)


def test_a_xero_line_without_an_item_is_a_mismatch_that_says_so(world):
    contact = xero_contact(world, "Itemless Buyer Ltd")
    put_quote(world, {
        "Contact": {"ContactID": contact}, "Date": "2026-11-24",
        "LineItems": [{"Description": "Advice", "Quantity": 1, "UnitAmount": 99, "AccountCode": "200", "TaxType": "OUTPUT2"}],
    })  # fmt: skip
    poll_xero(world)
    entry = world.wait(lambda: [m for m in open_entries(world) if "needs a product" in m.note], timeout=30)
    dismiss(world, open_entries(world))
    assert "Advice" in entry[0].note


# ---------------------------------------------------------------------------------- bulk


def test_bulk_export_sends_the_companys_orders_and_a_second_run_changes_nothing(world):
    world.settle()
    restore = without_webhooks(world)
    try:
        made = [
            quotation(world, f"Bulk Quote Buyer {n}", [("QP-1", f"Bulk line {n}", n, 10.0, True)])
            for n in (1, 2)
        ]
    finally:
        restore()
    first = QuoteBulk(context(world), "demo").export()
    # the earlier tests' orders are bound already; the one reopened over a deleted quote stays refused
    assert first.created == 2, first
    for number, order_id in enumerate(made, start=1):
        assert xero_quote(world, binding_of(world, odoo_id=order_id).xero_id)["Total"] == round(
            number * 11.5, 2
        )
    second = QuoteBulk(context(world), "demo").export()
    assert second.created == 0 and second.updated == 0 and second.refused == first.refused, second


def test_bulk_import_brings_xero_quotes_not_polled_yet_and_a_second_run_changes_nothing(world):
    world.settle()
    xero_item(world, "XQ-4", 20.0)
    contact = xero_contact(world, "Imported Quote Buyer Ltd")
    quotes = [
        put_quote(
            world,
            {
                "Contact": {"ContactID": contact},
                "Date": "2026-11-25",
                "LineItems": [
                    {
                        "ItemCode": "XQ-4",
                        "Description": f"Imported {n}",
                        "Quantity": n,
                        "UnitAmount": 20,
                        "TaxType": "OUTPUT2",
                    }
                ],
            },
        )  # fmt: skip
        for n in (1, 2)
    ]
    first = QuoteBulk(context(world), "demo").import_()
    for quote in quotes:
        bound = binding_of(world, xero_id=quote["QuoteID"])
        assert bound is not None, first
        assert Decimal(str(order(world, bound.odoo_id)["amount_total"])) == Decimal(str(quote["Total"]))
    second = QuoteBulk(context(world), "demo").import_()
    assert second.created == 0 and second.updated == 0 and second.refused == first.refused, second
