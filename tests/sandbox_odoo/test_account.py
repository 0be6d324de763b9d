"""account.move state machine, locking, payments and stock quants (odoo-facts §3.10, §3.11, §3.13)."""

from __future__ import annotations

import datetime as dt
import xmlrpc.client

import pytest

from .conftest import JsonRpc, XmlRpc


def _invoice(rpc, partner=3, move_type="out_invoice", lines=((2, 50.0),), taxes=()):
    return rpc(
        "account.move",
        "create",
        {
            "move_type": move_type,
            "partner_id": partner,
            "invoice_line_ids": [
                (0, 0, {"name": f"L{i}", "quantity": q, "price_unit": p, "tax_ids": [(6, 0, list(taxes))]})
                for i, (q, p) in enumerate(lines)
            ],
        },
    )


def _sale_tax(rpc):
    return rpc("account.tax", "search", [("type_tax_use", "=", "sale"), ("amount", "=", 15)])[0]


def test_invoice_totals_and_generated_lines(admin_xml):
    move = _invoice(admin_xml, lines=((2, 50.0), (1, 100.0)), taxes=[_sale_tax(admin_xml)])
    row = admin_xml(
        "account.move",
        "read",
        [move],
        ["amount_untaxed", "amount_tax", "amount_total", "state", "name", "invoice_line_ids", "line_ids"],
    )[0]
    assert (row["amount_untaxed"], row["amount_tax"], row["amount_total"]) == (200.0, 30.0, 230.0)
    assert row["state"] == "draft" and row["name"] == "/"
    assert len(row["invoice_line_ids"]) == 2 and len(row["line_ids"]) == 4  # 2 products + tax + receivable
    lines = admin_xml("account.move.line", "read", row["line_ids"], ["debit", "credit", "display_type"])
    assert sum(line["debit"] for line in lines) == sum(line["credit"] for line in lines) == 230.0


def test_action_post_returns_false_and_numbers_the_invoice(admin_xml):
    """Observed on 17: action_post → false; name INV/<year>/00001, posted, not_paid."""
    move = _invoice(admin_xml)
    assert admin_xml("account.move", "action_post", [move]) is False
    row = admin_xml(
        "account.move", "read", [move], ["name", "state", "payment_state", "invoice_date", "invoice_date_due"]
    )[0]
    year = dt.datetime.now(dt.UTC).year
    assert (
        row["name"] == f"INV/{year}/00001" and row["state"] == "posted" and row["payment_state"] == "not_paid"
    )
    assert row["invoice_date"] == row["invoice_date_due"]  # observed: due date = posting date without terms
    second = _invoice(admin_xml)
    admin_xml("account.move", "action_post", [second])
    assert admin_xml("account.move", "read", [second], ["name"])[0]["name"] == f"INV/{year}/00002"


def test_vendor_bill_needs_a_bill_date_and_uses_the_purchase_journal(admin_xml):
    bill = _invoice(admin_xml, move_type="in_invoice")
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("account.move", "action_post", [bill])
    assert err.value.faultCode == 2 and "Bill/Refund date is required" in err.value.faultString
    admin_xml("account.move", "write", [bill], {"invoice_date": "2026-11-20"})
    admin_xml("account.move", "action_post", [bill])
    assert admin_xml("account.move", "read", [bill], ["name"])[0]["name"].startswith("BILL/")


def test_posting_without_partner_or_lines_is_a_user_error(admin_xml):
    no_partner = admin_xml(
        "account.move",
        "create",
        {"move_type": "out_invoice", "invoice_line_ids": [(0, 0, {"name": "x", "price_unit": 1})]},
    )
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("account.move", "action_post", [no_partner])
    assert err.value.faultCode == 2 and "Customer" in err.value.faultString
    empty = admin_xml("account.move", "create", {"move_type": "out_invoice", "partner_id": 3})
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("account.move", "action_post", [empty])
    assert "add a line" in err.value.faultString


