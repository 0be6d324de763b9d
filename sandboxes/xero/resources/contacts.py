"""Contacts (xero-facts §8 "Contacts"): PUT create-only, POST create-or-update, unique Name among active
contacts, unique ContactNumber, ≤5 ContactPersons, ACTIVE ⇄ ARCHIVED, CONTACT webhooks."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Response

from ..store import find_by, public
from .base import (
    Ctx,
    ElementResult,
    Router,
    batch_write,
    csv_arg,
    elements_of,
    existing_for,
    filter_and_page,
    one,
    page_envelope,
    update_one,
)

MAX_CONTACT_PERSONS = 5
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CLIENT_READ_ONLY = {
    "ContactID",
    "UpdatedDateUTC",
    "IsCustomer",
    "IsSupplier",
    "HasAttachments",
    "HasValidationErrors",
    "ValidationErrors",
    "StatusAttributeString",
    "Balances",
    "ContactGroups",
    "Website",
    "Discount",
    "Attachments",
    "BatchPayments",
    "MergedToContactID",
}
_SUMMARY_DROP = (
    "Addresses",
    "Phones",
    "ContactPersons",
    "ContactGroups",
    "Balances",
    "PaymentTerms",
    "BatchPayments",
    "SalesTrackingCategories",
    "PurchasesTrackingCategories",
)


def find_contact(org: Any, key: str) -> dict[str, Any] | None:
    return find_by(org.contacts, key, "ContactNumber")


def name_taken(org: Any, name: str, except_id: str | None) -> bool:
    wanted = name.strip().lower()
    return any(
        rec["ContactID"] != except_id
        and rec.get("ContactStatus") == "ACTIVE"
        and rec.get("Name", "").strip().lower() == wanted
        for rec in org.contacts.values()
    )


def _validate(ctx: Ctx, merged: dict[str, Any], existing: dict[str, Any] | None) -> list[str]:
    org = ctx.org
    errors: list[str] = []
    name = (merged.get("Name") or "").strip()
    own_id = existing["ContactID"] if existing else None
    if not name:
        errors.append("The contact name must be specified.")
    elif merged.get("ContactStatus", "ACTIVE") == "ACTIVE" and name_taken(org, name, own_id):
        errors.append(
            f"The contact name {name} is already assigned to another contact. "
            "The contact name must be unique across all active contacts."
        )
    number = merged.get("ContactNumber")
    if number:
        for rec in org.contacts.values():
            if rec["ContactID"] != own_id and rec.get("ContactNumber") == number:
                errors.append(f"The contact number {number} is already assigned to another contact.")
                break
    persons = merged.get("ContactPersons") or []
    if len(persons) > MAX_CONTACT_PERSONS:
        errors.append(f"A contact can have a maximum of {MAX_CONTACT_PERSONS} contact persons.")
    for email in [merged.get("EmailAddress")] + [
        p.get("EmailAddress") for p in persons if isinstance(p, dict)
    ]:
        if email and not _EMAIL.match(email):
            errors.append(f"Email address must be valid: {email}")
    status = merged.get("ContactStatus", "ACTIVE")
    previous = existing.get("ContactStatus") if existing else None
    if status == "GDPRREQUEST" and previous != "GDPRREQUEST":
        errors.append("ContactStatus GDPRREQUEST can only be set by Xero.")
    if previous == "GDPRREQUEST" and status != "GDPRREQUEST":
        errors.append("A contact with a GDPR request cannot be changed.")
    currency = merged.get("DefaultCurrency")
    if currency and currency not in org.currencies:
        errors.append(f"The currency {currency} is not enabled for this organisation.")
    for field in ("AccountsReceivableTaxType", "AccountsPayableTaxType"):
        tax = merged.get(field)
        if tax and tax not in org.tax_rates:
            errors.append(f"The TaxType code {tax} does not exist or cannot be used with this type of data.")
    return errors


def save_contact(ctx: Ctx, element: dict[str, Any], mode: str, path_id: str | None = None) -> ElementResult:
    """mode: "create" (PUT), "upsert" (POST /Contacts) or "update" (POST /Contacts/{id})."""
    org = ctx.org
    given_id = path_id or element.get("ContactID")
    existing, problems = existing_for(org.contacts, given_id, mode, "contact")
    if problems:
        return None, problems
    if not given_id and mode == "upsert":
        if element.get("ContactNumber"):
            existing = find_contact(org, element["ContactNumber"])
        if existing is None and element.get("Name"):
            wanted = element["Name"].strip().lower()
            existing = next(
                (r for r in org.contacts.values() if r.get("Name", "").strip().lower() == wanted), None
            )
    changes = {k: v for k, v in element.items() if k not in _CLIENT_READ_ONLY}
    merged = dict(existing or {"ContactStatus": "ACTIVE"})
    merged.update(changes)
    errors = _validate(ctx, merged, existing)
    if errors:
        return None, errors
    if existing is None:
        record = {
            "ContactID": str(uuid.uuid4()),
            "ContactStatus": "ACTIVE",
            "Addresses": [],
            "Phones": [],
            "ContactPersons": [],
            "ContactGroups": [],
            "IsSupplier": False,
            "IsCustomer": False,
            "HasAttachments": False,
            "HasValidationErrors": False,
        }
        record.update(changes)
        org.touch(record)
        org.contacts[record["ContactID"]] = record
        ctx.event("CONTACT", "CREATE", "Contacts", record["ContactID"])
        return public(record), []
    existing.update(changes)
    org.touch(existing)
    ctx.event("CONTACT", "UPDATE", "Contacts", existing["ContactID"])
    return public(existing), []


def register(router: Router) -> None:
    @router.add("GET", "/Contacts", "contacts")
    def list_contacts(ctx: Ctx) -> Response:
        include_archived = ctx.args.get("includeArchived", "false").lower() == "true"
        ids = {i.lower() for i in csv_arg(ctx, "IDs") or []}
        term = (ctx.args.get("searchTerm") or "").lower()

        def keep(rec: dict[str, Any]) -> bool:
            if not include_archived and rec.get("ContactStatus") == "ARCHIVED":
                return False
            if ids and rec["ContactID"] not in ids:
                return False
            if term:
                fields = ("Name", "FirstName", "LastName", "ContactNumber", "CompanyNumber", "EmailAddress")
                return any(term in str(rec.get(f) or "").lower() for f in fields)
            return True

        with ctx.org.lock:
            rows, pagination = filter_and_page(
                ctx,
                list(ctx.org.contacts.values()),
                ims=True,
                pageable=True,
                predicate=keep,
                default_order="Name ASC",
            )
        if ctx.args.get("summaryOnly", "false").lower() == "true":
            rows = [{k: v for k, v in r.items() if k not in _SUMMARY_DROP} for r in rows]
        return page_envelope(ctx, "Contacts", rows, pagination)

    @router.add("GET", "/Contacts/{key}", "contacts")
    def get_contact(ctx: Ctx, key: str) -> Response:
        with ctx.org.lock:
            return one(ctx, "Contacts", find_contact(ctx.org, key))

    @router.add("PUT", "/Contacts", "contacts")
    def create_contacts(ctx: Ctx) -> Response:
        return batch_write(
            ctx, "Contacts", elements_of(ctx, "Contacts"), lambda e: save_contact(ctx, e, "create")
        )

    @router.add("POST", "/Contacts", "contacts")
    def upsert_contacts(ctx: Ctx) -> Response:
        return batch_write(
            ctx, "Contacts", elements_of(ctx, "Contacts"), lambda e: save_contact(ctx, e, "upsert")
        )

    @router.add("POST", "/Contacts/{contact_id}", "contacts")
    def update_contact(ctx: Ctx, contact_id: str) -> Response:
        rec = find_contact(ctx.org, contact_id)
        return update_one(ctx, "Contacts", rec, lambda e: save_contact(ctx, e, "update", contact_id.lower()))
