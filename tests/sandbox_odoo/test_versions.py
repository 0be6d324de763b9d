"""Field and state differences between 16, 17, 18 and 19 (odoo-facts §0, §3)."""

from __future__ import annotations

import xmlrpc.client

import pytest

from .conftest import Json2, XmlRpc


def _rpc(make_sandbox, version):
    sb = make_sandbox(version)
    return sb, XmlRpc(sb, sb.login, sb.password)


def _fields(rpc, model):
    return rpc(model, "fields_get", attributes=["type", "selection"])


def test_partner_mobile_exists_until_18_only(make_sandbox, version):
    _, rpc = _rpc(make_sandbox, version)
    if version < 19:
        pid = rpc("res.partner", "create", {"name": "M", "mobile": "+1 555"})
        assert rpc("res.partner", "read", [pid], ["mobile"])[0]["mobile"] == "+1 555"
    else:
        with pytest.raises(xmlrpc.client.Fault) as err:
            rpc("res.partner", "create", {"name": "M", "mobile": "+1 555"})
        assert "Invalid field 'mobile'" in err.value.faultString


def test_partner_type_private_only_on_16(make_sandbox, version):
    _, rpc = _rpc(make_sandbox, version)
    types = [s[0] for s in _fields(rpc, "res.partner")["type"]["selection"]]
    assert ("private" in types) == (version == 16)


def test_tax_price_include_vs_override(make_sandbox, version):
    sb, rpc = _rpc(make_sandbox, version)
    if version >= 18:
        tid = rpc(
            "account.tax",
            "create",
            {"name": "GST incl", "amount": 10, "price_include_override": "tax_included"},
        )
        assert rpc("account.tax", "read", [tid], ["price_include"])[0]["price_include"] is True
    else:
        tid = rpc("account.tax", "create", {"name": "GST incl", "amount": 10, "price_include": True})
        assert rpc("account.tax", "read", [tid], ["price_include"])[0]["price_include"] is True
        with pytest.raises(xmlrpc.client.Fault):
            rpc("account.tax", "create", {"name": "x", "amount": 1, "price_include_override": "tax_included"})


def test_account_company_field_and_archiving_per_version(make_sandbox, version):
    sb, rpc = _rpc(make_sandbox, version)
    fields = _fields(rpc, "account.account")
    assert ("company_ids" in fields) == (version >= 18)
    assert ("company_id" in fields) == (version <= 17)
    assert ("deprecated" in fields) == (version <= 18)
    assert ("active" in fields) == (version == 19)


def test_account_in_18_is_shared_through_company_ids(make_sandbox):
    sb, rpc = _rpc(make_sandbox, 18)
    c1, c2 = sb.company_ids
    aid = rpc(
        "account.account",
        "create",
        {"code": "999001", "name": "Shared", "account_type": "expense", "company_ids": [(6, 0, [c1, c2])]},
    )
    assert aid in rpc(
        "account.account", "search", [("code", "=", "999001")], context={"allowed_company_ids": [c2]}
    )


def test_product_type_fields_per_version(make_sandbox, version):
    _, rpc = _rpc(make_sandbox, version)
    if version >= 18:
        tid = rpc("product.template", "create", {"name": "Widget", "type": "consu", "is_storable": True})
        with pytest.raises(xmlrpc.client.Fault):
            rpc("product.template", "create", {"name": "Old", "detailed_type": "product"})
    else:
        tid = rpc("product.template", "create", {"name": "Widget", "detailed_type": "product"})
        assert rpc("product.template", "read", [tid], ["type"])[0]["type"] == "product"
    assert len(rpc("product.template", "read", [tid], ["product_variant_ids"])[0]["product_variant_ids"]) == 1
    assert ("uom_po_id" in _fields(rpc, "product.template")) == (version < 19)


def test_product_category_valuation_values(make_sandbox, version):
    _, rpc = _rpc(make_sandbox, version)
    values = [s[0] for s in _fields(rpc, "product.category")["property_valuation"]["selection"]]
    assert values == (["periodic", "real_time"] if version >= 19 else ["manual_periodic", "real_time"])


