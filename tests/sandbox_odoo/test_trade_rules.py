"""Products, stock, sale and purchase orders: what Odoo 16/17/18/19 accept and refuse (odoo-facts §3.7–§3.9,
§3.13). Each docstring names the Odoo source (file, function) the rule and its message come from; the files
are those of the nightly trees S16–S19 named in odoo-facts (addons/<module>/models/...)."""

from __future__ import annotations

import xmlrpc.client

import pytest

from sandboxes.odoo.errors import AccessError, UserError, ValidationError

from .conftest import XmlRpc


def _storable(version: int) -> dict:
    return {"is_storable": True} if version >= 18 else {"detailed_type": "product"}


def _product(env, version: int, **vals) -> int:
    """A product.product (the variant of a new template)."""
    tmpl = env.create("product.template", {"name": "Widget", **vals})
    return env.read("product.template", [tmpl], ["product_variant_ids"])[0]["product_variant_ids"][0]


def _so(env, product: int, qty: float = 2.0, price: float = 10.0) -> int:
    return env.create(
        "sale.order",
        {
            "partner_id": 3,
            "order_line": [(0, 0, {"product_id": product, "product_uom_qty": qty, "price_unit": price})],
        },
    )


def _po(env, product: int, qty: float = 1.0, price: float = 3.0) -> int:
    return env.create(
        "purchase.order",
        {
            "partner_id": 3,
            "order_line": [(0, 0, {"product_id": product, "product_qty": qty, "price_unit": price})],
        },
    )


def _state(env, model: str, rid: int, *fields: str) -> dict:
    row = env.read(model, [rid], list(fields or ("state",)))[0]
    row.pop("id")
    return row


# --------------------------------------------------------------------------------------------------
# products (§3.7)
# --------------------------------------------------------------------------------------------------
def test_storable_product_is_written_in_each_versions_terms(make_sandbox, version):
    """16/17 stock/models/product.py adds 'product' to detailed_type and type; 18/19 product_template.py
    type is consu/service/combo and stock adds is_storable. The other version's value is refused by
    fields.Selection.convert_to_cache ("Wrong value for ...") or create ("Invalid field ...")."""
    env = make_sandbox(version).env()
    if version <= 17:
        tmpl = env.create("product.template", {"name": "Boxed", "detailed_type": "product"})
        assert _state(env, "product.template", tmpl, "type", "detailed_type") == {
            "type": "product",
            "detailed_type": "product",
        }
        with pytest.raises(ValueError, match="Invalid field 'is_storable' on model 'product.template'"):
            env.create("product.template", {"name": "New", "is_storable": True})
        with pytest.raises(ValueError, match="Wrong value for product.template.type: 'combo'"):
            env.create("product.template", {"name": "New", "type": "combo"})
    else:
        tmpl = env.create("product.template", {"name": "Boxed", "type": "consu", "is_storable": True})
        assert _state(env, "product.template", tmpl, "type", "is_storable") == {
            "type": "consu",
            "is_storable": True,
        }
        with pytest.raises(ValueError, match="Wrong value for product.template.type: 'product'"):
            env.create("product.template", {"name": "Old", "type": "product"})
        with pytest.raises(ValueError, match="Invalid field 'detailed_type' on model 'product.template'"):
            env.create("product.template", {"name": "Old", "detailed_type": "product"})


@pytest.mark.parametrize("version", [16, 17])
def test_writing_type_alone_sets_detailed_type_on_16_17(make_sandbox, version):
    """16/17 product/models/product_template.py _sanitize_vals: type is stored and writable, and a new
    type is copied to detailed_type (and detailed_type to type)."""
    env = make_sandbox(version).env()
    tmpl = env.create("product.template", {"name": "Typed", "type": "service"})
    assert _state(env, "product.template", tmpl, "type", "detailed_type") == {
        "type": "service",
        "detailed_type": "service",
    }
    env.write("product.template", tmpl, {"detailed_type": "consu"})
    assert _state(env, "product.template", tmpl, "type")["type"] == "consu"


