"""product, sale.order, purchase.order and stock behaviour per version (§3.7–§3.9, §3.13).

Each rule names its source: the module file and function in Odoo 16/17/18/19 (the nightly trees S16–S19 of
odoo-facts). Messages are Odoo's own strings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..errors import UserError, ValidationError
from ..rounding import currency_round, float_compare, float_is_zero
from .registry import method, register

UOM_PRECISION = 0.01  # decimal.precision 'Product Unit of Measure' (2 digits)


def _missing_method(model: str, name: str) -> Callable[..., Any]:
    """A method this version does not have: odoo/api.py call_kw's AttributeError."""

    def fn(env: Any, ids: list[int], *args: Any, **kwargs: Any) -> Any:
        raise AttributeError(f"The method '{name}' does not exist on the model '{model}'")

    return fn


def _versioned(model: str, name: str, versions: tuple[int, ...], fn: Callable[..., Any]) -> None:
    """Register ``fn`` for the versions that have the method; the others answer as for an unknown method."""
    missing = _missing_method(model, name)

    def dispatch(env: Any, ids: list[int], *args: Any, **kwargs: Any) -> Any:
        if env.db.version not in versions:
            return missing(env, ids)
        return fn(env, ids, *args, **kwargs)

    method(model, name)(dispatch)


def _format_list(env: Any, items: list[str]) -> str:
    """18/19 format a list argument of a translated message with format_list (babel, en_US): 'A and B',
    'A, B, and C' (odoo/tools/i18n.py format_list; 19 odoo/tools/translate.py)."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return ", ".join(items[:-1]) + f", and {items[-1]}"


# --------------------------------------------------------------------------------------------------
# product.template / product.product (§3.7)
# --------------------------------------------------------------------------------------------------
def _template_prepare(env: Any, vals: dict) -> dict:
    _sanitize_type(env, [], vals)
    v = env.db.version
    kind = vals.get("type", "consu")
    if v >= 18 and kind != "consu" and "is_storable" not in vals:
        vals["is_storable"] = False  # 18 stock/models/product.py compute_is_storable
    if "purchase_method" not in vals and kind == "service":
        vals["purchase_method"] = "purchase"  # purchase/models/product.py _compute_purchase_method
    return vals


def _sanitize_type(env: Any, ids: list[int], vals: dict) -> None:
    """16/17 product_template.py _sanitize_vals: ``type`` and ``detailed_type`` are kept equal; writing
    ``type`` alone sets ``detailed_type`` (when it changes). ``type`` is validated first, as in its create."""
    if env.db.version >= 18:
        return
    if "type" in vals:
        env.convert("product.template", env.field("product.template", "type"), vals["type"])
        current = {env.value("product.template", i, "type") for i in ids}
        if "detailed_type" not in vals and vals["type"] not in current:
            vals["detailed_type"] = vals["type"]
    if "detailed_type" in vals and "type" not in vals:
        vals["type"] = vals["detailed_type"]


def _template_before_write(env: Any, ids: list[int], vals: dict) -> None:
    _sanitize_type(env, ids, vals)
    v = env.db.version
    if v <= 17 and "type" in vals:
        _check_type_change_16(env, ids, vals["type"])
    if v == 18 and "is_storable" in vals:
        _check_tracking_change_18(env, ids, bool(vals["is_storable"]))
    if "type" in vals:
        changed = [i for i in ids if env.value("product.template", i, "type") != vals["type"]]
        if changed and v >= 18 and vals["type"] != "consu" and "is_storable" not in vals:
            vals["is_storable"] = False  # 18/19 compute_is_storable (depends on type)
        if changed and vals["type"] == "consu" and "invoice_policy" not in vals:
            vals["invoice_policy"] = "order"  # sale product_template.py _compute_invoice_policy
        if changed and "purchase_method" not in vals:  # purchase product.py _compute_purchase_method
            vals["purchase_method"] = "purchase" if vals["type"] == "service" else "receive"


def _used(env: Any, template_ids: list[int]) -> bool:
    """Done stock moves of the templates' variants (stock/models/product.py write: done move lines)."""
    variants = {
        p
        for t in template_ids
        for p in env.with_context(active_test=False).value("product.template", t, "product_variant_ids")
    }
    return any(
        env.txn.get("stock.move", m)["product_id"] in variants
        and env.txn.get("stock.move", m)["state"] == "done"
        for m in env.txn.ids("stock.move")
    )