def test_sale_order_states_per_version(make_sandbox, version):
    _, rpc = _rpc(make_sandbox, version)
    states = [s[0] for s in _fields(rpc, "sale.order")["state"]["selection"]]
    assert ("done" in states) == (version == 16)
    assert ("locked" in _fields(rpc, "sale.order")) == (version >= 17)


def _product(rpc):
    """Order lines need a product (sale/purchase order line SQL constraint accountable_required_fields)."""
    tmpl = rpc("product.template", "create", {"name": "Widget"})
    return rpc("product.template", "read", [tmpl], ["product_variant_ids"])[0]["product_variant_ids"][0]


def _returns_none(rpc, model, method, ids):
    """A method returning None: XML-RPC cannot marshal it, but the call is committed (§1.5)."""
    with pytest.raises(xmlrpc.client.Fault) as err:
        rpc(model, method, ids)
    assert "cannot marshal None" in err.value.faultString


def test_sale_order_confirm_and_lock(make_sandbox, version):
    _, rpc = _rpc(make_sandbox, version)
    line = {"product_id": _product(rpc), "name": "line", "price_unit": 10, "product_uom_qty": 2}
    so = rpc("sale.order", "create", {"partner_id": 3, "order_line": [(0, 0, line)]})
    assert rpc("sale.order", "read", [so], ["name", "amount_total"])[0] == {
        "id": so,
        "name": "S00001",
        "amount_total": 20.0,
    }
    rpc("sale.order", "action_confirm", [so])
    if version == 16:  # 16 sale_order.py action_done / 17+ action_lock return None
        _returns_none(rpc, "sale.order", "action_done", [so])
        assert rpc("sale.order", "read", [so], ["state"])[0]["state"] == "done"
    else:
        _returns_none(rpc, "sale.order", "action_lock", [so])
        with pytest.raises(xmlrpc.client.Fault):
            rpc("sale.order", "action_cancel", [so], context={"disable_cancel_warning": True})


def test_sale_cancel_of_confirmed_order_returns_a_wizard_without_the_context_key(make_sandbox):
    _, rpc = _rpc(make_sandbox, 17)
    so = rpc("sale.order", "create", {"partner_id": 3})
    rpc("sale.order", "action_confirm", [so])
    assert rpc("sale.order", "action_cancel", [so])["res_model"] == "sale.order.cancel"
    assert rpc("sale.order", "action_cancel", [so], context={"disable_cancel_warning": True}) is True
    assert rpc("sale.order", "read", [so], ["state"])[0]["state"] == "cancel"


def test_purchase_order_has_no_done_on_19(make_sandbox, version):
    _, rpc = _rpc(make_sandbox, version)
    line = {"product_id": _product(rpc), "name": "x", "price_unit": 3, "product_qty": 1}
    po = rpc("purchase.order", "create", {"partner_id": 3, "order_line": [(0, 0, line)]})
    assert rpc("purchase.order", "button_confirm", [po]) is True
    states = [s[0] for s in _fields(rpc, "purchase.order")["state"]["selection"]]
    assert ("done" in states) == (version < 19)
    if version < 19:
        with pytest.raises(xmlrpc.client.Fault) as err:  # button_done returns None (§1.5)
            rpc("purchase.order", "button_done", [po])
        assert "cannot marshal None" in err.value.faultString
        assert rpc("purchase.order", "read", [po], ["state"])[0]["state"] == "done"
    else:
        try:
            rpc("purchase.order", "button_lock", [po])
        except xmlrpc.client.Fault as fault:  # a None return still commits (§1.5)
            assert "cannot marshal None" in fault.faultString
        assert rpc("purchase.order", "read", [po], ["locked", "state"])[0] == {
            "id": po,
            "locked": True,
            "state": "purchase",
        }