@pytest.mark.parametrize("version", [18, 19])
def test_a_service_does_not_track_inventory_from_18(make_sandbox, version):
    """18/19 stock/models/product.py compute_is_storable: a type other than consu clears is_storable."""
    env = make_sandbox(version).env()
    tmpl = env.create("product.template", {"name": "Boxed", "is_storable": True})
    env.write("product.template", tmpl, {"type": "service"})
    assert _state(env, "product.template", tmpl, "is_storable") == {"is_storable": False}


@pytest.mark.parametrize("version", [18, 19])
def test_a_combo_product_needs_combo_choices(make_sandbox, version):
    """18/19 product/models/product_template.py _check_combo_ids_not_empty."""
    env = make_sandbox(version).env()
    with pytest.raises(ValidationError, match="A combo product must contain at least 1 combo choice."):
        env.create("product.template", {"name": "Menu", "type": "combo"})


def test_invoice_policy_and_purchase_method_follow_the_type(make_sandbox, version):
    """sale/models/product_template.py _compute_invoice_policy ('order', and again when the type becomes
    consu); purchase/models/product.py _compute_purchase_method ('purchase' for services, else 'receive')."""
    env = make_sandbox(version).env()
    service = env.create("product.template", {"name": "Hours", "type": "service"})
    goods = env.create("product.template", {"name": "Box", "invoice_policy": "delivery"})
    assert _state(env, "product.template", service, "invoice_policy", "purchase_method") == {
        "invoice_policy": "order",
        "purchase_method": "purchase",
    }
    assert _state(env, "product.template", goods, "invoice_policy", "purchase_method") == {
        "invoice_policy": "delivery",
        "purchase_method": "receive",
    }
    env.write("product.template", goods, {"type": "service"})
    env.write("product.template", goods, {"type": "consu"})
    assert _state(env, "product.template", goods, "invoice_policy")["invoice_policy"] == "order"


def test_internal_reference_is_not_unique(make_sandbox, version):
    """product_product.py / product_template.py: default_code has no constraint in 16–19."""
    env = make_sandbox(version).env()
    env.create("product.template", {"name": "A", "default_code": "SKU-1"})
    env.create("product.template", {"name": "B", "default_code": "SKU-1"})
    assert env.search_count("product.product", [("default_code", "=", "SKU-1")]) == 2


def test_a_barcode_belongs_to_one_product(make_sandbox, version):
    """product/models/product_product.py _check_barcode_uniqueness: a Python constraint (ValidationError),
    not an SQL index; 17+ _check_duplicated_product_barcodes adds the access note; 18/19 list the products
    with format_list."""
    env = make_sandbox(version).env()
    env.create("product.template", {"name": "A", "barcode": "123"})
    with pytest.raises(ValidationError) as err:
        env.create("product.template", {"name": "B", "barcode": "123"})
    shown = "A, B" if version <= 17 else "A and B"
    expected = f'Barcode(s) already assigned:\n\n- Barcode "123" already assigned to product(s): {shown}'
    if version >= 17:
        expected += "\n\nNote: products that you don't have access to will not be shown above."
    assert str(err.value) == expected


def test_barcodes_are_unique_per_company_from_17(make_sandbox, version):
    """17+ product_product.py _get_barcode_search_domain: only products of the same company (or none)
    clash; 16 searches the whole database."""
    sb = make_sandbox(version)
    env = sb.env()
    c1, c2 = sb.company_ids
    env.create("product.template", {"name": "A", "barcode": "777", "company_id": c1})
    if version == 16:
        with pytest.raises(ValidationError):
            env.create("product.template", {"name": "B", "barcode": "777", "company_id": c2})
    else:
        env.create("product.template", {"name": "B", "barcode": "777", "company_id": c2})
        with pytest.raises(ValidationError):
            env.create("product.template", {"name": "C", "barcode": "777"})