def _check_type_change_16(env: Any, ids: list[int], new_type: str) -> None:
    """16/17 stock/models/product.py ProductTemplate.write."""
    if any(env.value("product.template", i, "type") != new_type for i in ids) and _used(env, ids):
        raise UserError("You can not change the type of a product that was already used.")
    if new_type != "product" and any(
        env.value("product.template", i, "type") == "product"
        and not float_is_zero(env.qty_available("product.template", i), precision_rounding=UOM_PRECISION)
        for i in ids
    ):
        raise UserError("Available quantity should be set to zero before changing type")


def _check_tracking_change_18(env: Any, ids: list[int], storable: bool) -> None:
    """18 stock/models/product.py ProductTemplate.write (19 only cleans reservations: no refusal)."""
    if any(bool(env.value("product.template", i, "is_storable")) != storable for i in ids) and _used(
        env, ids
    ):
        raise UserError("You can not change the inventory tracking of a product that was already used.")
    if not storable and any(
        env.value("product.template", i, "is_storable")
        and not float_is_zero(env.qty_available("product.template", i), precision_rounding=UOM_PRECISION)
        for i in ids
    ):
        raise UserError("Available quantity should be set to zero before changing inventory tracking")


def _template_after_create(env: Any, ids: list[int]) -> None:
    if env.context.get("_from_inherits") != "product.product":
        for tid in ids:
            env.sudo().with_context(_from_inherits=None).create("product.product", [{"product_tmpl_id": tid}])
    _template_constraints(env, ids, {"type", "barcode"})


def _template_after_write(env: Any, ids: list[int], vals: dict) -> None:
    _template_constraints(env, ids, set(vals))


def _template_constraints(env: Any, ids: list[int], changed: set[str]) -> None:
    # 18/19 product_template.py _check_combo_ids_not_empty (product.combo is not modelled: no choices)
    if (
        env.db.version >= 18
        and "type" in changed
        and any(env.value("product.template", i, "type") == "combo" for i in ids)
    ):
        raise ValidationError("A combo product must contain at least 1 combo choice.")
    if "barcode" in changed:
        _check_barcode_uniqueness(env, ids)


def _check_barcode_uniqueness(env: Any, template_ids: list[int]) -> None:
    """product_product.py _check_barcode_uniqueness (a Python constraint, no SQL index in 16–19).
    16: unique in the database; 17+: within a company (products without company clash with every one)."""
    v = env.db.version
    su = env.sudo().with_context(active_test=False)
    for tid in template_ids:
        barcode = su.value("product.template", tid, "barcode")
        if not barcode:
            continue
        company = su.value("product.template", tid, "company_id")
        domain: list = [("barcode", "=", barcode)]
        if v >= 17 and company:
            domain.append(("company_id", "in", [False, company]))
        same = su.search("product.product", domain, order="id" if v == 16 else None)
        if len(same) <= 1:
            continue
        names = [su.display_name("product.product", p) for p in same]
        shown = ", ".join(names) if v <= 17 else _format_list(env, names)
        text = f'- Barcode "{barcode}" already assigned to product(s): {shown}'
        if v >= 17:
            text += "\n\nNote: products that you don't have access to will not be shown above."
        raise ValidationError(f"Barcode(s) already assigned:\n\n{text}")


register(
    "product.product",
    after_create=lambda env, ids: _check_barcode_uniqueness(
        env, [env.value("product.product", i, "product_tmpl_id") for i in ids]
    ),
)
register(
    "product.template",
    prepare_create=_template_prepare,
    after_create=_template_after_create,
    before_write=_template_before_write,
    after_write=_template_after_write,
)


# --------------------------------------------------------------------------------------------------
# order numbering, shared by sale.order and purchase.order (§3.8, §3.9)
# --------------------------------------------------------------------------------------------------
def _order_prepare(prefix: str) -> Callable[[Any, dict], dict]:
    def prepare(env: Any, vals: dict) -> dict:
        model = "sale.order" if prefix == "S" else "purchase.order"
        if vals.get("name", "New") == "New":
            last = 0
            for oid in env.txn.ids(model):
                name = env.txn.get(model, oid)["name"]
                if re.fullmatch(prefix + r"\d{5}", name or ""):
                    last = max(last, int(name[1:]))
            vals["name"] = f"{prefix}{last + 1:05d}"
        for key in ("partner_invoice_id", "partner_shipping_id"):
            if prefix == "S" and vals.get("partner_id"):
                vals.setdefault(key, vals["partner_id"])
        return vals

    return prepare