def test_posted_move_stays_editable_over_rpc_but_not_deletable(admin_xml):
    """17 account_move.py write(): no generic lock on posted moves (views make them read-only; 18/19 refuse
    some fields: test_version_rules.py); lines (account_move_line.py _unlink_except_posted) and the move
    cannot be deleted while posted."""
    move = _invoice(admin_xml)
    admin_xml("account.move", "action_post", [move])
    admin_xml(
        "account.move", "write", [move], {"invoice_line_ids": [(0, 0, {"name": "more", "price_unit": 1})]}
    )
    assert admin_xml("account.move", "read", [move], ["amount_total"])[0]["amount_total"] == 101.0
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("account.move", "unlink", [move])
    assert "You can't delete a posted journal item" in err.value.faultString
    assert admin_xml("account.move", "write", [move], {"ref": "PO-42"}) is True


def test_draft_post_cancel_draft_cycle_on_17(sb):
    rpc = JsonRpc(sb, sb.login, sb.password)
    move = _invoice(rpc)
    rpc("account.move", "action_post", [move])
    assert rpc("account.move", "button_cancel", [move]) is None
    assert rpc("account.move", "read", [move], ["state"])[0]["state"] == "cancel"
    with pytest.raises(RuntimeError, match="UserError"):
        rpc("account.move", "button_cancel", [move])  # 17+: only draft moves can be cancelled
    rpc("account.move", "button_draft", [move])
    assert rpc("account.move", "read", [move], ["state"])[0]["state"] == "draft"
    rpc(
        "account.move",
        "write",
        [move],
        {"invoice_line_ids": [[0, 0, {"name": "after reset", "price_unit": 5}]]},
    )
    assert rpc("account.move", "read", [move], ["amount_total"])[0]["amount_total"] == 105.0
    rpc("account.move", "action_post", [move])
    assert rpc("account.move", "read", [move], ["state", "name"])[0]["name"].endswith("00001")


def test_button_cancel_on_16_cancels_a_posted_move_directly(make_sandbox):
    sb = make_sandbox(16)
    rpc = JsonRpc(sb, sb.login, sb.password)
    move = _invoice(rpc)
    rpc("account.move", "action_post", [move])
    rpc("account.move", "button_cancel", [move])
    rpc("account.move", "button_cancel", [move])  # 16 writes cancel whatever the state
    assert rpc("account.move", "read", [move], ["state"])[0]["state"] == "cancel"


def test_button_draft_on_a_draft_is_refused(admin_xml):
    move = _invoice(admin_xml)
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("account.move", "button_draft", [move])
    assert err.value.faultCode == 2


def test_unbalanced_entry_is_refused(admin_xml, sb):
    acc = sb.ids["accounts"][sb.company_ids[0]]
    lines = [
        (0, 0, {"account_id": acc["bank"], "debit": 100}),
        (0, 0, {"account_id": acc["income"], "credit": 90}),
    ]
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("account.move", "create", {"move_type": "entry", "line_ids": lines})
    assert "not balanced" in err.value.faultString
    lines[1] = (0, 0, {"account_id": acc["income"], "credit": 100})
    move = admin_xml("account.move", "create", {"move_type": "entry", "line_ids": lines})
    admin_xml("account.move", "action_post", [move])
    assert admin_xml("account.move", "read", [move], ["name"])[0]["name"].startswith("MISC/")


def test_posting_bumps_customer_rank_without_touching_write_date(admin_xml):
    partner = admin_xml("res.partner", "create", {"name": "Ranked"})
    before = admin_xml("res.partner", "read", [partner], ["write_date", "customer_rank"])[0]
    move = _invoice(admin_xml, partner=partner)
    admin_xml("account.move", "action_post", [move])
    after = admin_xml("res.partner", "read", [partner], ["write_date", "customer_rank"])[0]
    assert after["customer_rank"] == before["customer_rank"] + 1
    assert after["write_date"] == before["write_date"]  # §3.6: raw SQL bump