def test_cost_is_per_company_and_the_variant_shows_its_templates_fields(make_sandbox):
    """standard_price is company-dependent (odoo-facts §0); product.product _inherits product.template."""
    sb = make_sandbox(17)
    c1, c2 = sb.company_ids
    env = sb.env()
    product = _product(env, 17, list_price=9.5, standard_price=4.0)
    env.with_context(allowed_company_ids=[c2]).write("product.product", product, {"standard_price": 6.0})
    assert env.read("product.product", [product], ["standard_price", "list_price", "name"])[0] == {
        "id": product,
        "standard_price": 4.0,
        "list_price": 9.5,
        "name": "Widget",
    }
    assert (
        env.with_context(allowed_company_ids=[c2]).read("product.product", [product], ["standard_price"])[0][
            "standard_price"
        ]
        == 6.0
    )


# --------------------------------------------------------------------------------------------------
# stock quants and valuation (§3.7, §3.13)
# --------------------------------------------------------------------------------------------------
def _count(sb, env, product: int, qty: float) -> int:
    location = sb.ids["stock_location"][sb.company_ids[0]]
    inv = env.with_context(inventory_mode=True)
    quant = inv.create(
        "stock.quant", {"product_id": product, "location_id": location, "inventory_quantity": qty}
    )
    inv.call("stock.quant", "action_apply_inventory", [quant])
    return quant


def test_an_applied_inventory_leaves_a_done_inventory_move(make_sandbox, version):
    """stock/models/stock_quant.py _apply_inventory / _get_inventory_move_values: a done move from the
    inventory adjustment location, named after the counting user; 16 stores the done quantity in
    quantity_done, 17+ in quantity."""
    sb = make_sandbox(version)
    env = sb.env()
    product = _product(env, version, **_storable(version))
    _count(sb, env, product, 5)
    done = "quantity_done" if version == 16 else "quantity"
    moves = env.search_read(
        "stock.move", [("product_id", "=", product)], ["name", "state", "is_inventory", done]
    )
    assert [{k: v for k, v in m.items() if k != "id"} for m in moves] == [
        {
            "name": "Product Quantity Updated (Mitchell Admin)",
            "state": "done",
            "is_inventory": True,
            done: 5.0,
        }
    ]
    assert env.read("product.product", [product], ["qty_available"])[0]["qty_available"] == 5.0


def test_a_negative_count_gives_negative_stock(make_sandbox):
    """stock_quant.py: nothing refuses a negative inventory_quantity; the quant goes negative."""
    sb = make_sandbox(17)
    env = sb.env()
    product = _product(env, 17, **_storable(17))
    _count(sb, env, product, -3)
    assert env.read("product.product", [product], ["qty_available"])[0]["qty_available"] == -3.0


def test_only_a_stock_manager_applies_an_inventory_on_16_17(make_sandbox, version):
    """16/17 stock_quant.py _apply_inventory checks stock.group_stock_manager; 18/19 do not."""
    sb = make_sandbox(version)
    product = _product(sb.env(), version, **_storable(version))
    bridge = sb.env("bridge")
    if version <= 17:
        with pytest.raises(UserError, match="Only a stock manager can validate an inventory adjustment."):
            _count(sb, bridge, product, 2)
    else:
        _count(sb, bridge, product, 2)
        assert sb.env().read("product.product", [product], ["qty_available"])[0]["qty_available"] == 2.0


def test_quants_of_a_consumable_are_refused(make_sandbox, version):
    """stock_quant.py check_product_id (@api.constrains: ValidationError, XML-RPC fault 2)."""
    sb = make_sandbox(version)
    rpc = XmlRpc(sb, sb.login, sb.password)
    product = _product(sb.env(), version)
    location = sb.ids["stock_location"][sb.company_ids[0]]
    with pytest.raises(xmlrpc.client.Fault) as err:
        rpc(
            "stock.quant",
            "create",
            {"product_id": product, "location_id": location, "inventory_quantity": 1},
            context={"inventory_mode": True},
        )
    assert err.value.faultCode == 2
    assert "Quants cannot be created for consumables or services." in err.value.faultString


def _quants(env, product: int) -> list[dict]:
    fields = ["quantity", "inventory_quantity", "inventory_quantity_set", "user_id"]
    return [
        {k: v for k, v in q.items() if k != "id"}
        for q in env.search_read("stock.quant", [("product_id", "=", product)], fields)
    ]


