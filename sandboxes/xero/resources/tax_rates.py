"""Tax rates (xero-facts §8): system rates fixed, user rates TAX001…, no If-Modified-Since (§5)."""

from __future__ import annotations

from typing import Any

from flask import Response

from ..formats import to_decimal
from ..store import effective_rate, public
from .base import (
    Ctx,
    ElementResult,
    Router,
    batch_write,
    elements_of,
    list_response,
    one,
)

# CanApplyTo… are read-only and follow ReportTaxType (xero_accounting.yaml TaxRate, readOnly; its
# getTaxRates example: INPUT2 "ReportTaxType": "INPUT" → CanApplyToRevenue false, OUTPUT2 "OUTPUT" →
# CanApplyToExpenses false, the other three true). Other report types: all true (not verified).
_NOT_APPLICABLE = {"INPUT": "CanApplyToRevenue", "OUTPUT": "CanApplyToExpenses"}


def _save_tax_rate(ctx: Ctx, element: dict[str, Any], update: bool) -> ElementResult:
    org = ctx.org
    existing = None
    if update:
        key = element.get("TaxType")
        existing = (
            org.tax_rates.get(key)
            if key
            else next((t for t in org.tax_rates.values() if t["Name"] == element.get("Name")), None)
        )
        if existing is None:
            return None, [f"Tax rate {key or element.get('Name')} could not be found."]
        if existing.get("_system"):
            return None, ["System tax rates cannot be changed."]
    elif element.get("TaxType") and element["TaxType"] in org.tax_rates:
        return None, [f"The tax type {element['TaxType']} already exists."]
    merged = dict(existing or {})
    merged.update({k: v for k, v in element.items() if k not in ("DisplayTaxRate", "EffectiveRate")})
    errors = []
    name = (merged.get("Name") or "").strip()
    if not name:
        errors.append("Name is required for a tax rate.")
    elif any(
        t["Name"].lower() == name.lower() and t is not existing and t["Status"] != "DELETED"
        for t in org.tax_rates.values()
    ):
        errors.append(f"The tax rate name {name} is already in use.")
    components = merged.get("TaxComponents") or []
    if not components:
        errors.append("At least one tax component is required.")
    for comp in components:
        rate = to_decimal(comp.get("Rate"))
        if not comp.get("Name") or rate is None or rate < 0:
            errors.append("Each tax component needs a Name and a Rate of 0 or more.")
    if existing is not None and existing["Status"] == "DELETED":
        errors.append("A deleted tax rate cannot be changed.")
    if errors:
        return None, errors
    if existing is None:
        tax_type = element.get("TaxType") or f"TAX{org.next_number('taxrate'):03d}"
        existing = {
            "TaxType": tax_type,
            "Status": "ACTIVE",
            "CanApplyToAssets": True,
            "CanApplyToEquity": True,
            "CanApplyToExpenses": True,
            "CanApplyToLiabilities": True,
            "CanApplyToRevenue": True,
        }
        org.tax_rates[tax_type] = existing
    existing.update(
        {k: v for k, v in merged.items() if k not in ("TaxType",) and not k.startswith("CanApply")}
    )
    existing.setdefault("Status", "ACTIVE")
    if not existing.get("_system"):
        for flag in ("CanApplyToAssets", "CanApplyToEquity", "CanApplyToExpenses", "CanApplyToLiabilities"):
            existing[flag] = True
        existing["CanApplyToRevenue"] = True
        off = _NOT_APPLICABLE.get(str(existing.get("ReportTaxType") or ""))
        if off:
            existing[off] = False
    rate = float(effective_rate(components))
    existing["DisplayTaxRate"] = rate
    existing["EffectiveRate"] = rate
    return public(existing), []


def _register_tax_rates(router: Router) -> None:
    @router.add("GET", "/TaxRates", "settings")
    def list_rates(ctx: Ctx) -> Response:
        return list_response(ctx, "TaxRates", ctx.org.tax_rates.values(), ims=False, default_order="Name")

    @router.add("GET", "/TaxRates/{tax_type}", "settings")
    def get_rate(ctx: Ctx, tax_type: str) -> Response:
        with ctx.org.lock:
            return one(ctx, "TaxRates", ctx.org.tax_rates.get(tax_type))

    @router.add("PUT", "/TaxRates", "settings")
    def create_rates(ctx: Ctx) -> Response:
        elements = elements_of(ctx, "TaxRates")
        return batch_write(ctx, "TaxRates", elements, lambda e: _save_tax_rate(ctx, e, False), summarize=True)

    @router.add("POST", "/TaxRates", "settings")
    def update_rates(ctx: Ctx) -> Response:
        elements = elements_of(ctx, "TaxRates")

        def apply(e: dict[str, Any]) -> ElementResult:
            known = e.get("TaxType") in ctx.org.tax_rates or any(
                t["Name"] == e.get("Name") for t in ctx.org.tax_rates.values()
            )
            return _save_tax_rate(ctx, e, update=known)

        return batch_write(ctx, "TaxRates", elements, apply, summarize=True)


def register(router: Router) -> None:
    _register_tax_rates(router)