def _uom_field(env: Any) -> str:
    return "product_uom_id" if env.db.version >= 19 else "product_uom"


def _line_prepare(model: str) -> Callable[[Any, dict], dict]:
    """Values Odoo computes on a new order line from its product (sale_order_line.py _compute_name,
    _compute_product_uom; purchase_order_line.py _compute_price_unit_and_date_planned_and_name,
    _compute_product_uom). Section and note lines get no quantity."""
    qty = "product_uom_qty" if model == "sale.order.line" else "product_qty"

    def prepare(env: Any, vals: dict) -> dict:
        if vals.get("display_type"):
            vals.setdefault(qty, 0.0)
            return vals
        product = vals.get("product_id")
        if not product or not env.txn.exists("product.product", product):
            return vals
        su = env.sudo()
        if not vals.get("name"):
            vals["name"] = su.display_name("product.product", product)
        uom = _uom_field(env)
        if not vals.get(uom):
            source = "uom_po_id" if model == "purchase.order.line" and env.db.version < 19 else "uom_id"
            vals[uom] = su.value("product.product", product, source)
        if model == "purchase.order.line" and not vals.get("date_planned") and vals.get("order_id"):
            order = vals["order_id"]
            vals["date_planned"] = su.value("purchase.order", order, "date_planned") or su.value(
                "purchase.order", order, "date_order"
            )
        return vals

    return prepare


def _line_check(model: str) -> Callable[..., None]:
    """The lines' SQL CHECK constraints accountable_required_fields / non_accountable_null_fields
    (sale_order_line.py, purchase_order_line.py; 16 purchase.py), reported by odoo/service/model.py as
    "The operation cannot be completed: <constraint message>"."""
    label = "sale" if model == "sale.order.line" else "purchase"
    qty = "product_uom_qty" if model == "sale.order.line" else "product_qty"

    def check(env: Any, ids: list[int], *_: Any) -> None:
        uom = _uom_field(env)
        for lid in ids:
            row = env.txn.get(model, lid)
            if row is None:
                continue
            required = [row.get("product_id"), row.get(uom)]
            if model == "purchase.order.line":
                required.append(row.get("date_planned"))
            if not row.get("display_type") and not all(required):
                raise ValidationError(
                    "The operation cannot be completed: "
                    f"Missing required fields on accountable {label} order line."
                )
            if row.get("display_type") and (
                row.get("product_id") or row.get("price_unit") or row.get(qty) or row.get(uom)
            ):
                raise ValidationError(
                    f"The operation cannot be completed: Forbidden values on non-accountable {label} order line"
                )

    return check


# --------------------------------------------------------------------------------------------------
# sale.order (§3.8)
# --------------------------------------------------------------------------------------------------
def _so_confirmed_states(env: Any) -> tuple[str, ...]:
    return ("sale", "done") if env.db.version == 16 else ("sale",)


def _so_type_name(env: Any, oid: int) -> str:
    """sale_order.py _compute_type_name."""
    state = env.value("sale.order", oid, "state")
    return "Quotation" if state in ("draft", "sent", "cancel") else "Sales Order"


@method("sale.order", "action_confirm")
def sale_confirm(env: Any, ids: list[int]) -> bool:
    """16 _get_forbidden_state_confirm ({'done', 'cancel'}: a confirmed order may be confirmed again);
    17 _can_be_confirmed; 18/19 _confirmation_error_message (sale_order.py action_confirm)."""
    env.check_records("sale.order", ids, "write")
    v = env.db.version
    states = [env.value("sale.order", i, "state") for i in ids]
    if v == 16 and {"done", "cancel"} & set(states):
        # ", ".join of a set in Odoo: the order of the two states varies between server processes
        raise UserError("It is not allowed to confirm an order in the following states: done, cancel")
    if v == 17 and any(s not in ("draft", "sent") for s in states):
        names = ", ".join(env.display_name("sale.order", i) for i in ids)
        raise UserError(f"The following orders are not in a state requiring confirmation: {names}")
    if v >= 18 and any(s not in ("draft", "sent") for s in states):
        raise UserError("Some orders are not in a state requiring confirmation.")
    env.write("sale.order", ids, {"state": "sale", "date_order": env.now()})
    return True


