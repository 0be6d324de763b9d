"""Allocations of credit notes, overpayments and prepayments to invoices (xero-facts §8 "Allocations"):
the source must be AUTHORISED, the invoice AUTHORISED, same contact, side and currency; the amount at most
the remaining credit and the amount due. DELETE answers the allocation with IsDeleted true."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response

from ..errors import json_response, not_found, simple_validation
from ..formats import money, ms_date_of_day, parse_day, round_money, to_decimal
from .base import (
    Ctx,
    ElementResult,
    Router,
    batch_write,
    elements_of,
)
from .invoices import CREDIT, INVOICE, find_doc, publish_doc_event, recalc

# Xero's texts, as quoted from its API answers: an allocation to a paid invoice, and a credit note
# allocated beyond what is outstanding (waynerobinson/xeroizer#320, the invoice paid off;
# calcinai/xero-php#251, beyond the credit note's remaining credit). Xero's texts for overpayments and
# prepayments were not found; the sandbox words those itself.
PAID_OFF = "The invoice you are trying to allocate to has already been paid off"
CREDIT_NOTE_OVER = "Credit Note cannot be allocated as amount is greater than amount outstanding"


@dataclass(frozen=True)
class Source:
    endpoint: str
    collection: str
    id: str
    noun: str
    family: str
    invoice_type: Callable[[str], str]  # source Type → the invoice Type it may pay


def _side(source_type: str) -> str:
    if source_type in ("ACCRECCREDIT",) or source_type.startswith("RECEIVE") or source_type.startswith("AR"):
        return "ACCREC"
    return "ACCPAY"


SOURCES = (
    Source("CreditNotes", "credit_notes", "CreditNoteID", "credit note", "invoices", _side),
    Source("Overpayments", "overpayments", "OverpaymentID", "overpayment", "payments", _side),
    Source("Prepayments", "prepayments", "PrepaymentID", "prepayment", "payments", _side),
)


def _recalc_source(ctx: Ctx, source: Source, doc: dict[str, Any]) -> None:
    if source.collection == "credit_notes":
        recalc(ctx.org, CREDIT, doc)
        ctx.org.touch(doc)
        publish_doc_event(ctx, CREDIT, doc, "UPDATE")
        return
    from .prepayments import recalc_credit

    recalc_credit(ctx.org, source.collection, doc)
    ctx.org.touch(doc)


def render_allocation(org: Any, alloc: dict[str, Any]) -> dict[str, Any]:
    source = next(s for s in SOURCES if s.collection == alloc["_source"])
    key = {"credit_notes": "CreditNote", "overpayments": "Overpayment", "prepayments": "Prepayment"}[
        source.collection
    ]
    return {
        "AllocationID": alloc["AllocationID"],
        "Amount": alloc["Amount"],
        "Date": ms_date_of_day(alloc["_Date"]),
        "Invoice": {
            "InvoiceID": alloc["_invoice_id"],
            "InvoiceNumber": org.invoices.get(alloc["_invoice_id"], {}).get("InvoiceNumber", ""),
        },
        key: {source.id: alloc["_source_id"]},
        "IsDeleted": alloc["IsDeleted"],
    }


def _allocate(ctx: Ctx, source: Source, doc: dict[str, Any], element: dict[str, Any]) -> ElementResult:
    org = ctx.org
    errors = []
    if doc["Status"] != "AUTHORISED":
        errors.append(f"Only an AUTHORISED {source.noun} can be allocated (status is {doc['Status']}).")
    ref = element.get("Invoice") or {}
    invoice = find_doc(org, INVOICE, str(ref.get("InvoiceID") or ref.get("InvoiceNumber") or ""))
    if invoice is None:
        errors.append("The invoice to allocate to could not be found.")
    else:
        if invoice["Status"] == "PAID":
            errors.append(PAID_OFF)
        elif invoice["Status"] != "AUTHORISED":
            errors.append(
                f"Credit can only be allocated to an AUTHORISED invoice (status is {invoice['Status']})."
            )
        if source.invoice_type(doc["Type"]) != invoice["Type"]:
            errors.append(f"The {source.noun} and the invoice must be on the same side (sales or purchases).")
        if invoice["_contact_id"] != doc["_contact_id"]:
            errors.append(f"The {source.noun} and the invoice must have the same contact.")
        if invoice["CurrencyCode"] != doc["CurrencyCode"]:
            errors.append(f"The {source.noun} and the invoice must be in the same currency.")
    amount = to_decimal(element.get("Amount"))
    if amount is None or amount <= 0:
        errors.append("The allocation Amount must be greater than zero.")
    else:
        over_credit = amount > (to_decimal(doc.get("RemainingCredit")) or 0)
        over_due = invoice is not None and amount > (to_decimal(invoice.get("AmountDue")) or 0)
        if source.collection == "credit_notes" and (over_credit or over_due):
            errors.append(CREDIT_NOTE_OVER)
        else:
            if over_credit:
                errors.append("The allocation amount exceeds the remaining credit.")
            if over_due:
                errors.append("The allocation amount exceeds the amount due on the invoice.")
    day = parse_day(element.get("Date"))
    if day is None:
        errors.append("A valid allocation Date must be specified.")
    elif org.lock_error(day):
        errors.append(org.lock_error(day))
    if errors:
        return None, errors
    assert invoice is not None and amount is not None
    alloc = {
        "AllocationID": str(uuid.uuid4()),
        "Amount": money(round_money(amount)),
        "IsDeleted": False,
        "_Date": day,
        "_invoice_id": invoice["InvoiceID"],
        "_source": source.collection,
        "_source_id": doc[source.id],
    }
    org.allocations[alloc["AllocationID"]] = alloc
    recalc(org, INVOICE, invoice)
    org.touch(invoice)
    publish_doc_event(ctx, INVOICE, invoice, "UPDATE")
    _recalc_source(ctx, source, doc)
    return render_allocation(org, alloc), []


def _find_source(ctx: Ctx, source: Source, key: str) -> dict[str, Any] | None:
    if source.collection == "credit_notes":
        return find_doc(ctx.org, CREDIT, key)
    return getattr(ctx.org, source.collection).get(key.lower())


def _register(router: Router, source: Source) -> None:
    base = f"/{source.endpoint}/{{doc_id}}/Allocations"

    @router.add("PUT", base, source.family)
    def allocate(ctx: Ctx, doc_id: str) -> Response:
        doc = _find_source(ctx, source, doc_id)
        if doc is None:
            return not_found()
        elements = elements_of(ctx, "Allocations")
        return batch_write(ctx, "Allocations", elements, lambda e: _allocate(ctx, source, doc, e))

    @router.add("DELETE", base + "/{allocation_id}", source.family)
    def delete_allocation(ctx: Ctx, doc_id: str, allocation_id: str) -> Response:
        org = ctx.org
        with org.lock:
            doc = _find_source(ctx, source, doc_id)
            alloc = org.allocations.get(allocation_id.lower())
            if (
                doc is None
                or alloc is None
                or (alloc["_source"], alloc["_source_id"]) != (source.collection, doc[source.id])
            ):
                return not_found()
            if alloc["IsDeleted"]:
                return simple_validation("This allocation has already been deleted.")
            alloc["IsDeleted"] = True
            invoice = org.invoices[alloc["_invoice_id"]]
            recalc(org, INVOICE, invoice)
            org.touch(invoice)
            publish_doc_event(ctx, INVOICE, invoice, "UPDATE")
            _recalc_source(ctx, source, doc)
            return json_response(render_allocation(org, alloc))


def register(router: Router) -> None:
    for source in SOURCES:
        _register(router, source)
