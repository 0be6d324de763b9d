"""History and notes: GET/PUT /{Endpoint}/{id}/History (xero-facts §8 "History/notes"). Only notes added
through the API are kept; Xero's own audit entries ("Created", "Approved") are not generated."""

from __future__ import annotations

from typing import Any

from flask import Response

from ..errors import not_found
from ..formats import ms_date
from .base import (
    Ctx,
    ElementResult,
    Router,
    batch_write,
    elements_of,
    envelope,
    is_uuid,
)

MAX_DETAILS = 2500  # ⚠ xero-facts §8
# endpoint → (collection on the organisation, scope family)
OWNERS = {
    "Invoices": ("invoices", "invoices"),
    "CreditNotes": ("credit_notes", "invoices"),
    "Quotes": ("quotes", "invoices"),
    "PurchaseOrders": ("purchase_orders", "invoices"),
    "Contacts": ("contacts", "contacts"),
    "Items": ("items", "items"),
    "Payments": ("payments", "payments"),
    "Overpayments": ("overpayments", "payments"),
    "Prepayments": ("prepayments", "payments"),
    "ManualJournals": ("manual_journals", "manualjournals"),
    "BankTransactions": ("bank_transactions", "banktransactions"),
}


def _exists(ctx: Ctx, collection: str, guid: str) -> bool:
    return is_uuid(guid) and guid.lower() in getattr(ctx.org, collection)


def _add(ctx: Ctx, key: str, element: dict[str, Any]) -> ElementResult:
    details = element.get("Details")
    if not details or not isinstance(details, str):
        return None, ["Details must be specified for a history note."]
    if len(details) > MAX_DETAILS:
        return None, [f"Details must be {MAX_DETAILS} characters or fewer."]
    record = {"Changes": "Note", "DateUTC": ms_date(ctx.clock()), "User": "API", "Details": details}
    ctx.org.history.setdefault(key, []).append(record)
    return dict(record), []


def _register(router: Router, endpoint: str, collection: str, family: str) -> None:
    path = f"/{endpoint}/{{guid}}/History"

    @router.add("GET", path, family)
    def read(ctx: Ctx, guid: str) -> Response:
        with ctx.org.lock:
            if not _exists(ctx, collection, guid):
                return not_found()
            rows = [dict(r) for r in ctx.org.history.get(f"{endpoint}/{guid.lower()}", [])]
        return envelope("HistoryRecords", rows, ctx.clock)

    @router.add("PUT", path, family)
    def add(ctx: Ctx, guid: str) -> Response:
        if not _exists(ctx, collection, guid):
            return not_found()
        key = f"{endpoint}/{guid.lower()}"
        elements = elements_of(ctx, "HistoryRecords")
        return batch_write(ctx, "HistoryRecords", elements, lambda e: _add(ctx, key, e), summarize=True)


def register(router: Router) -> None:
    for endpoint, (collection, family) in OWNERS.items():
        _register(router, endpoint, collection, family)