@method("sale.order", "action_quotation_sent")
def sale_quotation_sent(env: Any, ids: list[int]) -> None:
    """sale_order.py action_quotation_sent (16–19); returns None."""
    env.check_records("sale.order", ids, "write")
    if any(env.value("sale.order", i, "state") != "draft" for i in ids):
        raise UserError("Only draft orders can be marked as sent directly.")
    env.write("sale.order", ids, {"state": "sent"})
    return None


@method("sale.order", "action_draft")
def sale_draft(env: Any, ids: list[int]) -> bool:
    """sale_order.py action_draft: only cancelled and sent orders go back to draft, the others are
    silently left as they are (16–19)."""
    env.check_records("sale.order", ids, "write")
    orders = [i for i in ids if env.value("sale.order", i, "state") in ("cancel", "sent")]
    return env.write("sale.order", orders, {"state": "draft"})


@method("sale.order", "action_cancel")
def sale_cancel(env: Any, ids: list[int]) -> Any:
    """sale_order.py action_cancel / _show_cancel_wizard / _action_cancel. 17+ refuse a locked order."""
    env.check_records("sale.order", ids, "write")
    if env.db.version >= 17 and any(env.value("sale.order", i, "locked") for i in ids):
        raise UserError("You cannot cancel a locked order. Please unlock it first.")
    wizard = not env.context.get("disable_cancel_warning") and any(
        env.value("sale.order", i, "state") != "draft" for i in ids
    )
    if wizard:
        if len(ids) != 1:
            raise ValueError(f"Expected singleton: sale.order({', '.join(map(str, ids))},)")
        type_name = _so_type_name(env, ids[0])
        ctx = {
            "default_template_id": False,  # sale.mail_template_sale_cancellation (mail not modelled)
            "default_order_id": ids[0],
            "mark_so_as_canceled": True,
            "default_email_layout_xmlid": "mail.mail_notification_layout_with_responsible_signature",
            "model_description": type_name,
        }
        if env.db.version == 16:
            ctx = {"default_use_template": False, **ctx}
        return {
            "name": f"Cancel {type_name}",
            "view_mode": "form",
            "res_model": "sale.order.cancel",
            "view_id": False,  # sale.sale_order_cancel_view_form (views not modelled)
            "type": "ir.actions.act_window",
            "context": ctx,
            "target": "new",
        }
    return env.write("sale.order", ids, {"state": "cancel"})


def _sale_lock(locked: bool) -> Callable[..., None]:
    """17+ sale_order.py action_lock / action_unlock: set ``locked``, return None."""

    def fn(env: Any, ids: list[int]) -> None:
        env.check_records("sale.order", ids, "write")
        env.write("sale.order", ids, {"locked": locked})
        return None

    return fn


def _sale_state_16(state: str) -> Callable[..., None]:
    """16 sale_order.py action_done / action_unlock: write the state, whatever it was; return None."""

    def fn(env: Any, ids: list[int]) -> None:
        env.check_records("sale.order", ids, "write")
        env.write("sale.order", ids, {"state": state})
        return None

    return fn


_versioned("sale.order", "action_lock", (17, 18, 19), _sale_lock(True))
_versioned("sale.order", "action_done", (16,), _sale_state_16("done"))


def _sale_unlock(env: Any, ids: list[int]) -> None:
    return (_sale_state_16("sale") if env.db.version == 16 else _sale_lock(False))(env, ids)


method("sale.order", "action_unlock")(_sale_unlock)


def _sale_before_unlink(env: Any, ids: list[int]) -> None:
    """sale_order.py _unlink_except_draft_or_cancel (16–19)."""
    if any(env.value("sale.order", i, "state") not in ("draft", "cancel") for i in ids):
        raise UserError(
            "You can not delete a sent quotation or a confirmed sales order. You must first cancel it."
        )


