"""product, sale.order, purchase.order and stock.quant behaviour (§3.7–§3.9, §3.13)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..errors import UserError
from .registry import method, register


# --------------------------------------------------------------------------------------------------
# product.template / product.product (§3.7)
# --------------------------------------------------------------------------------------------------
def _template_after_create(env: Any, ids: list[int]) -> None:
    if env.context.get("_from_inherits") == "product.product":
        return
    for tid in ids:
        env.sudo().with_context(_from_inherits=None).create("product.product", [{"product_tmpl_id": tid}])


register("product.template", after_create=_template_after_create)


# --------------------------------------------------------------------------------------------------
# sale.order / purchase.order (§3.8, §3.9)
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


register("sale.order", prepare_create=_order_prepare("S"))
register("purchase.order", prepare_create=_order_prepare("P"))


def _set_state(
    env: Any, model: str, ids: list[int], allowed: tuple[str, ...], target: str, extra: dict | None = None
) -> None:
    for oid in ids:
        env.check_records(model, [oid], "write")
        state = env.value(model, oid, "state")
        if state not in allowed:
            raise UserError(
                f"It is not allowed to go from state '{state}' to '{target}' on {env.display_name(model, oid)}."
            )
    env.write(model, ids, {"state": target, **(extra or {})})


@method("sale.order", "action_confirm")
def sale_confirm(env: Any, ids: list[int]) -> bool:
    _set_state(env, "sale.order", ids, ("draft", "sent"), "sale")
    return True


@method("sale.order", "action_draft")
def sale_draft(env: Any, ids: list[int]) -> bool:
    _set_state(env, "sale.order", ids, ("cancel", "sent"), "draft")
    return True


@method("sale.order", "action_cancel")
def sale_cancel(env: Any, ids: list[int]) -> Any:
    for oid in ids:
        if env.db.version >= 17 and env.value("sale.order", oid, "locked"):
            raise UserError(
                "You cannot cancel a locked order. Please unlock it first if you want to cancel it."
            )
    if any(env.value("sale.order", oid, "state") != "draft" for oid in ids) and not env.context.get(
        "disable_cancel_warning"
    ):
        return {
            "name": "Cancel Sales Order",
            "type": "ir.actions.act_window",
            "res_model": "sale.order.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": ids[0]},
        }
    _set_state(env, "sale.order", ids, ("draft", "sent", "sale"), "cancel")
    return True


def _sale_lock(locked: bool) -> Callable:
    def fn(env: Any, ids: list[int]) -> bool:
        env.write("sale.order", ids, {"locked": locked})
        return True

    return fn


def _register_sale_lock() -> None:
    method("sale.order", "action_lock")(_sale_lock(True))
    method("sale.order", "action_unlock")(_sale_lock(False))


_register_sale_lock()


@method("sale.order", "action_done")
def sale_done(env: Any, ids: list[int]) -> bool:
    if env.db.version >= 17:
        raise AttributeError("The method 'action_done' does not exist on the model 'sale.order'")
    _set_state(env, "sale.order", ids, ("sale",), "done")
    return True


@method("purchase.order", "button_confirm")
def purchase_confirm(env: Any, ids: list[int]) -> bool:
    _set_state(env, "purchase.order", ids, ("draft", "sent"), "purchase", {"date_approve": env.now()})
    return True


@method("purchase.order", "button_approve")
def purchase_approve(env: Any, ids: list[int]) -> bool:
    _set_state(env, "purchase.order", ids, ("to approve",), "purchase", {"date_approve": env.now()})
    return True


@method("purchase.order", "button_cancel")
def purchase_cancel(env: Any, ids: list[int]) -> None:
    _set_state(env, "purchase.order", ids, ("draft", "sent", "to approve", "purchase"), "cancel")
    return None


@method("purchase.order", "button_draft")
def purchase_draft(env: Any, ids: list[int]) -> dict:
    _set_state(env, "purchase.order", ids, ("cancel",), "draft")
    return {}


@method("purchase.order", "button_done")
def purchase_done(env: Any, ids: list[int]) -> None:
    if env.db.version >= 19:  # §3.9: no 'done' in 19 — lock instead
        raise AttributeError("The method 'button_done' does not exist on the model 'purchase.order'")
    _set_state(env, "purchase.order", ids, ("purchase",), "done")
    return None


def _po_lock(locked: bool) -> Callable:
    def fn(env: Any, ids: list[int]) -> None:
        if env.db.version < 19:
            raise AttributeError("The method does not exist on the model 'purchase.order'")
        env.write("purchase.order", ids, {"locked": locked})
        return None

    return fn


method("purchase.order", "button_lock")(_po_lock(True))
method("purchase.order", "button_unlock")(_po_lock(False))


# --------------------------------------------------------------------------------------------------
# stock.quant (§3.13)
# --------------------------------------------------------------------------------------------------
def _storable(env: Any, product: int) -> bool:
    if env.db.version >= 18:
        return bool(env.value("product.product", product, "is_storable"))
    return env.value("product.product", product, "detailed_type") == "product"


def _quant_prepare(env: Any, vals: dict) -> dict:
    if not env.su and not env.context.get("inventory_mode"):
        raise UserError("Quant's creation is restricted, you can't do this operation.")
    product = vals.get("product_id")
    if product and not _storable(env, product):
        raise UserError("Quants cannot be created for consumables or services.")
    if "inventory_quantity" in vals:
        vals["inventory_quantity_set"] = True
    return vals


def _quant_reuse(env: Any, vals: dict) -> int | None:
    """In inventory mode a create on an existing (product, location) quant updates that quant."""
    for qid in env.txn.ids("stock.quant"):
        row = env.txn.get("stock.quant", qid)
        if row["product_id"] == vals.get("product_id") and row["location_id"] == vals.get("location_id"):
            env.write(
                "stock.quant",
                [qid],
                {k: v for k, v in vals.items() if k not in ("product_id", "location_id")},
            )
            return qid
    return None


register("stock.quant", prepare_create=_quant_prepare, reuse=_quant_reuse)


@method("stock.quant", "action_apply_inventory")
def quant_apply(env: Any, ids: list[int]) -> None:
    for qid in ids:
        env.check_records("stock.quant", [qid], "write")
        if env.value("stock.quant", qid, "inventory_quantity_set"):
            env.sudo().write(
                "stock.quant",
                [qid],
                {
                    "quantity": env.value("stock.quant", qid, "inventory_quantity"),
                    "inventory_quantity": 0.0,
                    "inventory_quantity_set": False,
                },
            )
    return None