def test_a_stock_user_creates_quants_outside_inventory_mode(make_sandbox, version):
    """16–19 stock_quant.py create: without the inventory_mode context key the create is the plain
    ORM create (``super().create(vals)``), allowed by stock.group_stock_user's create right
    (stock/security/ir.model.access.csv access_stock_quant_user 1,1,1,0): the quantity is stored as
    given, with no inventory move, and a second create makes a second quant (no _gather)."""
    sb = make_sandbox(version)
    bridge = sb.env("bridge")  # a stock user, not a stock manager
    product = _product(sb.env(), version, **_storable(version))
    location = sb.ids["stock_location"][sb.company_ids[0]]
    vals = {"product_id": product, "location_id": location, "quantity": 4.0}
    first = bridge.create("stock.quant", vals)
    second = bridge.create("stock.quant", vals)
    assert first != second
    assert sb.env().read("product.product", [product], ["qty_available"])[0]["qty_available"] == 8.0
    assert sb.env().search("stock.move", [("product_id", "=", product)]) == []


def test_a_count_given_outside_inventory_mode_is_not_marked_set_before_19(make_sandbox, version):
    """stock_quant.py: 16–18 declare inventory_quantity_set with default=False, so a plain create keeps
    it False; 19 dropped the default and its create only defaults it when no inventory_quantity is
    given, so _compute_inventory_quantity_set marks the count set. No user is assigned (only the
    inventory-mode branch writes user_id)."""
    sb = make_sandbox(version)
    product = _product(sb.env(), version, **_storable(version))
    location = sb.ids["stock_location"][sb.company_ids[0]]
    sb.env("bridge").create(
        "stock.quant", {"product_id": product, "location_id": location, "inventory_quantity": 3.0}
    )
    assert _quants(sb.env(), product) == [
        {
            "quantity": 0.0,
            "inventory_quantity": 3.0,
            "inventory_quantity_set": version >= 19,
            "user_id": False,
        }
    ]


def test_an_uncounted_quants_difference_is_minus_its_quantity_before_19_and_zero_on_19(make_sandbox, version):
    """stock_quant.py _compute_inventory_diff_quantity: 16–18 ``inventory_quantity - quantity`` for every
    quant; 19 only when inventory_quantity_set, else 0. A counted quant differs by count − on hand on all."""
    sb = make_sandbox(version)
    location = sb.ids["stock_location"][sb.company_ids[0]]
    on_hand, counted_product = (_product(sb.env(), version, **_storable(version)) for _ in range(2))
    uncounted = sb.env("bridge").create(
        "stock.quant", {"product_id": on_hand, "location_id": location, "quantity": 4.0}
    )
    counted = (
        sb.env("bridge")
        .with_context(inventory_mode=True)
        .create(
            "stock.quant", {"product_id": counted_product, "location_id": location, "inventory_quantity": 6.0}
        )
    )
    diff = {
        q["id"]: q["inventory_diff_quantity"]
        for q in sb.env().read("stock.quant", [uncounted, counted], ["inventory_diff_quantity"])
    }
    assert diff == {uncounted: -4.0 if version <= 18 else 0.0, counted: 6.0}


def test_inventory_mode_refuses_fields_outside_the_inventory_fields(make_sandbox, version):
    """16–19 stock_quant.py create, inventory mode with a counted quantity: a field outside
    _get_inventory_fields_create (here ``quantity``) raises this UserError."""
    sb = make_sandbox(version)
    product = _product(sb.env(), version, **_storable(version))
    location = sb.ids["stock_location"][sb.company_ids[0]]
    inv = sb.env("bridge").with_context(inventory_mode=True)
    vals = {"product_id": product, "location_id": location, "inventory_quantity": 3.0, "quantity": 3.0}
    with pytest.raises(UserError, match="^Quant's creation is restricted, you can't do this operation.$"):
        inv.create("stock.quant", vals)
    del vals["quantity"]
    quant = inv.create("stock.quant", vals)
    assert _quants(sb.env(), product) == [
        {
            "quantity": 0.0,
            "inventory_quantity": 3.0,
            "inventory_quantity_set": True,
            "user_id": [sb.bridge_uid, "Xero Bridge"],
        }
    ]
    assert sb.env().read("stock.quant", [quant], ["inventory_date"])[0]["inventory_date"]