def test_register_payment_wizard_pays_the_invoice(make_sandbox, version):
    sb = make_sandbox(version)
    rpc = XmlRpc(sb, sb.login, sb.password)
    move = _invoice(rpc)
    rpc("account.move", "action_post", [move])
    ctx = {"active_model": "account.move", "active_ids": [move]}
    wizard = rpc("account.payment.register", "create", {"communication": "INV pay"}, context=ctx)
    action = rpc("account.payment.register", "action_create_payments", [wizard], context=ctx)
    assert action["res_model"] == "account.payment"
    row = rpc("account.move", "read", [move], ["payment_state", "amount_residual"])[0]
    assert (row["payment_state"], row["amount_residual"]) == ("paid", 0.0)
    payment = rpc("account.payment", "read", [action["res_id"]], ["state", "amount", "is_reconciled"])[0]
    assert payment["amount"] == 100.0 and payment["is_reconciled"] is True
    assert payment["state"] == ("posted" if version <= 17 else "in_process")


def test_register_payment_refuses_a_draft_invoice(admin_xml):
    move = _invoice(admin_xml)
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml(
            "account.payment.register",
            "create",
            {},
            context={"active_model": "account.move", "active_ids": [move]},
        )
    assert "posted" in err.value.faultString


def test_partial_payment_then_outstanding_line_assignment(admin_xml, sb):
    move = _invoice(admin_xml)
    admin_xml("account.move", "action_post", [move])
    ctx = {"active_model": "account.move", "active_ids": [move]}
    wizard = admin_xml("account.payment.register", "create", {"amount": 40}, context=ctx)
    admin_xml("account.payment.register", "action_create_payments", [wizard], context=ctx)
    assert admin_xml("account.move", "read", [move], ["payment_state", "amount_residual"])[0] == {
        "id": move,
        "payment_state": "partial",
        "amount_residual": 60.0,
    }
    pay = admin_xml(
        "account.payment",
        "create",
        {"amount": 60, "payment_type": "inbound", "partner_type": "customer", "partner_id": 3},
    )
    admin_xml("account.payment", "action_post", [pay])
    pay_move = admin_xml("account.payment", "read", [pay], ["move_id"], load=False)[0]["move_id"]
    receivable = [
        line["id"]
        for line in admin_xml("account.move.line", "search_read", [("move_id", "=", pay_move)], ["credit"])
        if line["credit"]
    ][0]
    with pytest.raises(xmlrpc.client.Fault) as err:  # 17: returns reconcile()'s None, committed
        admin_xml("account.move", "js_assign_outstanding_line", [move], receivable)
    assert "cannot marshal None" in err.value.faultString
    assert admin_xml("account.move", "read", [move], ["payment_state"])[0]["payment_state"] == "paid"


def test_stock_quant_inventory_mode(make_sandbox, version):
    sb = make_sandbox(version)
    rpc = XmlRpc(sb, sb.login, sb.password)
    storable = {"is_storable": True} if version >= 18 else {"detailed_type": "product"}
    tmpl = rpc("product.template", "create", {"name": "Boxed", **storable})
    product = rpc("product.template", "read", [tmpl], ["product_variant_ids"])[0]["product_variant_ids"][0]
    location = sb.ids["stock_location"][sb.company_ids[0]]
    # Outside inventory mode a stock user's create is a plain create, not refused (16–19 stock_quant.py
    # create: "Quant's creation is restricted" is raised only in inventory mode, for fields outside
    # _get_inventory_fields_create); tests/sandbox_odoo/test_trade_rules.py covers it.
    ctx = {"inventory_mode": True}
    quant = rpc(
        "stock.quant",
        "create",
        {"product_id": product, "location_id": location, "inventory_quantity": 5},
        context=ctx,
    )
    again = rpc(
        "stock.quant",
        "create",
        {"product_id": product, "location_id": location, "inventory_quantity": 7},
        context=ctx,
    )
    assert again == quant  # an existing quant is reused
    with pytest.raises(xmlrpc.client.Fault):
        rpc("stock.quant", "action_apply_inventory", [quant], context=ctx)  # returns None (§1.5), committed
    assert rpc("product.product", "read", [product], ["qty_available"])[0]["qty_available"] == 7.0


