"""Quotes and purchase orders (xero-facts §8): line pricing as invoices, their own status machines, no
ledger effect, no webhooks, no `where` (filters by Status/dates/contact instead, xero-facts §5)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Response

from .. import lines as line_rules
from .. import status as machines
from ..formats import day_string, money, ms_date, ms_date_of_day, parse_day
from ..store import find_by
from .base import (
    Ctx,
    ElementResult,
    Router,
    batch_write,
    elements_of,
    existing_for,
    list_response,
    one,
    update_one,
)


@dataclass(frozen=True)
class OrderKind:
    collection: str
    key: str
    id: str
    number: str
    prefix: str
    machine: dict[str | None, set[str]]
    noun: str
    date_fields: tuple[str, ...]
    uppercase_amount_types: bool


QUOTE = OrderKind(
    "quotes", "Quotes", "QuoteID", "QuoteNumber", "QU-", machines.QUOTE, "quote", ("Date", "ExpiryDate"), True
)
PURCHASE_ORDER = OrderKind(
    "purchase_orders",
    "PurchaseOrders",
    "PurchaseOrderID",
    "PurchaseOrderNumber",
    "PO-",
    machines.PURCHASE_ORDER,
    "purchase order",
    ("Date", "DeliveryDate", "ExpectedArrivalDate"),
    False,
)
_AMOUNT_TYPES = {"EXCLUSIVE": "Exclusive", "INCLUSIVE": "Inclusive", "NOTAX": "NoTax"}
_COPIED = {
    "quotes": ("Title", "Summary", "Terms", "Reference", "BrandingThemeID"),
    "purchase_orders": (
        "Reference",
        "BrandingThemeID",
        "DeliveryAddress",
        "AttentionTo",
        "Telephone",
        "DeliveryInstructions",
        "SentToContact",
    ),
}


def _docs(org: Any, kind: OrderKind) -> dict[str, dict[str, Any]]:
    return getattr(org, kind.collection)


def find_order(org: Any, kind: OrderKind, key: str) -> dict[str, Any] | None:
    return find_by(_docs(org, kind), key, kind.number)


def _quote_contact(contact: dict[str, Any]) -> dict[str, Any]:
    """How quotes embed their contact: ContactID, Name and EmailAddress ("" when none), FirstName and
    LastName when set — no addresses, phones or groups (ACC examples of getQuote, createQuotes)."""
    out = {
        "ContactID": contact["ContactID"],
        "Name": contact["Name"],
        "EmailAddress": contact.get("EmailAddress") or "",
    }
    for name in ("FirstName", "LastName"):
        if contact.get(name):
            out[name] = contact[name]
    return out


def _render(org: Any, kind: OrderKind, doc: dict[str, Any]) -> dict[str, Any]:
    """A purchase order embeds its whole contact, in lists too (ACC examples of getPurchaseOrders,
    getPurchaseOrder, createPurchaseOrders); a quote a short one. Every line carries `Tracking`, empty when
    untracked (same examples)."""
    out = {k: v for k, v in doc.items() if not k.startswith("_")}
    contact = org.contacts.get(doc["_contact_id"])
    if contact:
        out["Contact"] = org.contact_full(contact) if kind is PURCHASE_ORDER else _quote_contact(contact)
    out["LineItems"] = [{**line, "Tracking": line.get("Tracking") or []} for line in doc.get("LineItems", [])]
    for name in kind.date_fields:
        day = doc.get("_" + name)
        if day is not None:
            out[name] = ms_date_of_day(day)
            if kind is QUOTE:
                out[name + "String"] = day_string(day)
    out["UpdatedDateUTC"] = ms_date(doc["_updated"])
    return out


def _save(
    ctx: Ctx, kind: OrderKind, element: dict[str, Any], mode: str, path_id: str | None = None
) -> ElementResult:
    org = ctx.org
    docs = _docs(org, kind)
    existing, problems = existing_for(docs, path_id or element.get(kind.id), mode, kind.noun)
    if problems:
        return None, problems
    errors: list[str] = []
    current = existing["Status"] if existing else None
    wanted = element.get("Status", current or "DRAFT")
    message = machines.transition_error(kind.machine, current, wanted, kind.noun)
    if message:
        errors.append(message)
    contact_ref = element.get("Contact") if "Contact" in element else None
    contact = org.contacts.get(existing["_contact_id"]) if existing else None
    if contact_ref is not None or existing is None:
        cid = str((contact_ref or {}).get("ContactID") or "").lower()
        contact = org.contacts.get(cid)
        if contact is None:
            errors.append(f"A {kind.noun} needs an existing Contact (ContactID).")
    days: dict[str, Any] = {}
    for name in kind.date_fields:
        if element.get(name):
            days[name] = parse_day(element[name])
            if days[name] is None:
                errors.append(f"{name} is not a valid date.")
    if kind is QUOTE and existing is None and "Date" not in days:
        errors.append("Date is required for a quote.")
    if kind is PURCHASE_ORDER and len(element.get("DeliveryInstructions") or "") > 500:
        errors.append("DeliveryInstructions must be 500 characters or fewer.")
    number = element.get(kind.number, (existing or {}).get(kind.number))
    if number and any(d.get(kind.number) == number and d is not existing for d in docs.values()):
        errors.append(f"{kind.noun.capitalize()} number {number} must be unique.")
    currency = element.get("CurrencyCode", (existing or {}).get("CurrencyCode", org.tenant.base_currency))
    if currency not in org.currencies:
        errors.append(f"The currency {currency} is not enabled for this organisation.")
    lat_given = element.get("LineAmountTypes", (existing or {}).get("LineAmountTypes"))
    lat = _AMOUNT_TYPES.get(str(lat_given).upper(), "Exclusive") if lat_given else "Exclusive"
    raw_lines = element.get("LineItems", (existing or {}).get("LineItems", []))
    existing_ids = {line["LineItemID"] for line in (existing or {}).get("LineItems", [])}
    totals = line_rules.compute(
        org,
        raw_lines if isinstance(raw_lines, list) else [],
        lat,
        ctx.unitdp,
        require_accounts=False,
        allow_discount=kind is QUOTE,
        side="sales" if kind is QUOTE else "purchases",
        existing_ids=existing_ids,
    )
    errors.extend(totals.errors)
    if errors:
        return None, errors
    assert contact is not None
    if existing is None:
        existing = {kind.id: str(uuid.uuid4())}
        if kind is PURCHASE_ORDER:
            existing.update({"HasAttachments": False, "SentToContact": False})
        docs[existing[kind.id]] = existing
        today = datetime.fromtimestamp(ctx.clock(), UTC).date()
        existing["_Date"] = today
    for name in _COPIED[kind.collection]:
        if name in element:
            existing[name] = element[name]
    for name, day in days.items():
        existing["_" + name] = day
    existing["_contact_id"] = contact["ContactID"]
    existing["Status"] = wanted
    existing["CurrencyCode"] = currency
    existing["LineAmountTypes"] = lat.upper() if kind.uppercase_amount_types else lat
    existing[kind.number] = (
        number or existing.get(kind.number) or f"{kind.prefix}{org.next_number(kind.collection):04d}"
    )
    existing["LineItems"] = totals.lines
    existing["SubTotal"] = money(totals.sub_total)
    existing["TotalTax"] = money(totals.total_tax)
    existing["Total"] = money(totals.total)
    existing["TotalDiscount"] = money(totals.total_discount)
    org.touch(existing)
    return _render(org, kind, existing), []


def _register_kind(router: Router, kind: OrderKind) -> None:
    path = f"/{kind.key}"

    @router.add("GET", path, "invoices")
    def list_orders(ctx: Ctx) -> Response:
        org = ctx.org
        status = ctx.args.get("Status")
        contact_id = (ctx.args.get("ContactID") or "").lower()
        number = ctx.args.get("QuoteNumber") if kind is QUOTE else None
        date_from = parse_day(ctx.args.get("DateFrom"))
        date_to = parse_day(ctx.args.get("DateTo"))

        def keep(doc: dict[str, Any]) -> bool:
            return (
                (not status or doc["Status"] == status)
                and (not contact_id or doc["_contact_id"] == contact_id)
                and (not number or doc.get("QuoteNumber") == number)
                and (date_from is None or doc["_Date"] >= date_from)
                and (date_to is None or doc["_Date"] <= date_to)
            )

        return list_response(
            ctx,
            kind.key,
            _docs(org, kind).values(),
            ims=True,
            where=False,
            pageable=True,
            page_size_param=kind is PURCHASE_ORDER,
            predicate=keep,
            render=lambda d: _render(org, kind, d),
        )

    @router.add("GET", path + "/{key}", "invoices")
    def get_order(ctx: Ctx, key: str) -> Response:
        with ctx.org.lock:
            return one(ctx, kind.key, find_order(ctx.org, kind, key), lambda d: _render(ctx.org, kind, d))

    @router.add("PUT", path, "invoices")
    def create_orders(ctx: Ctx) -> Response:
        return batch_write(ctx, kind.key, elements_of(ctx, kind.key), lambda e: _save(ctx, kind, e, "create"))

    @router.add("POST", path, "invoices")
    def upsert_orders(ctx: Ctx) -> Response:
        return batch_write(ctx, kind.key, elements_of(ctx, kind.key), lambda e: _save(ctx, kind, e, "upsert"))

    @router.add("POST", path + "/{doc_id}", "invoices")
    def update_order(ctx: Ctx, doc_id: str) -> Response:
        doc = find_order(ctx.org, kind, doc_id)
        return update_one(ctx, kind.key, doc, lambda e: _save(ctx, kind, e, "update", doc[kind.id]))


def register(router: Router) -> None:
    _register_kind(router, QUOTE)
    _register_kind(router, PURCHASE_ORDER)