def test_inventory_mode_needs_a_stock_user(make_sandbox, version):
    """16–19 stock_quant.py _is_inventory_mode: the context key alone does not make an internal user's
    create an inventory one; it stays a plain create, which the access rights refuse (base.group_user
    may only read quants: access_stock_quant_all 1,0,0,0)."""
    sb = make_sandbox(version)
    product = _product(sb.env(), version, **_storable(version))
    location = sb.ids["stock_location"][sb.company_ids[0]]
    demo = sb.env("demo").with_context(inventory_mode=True)
    with pytest.raises(AccessError):
        demo.create(
            "stock.quant", {"product_id": product, "location_id": location, "inventory_quantity": 1.0}
        )


def test_the_stock_tracking_of_a_used_product_cannot_change(make_sandbox, version):
    """stock/models/product.py ProductTemplate.write: 16/17 refuse a type change once a done move exists;
    18 refuses an is_storable change; 19 allows it."""
    sb = make_sandbox(version)
    env = sb.env()
    product = _product(env, version, **_storable(version))
    tmpl = env.read("product.product", [product], ["product_tmpl_id"], load=None)[0]["product_tmpl_id"]
    _count(sb, env, product, 1)
    change = {"is_storable": False} if version >= 18 else {"detailed_type": "consu"}
    if version <= 17:
        with pytest.raises(
            UserError, match="^You can not change the type of a product that was already used.$"
        ):
            env.write("product.template", tmpl, change)
    elif version == 18:
        with pytest.raises(UserError, match="inventory tracking of a product that was already used"):
            env.write("product.template", tmpl, change)
    else:
        env.write("product.template", tmpl, change)
        assert _state(env, "product.template", tmpl, "is_storable") == {"is_storable": False}


def test_valuation_properties_exist_because_stock_account_is_installed(make_sandbox, version):
    """stock_account/models/product.py ProductCategory: property_cost_method and property_valuation
    (odoo-facts §3.7); every version's sandbox installs stock_account."""
    env = make_sandbox(version).env()
    categ = env.create("product.category", {"name": "Goods", "property_cost_method": "average"})
    row = _state(env, "product.category", categ, "property_cost_method", "property_valuation")
    assert row == {
        "property_cost_method": "average",
        "property_valuation": False if version >= 19 else "manual_periodic",
    }


# --------------------------------------------------------------------------------------------------
# sale.order (§3.8)
# --------------------------------------------------------------------------------------------------
def test_a_sale_line_needs_a_product(make_sandbox, version):
    """sale_order_line.py SQL constraint accountable_required_fields, turned into a ValidationError by
    odoo/service/model.py; section lines need none."""
    env = make_sandbox(version).env()
    with pytest.raises(ValidationError) as err:
        env.create(
            "sale.order", {"partner_id": 3, "order_line": [(0, 0, {"name": "free text", "price_unit": 5})]}
        )
    assert str(err.value) == (
        "The operation cannot be completed: Missing required fields on accountable sale order line."
    )
    order = env.create(
        "sale.order",
        {"partner_id": 3, "order_line": [(0, 0, {"name": "Section", "display_type": "line_section"})]},
    )
    assert env.read("sale.order", [order], ["amount_total"])[0]["amount_total"] == 0.0


def test_a_sale_line_takes_its_description_and_unit_from_the_product(make_sandbox, version):
    """sale_order_line.py _compute_name / _compute_product_uom (19: product_uom_id)."""
    sb = make_sandbox(version)
    env = sb.env()
    product = _product(env, version, default_code="W1")
    order = _so(env, product)
    uom = "product_uom_id" if version >= 19 else "product_uom"
    line = env.read("sale.order", [order], ["order_line"])[0]["order_line"][0]
    row = env.read("sale.order.line", [line], ["name", uom], load=None)[0]
    assert (row["name"], bool(row[uom])) == ("[W1] Widget", True)