def sale_line_invoice_status(env: Any, lid: int) -> str:
    """sale_order_line.py _compute_invoice_status, with nothing delivered or invoiced (deliveries and
    invoices made from orders are not modelled): qty_to_invoice is the ordered quantity for products
    invoiced on ordered quantities, 0 for those invoiced on delivery."""
    state = env.value("sale.order.line", lid, "state")
    if state not in _so_confirmed_states(env):
        return "no"
    product = env.value("sale.order.line", lid, "product_id")
    policy = env.value("product.product", product, "invoice_policy") if product else "order"
    qty = env.value("sale.order.line", lid, "product_uom_qty")
    to_invoice = qty if policy == "order" else 0.0
    if not float_is_zero(to_invoice, precision_rounding=UOM_PRECISION):
        return "to invoice"
    if float_compare(0.0, qty, precision_rounding=UOM_PRECISION) >= 0:  # qty_invoiced (0) >= ordered
        return "invoiced"
    return "no"


def sale_invoice_status(env: Any, oid: int) -> str:
    """sale_order.py _compute_invoice_status (16: states sale and done; 17+: sale)."""
    if env.value("sale.order", oid, "state") not in _so_confirmed_states(env):
        return "no"
    statuses = [
        sale_line_invoice_status(env, lid)
        for lid in env.value("sale.order", oid, "order_line")
        if not env.value("sale.order.line", lid, "display_type")
    ]
    if "to invoice" in statuses:
        return "to invoice"
    if statuses and all(s == "invoiced" for s in statuses):
        return "invoiced"
    if statuses and all(s in ("invoiced", "upselling") for s in statuses):
        return "upselling"
    return "no"


def _sale_line_protected(env: Any) -> list[str]:
    """sale_order_line.py _get_protected_fields (analytic_distribution is not modelled on lines)."""
    if env.db.version >= 19:
        return [
            "product_id",
            "name",
            "price_unit",
            "product_uom_id",
            "product_uom_qty",
            "tax_ids",
            "discount",
        ]
    return ["product_id", "name", "price_unit", "product_uom", "product_uom_qty", "tax_id"]


def _sale_line_before_write(env: Any, ids: list[int], vals: dict) -> None:
    """sale_order_line.py write: the line type cannot change; 18+ the product of a line of a locked or
    cancelled order cannot change; protected fields of a locked order (16: state done) are refused,
    listed by their labels in ir.model.fields order (name)."""
    model = "sale.order.line"
    v = env.db.version
    if "display_type" in vals and any(
        env.value(model, i, "display_type") != vals["display_type"] for i in ids
    ):
        raise UserError(
            "You cannot change the type of a sale order line. Instead you should delete the current line "
            "and create a new line of the proper type."
        )
    orders = {env.value(model, i, "order_id") for i in ids}
    if v >= 18 and "product_id" in vals:
        for i in ids:
            order = env.value(model, i, "order_id")
            state = env.value("sale.order", order, "state")
            frozen = state == "cancel" or (state == "sale" and env.value("sale.order", order, "locked"))
            if env.value(model, i, "product_id") != vals["product_id"] and frozen:
                raise UserError("You cannot modify the product of this order line.")
    if v == 16:
        locked = any(env.value("sale.order", o, "state") == "done" for o in orders)
    else:
        locked = any(env.value("sale.order", o, "locked") for o in orders)
    touched = sorted(set(_sale_line_protected(env)) & set(vals))
    if locked and touched:
        labels = "\n".join(env.field(model, f).string for f in touched)
        raise UserError(f"It is forbidden to modify the following fields in a locked order:\n{labels}")


def _sale_line_before_unlink(env: Any, ids: list[int]) -> None:
    """sale_order_line.py _check_line_unlink / _unlink_except_confirmed."""
    blocked = [
        i
        for i in ids
        if env.value("sale.order.line", i, "state") in _so_confirmed_states(env)
        and not env.value("sale.order.line", i, "display_type")
    ]
    if not blocked:
        return
    if env.db.version == 16:
        raise UserError(
            "You can not remove an order line once the sales order is confirmed.\n"
            "You should rather set the quantity to 0."
        )
    raise UserError(
        "Once a sales order is confirmed, you can't remove one of its lines (we need to track if something "
        "gets invoiced or delivered).\n                Set the quantity to 0 instead."
    )


