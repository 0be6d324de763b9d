"""Overpayments and prepayments (xero-facts §8): created by BankTransactions of type RECEIVE-/SPEND-
OVERPAYMENT or -PREPAYMENT, read through /Overpayments and /Prepayments, allocated to invoices.

Only those four BankTransaction types are modelled; any other type is refused with a message saying so,
and is listed as missing in the sandbox's description."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from flask import Response

from .. import lines as line_rules
from ..formats import iso_utc, money, ms_date, ms_date_of_day, parse_day, to_decimal
from .base import (
    Ctx,
    ElementResult,
    Router,
    batch_write,
    elements_of,
    list_response,
    one,
)

MODELLED_TYPES = {
    "RECEIVE-OVERPAYMENT": "overpayments",
    "SPEND-OVERPAYMENT": "overpayments",
    "RECEIVE-PREPAYMENT": "prepayments",
    "SPEND-PREPAYMENT": "prepayments",
}
_IDS = {"overpayments": "OverpaymentID", "prepayments": "PrepaymentID"}


def recalc_credit(org: Any, collection: str, doc: dict[str, Any]) -> None:
    key = _IDS[collection]
    allocated = sum(
        (
            to_decimal(a["Amount"]) or Decimal(0)
            for a in org.allocations.values()
            if not a["IsDeleted"] and (a["_source"], a["_source_id"]) == (collection, doc[key])
        ),
        Decimal(0),
    )
    remaining = (to_decimal(doc["Total"]) or Decimal(0)) - allocated
    doc["RemainingCredit"] = money(remaining)
    doc["AppliedAmount"] = money(allocated)
    if doc["Status"] == "AUTHORISED" and remaining == 0:
        doc["Status"] = "PAID"
    elif doc["Status"] == "PAID" and remaining != 0:
        doc["Status"] = "AUTHORISED"


def _render_credit(org: Any, collection: str, doc: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in doc.items() if not k.startswith("_")}
    contact = org.contacts.get(doc["_contact_id"])
    if contact:
        out["Contact"] = org.contact_ref(contact)
    out["Date"] = ms_date_of_day(doc["_Date"])
    out["UpdatedDateUTC"] = ms_date(doc["_updated"])
    out["UpdatedDateUTCString"] = iso_utc(doc["_updated"])
    out["Allocations"] = [
        {
            "AllocationID": a["AllocationID"],
            "Amount": a["Amount"],
            "Date": ms_date_of_day(a["_Date"]),
            "Invoice": {"InvoiceID": a["_invoice_id"]},
        }
        for a in org.allocations.values()
        if not a["IsDeleted"] and (a["_source"], a["_source_id"]) == (collection, doc[_IDS[collection]])
    ]
    return out


def _render_bank_transaction(org: Any, doc: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in doc.items() if not k.startswith("_")}
    contact = org.contacts.get(doc["_contact_id"])
    if contact:
        out["Contact"] = org.contact_ref(contact)
    out["Date"] = ms_date_of_day(doc["_Date"])
    out["UpdatedDateUTC"] = ms_date(doc["_updated"])
    return out


def _save_bank_transaction(ctx: Ctx, element: dict[str, Any]) -> ElementResult:
    org = ctx.org
    if element.get("BankTransactionID"):
        return None, ["The Xero sandbox does not model updates of bank transactions."]
    kind = element.get("Type")
    collection = MODELLED_TYPES.get(kind or "")
    if collection is None:
        return None, [
            f"The Xero sandbox models only overpayment and prepayment bank transactions, not {kind}."
        ]
    errors = []
    contact = org.contacts.get(str((element.get("Contact") or {}).get("ContactID") or "").lower())
    if contact is None:
        errors.append("An existing Contact (ContactID) is required for this bank transaction.")
    elif contact.get("ContactStatus") == "ARCHIVED":
        errors.append(f"The contact {contact['Name']} is archived and cannot be used on a transaction.")
    bank_ref = element.get("BankAccount") or {}
    bank = (
        org.accounts.get(str(bank_ref.get("AccountID") or "").lower())
        if bank_ref.get("AccountID")
        else org.account_by_code(bank_ref.get("Code"))
    )
    if bank is None or bank.get("Type") != "BANK" or bank.get("Status") != "ACTIVE":
        errors.append("BankAccount must be an active account of type BANK.")
    day = (
        parse_day(element["Date"]) if element.get("Date") else datetime.fromtimestamp(ctx.clock(), UTC).date()
    )
    if day is None:
        errors.append("Date is not a valid date.")
    elif org.lock_error(day):
        errors.append(org.lock_error(day))
    lat = element.get("LineAmountTypes", "Exclusive")
    raw_lines = element.get("LineItems") or []
    totals = line_rules.compute(
        org,
        raw_lines,
        lat,
        ctx.unitdp,
        require_accounts=collection == "prepayments",
        allow_discount=False,
        side="sales" if kind.startswith("RECEIVE") else "purchases",
    )
    errors.extend(totals.errors)
    if not totals.lines:
        errors.append("A bank transaction needs at least one line item.")
    if totals.total <= 0:
        errors.append("The total of an overpayment or prepayment must be greater than zero.")
    currency = element.get("CurrencyCode", bank.get("CurrencyCode") if bank else org.tenant.base_currency)
    if currency not in org.currencies:
        errors.append(f"The currency {currency} is not enabled for this organisation.")
    if errors:
        return None, errors
    assert contact is not None and bank is not None
    credit_id = str(uuid.uuid4())
    credit = {
        _IDS[collection]: credit_id,
        "Type": kind,
        "Status": "AUTHORISED",
        "LineAmountTypes": lat,
        "LineItems": totals.lines,
        "SubTotal": money(totals.sub_total),
        "TotalTax": money(totals.total_tax),
        "Total": money(totals.total),
        "CurrencyCode": currency,
        "CurrencyRate": 1.0,
        "HasAttachments": False,
        "Payments": [],
        "_contact_id": contact["ContactID"],
        "_Date": day,
    }
    recalc_credit(org, collection, credit)
    org.touch(credit)
    getattr(org, collection)[credit_id] = credit
    bt = {
        "BankTransactionID": str(uuid.uuid4()),
        "Type": kind,
        "Status": "AUTHORISED",
        "LineAmountTypes": lat,
        "LineItems": totals.lines,
        "SubTotal": credit["SubTotal"],
        "TotalTax": credit["TotalTax"],
        "Total": credit["Total"],
        "CurrencyCode": currency,
        "IsReconciled": bool(element.get("IsReconciled")),
        "Reference": element.get("Reference", ""),
        "HasAttachments": False,
        "BankAccount": {"AccountID": bank["AccountID"], "Code": bank.get("Code", ""), "Name": bank["Name"]},
        _IDS[collection]: credit_id,
        "_contact_id": contact["ContactID"],
        "_Date": day,
    }
    org.touch(bt)
    org.bank_transactions[bt["BankTransactionID"]] = bt
    return _render_bank_transaction(org, bt), []


def _register_credit(router: Router, endpoint: str, collection: str) -> None:
    @router.add("GET", f"/{endpoint}", "payments")
    def list_credits(ctx: Ctx) -> Response:
        render = partial(_render_credit, ctx.org, collection)
        return list_response(
            ctx, endpoint, getattr(ctx.org, collection).values(), ims=True, pageable=True, render=render
        )

    @router.add("GET", f"/{endpoint}/{{doc_id}}", "payments")
    def get_credit(ctx: Ctx, doc_id: str) -> Response:
        with ctx.org.lock:
            doc = getattr(ctx.org, collection).get(doc_id.lower())
            return one(ctx, endpoint, doc, lambda d: _render_credit(ctx.org, collection, d))


def register(router: Router) -> None:
    @router.add("GET", "/BankTransactions", "banktransactions")
    def list_bank_transactions(ctx: Ctx) -> Response:
        render = partial(_render_bank_transaction, ctx.org)
        return list_response(
            ctx,
            "BankTransactions",
            ctx.org.bank_transactions.values(),
            ims=True,
            pageable=True,
            render=render,
        )

    @router.add("GET", "/BankTransactions/{bt_id}", "banktransactions")
    def get_bank_transaction(ctx: Ctx, bt_id: str) -> Response:
        with ctx.org.lock:
            doc = ctx.org.bank_transactions.get(bt_id.lower())
            return one(ctx, "BankTransactions", doc, lambda d: _render_bank_transaction(ctx.org, d))

    @router.add("PUT", "/BankTransactions", "banktransactions")
    def create_bank_transactions(ctx: Ctx) -> Response:
        return batch_write(
            ctx,
            "BankTransactions",
            elements_of(ctx, "BankTransactions"),
            lambda e: _save_bank_transaction(ctx, e),
        )

    _register_credit(router, "Overpayments", "overpayments")
    _register_credit(router, "Prepayments", "prepayments")