def test_confirming_a_confirmed_order_per_version(make_sandbox, version):
    """16 sale_order.py action_confirm refuses only done/cancel orders (_get_forbidden_state_confirm);
    17 _can_be_confirmed and 18/19 _confirmation_error_message refuse anything but draft/sent."""
    env = make_sandbox(version).env()
    order = _so(env, _product(env, version))
    assert env.call("sale.order", "action_confirm", [order]) is True
    if version == 16:
        assert env.call("sale.order", "action_confirm", [order]) is True
        env.call("sale.order", "action_done", [order])
        with pytest.raises(
            UserError, match="^It is not allowed to confirm an order in the following states: "
        ):
            env.call("sale.order", "action_confirm", [order])
        return
    expected = {
        17: "The following orders are not in a state requiring confirmation: S00001",
        18: "Some orders are not in a state requiring confirmation.",
        19: "Some orders are not in a state requiring confirmation.",
    }[version]
    with pytest.raises(UserError) as err:
        env.call("sale.order", "action_confirm", [order])
    assert str(err.value) == expected


def test_action_draft_leaves_confirmed_orders_alone(make_sandbox, version):
    """sale_order.py action_draft filters cancelled and sent orders; it raises nothing for the others."""
    env = make_sandbox(version).env()
    product = _product(env, version)
    confirmed, cancelled = _so(env, product), _so(env, product)
    env.call("sale.order", "action_confirm", [confirmed])
    env.with_context(disable_cancel_warning=True).call("sale.order", "action_cancel", [cancelled])
    assert env.call("sale.order", "action_draft", [confirmed, cancelled]) is True
    assert [_state(env, "sale.order", o)["state"] for o in (confirmed, cancelled)] == ["sale", "draft"]


def test_cancelling_a_confirmed_order_opens_the_wizard(make_sandbox):
    """sale_order.py action_cancel: _show_cancel_wizard for a non-draft order, named after type_name."""
    env = make_sandbox(17).env()
    order = _so(env, _product(env, 17))
    env.call("sale.order", "action_confirm", [order])
    action = env.call("sale.order", "action_cancel", [order])
    assert (action["name"], action["res_model"], action["context"]["default_order_id"]) == (
        "Cancel Sales Order",
        "sale.order.cancel",
        order,
    )
    assert _state(env, "sale.order", order)["state"] == "sale"


def test_a_locked_order_refuses_cancel_and_line_edits(make_sandbox, version):
    """17+ sale_order.py action_lock / action_cancel ("You cannot cancel a locked order..."); 16 locks with
    action_done (state done). sale_order_line.py write: protected fields of a locked order, labels listed
    in ir.model.fields order (by name)."""
    env = make_sandbox(version).env()
    order = _so(env, _product(env, version))
    env.call("sale.order", "action_confirm", [order])
    env.call("sale.order", "action_done" if version == 16 else "action_lock", [order])
    line = env.read("sale.order", [order], ["order_line"])[0]["order_line"][0]
    with pytest.raises(UserError) as err:
        env.write("sale.order.line", line, {"product_uom_qty": 3, "price_unit": 11})
    assert (
        str(err.value)
        == "It is forbidden to modify the following fields in a locked order:\nUnit Price\nQuantity"
    )
    if version >= 17:
        with pytest.raises(UserError) as err:
            env.with_context(disable_cancel_warning=True).call("sale.order", "action_cancel", [order])
        assert str(err.value) == "You cannot cancel a locked order. Please unlock it first."
    env.call("sale.order", "action_unlock", [order])
    env.write("sale.order.line", line, {"product_uom_qty": 3})
    assert env.read("sale.order", [order], ["amount_total"])[0]["amount_total"] == 30.0