register("sale.order", prepare_create=_order_prepare("S"), before_unlink=_sale_before_unlink)
register(
    "sale.order.line",
    prepare_create=_line_prepare("sale.order.line"),
    after_create=_line_check("sale.order.line"),
    before_write=_sale_line_before_write,
    after_write=_line_check("sale.order.line"),
    before_unlink=_sale_line_before_unlink,
)


# --------------------------------------------------------------------------------------------------
# purchase.order (§3.9)
# --------------------------------------------------------------------------------------------------
def _approval_allowed(env: Any, oid: int) -> bool:
    """purchase_order.py _approval_allowed: one step, or below the company's double validation amount
    (converted to the order's currency), or a purchase manager."""
    company = env.value("purchase.order", oid, "company_id")
    mode = env.value("res.company", company, "po_double_validation")
    if mode == "one_step" or env.has_group("purchase.group_purchase_manager"):
        return True
    currency = env.value("purchase.order", oid, "currency_id")
    day = env.value("purchase.order", oid, "date_order")
    limit = env.value("res.company", company, "po_double_validation_amount") * env.conversion_factor(
        currency, company, day.date() if hasattr(day, "date") else day
    )
    limit = currency_round(limit, env.value("res.currency", currency, "rounding") if currency else 0.01)
    return mode == "two_step" and env.value("purchase.order", oid, "amount_total") < limit


@method("purchase.order", "button_confirm")
def purchase_confirm(env: Any, ids: list[int]) -> bool:
    """purchase_order.py button_confirm: orders not in draft/sent are skipped; the others are approved at
    once or wait for approval ('to approve')."""
    env.check_records("purchase.order", ids, "write")
    for oid in ids:
        if env.value("purchase.order", oid, "state") not in ("draft", "sent"):
            continue
        if _approval_allowed(env, oid):
            purchase_approve(env, [oid])
        else:
            env.write("purchase.order", [oid], {"state": "to approve"})
    return True


@method("purchase.order", "button_approve")
def purchase_approve(env: Any, ids: list[int], force: bool = False) -> dict:
    """purchase_order.py button_approve: no state check; orders the user may not approve are skipped.
    po_lock 'lock' locks the confirmed order (16–18 state done, 19 ``locked``). Returns {}."""
    env.check_records("purchase.order", ids, "write")
    allowed = [i for i in ids if _approval_allowed(env, i)]
    env.write("purchase.order", allowed, {"state": "purchase", "date_approve": env.now()})
    lock = [
        i
        for i in allowed
        if env.value("res.company", env.value("purchase.order", i, "company_id"), "po_lock") == "lock"
    ]
    if lock:
        env.write("purchase.order", lock, {"locked": True} if env.db.version >= 19 else {"state": "done"})
    return {}


@method("purchase.order", "button_draft")
def purchase_draft(env: Any, ids: list[int]) -> dict:
    """purchase_order.py button_draft: no state check. Returns {}."""
    env.check_records("purchase.order", ids, "write")
    env.write("purchase.order", ids, {"state": "draft"})
    return {}


@method("purchase.order", "button_cancel")
def purchase_cancel(env: Any, ids: list[int]) -> None:
    """purchase_order.py button_cancel: 19 refuses locked orders. Every version refuses orders with a
    posted bill, but bills are not linked to orders here. Returns None."""
    env.check_records("purchase.order", ids, "write")
    if env.db.version >= 19:
        locked = [
            env.display_name("purchase.order", i) for i in ids if env.value("purchase.order", i, "locked")
        ]
        if locked:
            raise UserError(
                f"Unable to cancel purchase order(s): {_format_list(env, locked)}. You must first unlock them."
            )
    env.write("purchase.order", ids, {"state": "cancel"})
    return None


def _po_state(state: str) -> Callable[..., None]:
    """16–18 button_done / button_unlock: write the state, no check; return None."""

    def fn(env: Any, ids: list[int]) -> None:
        env.check_records("purchase.order", ids, "write")
        env.write("purchase.order", ids, {"state": state})
        return None

    return fn


def _po_lock(locked: bool) -> Callable[..., None]:
    """19 button_lock / button_unlock: set ``locked``; return None."""

    def fn(env: Any, ids: list[int]) -> None:
        env.check_records("purchase.order", ids, "write")
        env.write("purchase.order", ids, {"locked": locked})
        return None

    return fn