def test_order_line_taxes_field_per_version(make_sandbox, version):
    """16–18 sale.order.line.tax_id and purchase.order.line.taxes_id; 19 renames both tax_ids
    (19 sale/models/sale_order_line.py, purchase/models/purchase_order_line.py). Order amounts read the
    taxes through the version's field; the other name is an invalid field."""
    _, rpc = _rpc(make_sandbox, version)
    product = _product(rpc)
    tax = rpc("account.tax", "create", {"name": "VAT 10", "amount": 10})
    names = {"sale.order.line": "tax_id", "purchase.order.line": "taxes_id"}
    for model, old in names.items():
        field = "tax_ids" if version >= 19 else old
        other = old if version >= 19 else "tax_ids"
        fields = _fields(rpc, model)
        assert field in fields and other not in fields
        order = model[: -len(".line")]
        qty = "product_uom_qty" if order == "sale.order" else "product_qty"
        line = {"product_id": product, "name": "x", "price_unit": 100, qty: 1, field: [(6, 0, [tax])]}
        oid = rpc(order, "create", {"partner_id": 3, "order_line": [(0, 0, line)]})
        assert rpc(order, "read", [oid], ["amount_tax"])[0]["amount_tax"] == 10.0
        with pytest.raises(xmlrpc.client.Fault) as err:
            rpc(order, "create", {"partner_id": 3, "order_line": [(0, 0, {**line, other: [(6, 0, [tax])]})]})
        assert f"Invalid field '{other}'" in err.value.faultString


def test_payment_shape_16_17_vs_18_19(make_sandbox, version):
    _, rpc = _rpc(make_sandbox, version)
    fields = _fields(rpc, "account.payment")
    if version <= 17:
        assert "ref" in fields and "memo" not in fields
        assert [s[0] for s in fields["state"]["selection"]] == ["draft", "posted", "cancel"]
    else:
        assert "memo" in fields and "ref" not in fields
        assert [s[0] for s in fields["state"]["selection"]] == [
            "draft",
            "in_process",
            "paid",
            "canceled",
            "rejected",
        ]


def test_payment_state_blocked_from_18(make_sandbox, version):
    _, rpc = _rpc(make_sandbox, version)
    states = [s[0] for s in _fields(rpc, "account.move")["payment_state"]["selection"]]
    assert ("blocked" in states) == (version >= 18)
    assert ("checked" in _fields(rpc, "account.move")) == (version >= 18)


def test_journal_credit_type_from_18(make_sandbox, version):
    _, rpc = _rpc(make_sandbox, version)
    types = [s[0] for s in _fields(rpc, "account.journal")["type"]["selection"]]
    assert ("credit" in types) == (version >= 18)


def test_base_automation_actions_16_delegate_vs_17_one2many(make_sandbox, version):
    _, rpc = _rpc(make_sandbox, version)
    fields = _fields(rpc, "base.automation")
    assert ("action_server_id" in fields) == (version == 16)
    assert ("action_server_ids" in fields) == (version >= 17)


def test_19_json2_and_rpc_see_the_same_data(make_sandbox):
    sb, rpc = _rpc(make_sandbox, 19)
    pid = rpc("res.partner", "create", {"name": "Both"})
    r = Json2(sb, sb.api_key).post("res.partner", "read", {"ids": [pid], "fields": ["name"]})
    assert r.json() == [{"id": pid, "name": "Both"}]


def test_search_count_argument_only_on_16(make_sandbox, version):
    _, rpc = _rpc(make_sandbox, version)
    if version == 16:
        assert rpc("res.country", "search", [("code", "=", "AU")], count=True) == 1
    else:
        with pytest.raises(xmlrpc.client.Fault) as err:
            rpc("res.country", "search", [("code", "=", "AU")], count=True)
        assert "count" in err.value.faultString


def test_unique_keys_of_business_records(make_sandbox):
    sb, rpc = _rpc(make_sandbox, 17)
    rpc("product.template", "create", {"name": "A", "barcode": "123"})
    rpc("res.partner.bank", "create", {"acc_number": "NL91 ABNA 0417 1643 00", "partner_id": 3})
    cases = [
        ("product.template", {"name": "B", "barcode": "123"}),
        ("res.partner.bank", {"acc_number": "nl91abna0417164300", "partner_id": 3}),  # same once sanitized
        ("account.account", {"code": "400000", "name": "Dup", "account_type": "income"}),
        ("account.journal", {"code": "INV", "name": "Dup", "type": "sale"}),
    ]
    for model, vals in cases:
        with pytest.raises(xmlrpc.client.Fault) as err:
            rpc(model, "create", vals)
        assert err.value.faultCode == 2, model