def test_the_taxes_of_a_locked_order_line_are_protected(make_sandbox, version):
    """sale_order_line.py _get_protected_fields lists the line's taxes: tax_id on 16–18, tax_ids on 19
    (the field's 19 name)."""
    env = make_sandbox(version).env()
    order = _so(env, _product(env, version))
    env.call("sale.order", "action_confirm", [order])
    env.call("sale.order", "action_done" if version == 16 else "action_lock", [order])
    line = env.read("sale.order", [order], ["order_line"])[0]["order_line"][0]
    with pytest.raises(UserError) as err:
        env.write("sale.order.line", line, {"tax_ids" if version >= 19 else "tax_id": [(6, 0, [])]})
    assert str(err.value) == "It is forbidden to modify the following fields in a locked order:\nTaxes"


def test_lock_methods_per_version(make_sandbox, version):
    """16 sale_order.py has action_done and no action_lock; 17+ the reverse (odoo/api.py call_kw)."""
    env = make_sandbox(version).env()
    order = _so(env, _product(env, version))
    missing = "action_lock" if version == 16 else "action_done"
    with pytest.raises(
        AttributeError, match=f"The method '{missing}' does not exist on the model 'sale.order'"
    ):
        env.call("sale.order", missing, [order])


def test_a_confirmed_order_and_its_lines_cannot_be_deleted(make_sandbox, version):
    """sale_order.py _unlink_except_draft_or_cancel; sale_order_line.py _unlink_except_confirmed."""
    env = make_sandbox(version).env()
    product = _product(env, version)
    draft, order = _so(env, product), _so(env, product)
    env.call("sale.order", "action_confirm", [order])
    line = env.read("sale.order", [order], ["order_line"])[0]["order_line"][0]
    with pytest.raises(UserError) as err:
        env.unlink("sale.order.line", line)
    assert str(err.value).startswith(
        "You can not remove an order line once the sales order is confirmed."
        if version == 16
        else "Once a sales order is confirmed, you can't remove one of its lines"
    )
    with pytest.raises(UserError) as err:
        env.unlink("sale.order", order)
    assert (
        str(err.value)
        == "You can not delete a sent quotation or a confirmed sales order. You must first cancel it."
    )
    assert env.unlink("sale.order", draft) is True


def test_sale_invoice_status_follows_the_invoicing_policy(make_sandbox, version):
    """sale_order.py / sale_order_line.py _compute_invoice_status: nothing to invoice before confirmation;
    ordered quantities are to invoice at once, delivered ones only after a delivery."""
    env = make_sandbox(version).env()
    on_order = _so(env, _product(env, version))
    on_delivery = _so(env, _product(env, version, invoice_policy="delivery"))
    assert _state(env, "sale.order", on_order, "invoice_status") == {"invoice_status": "no"}
    env.call("sale.order", "action_confirm", [on_order, on_delivery])
    assert [
        _state(env, "sale.order", o, "invoice_status")["invoice_status"] for o in (on_order, on_delivery)
    ] == [
        "to invoice",
        "no",
    ]


# --------------------------------------------------------------------------------------------------
# purchase.order (§3.9)
# --------------------------------------------------------------------------------------------------
def test_a_purchase_line_takes_description_unit_and_date_from_the_product(make_sandbox, version):
    """purchase_order_line.py _compute_price_unit_and_date_planned_and_name / _compute_product_uom and
    the SQL constraint accountable_required_fields (product, unit, date planned)."""
    env = make_sandbox(version).env()
    order = _po(env, _product(env, version))
    line = env.read("purchase.order", [order], ["order_line"])[0]["order_line"][0]
    uom = "product_uom_id" if version >= 19 else "product_uom"
    row = env.read("purchase.order.line", [line], ["name", uom, "date_planned"], load=None)[0]
    assert row["name"] == "Widget" and row[uom] and row["date_planned"]
    with pytest.raises(ValidationError, match="Missing required fields on accountable purchase order line."):
        env.create(
            "purchase.order", {"partner_id": 3, "order_line": [(0, 0, {"name": "x", "price_unit": 3})]}
        )