_versioned("purchase.order", "button_done", (16, 17, 18), _po_state("done"))  # §3.9: 19 has no done
_versioned("purchase.order", "button_lock", (19,), _po_lock(True))


def _po_unlock(env: Any, ids: list[int]) -> None:
    return (_po_lock(False) if env.db.version >= 19 else _po_state("purchase"))(env, ids)


method("purchase.order", "button_unlock")(_po_unlock)


def _po_before_unlink(env: Any, ids: list[int]) -> None:
    """purchase_order.py _unlink_if_cancelled (16–19)."""
    if any(env.value("purchase.order", i, "state") != "cancel" for i in ids):
        raise UserError("In order to delete a purchase order, you must cancel it first.")


def purchase_invoice_status(env: Any, oid: int) -> str:
    """purchase_order.py _get_invoiced, with nothing received or billed from the order (not modelled):
    qty_to_invoice is the ordered quantity for products billed on ordered quantities ('purchase')."""
    if env.value("purchase.order", oid, "state") not in ("purchase", "done"):
        return "no"
    for lid in env.value("purchase.order", oid, "order_line"):
        if env.value("purchase.order.line", lid, "display_type"):
            continue
        product = env.value("purchase.order.line", lid, "product_id")
        method_ = env.value("product.product", product, "purchase_method") if product else "receive"
        qty = env.value("purchase.order.line", lid, "product_qty") if method_ == "purchase" else 0.0
        if not float_is_zero(qty, precision_rounding=UOM_PRECISION):
            return "to invoice"
    return "no"


# purchase.order state labels of the states whose lines cannot be deleted (16–18; 19 has no 'done')
_PO_LOCKED_STATES = {"purchase": "Purchase Order", "done": "Locked"}


def _po_line_before_unlink(env: Any, ids: list[int]) -> None:
    """purchase_order_line.py _unlink_except_purchase_or_done (16–19): a product line of a confirmed or
    locked order cannot be deleted (sections and notes can)."""
    for lid in ids:
        state = env.value("purchase.order.line", lid, "state")
        if state in _PO_LOCKED_STATES and not env.value("purchase.order.line", lid, "display_type"):
            raise UserError(
                f"Cannot delete a purchase order line which is in state \u201c{_PO_LOCKED_STATES[state]}\u201d."
            )


register("purchase.order", prepare_create=_order_prepare("P"), before_unlink=_po_before_unlink)
register(
    "purchase.order.line",
    prepare_create=_line_prepare("purchase.order.line"),
    after_create=_line_check("purchase.order.line"),
    after_write=_line_check("purchase.order.line"),
    before_unlink=_po_line_before_unlink,
)


# --------------------------------------------------------------------------------------------------
# stock.quant (§3.13)
# --------------------------------------------------------------------------------------------------
def _storable(env: Any, product: int) -> bool:
    if env.db.version >= 18:
        return bool(env.value("product.product", product, "is_storable"))
    return env.value("product.product", product, "detailed_type") == "product"


# stock_quant.py _get_inventory_fields_create + _get_inventory_fields_write (the same set in 16–19)
INVENTORY_CREATE_FIELDS = frozenset(
    (
        "product_id",
        "location_id",
        "lot_id",
        "package_id",
        "owner_id",
        "inventory_quantity",
        "inventory_quantity_auto_apply",
        "inventory_diff_quantity",
        "inventory_date",
        "user_id",
        "inventory_quantity_set",
        "is_outdated",
    )
)


def _inventory_create(env: Any, vals: dict) -> bool:
    """stock_quant.py create (16–19): the inventory-mode branch runs when ``_is_inventory_mode()`` (the
    context key ``inventory_mode`` AND the user in stock.group_stock_user) and a counted quantity is
    given; any other create is a plain ORM create, checked by the access rights only (a stock user may
    create quants, an internal user may only read them: stock/security/ir.model.access.csv)."""
    return (
        bool(env.context.get("inventory_mode"))
        and env.has_group("stock.group_stock_user")
        and any(f in vals for f in ("inventory_quantity", "inventory_quantity_auto_apply"))
    )


