"""Payments: create, delete by Status DELETED, no edits (xero-facts §8 "Payments, refunds, allocations")."""

from __future__ import annotations

import uuid
from decimal import Decimal
from functools import partial
from typing import Any

from flask import Response

from ..formats import money, ms_date, ms_date_of_day, parse_day, round_money, to_decimal
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
from .invoices import CREDIT, INVOICE, Kind, find_doc, publish_doc_event, recalc

PAYMENT_TYPES = {
    "ACCREC": "ACCRECPAYMENT",
    "ACCPAY": "ACCPAYPAYMENT",
    "ACCRECCREDIT": "ARCREDITPAYMENT",
    "ACCPAYCREDIT": "APCREDITPAYMENT",
}


def _render_payment(org: Any, pay: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in pay.items() if not k.startswith("_")}
    out["Date"] = ms_date_of_day(pay["_Date"])
    out["UpdatedDateUTC"] = ms_date(pay["_updated"])
    coll, doc_id = pay["_target"]
    kind = INVOICE if coll == "invoices" else CREDIT
    doc = getattr(org, coll).get(doc_id, {})
    ref = {kind.id: doc_id, kind.number: doc.get(kind.number, ""), "Type": doc.get("Type")}
    contact = org.contacts.get(doc.get("_contact_id", ""))
    if contact:
        ref["Contact"] = org.contact_ref(contact)
    out["Invoice" if kind is INVOICE else "CreditNote"] = ref
    return out


def _target(ctx: Ctx, element: dict[str, Any]) -> tuple[Kind | None, dict[str, Any] | None, str | None]:
    org = ctx.org
    for kind, key in ((INVOICE, "Invoice"), (CREDIT, "CreditNote")):
        ref = element.get(key) or {}
        number = element.get(kind.number) or ref.get(kind.number)
        if ref.get(kind.id) or number:
            doc = find_doc(org, kind, str(ref.get(kind.id) or number))
            if doc is None:
                return None, None, f"The {kind.noun} {ref.get(kind.id) or number} could not be found."
            return kind, doc, None
    if element.get("Overpayment") or element.get("Prepayment"):
        return None, None, "The sandbox does not model refunds of overpayments or prepayments."
    return None, None, "A payment must reference an Invoice or a CreditNote."


def _save_payment(ctx: Ctx, element: dict[str, Any]) -> ElementResult:
    org = ctx.org
    if element.get("PaymentID"):
        return None, ["Payments cannot be edited; delete the payment and create it again."]
    kind, doc, problem = _target(ctx, element)
    errors = [problem] if problem else []
    account_ref = element.get("Account") or {}
    account = None
    if account_ref.get("AccountID"):
        account = org.accounts.get(str(account_ref["AccountID"]).lower())
    elif account_ref.get("Code"):
        account = org.account_by_code(account_ref["Code"])
    if account is None:
        errors.append("A valid Account (AccountID or Code) must be specified for the payment.")
    elif account.get("Status") != "ACTIVE" or not (
        account.get("Type") == "BANK" or account.get("EnablePaymentsToAccount")
    ):
        errors.append(
            "Payments can only be made to a bank account or an account with EnablePaymentsToAccount."
        )
    day = parse_day(element.get("Date"))
    if day is None:
        errors.append("A valid payment Date must be specified.")
    elif org.lock_error(day):
        errors.append(org.lock_error(day))
    amount = to_decimal(element.get("Amount"))
    if amount is None or amount <= 0:
        errors.append("The payment Amount must be greater than zero.")
    if doc is not None and kind is not None:
        if doc["Status"] != "AUTHORISED":
            errors.append(
                f"Payments can only be applied to an AUTHORISED {kind.noun} (status is {doc['Status']})."
            )
        outstanding = to_decimal(doc.get("AmountDue" if kind is INVOICE else "RemainingCredit")) or Decimal(0)
        if amount is not None and amount > outstanding:
            # Xero's text, from ACC's examples of PUT and POST /Payments.
            errors.append("Payment amount exceeds the amount outstanding on this document")
    if errors:
        return None, errors
    assert (
        doc is not None
        and kind is not None
        and account is not None
        and amount is not None
        and day is not None
    )
    pay = {
        "PaymentID": str(uuid.uuid4()),
        "Amount": money(round_money(amount)),
        "Reference": element.get("Reference", ""),
        "CurrencyRate": float(element.get("CurrencyRate", doc.get("CurrencyRate", 1.0))),
        "PaymentType": PAYMENT_TYPES[doc["Type"]],
        "Status": "AUTHORISED",
        "IsReconciled": bool(element.get("IsReconciled", False)),
        "HasAccount": True,
        "HasValidationErrors": False,
        "Account": {"AccountID": account["AccountID"], "Code": account.get("Code", "")},
        "_Date": day,
        "_target": (kind.collection, doc[kind.id]),
        "_iso_updated": True,
    }
    org.touch(pay)
    org.payments[pay["PaymentID"]] = pay
    recalc(org, kind, doc)
    org.touch(doc)
    publish_doc_event(ctx, kind, doc, "UPDATE")
    return _render_payment(org, pay), []


def _delete_payment(ctx: Ctx, pay: dict[str, Any], element: dict[str, Any]) -> ElementResult:
    org = ctx.org
    if element.get("Status") != "DELETED":
        return None, ["Payments cannot be edited; only Status DELETED is accepted."]
    if pay["Status"] == "DELETED":
        return None, ["This payment has already been deleted."]
    if pay.get("IsReconciled"):
        return None, ["A reconciled payment cannot be deleted."]
    pay["Status"] = "DELETED"
    org.touch(pay)
    coll, doc_id = pay["_target"]
    kind = INVOICE if coll == "invoices" else CREDIT
    doc = getattr(org, coll)[doc_id]
    recalc(org, kind, doc)
    org.touch(doc)
    publish_doc_event(ctx, kind, doc, "UPDATE")
    return _render_payment(org, pay), []


def register(router: Router) -> None:
    @router.add("GET", "/Payments", "payments")
    def list_payments(ctx: Ctx) -> Response:
        render = partial(_render_payment, ctx.org)
        return list_response(
            ctx, "Payments", ctx.org.payments.values(), ims=True, pageable=True, render=render
        )

    @router.add("GET", "/Payments/{payment_id}", "payments")
    def get_payment(ctx: Ctx, payment_id: str) -> Response:
        with ctx.org.lock:
            return one(
                ctx,
                "Payments",
                ctx.org.payments.get(payment_id.lower()),
                lambda p: _render_payment(ctx.org, p),
            )

    @router.add("PUT", "/Payments", "payments")
    def create_payments(ctx: Ctx) -> Response:
        return batch_write(ctx, "Payments", elements_of(ctx, "Payments"), lambda e: _save_payment(ctx, e))

    @router.add("POST", "/Payments", "payments")
    def create_payment(ctx: Ctx) -> Response:
        return batch_write(
            ctx, "Payments", elements_of(ctx, "Payments")[:1], lambda e: _save_payment(ctx, e), summarize=True
        )

    @router.add("POST", "/Payments/{payment_id}", "payments")
    def delete_payment(ctx: Ctx, payment_id: str) -> Response:
        pay = ctx.org.payments.get(payment_id.lower())
        return update_one(ctx, "Payments", pay, lambda e: _delete_payment(ctx, pay, e))