def test_quants_refuse_consumables(make_sandbox):
    sb = make_sandbox(18)
    rpc = XmlRpc(sb, sb.login, sb.password)
    tmpl = rpc("product.template", "create", {"name": "Loose", "type": "consu"})
    product = rpc("product.template", "read", [tmpl], ["product_variant_ids"])[0]["product_variant_ids"][0]
    location = sb.ids["stock_location"][sb.company_ids[0]]
    with pytest.raises(xmlrpc.client.Fault) as err:
        rpc(
            "stock.quant",
            "create",
            {"product_id": product, "location_id": location, "inventory_quantity": 1},
            context={"inventory_mode": True},
        )
    assert "consumables" in err.value.faultString


def test_invoice_in_the_second_company_uses_its_journal(sb, admin_xml):
    c2 = sb.company_ids[1]
    move = admin_xml(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": 3,
            "invoice_line_ids": [(0, 0, {"name": "x", "price_unit": 1})],
        },
        context={"allowed_company_ids": [c2]},
    )
    row = admin_xml(
        "account.move",
        "read",
        [move],
        ["company_id", "journal_id", "currency_id"],
        load=False,
        context={"allowed_company_ids": [c2]},
    )[0]
    assert row["company_id"] == c2
    assert row["journal_id"] == sb.ids["journals"][c2]["INV"]
    assert row["currency_id"] == sb.ids["currencies"]["AUD"]
    assert (
        admin_xml(
            "account.move",
            "search",
            [("id", "=", move)],
            context={"allowed_company_ids": [sb.company_ids[0]]},
        )
        == []
    )


def test_internal_user_without_billing_group_cannot_touch_invoices(sb):
    demo = XmlRpc(sb, "demo", "demo")
    with pytest.raises(xmlrpc.client.Fault) as err:
        demo("account.move", "search", [])
    assert err.value.faultCode == 4 and "Accounting/Billing" in err.value.faultString
    with pytest.raises(xmlrpc.client.Fault):
        demo("sale.order", "search", [])
    assert demo("res.partner", "search_count", []) > 0


def test_bridge_user_has_the_app_groups_by_default(sb):
    bridge = XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    move = _invoice(bridge)
    assert bridge("account.move", "action_post", [move]) is False
    assert bridge("sale.order", "create", {"partner_id": 3})
    assert bridge("purchase.order", "create", {"partner_id": 3})


def test_billing_user_cannot_create_accounts(make_sandbox):
    sb = make_sandbox(17, bridge_groups=("base.group_user", "account.group_account_invoice"))
    bridge = XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    assert bridge("account.account", "search_count", []) > 0
    with pytest.raises(xmlrpc.client.Fault) as err:
        bridge("account.account", "create", {"code": "1", "name": "x", "account_type": "income"})
    assert err.value.faultCode == 4


def test_records_of_another_company_are_incompatible(sb, admin_xml):
    c1, c2 = sb.company_ids
    ctx = {"allowed_company_ids": [c2, c1]}
    c1_partner = admin_xml("res.partner", "create", {"name": "C1 only", "company_id": c1})
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml(
            "account.move", "create", {"move_type": "out_invoice", "partner_id": c1_partner}, context=ctx
        )
    assert err.value.faultCode == 2 and "Incompatible companies" in err.value.faultString
    c1_tax = admin_xml("account.tax", "search", [("company_id", "=", c1), ("type_tax_use", "=", "sale")])[0]
    line = {"name": "x", "price_unit": 1, "tax_ids": [(6, 0, [c1_tax])]}
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml(
            "account.move",
            "create",
            {"move_type": "out_invoice", "partner_id": 3, "invoice_line_ids": [(0, 0, line)]},
            context=ctx,
        )
    assert "Incompatible companies" in err.value.faultString
    c2_tax = admin_xml(
        "account.tax", "search", [("company_id", "=", c2), ("type_tax_use", "=", "sale")], context=ctx
    )[0]
    line["tax_ids"] = [(6, 0, [c2_tax])]
    assert admin_xml(
        "account.move",
        "create",
        {"move_type": "out_invoice", "partner_id": 3, "invoice_line_ids": [(0, 0, line)]},
        context=ctx,
    )


