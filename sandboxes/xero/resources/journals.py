"""Manual journals (xero-facts §8): Narration required, at least two lines that balance, no bank or system
accounts (⚠ R26 adds INVENTORY-type accounts), DRAFT → POSTED, DELETED from DRAFT, VOIDED from POSTED."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from flask import Response

from .. import status as machines
from ..formats import day_string, money, ms_date, ms_date_of_day, parse_day, round_money, to_decimal
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

FORBIDDEN_TYPES = {"BANK", "INVENTORY"}


def _render(doc: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in doc.items() if not k.startswith("_")}
    out["Date"] = ms_date_of_day(doc["_Date"])
    out["DateString"] = day_string(doc["_Date"])
    out["UpdatedDateUTC"] = ms_date(doc["_updated"])
    return out


def _save(ctx: Ctx, element: dict[str, Any], mode: str, path_id: str | None = None) -> ElementResult:
    org = ctx.org
    given = path_id or element.get("ManualJournalID")
    existing, problems = existing_for(org.manual_journals, given, mode, "manual journal")
    if problems:
        return None, problems
    errors: list[str] = []
    current = existing["Status"] if existing else None
    wanted = element.get("Status", current or "DRAFT")
    message = machines.transition_error(machines.MANUAL_JOURNAL, current, wanted, "manual journal")
    if message:
        errors.append(message)
    narration = element.get("Narration", (existing or {}).get("Narration"))
    if not narration:
        errors.append("Narration is required.")
    lat = element.get("LineAmountTypes", (existing or {}).get("LineAmountTypes", "NoTax"))
    raw_lines = element.get("JournalLines", (existing or {}).get("JournalLines", []))
    lines_out = []
    balance = Decimal(0)
    for raw in raw_lines if isinstance(raw_lines, list) else []:
        line = dict(raw)
        account = (
            org.account_by_code(line.get("AccountCode"))
            if line.get("AccountCode")
            else (org.accounts.get(str(line.get("AccountID", "")).lower()))
        )
        if account is None or account.get("Status") != "ACTIVE":
            errors.append(f"Account code '{line.get('AccountCode')}' is not a valid code for this document.")
            continue
        if account.get("Type") in FORBIDDEN_TYPES or account.get("SystemAccount"):
            errors.append(
                f"Manual journals cannot post to the {account['Type']} account {account.get('Code')}."
            )
            continue
        amount = to_decimal(line.get("LineAmount"))
        if amount is None:
            errors.append("Each journal line needs a LineAmount.")
            continue
        tax_type = line.get("TaxType") or ("NONE" if lat == "NoTax" else account.get("TaxType") or "NONE")
        rate = org.tax_percent(tax_type)
        if rate is None:
            errors.append(f"The TaxType code {tax_type} does not exist.")
            continue
        if lat == "Exclusive":
            tax = round_money(amount * rate / 100)
            balance += amount + tax
        elif lat == "Inclusive":
            tax = round_money(amount * rate / (100 + rate))
            balance += amount
        else:
            tax = Decimal(0)
            balance += amount
        line.update(
            {
                "AccountCode": account.get("Code"),
                "AccountID": account["AccountID"],
                "TaxType": tax_type,
                "TaxAmount": money(tax),
                "LineAmount": money(round_money(amount)),
                "IsBlank": False,
            }
        )
        lines_out.append(line)
    if wanted != "DRAFT" and len(lines_out) < 2:
        errors.append("A manual journal needs at least two journal lines.")
    if lines_out and balance != 0:
        errors.append("The total debits must equal the total credits.")
    day = parse_day(element["Date"]) if element.get("Date") else (existing or {}).get("_Date")
    if element.get("Date") and day is None:
        errors.append("Date is not a valid date.")
    locked = org.lock_error(day) or org.lock_error((existing or {}).get("_Date"))
    if locked:
        errors.append(locked)
    if errors:
        return None, errors
    if existing is None:
        existing = {
            "ManualJournalID": str(uuid.uuid4()),
            "HasAttachments": False,
            "ShowOnCashBasisReports": True,
        }
        org.manual_journals[existing["ManualJournalID"]] = existing
    existing.update(
        {
            "Narration": narration,
            "Status": wanted,
            "LineAmountTypes": lat,
            "JournalLines": lines_out,
            "_Date": day or datetime.fromtimestamp(ctx.clock(), UTC).date(),
        }
    )
    for name in ("Url", "ShowOnCashBasisReports"):
        if name in element:
            existing[name] = element[name]
    org.touch(existing)
    return _render(existing), []


def register(router: Router) -> None:
    @router.add("GET", "/ManualJournals", "manualjournals")
    def list_journals(ctx: Ctx) -> Response:
        return list_response(
            ctx, "ManualJournals", ctx.org.manual_journals.values(), ims=True, pageable=True, render=_render
        )

    @router.add("GET", "/ManualJournals/{journal_id}", "manualjournals")
    def get_journal(ctx: Ctx, journal_id: str) -> Response:
        with ctx.org.lock:
            return one(ctx, "ManualJournals", ctx.org.manual_journals.get(journal_id.lower()), _render)

    @router.add("PUT", "/ManualJournals", "manualjournals")
    def create_journals(ctx: Ctx) -> Response:
        return batch_write(
            ctx, "ManualJournals", elements_of(ctx, "ManualJournals"), lambda e: _save(ctx, e, "create")
        )

    @router.add("POST", "/ManualJournals", "manualjournals")
    def upsert_journals(ctx: Ctx) -> Response:
        return batch_write(
            ctx, "ManualJournals", elements_of(ctx, "ManualJournals"), lambda e: _save(ctx, e, "upsert")
        )

    @router.add("POST", "/ManualJournals/{journal_id}", "manualjournals")
    def update_journal(ctx: Ctx, journal_id: str) -> Response:
        rec = ctx.org.manual_journals.get(journal_id.lower())
        return update_one(ctx, "ManualJournals", rec, lambda e: _save(ctx, e, "update", journal_id.lower()))