def test_two_step_approval_above_the_company_amount(make_sandbox, version):
    """purchase_order.py button_confirm / _approval_allowed / button_approve: with po_double_validation
    'two_step' an order at or above po_double_validation_amount waits in 'to approve' unless the user is
    a purchase manager; button_approve by a manager confirms it and returns {}."""
    sb = make_sandbox(version)
    admin, bridge = sb.env(), sb.env("bridge")
    admin.write(
        "res.company",
        sb.company_ids[0],
        {"po_double_validation": "two_step", "po_double_validation_amount": 100},
    )
    product = _product(admin, version)
    small, big = _po(bridge, product, price=50), _po(bridge, product, price=200)
    assert bridge.call("purchase.order", "button_confirm", [small, big]) is True
    assert [_state(admin, "purchase.order", o)["state"] for o in (small, big)] == ["purchase", "to approve"]
    assert bridge.call("purchase.order", "button_approve", [big]) == {}  # not allowed: skipped
    assert _state(admin, "purchase.order", big)["state"] == "to approve"
    assert admin.call("purchase.order", "button_approve", [big]) == {}
    assert _state(admin, "purchase.order", big)["state"] == "purchase"


def test_button_confirm_skips_orders_already_confirmed(make_sandbox, version):
    """purchase_order.py button_confirm: orders not in draft/sent are skipped, no error."""
    env = make_sandbox(version).env()
    order = _po(env, _product(env, version))
    env.call("purchase.order", "button_confirm", [order])
    assert env.call("purchase.order", "button_confirm", [order]) is True
    assert _state(env, "purchase.order", order)["state"] == "purchase"


def test_locking_confirmed_purchase_orders_per_version(make_sandbox, version):
    """purchase_order.py button_approve with company po_lock 'lock': 16–18 state done, 19 locked=True;
    19 button_cancel refuses locked orders; button_done exists until 18, button_lock from 19."""
    sb = make_sandbox(version)
    env = sb.env()
    env.write("res.company", sb.company_ids[0], {"po_lock": "lock"})
    order = _po(env, _product(env, version))
    env.call("purchase.order", "button_confirm", [order])
    if version <= 18:
        assert _state(env, "purchase.order", order)["state"] == "done"
        with pytest.raises(AttributeError, match="The method 'button_lock' does not exist"):
            env.call("purchase.order", "button_lock", [order])
        env.call("purchase.order", "button_unlock", [order])
        assert _state(env, "purchase.order", order)["state"] == "purchase"
        return
    assert _state(env, "purchase.order", order, "state", "locked") == {"state": "purchase", "locked": True}
    with pytest.raises(UserError) as err:
        env.call("purchase.order", "button_cancel", [order])
    assert str(err.value) == "Unable to cancel purchase order(s): P00001. You must first unlock them."
    with pytest.raises(AttributeError, match="The method 'button_done' does not exist"):
        env.call("purchase.order", "button_done", [order])


def test_a_purchase_order_is_deleted_only_once_cancelled(make_sandbox, version):
    """purchase_order.py _unlink_if_cancelled; button_cancel then button_draft (no state check, returns {})."""
    env = make_sandbox(version).env()
    order = _po(env, _product(env, version))
    with pytest.raises(UserError) as err:
        env.unlink("purchase.order", order)
    assert str(err.value) == "In order to delete a purchase order, you must cancel it first."
    env.call("purchase.order", "button_cancel", [order])
    assert env.call("purchase.order", "button_draft", [order]) == {}
    env.call("purchase.order", "button_cancel", [order])
    assert env.unlink("purchase.order", order) is True


def test_purchase_invoice_status_follows_the_control_policy(make_sandbox, version):
    """purchase_order.py _get_invoiced: on ordered quantities ('purchase') the order is to bill at once;
    on received quantities ('receive') only after a receipt."""
    env = make_sandbox(version).env()
    ordered = _po(env, _product(env, version, purchase_method="purchase"))
    received = _po(env, _product(env, version))
    env.call("purchase.order", "button_confirm", [ordered, received])
    assert [
        _state(env, "purchase.order", o, "invoice_status")["invoice_status"] for o in (ordered, received)
    ] == [
        "to invoice",
        "no",
    ]