def test_duplicate_vendor_reference_is_refused_on_post(admin_xml):
    def bill():
        move = admin_xml(
            "account.move",
            "create",
            {
                "move_type": "in_invoice",
                "partner_id": 3,
                "ref": "BILL-7",
                "invoice_date": "2026-11-01",
                "invoice_line_ids": [(0, 0, {"name": "x", "price_unit": 1})],
            },
        )
        return move

    admin_xml("account.move", "action_post", [bill()])
    second = bill()  # a draft duplicate is allowed
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("account.move", "action_post", [second])
    assert err.value.faultCode == 2 and "Duplicated vendor reference" in err.value.faultString
    admin_xml("account.move", "write", [second], {"invoice_date": "2026-11-02"})
    assert admin_xml("account.move", "action_post", [second]) is False


def test_signed_amounts_are_negative_for_bills_and_credit_notes(admin_xml):
    invoice = _invoice(admin_xml)
    bill = _invoice(admin_xml, move_type="in_invoice")
    refund = _invoice(admin_xml, move_type="out_refund")
    rows = admin_xml("account.move", "read", [invoice, bill, refund], ["amount_total", "amount_total_signed"])
    assert [(r["amount_total"], r["amount_total_signed"]) for r in rows] == [
        (100.0, 100.0),
        (100.0, -100.0),
        (100.0, -100.0),
    ]


def test_foreign_currency_invoice_is_booked_in_company_currency(make_sandbox, version):
    sb = make_sandbox(version)
    rpc = XmlRpc(sb, sb.login, sb.password)
    eur = sb.ids["currencies"]["EUR"]
    rpc(
        "res.currency.rate",
        "create",
        {"name": "2026-01-01", "currency_id": eur, "rate": 0.9, "company_id": sb.company_ids[0]},
    )
    move = rpc(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": 3,
            "currency_id": eur,
            "invoice_date": "2026-11-01",
            "invoice_line_ids": [(0, 0, {"name": "x", "price_unit": 90})],
        },
    )
    rpc("account.move", "action_post", [move])
    row = rpc("account.move", "read", [move], ["amount_total", "amount_residual", "amount_total_signed"])[0]
    assert (row["amount_total"], row["amount_residual"]) == (90.0, 90.0)
    lines = rpc(
        "account.move.line",
        "search_read",
        [("move_id", "=", move), ("display_type", "=", "payment_term")],
        ["debit", "amount_currency"],
    )
    assert [(line["debit"], line["amount_currency"]) for line in lines] == [(100.0, 90.0)]
    if version >= 18:
        assert rpc("account.move", "read", [move], ["invoice_currency_rate"])[0][
            "invoice_currency_rate"
        ] == pytest.approx(0.9)
    ctx = {"active_model": "account.move", "active_ids": [move]}
    wizard = rpc("account.payment.register", "create", {}, context=ctx)
    assert (
        rpc("account.payment.register", "read", [wizard], ["amount", "currency_id"], load=False)[0]["amount"]
        == 90.0
    )
    rpc("account.payment.register", "action_create_payments", [wizard], context=ctx)
    assert rpc("account.move", "read", [move], ["payment_state"])[0]["payment_state"] == "paid"


def test_partner_receivable_and_total_invoiced_follow_posted_invoices(admin_xml):
    partner = admin_xml("res.partner", "create", {"name": "Debtor", "is_company": True})
    move = _invoice(admin_xml, partner=partner)
    admin_xml("account.move", "action_post", [move])
    row = admin_xml("res.partner", "read", [partner], ["credit", "debit", "total_invoiced"])[0]
    assert (row["credit"], row["debit"], row["total_invoiced"]) == (100.0, 0.0, 100.0)
