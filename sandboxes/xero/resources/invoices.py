"""Invoices (ACCREC/ACCPAY) and credit notes (ACCRECCREDIT/ACCPAYCREDIT): status machine, line tax with
Xero's rounding, totals, AmountDue/AmountPaid/AmountCredited, unique numbers for the sales side, INVOICE and
CREDITNOTE webhooks (xero-facts §1, §8)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from flask import Response

from .. import lines as line_rules
from .. import status as machines
from ..formats import day_string, iso_utc, money, ms_date, ms_date_of_day, parse_day, to_decimal
from ..store import find_by
from .base import (
    Ctx,
    ElementResult,
    Router,
    batch_write,
    csv_arg,
    elements_of,
    existing_for,
    list_response,
    one,
    update_one,
)
from .contacts import save_contact


@dataclass(frozen=True)
class Kind:
    collection: str
    key: str
    id: str
    number: str
    types: tuple[str, ...]
    unique_type: str
    prefix: str
    category: str
    noun: str


INVOICE = Kind(
    "invoices",
    "Invoices",
    "InvoiceID",
    "InvoiceNumber",
    ("ACCREC", "ACCPAY"),
    "ACCREC",
    "INV-",
    "INVOICE",
    "invoice",
)
CREDIT = Kind(
    "credit_notes",
    "CreditNotes",
    "CreditNoteID",
    "CreditNoteNumber",
    ("ACCRECCREDIT", "ACCPAYCREDIT"),
    "ACCRECCREDIT",
    "CN-",
    "CREDITNOTE",
    "credit note",
)
FROZEN_WHEN_PAID = {"Contact", "LineItems", "Date", "CurrencyCode", "CurrencyRate", "LineAmountTypes", "Type"}
_READ_ONLY = {
    "SubTotal",
    "TotalTax",
    "Total",
    "TotalDiscount",
    "AmountDue",
    "AmountPaid",
    "AmountCredited",
    "UpdatedDateUTC",
    "UpdatedDateUTCString",
    "HasAttachments",
    "IsDiscounted",
    "Payments",
    "Prepayments",
    "Overpayments",
    "CreditNotes",
    "FullyPaidOnDate",
    "RemainingCredit",
    "Allocations",
    "AppliedAmount",
    "ValidationErrors",
    "StatusAttributeString",
    "HasErrors",
    "Warnings",
    "CISDeduction",
    "CISRate",
    "DateString",
    "DueDateString",
}


def collection(org: Any, kind: Kind) -> dict[str, dict[str, Any]]:
    return getattr(org, kind.collection)


def find_doc(org: Any, kind: Kind, key: str) -> dict[str, Any] | None:
    return find_by(collection(org, kind), key, kind.number)


def render(
    org: Any,
    kind: Kind,
    doc: dict[str, Any],
    unitdp: int = 2,
    with_lines: bool = True,
    full: bool = True,
) -> dict[str, Any]:
    """The document as Xero serves it. `full` (GET of one document, answers to writes) embeds the whole
    contact; lists embed a summary (ACC examples of getInvoice/createInvoices vs getInvoices). Lists
    without lines (unpaged, summaryOnly) carry `LineItems: []` (ACC example of getInvoices); each line
    carries `Tracking`, empty when untracked (same examples)."""
    out = {k: v for k, v in doc.items() if not k.startswith("_")}
    contact = org.contacts.get(doc["_contact_id"])
    if contact is not None:
        out["Contact"] = org.contact_full(contact) if full else org.contact_ref(contact)
    for name in ("Date", "DueDate", "FullyPaidOnDate"):
        day = doc.get("_" + name)
        if day is not None:
            out[name] = ms_date_of_day(day)
            if name != "FullyPaidOnDate":
                out[name + "String"] = day_string(day)
    out["UpdatedDateUTC"] = ms_date(doc["_updated"])
    out["UpdatedDateUTCString"] = iso_utc(doc["_updated"])
    if with_lines:
        rendered = []
        for line in doc.get("LineItems", []):
            line = dict(line)
            if unitdp == 2 and "UnitAmount" in line:
                line["UnitAmount"] = round(line["UnitAmount"], 2)
            line.setdefault("Tracking", [])
            # A line with an item names it: ItemID and Code (Xero's release notes of 9 July 2021; the
            # answer quoted in XeroAPI/Xero-Java#305; LineItem.Item in ACC 16.1.0).
            item = org.find_item(line["ItemCode"]) if line.get("ItemCode") else None
            if item is not None:
                line["Item"] = {"ItemID": item["ItemID"], "Code": item["Code"]}
            rendered.append(line)
        out["LineItems"] = rendered
    else:
        out["LineItems"] = []
    pays = [
        p
        for p in org.payments.values()
        if p["_target"] == (kind.collection, doc[kind.id]) and p["Status"] != "DELETED"
    ]
    out["Payments"] = [
        {
            "PaymentID": p["PaymentID"],
            "Date": ms_date_of_day(p["_Date"]),
            "Amount": p["Amount"],
            "Reference": p.get("Reference", ""),
            "CurrencyRate": p.get("CurrencyRate", 1.0),
            "HasAccount": False,
            "HasValidationErrors": False,
        }
        for p in pays
    ]
    allocs = [a for a in org.allocations.values() if not a["IsDeleted"]]
    if kind is INVOICE:
        mine = [a for a in allocs if a["_invoice_id"] == doc[kind.id]]
        out["CreditNotes"] = [
            {
                "CreditNoteID": a["_source_id"],
                "AppliedAmount": a["Amount"],
                "Total": a["Amount"],
                "CreditNoteNumber": org.credit_notes[a["_source_id"]].get("CreditNoteNumber", ""),
            }
            for a in mine
            if a["_source"] == "credit_notes"
        ]
        for name, coll, key in (
            ("Prepayments", "prepayments", "PrepaymentID"),
            ("Overpayments", "overpayments", "OverpaymentID"),
        ):
            out[name] = [
                {key: a["_source_id"], "AppliedAmount": a["Amount"]} for a in mine if a["_source"] == coll
            ]
    else:
        out["Allocations"] = [
            {
                "AllocationID": a["AllocationID"],
                "Amount": a["Amount"],
                "Date": ms_date_of_day(a["_Date"]),
                "Invoice": {
                    "InvoiceID": a["_invoice_id"],
                    "InvoiceNumber": org.invoices.get(a["_invoice_id"], {}).get("InvoiceNumber", ""),
                },
            }
            for a in allocs
            if a["_source"] == "credit_notes" and a["_source_id"] == doc[kind.id]
        ]
    return out


def recalc(org: Any, kind: Kind, doc: dict[str, Any]) -> None:
    """Derives AmountPaid/AmountCredited/AmountDue (or RemainingCredit) and PAID ⇄ AUTHORISED."""
    total = to_decimal(doc.get("Total")) or Decimal(0)
    paid = sum(
        (
            to_decimal(p["Amount"]) or Decimal(0)
            for p in org.payments.values()
            if p["_target"] == (kind.collection, doc[kind.id]) and p["Status"] != "DELETED"
        ),
        Decimal(0),
    )
    allocated = sum(
        (
            to_decimal(a["Amount"]) or Decimal(0)
            for a in org.allocations.values()
            if not a["IsDeleted"]
            and (
                a["_invoice_id"] == doc[kind.id]
                if kind is INVOICE
                else (a["_source"], a["_source_id"]) == (kind.collection, doc[kind.id])
            )
        ),
        Decimal(0),
    )
    remaining = total - paid - allocated
    if kind is INVOICE:
        doc["AmountPaid"] = money(paid)
        doc["AmountCredited"] = money(allocated)
        doc["AmountDue"] = money(remaining)
    else:
        doc["RemainingCredit"] = money(remaining)
        doc["AppliedAmount"] = money(allocated)
    if doc["Status"] == "AUTHORISED" and remaining == 0:
        doc["Status"] = "PAID"
        doc["_FullyPaidOnDate"] = datetime.fromtimestamp(org.clock(), UTC).date()
    elif doc["Status"] == "PAID" and remaining != 0:
        doc["Status"] = "AUTHORISED"
        doc.pop("_FullyPaidOnDate", None)


def has_money_applied(org: Any, kind: Kind, doc: dict[str, Any]) -> bool:
    if kind is INVOICE:
        return bool(doc.get("AmountPaid") or doc.get("AmountCredited"))
    return bool(doc.get("AppliedAmount")) or any(
        p["_target"] == (kind.collection, doc[kind.id]) and p["Status"] != "DELETED"
        for p in org.payments.values()
    )


def _resolve_contact(ctx: Ctx, given: Any) -> tuple[dict[str, Any] | None, str | None]:
    org = ctx.org
    if not isinstance(given, dict) or not (
        given.get("ContactID") or given.get("Name") or given.get("ContactNumber")
    ):
        return None, "A Contact must be specified for this type of transaction."
    if given.get("ContactID"):
        contact = org.contacts.get(str(given["ContactID"]).lower())
        if contact is None:
            return None, f"The contact with ContactID {given['ContactID']} could not be found."
        # Other fields beside ContactID update the contact itself (xero-facts §8, ⚠ R26): a document
        # that carries a stale or different Name renames the contact, as in Xero. A contact echoed as a
        # document showed it (full, or a list's summary with empty collections) changes nothing.
        shown = (org.contact_full(contact), org.contact_ref(contact))
        changed = {
            k: v
            for k, v in given.items()
            if k not in ("ContactID", "HasValidationErrors", "ValidationErrors")
            and all(view.get(k, contact.get(k)) != v for view in shown)
        }
        if changed:
            record, errors = save_contact(ctx, changed, "update", contact["ContactID"])
            if errors or record is None:
                return None, "; ".join(errors)
    elif given.get("ContactNumber") and not given.get("Name"):
        from .contacts import find_contact

        contact = find_contact(org, given["ContactNumber"])
        if contact is None:
            return None, f"The contact with ContactNumber {given['ContactNumber']} could not be found."
    else:
        # A name that matches no contact creates one, as Xero does (xero-facts §8: send only ContactID).
        record, errors = save_contact(ctx, {k: v for k, v in given.items() if k != "ContactID"}, "upsert")
        if errors or record is None:
            return None, "; ".join(errors)
        contact = org.contacts[record["ContactID"]]
    if contact.get("ContactStatus") == "ARCHIVED":
        return None, f"The contact {contact['Name']} is archived and cannot be used on a transaction."
    return contact, None


def _next_number(org: Any, kind: Kind) -> str:
    used = {d.get(kind.number) for d in collection(org, kind).values()}
    while True:
        candidate = f"{kind.prefix}{org.next_number(kind.collection):04d}"
        if candidate not in used:
            return candidate


def save_doc(
    ctx: Ctx, kind: Kind, element: dict[str, Any], mode: str, path_id: str | None = None
) -> ElementResult:
    """mode: "create" (PUT), "upsert" (POST collection) or "update" (POST /{id})."""
    org = ctx.org
    docs = collection(org, kind)
    given_id = path_id or element.get(kind.id)
    existing, problems = existing_for(docs, given_id, mode, kind.noun)
    if problems:
        return None, problems
    if (
        not given_id
        and mode == "upsert"
        and element.get(kind.number)
        and element.get("Type", kind.unique_type) == kind.unique_type
    ):
        existing = next(
            (
                d
                for d in docs.values()
                if d.get(kind.number) == element[kind.number]
                and d["Type"] == kind.unique_type
                and d["Status"] not in ("DELETED", "VOIDED")
            ),
            None,
        )

    errors: list[str] = []
    changes = {k: v for k, v in element.items() if k not in _READ_ONLY and k != kind.id}
    current = existing["Status"] if existing else None
    wanted = changes.get("Status", current or "DRAFT")

    if existing is not None:
        if current in ("VOIDED", "DELETED"):
            return None, [f"This {kind.noun} cannot be changed because its status is {current}."]
        if current == "PAID":
            frozen = [k for k in changes if k in FROZEN_WHEN_PAID or (k == "Status" and changes[k] != "PAID")]
            if frozen:
                return None, [
                    f"This {kind.noun} cannot be edited as it has been paid: {', '.join(sorted(frozen))}."
                ]
        elif has_money_applied(org, kind, existing) and any(k in FROZEN_WHEN_PAID for k in changes):
            return None, [
                f"This {kind.noun} cannot be edited as it has a payment or credit note allocated to it."
            ]
    if wanted == "PAID" and current != "PAID":
        errors.append(
            "The status PAID is set by Xero when the amount due reaches zero; it cannot be requested."
        )
    else:
        message = machines.transition_error(machines.INVOICE, current, wanted, kind.noun)
        if message:
            errors.append(message)
    if wanted == "VOIDED" and existing is not None and has_money_applied(org, kind, existing):
        errors.append(
            f"This {kind.noun} cannot be voided as it has a payment or credit note allocated to it. "
            "Remove the payments and allocations first."
        )

    doc_type = changes.get("Type", existing["Type"] if existing else None)
    if doc_type not in kind.types:
        errors.append(f"{kind.noun.capitalize()} Type must be one of {', '.join(kind.types)}.")
    if existing is not None and doc_type != existing["Type"]:
        errors.append(f"The Type of an existing {kind.noun} cannot be changed.")

    contact = org.contacts.get(existing["_contact_id"]) if existing else None
    if "Contact" in changes or existing is None:
        contact, problem = _resolve_contact(ctx, changes.get("Contact"))
        if problem:
            errors.append(problem)

    currency = changes.get("CurrencyCode", (existing or {}).get("CurrencyCode", org.tenant.base_currency))
    if currency not in org.currencies:
        errors.append(f"The currency {currency} is not enabled for this organisation.")
    lat = changes.get("LineAmountTypes", (existing or {}).get("LineAmountTypes", "Exclusive"))
    if lat not in line_rules.LINE_AMOUNT_TYPES:
        errors.append(f"LineAmountTypes must be one of {', '.join(line_rules.LINE_AMOUNT_TYPES)}.")

    today = datetime.fromtimestamp(ctx.clock(), UTC).date()
    doc_date = parse_day(changes["Date"]) if "Date" in changes else (existing or {}).get("_Date", today)
    if "Date" in changes and doc_date is None:
        errors.append("Date is not a valid date.")
    locked = org.lock_error(doc_date) or org.lock_error((existing or {}).get("_Date"))
    if locked:
        errors.append(locked)
    due = parse_day(changes["DueDate"]) if changes.get("DueDate") else (existing or {}).get("_DueDate")
    if changes.get("DueDate") and due is None:
        errors.append("DueDate is not a valid date.")
    if kind is INVOICE and wanted in ("SUBMITTED", "AUTHORISED") and due is None:
        errors.append("Due Date is required.")
    if changes.get("SentToContact") and wanted not in ("AUTHORISED", "PAID"):
        errors.append("SentToContact can only be set on an approved document.")

    number = changes.get(kind.number, (existing or {}).get(kind.number))
    if number and doc_type == kind.unique_type:
        clash = any(
            d.get(kind.number) == number and d is not existing and d["Type"] == kind.unique_type
            for d in docs.values()
        )
        if clash:
            errors.append(f"{'Invoice' if kind is INVOICE else 'Credit Note'} # must be unique.")

    totals = _price_lines(ctx, kind, changes, existing, doc_type, lat, wanted)
    errors.extend(totals.errors)
    if wanted in ("SUBMITTED", "AUTHORISED") and not totals.lines and not totals.errors:
        # Xero's text (quoted from its answers in benmccann/xero-java-client#5, XeroAPI/xero-php-oauth2#122);
        # lines sent but refused get their own messages instead.
        errors.append("One or more line items must be specified")
    if totals.total < 0:
        errors.append(f"The {kind.noun} total cannot be negative.")
    if errors:
        return (None, errors)

    assert contact is not None and doc_type is not None
    created = existing is None
    if created:
        existing = {
            kind.id: str(uuid.uuid4()),
            "Type": doc_type,
            "HasAttachments": False,
            "IsDiscounted": False,
            "HasErrors": False,
            "_created": ctx.clock(),
        }
        docs[existing[kind.id]] = existing
        if kind is INVOICE:
            existing.update({"AmountPaid": 0.0, "AmountCredited": 0.0})
    for key in (
        "Reference",
        "Url",
        "BrandingThemeID",
        "ExpectedPaymentDate",
        "PlannedPaymentDate",
        "SentToContact",
        "InvoiceAddresses",
    ):
        if key in changes:
            existing[key] = changes[key]
    existing["_contact_id"] = contact["ContactID"]
    existing["Status"] = wanted
    existing["LineAmountTypes"] = lat
    existing["CurrencyCode"] = currency
    existing["CurrencyRate"] = float(changes.get("CurrencyRate", existing.get("CurrencyRate", 1.0)))
    existing["_Date"] = doc_date
    if due is not None:
        existing["_DueDate"] = due
    if number:
        existing[kind.number] = number
    elif doc_type == kind.unique_type:
        existing[kind.number] = _next_number(org, kind)
    else:
        existing.setdefault(kind.number, "")
    existing["LineItems"] = totals.lines
    existing["SubTotal"] = money(totals.sub_total)
    existing["TotalTax"] = money(totals.total_tax)
    existing["Total"] = money(totals.total)
    existing["TotalDiscount"] = money(totals.total_discount)
    existing["IsDiscounted"] = bool(totals.total_discount)
    recalc(org, kind, existing)
    org.touch(existing)
    if existing["Status"] in ("AUTHORISED", "PAID"):
        flag = "IsCustomer" if doc_type in ("ACCREC", "ACCRECCREDIT") else "IsSupplier"
        contact[flag] = True  # not a change that bumps UpdatedDateUTC (⚠ R26, xero-facts §5)
    publish_doc_event(ctx, kind, existing, "CREATE" if created else "UPDATE")
    return render(org, kind, existing, ctx.unitdp), []


def _price_lines(
    ctx: Ctx,
    kind: Kind,
    changes: dict[str, Any],
    existing: dict[str, Any] | None,
    doc_type: str | None,
    lat: str,
    wanted: str,
) -> line_rules.Totals:
    """Prices the lines sent, or re-checks the stored ones when the amount basis or the approval state
    changes; otherwise the stored lines and totals stand untouched (as in Xero, an update without
    LineItems leaves them alone, whatever unitdp the update carries)."""
    stored = (existing or {}).get("LineItems", [])
    if existing is not None and "LineItems" not in changes:
        reprice = "LineAmountTypes" in changes or (
            wanted in ("SUBMITTED", "AUTHORISED") and existing["Status"] not in ("SUBMITTED", "AUTHORISED")
        )
        if not reprice:
            return line_rules.Totals(
                lines=stored,
                sub_total=to_decimal(existing["SubTotal"]) or Decimal(0),
                total_tax=to_decimal(existing["TotalTax"]) or Decimal(0),
                total=to_decimal(existing["Total"]) or Decimal(0),
                total_discount=to_decimal(existing.get("TotalDiscount")) or Decimal(0),
            )
        raw = [{k: v for k, v in line.items() if k != "TaxAmount"} for line in stored]
        unitdp = 4  # stored unit amounts keep the precision they were saved with
    else:
        raw = changes.get("LineItems", stored)
        unitdp = ctx.unitdp
    sales = doc_type in ("ACCREC", "ACCRECCREDIT")
    return line_rules.compute(
        ctx.org,
        raw if isinstance(raw, list) else [],
        lat if lat in line_rules.LINE_AMOUNT_TYPES else "Exclusive",
        unitdp,
        require_accounts=wanted not in ("DRAFT", "DELETED"),
        allow_discount=sales,
        existing_ids={line["LineItemID"] for line in stored},
        side="sales" if sales else "purchases",
    )


def publish_doc_event(ctx: Ctx, kind: Kind, doc: dict[str, Any], event_type: str) -> None:
    data = {"Type": doc["Type"], "Status": doc["Status"]} if kind is CREDIT else None
    ctx.event(kind.category, event_type, kind.key, doc[kind.id], data)


def _register_kind(router: Router, kind: Kind) -> None:
    path = f"/{kind.key}"
    family = "invoices"

    @router.add("GET", path, family)
    def list_docs(ctx: Ctx) -> Response:
        org = ctx.org
        # /Invoices takes IDs, InvoiceNumbers, ContactIDs, Statuses and searchTerm; /CreditNotes none of
        # them, only `where` (ACC 16.1.0): Xero ignores a parameter an endpoint does not take.
        filters = kind is INVOICE
        ids = {i.lower() for i in csv_arg(ctx, "IDs") or []} if filters else set()
        numbers = set(csv_arg(ctx, f"{kind.number}s") or []) if filters else set()
        contact_ids = {i.lower() for i in csv_arg(ctx, "ContactIDs") or []} if filters else set()
        statuses = set(csv_arg(ctx, "Statuses") or []) if filters else set()
        term = (ctx.args.get("searchTerm") or "").lower() if filters else ""
        include_archived = ctx.args.get("includeArchived", "false").lower() == "true"
        summary = ctx.args.get("summaryOnly", "false").lower() == "true"
        paged = "page" in ctx.args

        def keep(doc: dict[str, Any]) -> bool:
            contact = org.contacts.get(doc["_contact_id"], {})
            return (
                (not ids or doc[kind.id] in ids)
                and (not numbers or doc.get(kind.number) in numbers)
                and (not contact_ids or doc["_contact_id"] in contact_ids)
                and (not statuses or doc["Status"] in statuses)
                and (include_archived or contact.get("ContactStatus") != "ARCHIVED")
                and (
                    not term
                    or term in (doc.get(kind.number) or "").lower()
                    or term in (doc.get("Reference") or "").lower()
                )
            )

        # Paged calls return line items; unpaged calls and summaryOnly return summaries (xero-facts §5).
        with_lines = paged and not summary
        return list_response(
            ctx,
            kind.key,
            collection(org, kind).values(),
            ims=True,
            pageable=True,
            predicate=keep,
            render=lambda d: render(org, kind, d, ctx.unitdp, with_lines, full=False),
        )

    @router.add("GET", path + "/{key}", family)
    def get_doc(ctx: Ctx, key: str) -> Response:
        with ctx.org.lock:
            return one(
                ctx, kind.key, find_doc(ctx.org, kind, key), lambda d: render(ctx.org, kind, d, ctx.unitdp)
            )

    @router.add("PUT", path, family)
    def create_docs(ctx: Ctx) -> Response:
        return batch_write(
            ctx, kind.key, elements_of(ctx, kind.key), lambda e: save_doc(ctx, kind, e, "create")
        )

    @router.add("POST", path, family)
    def upsert_docs(ctx: Ctx) -> Response:
        return batch_write(
            ctx, kind.key, elements_of(ctx, kind.key), lambda e: save_doc(ctx, kind, e, "upsert")
        )

    @router.add("POST", path + "/{doc_id}", family)
    def update_doc(ctx: Ctx, doc_id: str) -> Response:
        doc = find_doc(ctx.org, kind, doc_id)
        return update_one(ctx, kind.key, doc, lambda e: save_doc(ctx, kind, e, "update", doc[kind.id]))


def register(router: Router) -> None:
    _register_kind(router, INVOICE)
    _register_kind(router, CREDIT)
