"""Chart of accounts incl. BANK accounts (xero-facts §8)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response

from ..errors import not_found, simple_validation
from ..store import account_class, public
from .base import (
    Ctx,
    ElementResult,
    Router,
    batch_write,
    elements_of,
    envelope,
    list_response,
    one,
    update_one,
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
        return update_one(ctx, "Accounts", rec, lambda e: _save_account(ctx, e, rec))

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


def register(router: Router) -> None:
    _register_accounts(router)
