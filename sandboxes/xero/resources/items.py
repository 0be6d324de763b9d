"""Items (xero-facts §8): unique Code, tracked items need an INVENTORY asset account and COGS."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response

from ..errors import not_found, simple_validation
from ..formats import money, round_money, to_decimal
from ..store import public
from .base import (
    Ctx,
    ElementResult,
    Router,
    batch_write,
    elements_of,
    list_response,
    one,
    update_one,
)


def item_in_use(org: Any, item: dict[str, Any]) -> bool:
    return any(
        line.get("ItemCode") == item["Code"]
        for doc in list(org.invoices.values()) + list(org.credit_notes.values())
        for line in doc.get("LineItems", [])
    )


DETAILS = ("SalesDetails", "PurchaseDetails")


def _rounded_prices(element: dict[str, Any], unitdp: int) -> dict[str, Any]:
    """UnitPrice as Xero keeps it: "By default UnitPrice is rounded to two decimal places. You can use 4
    decimal places by adding the unitdp=4 querystring parameter" (Xero's OpenAPI, Purchase.UnitPrice)."""
    out = dict(element)
    for name in DETAILS:
        details = out.get(name)
        if isinstance(details, dict) and (price := to_decimal(details.get("UnitPrice"))) is not None:
            out[name] = {**details, "UnitPrice": money(round_money(price, unitdp))}
    return out


def render_item(item: dict[str, Any], unitdp: int) -> dict[str, Any]:
    """An item as served: stored prices keep 4 decimals, shown at 2 unless unitdp=4 (as above)."""
    return _rounded_prices(public(item), unitdp)


def _save_item(ctx: Ctx, element: dict[str, Any], existing: dict[str, Any] | None) -> ElementResult:
    org = ctx.org
    read_only = {
        "ItemID",
        "UpdatedDateUTC",
        "IsTrackedAsInventory",
        "QuantityOnHand",
        "TotalCostPool",
        "ValidationErrors",
        "StatusAttributeString",
    }
    changes = _rounded_prices({k: v for k, v in element.items() if k not in read_only}, ctx.unitdp)
    # "If IsSold is updated to false then Description and SalesDetails values will be nulled", and the
    # same of IsPurchased for PurchaseDescription and PurchaseDetails (Xero's OpenAPI, Item.IsSold/IsPurchased)
    if changes.get("IsSold") is False:
        changes.update(Description=None, SalesDetails=None)
    if changes.get("IsPurchased") is False:
        changes.update(PurchaseDescription=None, PurchaseDetails=None)
    merged = dict(existing or {})
    merged.update(changes)
    errors = []
    own = existing["ItemID"] if existing else None
    code = (merged.get("Code") or "").strip()
    if not code:
        errors.append("Item code is required.")
    elif any(i["Code"].lower() == code.lower() and i["ItemID"] != own for i in org.items.values()):
        errors.append(f"Item code '{code}' already exists.")
    for details_name in ("SalesDetails", "PurchaseDetails"):
        details = merged.get(details_name) or {}
        for field in ("AccountCode", "COGSAccountCode"):
            if details.get(field) and org.account_by_code(details[field]) is None:
                errors.append(f"Account code '{details[field]}' is not a valid code for this document.")
        if details.get("TaxType") and details["TaxType"] not in org.tax_rates:
            errors.append(f"The TaxType code {details['TaxType']} does not exist.")
    tracked = bool(merged.get("InventoryAssetAccountCode"))
    if tracked:
        inv = org.account_by_code(merged["InventoryAssetAccountCode"])
        if inv is None or inv.get("Type") != "INVENTORY":
            errors.append("InventoryAssetAccountCode must be an account of type INVENTORY.")
        if not (merged.get("PurchaseDetails") or {}).get("COGSAccountCode"):
            errors.append("PurchaseDetails.COGSAccountCode is required for a tracked item.")
    if (
        existing is not None
        and existing.get("IsTrackedAsInventory")
        and not tracked
        and item_in_use(org, existing)
    ):
        errors.append("A tracked item with transactions cannot be made untracked.")
    if errors:
        return None, errors
    if existing is None:
        existing = {"ItemID": str(uuid.uuid4()), "QuantityOnHand": 0.0, "TotalCostPool": 0.0}
        org.items[existing["ItemID"]] = existing
    existing.update(changes)
    existing["IsTrackedAsInventory"] = tracked
    existing.setdefault("IsSold", True)  # "Boolean value, defaults to true" (Xero's OpenAPI, Item.IsSold)
    existing.setdefault("IsPurchased", True)  # same, Item.IsPurchased
    for name, described in (("SalesDetails", "Description"), ("PurchaseDetails", "PurchaseDescription")):
        if existing.get(name) is None:
            existing.pop(name, None)
        if existing.get(described) is None:
            existing.pop(described, None)
    org.touch(existing)
    return render_item(existing, ctx.unitdp), []


def _register_items(router: Router) -> None:
    @router.add("GET", "/Items", "items")
    def list_items(ctx: Ctx) -> Response:
        return list_response(
            ctx,
            "Items",
            ctx.org.items.values(),
            ims=True,
            default_order="Code",
            render=lambda item: render_item(item, ctx.unitdp),
        )

    @router.add("GET", "/Items/{key}", "items")
    def get_item(ctx: Ctx, key: str) -> Response:
        with ctx.org.lock:
            return one(ctx, "Items", ctx.org.find_item(key), lambda item: render_item(item, ctx.unitdp))

    @router.add("PUT", "/Items", "items")
    def create_items(ctx: Ctx) -> Response:
        def apply(e: dict[str, Any]) -> ElementResult:
            if e.get("Code") and ctx.org.find_item(e["Code"]):
                return None, [f"Item code '{e['Code']}' already exists."]
            return _save_item(ctx, e, None)

        return batch_write(ctx, "Items", elements_of(ctx, "Items"), apply)

    @router.add("POST", "/Items", "items")
    def upsert_items(ctx: Ctx) -> Response:
        def apply(e: dict[str, Any]) -> ElementResult:
            existing = ctx.org.find_item(e.get("ItemID") or e.get("Code") or "")
            if e.get("ItemID") and existing is None:
                return None, [f"Item with ItemID {e['ItemID']} could not be found."]
            return _save_item(ctx, e, existing)

        return batch_write(ctx, "Items", elements_of(ctx, "Items"), apply)

    @router.add("POST", "/Items/{item_id}", "items")
    def update_item(ctx: Ctx, item_id: str) -> Response:
        rec = ctx.org.find_item(item_id)
        return update_one(ctx, "Items", rec, lambda e: _save_item(ctx, e, rec))

    @router.add("DELETE", "/Items/{item_id}", "items")
    def delete_item(ctx: Ctx, item_id: str) -> Response:
        org = ctx.org
        with org.lock:
            rec = org.find_item(item_id)
            if rec is None:
                return not_found()
            if rec.get("IsTrackedAsInventory") and item_in_use(org, rec):
                return simple_validation("A tracked item that has transactions cannot be deleted.")
            del org.items[rec["ItemID"]]
        return Response(status=204)


def register(router: Router) -> None:
    _register_items(router)