def _quant_prepare(env: Any, vals: dict) -> dict:
    if _inventory_create(env, vals):
        if any(f not in INVENTORY_CREATE_FIELDS for f in vals):
            raise UserError("Quant's creation is restricted, you can't do this operation.")
        # the counted quantity is set after the create: _compute_inventory_quantity_set marks it set;
        # user_id and inventory_date are written by create itself
        vals["inventory_quantity_set"] = True
        vals.setdefault("user_id", env.uid)
        vals["inventory_date"] = env.today()
    elif env.db.version >= 19 and "inventory_quantity" in vals:
        # 19 dropped the field's default=False: a counted quantity given to a plain create computes
        # inventory_quantity_set (True); 16–18 keep the default False
        vals.setdefault("inventory_quantity_set", True)
    product = vals.get("product_id")
    if product and not _storable(env, product):
        # stock_quant.py check_product_id (@api.constrains('product_id'))
        raise ValidationError("Quants cannot be created for consumables or services.")
    return vals


def _quant_reuse(env: Any, vals: dict) -> int | None:
    """stock_quant.py create, inventory mode: an existing quant of the product and location (``_gather``
    strict; lots, packages and owners not modelled) gets the counted quantity, user and date instead of
    a new quant (not during an import, ``import_file``). A plain create always makes a new quant."""
    if not _inventory_create(env, vals) or env.context.get("import_file"):
        return None
    for qid in env.txn.ids("stock.quant"):
        row = env.txn.get("stock.quant", qid)
        if row["product_id"] == vals.get("product_id") and row["location_id"] == vals.get("location_id"):
            env.sudo().write(
                "stock.quant",
                [qid],
                {
                    "inventory_quantity": vals.get("inventory_quantity") or 0.0,
                    "inventory_quantity_set": True,
                    "user_id": vals["user_id"],
                    "inventory_date": vals["inventory_date"],
                },
            )
            return qid
    return None


register("stock.quant", prepare_create=_quant_prepare, reuse=_quant_reuse)


def _inventory_location(env: Any, company: int) -> int:
    """product.property_stock_inventory: the company's inventory adjustment location."""
    for lid in env.txn.ids("stock.location"):
        row = env.txn.get("stock.location", lid)
        if row["usage"] == "inventory" and row.get("company_id") in (company, False):
            return lid
    raise UserError("No inventory adjustment location")  # the seed creates one per company


@method("stock.quant", "action_apply_inventory")
def quant_apply(env: Any, ids: list[int]) -> None:
    """stock_quant.py action_apply_inventory / _apply_inventory / _get_inventory_move_values: a done
    inventory move from or to the inventory adjustment location per quant; 16/17 only a stock manager
    may apply. Returns None. Negative counted quantities are accepted (negative stock)."""
    env.check_records("stock.quant", ids, "write")
    if env.db.version <= 17 and not env.su and not env.has_group("stock.group_stock_manager"):
        raise UserError("Only a stock manager can validate an inventory adjustment.")
    su = env.sudo()
    for qid in ids:
        if not env.value("stock.quant", qid, "inventory_quantity_set"):
            continue
        diff = env.value("stock.quant", qid, "inventory_diff_quantity")
        location = env.value("stock.quant", qid, "location_id")
        company = env.value("stock.location", location, "company_id") or env.company_id
        adjust = _inventory_location(env, company)
        qty = abs(diff)
        name = (
            "Product Quantity Confirmed"
            if float_is_zero(qty, precision_rounding=UOM_PRECISION)
            else "Product Quantity Updated"
        )
        user = env.value("stock.quant", qid, "user_id")
        if user and user != 1:
            name += f" ({env.display_name('res.users', user)})"
        product = env.value("stock.quant", qid, "product_id")
        source, dest = (adjust, location) if diff > 0 else (location, adjust)
        su.create(
            "stock.move",
            [
                {
                    "name": name,
                    "reference": name,
                    "product_id": product,
                    "product_uom": env.value("product.product", product, "uom_id"),
                    "product_uom_qty": qty,
                    "quantity_done" if env.db.version == 16 else "quantity": qty,
                    "location_id": source,
                    "location_dest_id": dest,
                    "state": "done",
                    "is_inventory": True,
                    "company_id": company,
                }
            ],
        )
        su.write(
            "stock.quant",
            [qid],
            {
                "quantity": env.value("stock.quant", qid, "inventory_quantity"),
                "inventory_quantity": 0.0,
                "inventory_quantity_set": False,
                "user_id": False,
            },
        )
    return None
