"""Settings resources: Currencies and TaxRates (no If-Modified-Since, xero-facts §5), Accounts (incl.
BANK) and Items (xero-facts §8)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response

from ..errors import not_found, simple_validation
from ..formats import to_decimal
from ..store import account_class, effective_rate, public
from .base import (
    Ctx,
    ElementResult,
    Router,
    batch_write,
    elements_of,
    envelope,
    list_response,
    one,
)

ISO_4217 = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CUC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GGP",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HRK",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "IMP",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JEP",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SLL",
        "SOS",
        "SPL",
        "SRD",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TVD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "UYU",
        "UZS",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XDR",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWD",
    ]
)
ACCOUNT_TYPES = frozenset(
    [
        "BANK",
        "CURRENT",
        "CURRLIAB",
        "DEPRECIATN",
        "DIRECTCOSTS",
        "EQUITY",
        "EXPENSE",
        "FIXED",
        "INVENTORY",
        "LIABILITY",
        "NONCURRENT",
        "OTHERINCOME",
        "OVERHEADS",
        "PREPAYMENT",
        "REVENUE",
        "SALES",
        "TERMLIAB",
        "PAYGLIABILITY",
        "PAYG",
        "SUPERANNUATIONEXPENSE",
        "SUPERANNUATIONLIABILITY",
        "WAGESEXPENSE",
    ]
)


# -- currencies -------------------------------------------------------------------------------------
def _register_currencies(router: Router) -> None:
    @router.add("GET", "/Currencies", "settings")
    def list_currencies(ctx: Ctx) -> Response:
        return list_response(ctx, "Currencies", ctx.org.currencies.values(), ims=False, default_order="Code")

    @router.add("PUT", "/Currencies", "settings")
    def add_currency(ctx: Ctx) -> Response:
        data = elements_of(ctx, "Currencies")[0]
        code = str(data.get("Code") or "").upper()
        org = ctx.org
        with org.lock:
            if not org.tenant.multicurrency:
                return simple_validation("Adding a currency requires a plan with multi-currency.")
            if code not in ISO_4217:
                return simple_validation(f"{code or 'The currency code'} is not a valid currency code.")
            if code in org.currencies:
                return simple_validation(f"The currency {code} has already been added.")
            record = {"Code": code, "Description": str(data.get("Description") or code)}
            org.currencies[code] = record
        return envelope("Currencies", [dict(record)], ctx.clock)


# -- tax rates --------------------------------------------------------------------------------------
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
    existing.update({k: v for k, v in merged.items() if k not in ("TaxType",)})
    existing.setdefault("Status", "ACTIVE")
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


# -- accounts ---------------------------------------------------------------------------------------
def account_in_use(org: Any, account: dict[str, Any]) -> bool:
    code, acc_id = account.get("Code"), account["AccountID"]
    for doc in list(org.invoices.values()) + list(org.credit_notes.values()):
        for line in doc.get("LineItems", []):
            if line.get("AccountCode") == code or line.get("AccountID") == acc_id:
                return True
    for pay in org.payments.values():
        if pay.get("Account", {}).get("AccountID") == acc_id:
            return True
    for mj in org.manual_journals.values():
        if any(line.get("AccountCode") == code for line in mj.get("JournalLines", [])):
            return True
    return False


def _save_account(ctx: Ctx, element: dict[str, Any], existing: dict[str, Any] | None) -> ElementResult:
    org = ctx.org
    if existing is not None and existing.get("SystemAccount"):
        return None, ["System accounts cannot be changed."]
    read_only = {
        "AccountID",
        "Class",
        "SystemAccount",
        "UpdatedDateUTC",
        "HasAttachments",
        "ReportingCodeName",
    }
    changes = {k: v for k, v in element.items() if k not in read_only}
    merged = dict(existing or {})
    merged.update(changes)
    errors = []
    acc_type = merged.get("Type")
    own = existing["AccountID"] if existing else None
    if acc_type not in ACCOUNT_TYPES:
        errors.append(f"Account Type {acc_type!r} is not valid." if acc_type else "Account Type is required.")
    code = merged.get("Code")
    if not code and acc_type != "BANK":
        errors.append("Account code is required.")
    if code and len(code) > 10:
        errors.append("Account code must be 10 characters or fewer.")
    if code and any(a.get("Code") == code and a["AccountID"] != own for a in org.accounts.values()):
        errors.append(f"Please enter a unique Code. The code {code} is already used by another account.")
    name = (merged.get("Name") or "").strip()
    if not name:
        errors.append("Account name is required.")
    elif any(a["Name"].lower() == name.lower() and a["AccountID"] != own for a in org.accounts.values()):
        errors.append(f"Please enter a unique Name. The name {name} is already used by another account.")
    if acc_type == "BANK" and not merged.get("BankAccountNumber"):
        errors.append("Bank account number is required for bank accounts.")
    if merged.get("TaxType") and merged["TaxType"] not in org.tax_rates:
        errors.append(
            f"The TaxType code {merged['TaxType']} does not exist or cannot be used with this type of data."
        )
    if merged.get("CurrencyCode") and merged["CurrencyCode"] not in org.currencies:
        errors.append(f"The currency {merged['CurrencyCode']} is not enabled for this organisation.")
    if merged.get("Status", "ACTIVE") not in ("ACTIVE", "ARCHIVED"):
        errors.append("Use DELETE to delete an account.")
    if existing is not None and existing.get("Type") != acc_type and account_in_use(org, existing):
        errors.append("The account type cannot be changed once the account has transactions.")
    if errors:
        return None, errors
    if existing is None:
        existing = {
            "AccountID": str(uuid.uuid4()),
            "Status": "ACTIVE",
            "EnablePaymentsToAccount": False,
            "ShowInExpenseClaims": False,
            "HasAttachments": False,
            "ReportingCode": "",
        }
        org.accounts[existing["AccountID"]] = existing
    existing.update(changes)
    existing["Class"] = account_class(acc_type or "")
    if acc_type == "BANK":
        existing.setdefault("BankAccountType", "BANK")
        existing.setdefault("CurrencyCode", org.tenant.base_currency)
    org.touch(existing)
    return public(existing), []


def _register_accounts(router: Router) -> None:
    @router.add("GET", "/Accounts", "settings")
    def list_accounts(ctx: Ctx) -> Response:
        return list_response(ctx, "Accounts", ctx.org.accounts.values(), ims=True, default_order="Code")

    @router.add("GET", "/Accounts/{account_id}", "settings")
    def get_account(ctx: Ctx, account_id: str) -> Response:
        with ctx.org.lock:
            return one(ctx, "Accounts", ctx.org.accounts.get(account_id.lower()))

    @router.add("PUT", "/Accounts", "settings")
    def create_account(ctx: Ctx) -> Response:
        element = elements_of(ctx, "Accounts")[0]
        return batch_write(ctx, "Accounts", [element], lambda e: _save_account(ctx, e, None), summarize=True)

    @router.add("POST", "/Accounts/{account_id}", "settings")
    def update_account(ctx: Ctx, account_id: str) -> Response:
        rec = ctx.org.accounts.get(account_id.lower())
        if rec is None:
            return not_found()
        elements = elements_of(ctx, "Accounts")[:1]
        return batch_write(ctx, "Accounts", elements, lambda e: _save_account(ctx, e, rec), summarize=True)

    @router.add("DELETE", "/Accounts/{account_id}", "settings")
    def delete_account(ctx: Ctx, account_id: str) -> Response:
        org = ctx.org
        with org.lock:
            rec = org.accounts.get(account_id.lower())
            if rec is None:
                return not_found()
            if rec.get("SystemAccount"):
                return simple_validation("System accounts cannot be deleted.")
            if account_in_use(org, rec):
                return simple_validation(
                    "This account has transactions and cannot be deleted. Archive it instead."
                )
            del org.accounts[rec["AccountID"]]
            row = public(rec)
            row["Status"] = "DELETED"
        return envelope("Accounts", [row], ctx.clock)


# -- items ------------------------------------------------------------------------------------------
def item_in_use(org: Any, item: dict[str, Any]) -> bool:
    return any(
        line.get("ItemCode") == item["Code"]
        for doc in list(org.invoices.values()) + list(org.credit_notes.values())
        for line in doc.get("LineItems", [])
    )


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
    changes = {k: v for k, v in element.items() if k not in read_only}
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
    existing.setdefault("IsSold", bool(existing.get("SalesDetails")))
    existing.setdefault("IsPurchased", bool(existing.get("PurchaseDetails")))
    org.touch(existing)
    return public(existing), []


def _register_items(router: Router) -> None:
    @router.add("GET", "/Items", "items")
    def list_items(ctx: Ctx) -> Response:
        return list_response(ctx, "Items", ctx.org.items.values(), ims=True, default_order="Code")

    @router.add("GET", "/Items/{key}", "items")
    def get_item(ctx: Ctx, key: str) -> Response:
        with ctx.org.lock:
            return one(ctx, "Items", ctx.org.find_item(key))

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
        if rec is None:
            return not_found()
        elements = elements_of(ctx, "Items")[:1]
        return batch_write(ctx, "Items", elements, lambda e: _save_item(ctx, e, rec), summarize=True)

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
    _register_currencies(router)
    _register_tax_rates(router)
    _register_accounts(router)
    _register_items(router)
