"""Xero's side of quotes: GET/POST /Quotes (xero-facts §8 "Quotes").

Prices travel with unitdp=4 as on invoices (xero-facts §5). ⚠ Xero's OpenAPI declares unitdp on
Invoices, CreditNotes, Items, BankTransactions and Receipts only, not on /Quotes; the bridge sends it
anyway so a quote keeps a 4-decimal price where Xero honours it.
Quotes are paged by `page` alone, up to 100 a page, with no `pageSize` and no `pagination` object
(spec: GET /Quotes parameter `page`, schema Quotes): `quote_pages` reads on while a page is full."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bridge.errors import PermanentError
from bridge.xero.client import XeroClient, idempotency_key
from consumers.base import Context
from consumers.framework.matching import Candidate, refuse_ambiguous
from consumers.framework.scope import Scope
from consumers.framework.sides import Side
from consumers.invoices.refs import DocumentRefs
from consumers.invoices.rounding import check_totals
from consumers.invoices.xero_side import NO_TAX_TYPE, XeroHandle, xero_day
from consumers.items.xero_side import item_by_code
from consumers.quotes.canonical import (
    CANCELLED,
    CONFIRMED,
    DRAFT,
    EXCLUSIVE,
    FROM_XERO_STATUS,
    INCLUSIVE,
    NO_TAX,
    QUOTATION,
    SENT,
    Line,
    Quote,
    Totals,
    amount,
    text,
)

PRICES = {"unitdp": 4}
QUOTE_PAGE = 100  # "Up to 100 Quotes will be returned in a single API call" (spec, GET /Quotes `page`)
DEPENDENCIES = "_dependencies"
# Quotes spell LineAmountTypes in capitals (spec: QuoteLineAmountTypes EXCLUSIVE / INCLUSIVE / NOTAX).
FROM_AMOUNT_TYPES = {"EXCLUSIVE": EXCLUSIVE, "INCLUSIVE": INCLUSIVE, "NOTAX": NO_TAX}
TO_AMOUNT_TYPES = {v: k for k, v in FROM_AMOUNT_TYPES.items()}
# Xero moves a quote DRAFT → SENT → ACCEPTED / DECLINED → INVOICED (xero-facts §8 "Quotes", ⚠ to be
# checked on the Quotes page; the sandbox's machine sandboxes/xero/status.py QUOTE follows it): SENT is
# the hub. Besides the moves to and from SENT, only these are direct.
DIRECT = {("DRAFT", "DELETED"), ("ACCEPTED", "INVOICED")}
GONE = ("DELETED", "INVOICED")  # Xero refuses every move from these, with its own message


def quote_pages(xero: XeroClient, params: dict, since: datetime | None = None) -> Iterator[dict]:
    page = 1
    while True:
        rows = xero.get("Quotes", {**params, "page": page}, since).get("Quotes") or []
        yield from rows
        if len(rows) < QUOTE_PAGE:
            return
        page += 1


def xero_status(wanted: str, current: str | None) -> str | None:
    """The Xero Status a neutral status asks for, given Xero's own (None: a new quote); None when Xero's
    already means it (ACCEPTED and INVOICED are both a confirmed order). Cancelling deletes a draft
    (it never reached the customer) and declines a quote that was sent (Xero keeps it, as Odoo does)."""
    if current is not None and FROM_XERO_STATUS.get(current) == wanted:
        return None
    if wanted == CANCELLED:
        return "DELETED" if current in (None, "DRAFT") else "DECLINED"
    return {DRAFT: "DRAFT", SENT: "SENT", CONFIRMED: "ACCEPTED"}[wanted]


def status_steps(current: str | None, wanted: str | None) -> list[str]:
    """The Statuses to send one after the other: through SENT when Xero has no direct move (a draft
    accepted is first marked sent, as in Xero itself). From DELETED or INVOICED the one status is sent
    and Xero's refusal, in its own words, goes to the mismatch log."""
    if wanted is None or wanted == current:
        return []
    if current is None:
        return [wanted] if wanted in ("DRAFT", "SENT") else ["SENT", wanted]
    if "SENT" in (current, wanted) or (current, wanted) in DIRECT or current in GONE:
        return [wanted]
    return ["SENT", wanted]


class XeroQuotes(Side):
    system = "xero"
    label = "Xero quote"
    model = "Quotes"

    def client(self, ctx: Context, scope: Scope) -> XeroHandle:
        xero = ctx.services["xero"].for_connection(scope.connection_id)
        return XeroHandle(xero, DocumentRefs(ctx, scope.connection_id, lambda: xero))

    def fetch(self, client: XeroHandle, record_id: str) -> dict | None:
        try:
            body = client.xero.get(f"Quotes/{record_id}", PRICES)
        except PermanentError as exc:
            if exc.details.get("status") == 404:
                return None
            raise
        found = body.get("Quotes") or []
        return found[0] if found else None

    def record_id(self, record: dict) -> str:
        return record["QuoteID"]

    def name(self, record: dict) -> str | None:
        return (
            record.get("QuoteNumber") or record.get("Reference") or (record.get("Contact") or {}).get("Name")
        )

    def canonical(self, client: XeroHandle, record: dict) -> Quote:
        status = record.get("Status") or "DRAFT"
        amounts = FROM_AMOUNT_TYPES.get(str(record.get("LineAmountTypes") or "EXCLUSIVE").upper(), EXCLUSIVE)
        dependencies: list[tuple[str, Any]] = [("contact", record["Contact"]["ContactID"])]
        currency = record.get("CurrencyCode") or ""
        if currency:
            dependencies.append(("currency", currency))
        lines, accounts, items = [], [], {}
        for row in record.get("LineItems") or []:
            tax, item = text(row.get("TaxType")), text(row.get("ItemCode"))
            if amounts == NO_TAX or tax == NO_TAX_TYPE:
                tax = None
            if tax:
                dependencies.append(("tax_rate", tax))
            if item and item not in items:
                item_id = (row.get("Item") or {}).get("ItemID")
                found = {"ItemID": item_id} if item_id else item_by_code(client.xero, item)
                items[item] = found
                if found is not None:
                    dependencies.append(("item", found["ItemID"]))
            lines.append(
                Line(
                    description=text(row.get("Description")),
                    quantity=amount(row.get("Quantity")),
                    unit_price=amount(row.get("UnitAmount")),
                    discount=amount(row.get("DiscountRate")),
                    tax=tax,
                    item=item,
                )
            )
            accounts.append(text(row.get("AccountCode")))
        if not any(line.tax for line in lines):
            amounts = NO_TAX  # no line taxed: the same quote as a NoTax one (Odoo has no such flag)
        record[DEPENDENCIES] = dependencies
        neutral = FROM_XERO_STATUS.get(status, DRAFT)
        day = xero_day(record.get("Date"))
        return Quote(
            contact=record["Contact"]["ContactID"],
            status=neutral,
            currency=currency,
            amounts=amounts,
            date=day if neutral in QUOTATION else None,
            expiry_date=xero_day(record.get("ExpiryDate")),
            reference=text(record.get("Reference")),
            terms=text(record.get("Terms")),
            lines=tuple(lines),
            number=text(record.get("QuoteNumber")),
            issued=day,
            totals=Totals(
                amount(record.get("SubTotal"), 2),
                amount(record.get("TotalTax"), 2),
                amount(record.get("Total"), 2),
            ),
            xero_status=status,
            xero_accounts=tuple(accounts),
        )

    def dependencies(self, record: dict, canonical: Quote) -> list[tuple[str, Any]]:
        return list(record.get(DEPENDENCIES) or [])

    # ---------------------------------------------------------------------- finding and writing

    def find(self, client: XeroHandle, scope: Scope, c: Quote, order_id: int) -> str | None:
        """The quote the bridge made for this Odoo order: it carries the order's name as QuoteNumber
        (Quotes are filtered by QuoteNumber, not `where`: xero-facts §5). Deleted ones are history."""
        if not c.number:
            return None
        found = client.xero.get("Quotes", {**PRICES, "QuoteNumber": c.number}).get("Quotes") or []
        rows = [r for r in found if r.get("QuoteNumber") == c.number and r.get("Status") != "DELETED"]
        if len(rows) > 1:
            refuse_ambiguous(
                "Odoo sales order", c.number, code=f"#{order_id}", among="Xero quote", by="number",
                candidates=[Candidate(r["QuoteID"], r.get("QuoteNumber")) for r in rows],
            )  # fmt: skip
        return rows[0]["QuoteID"] if rows else None

    def element(self, client: XeroHandle, c: Quote, before: Quote | None) -> dict:
        """What to send: on create everything (and the Odoo order's name as QuoteNumber); on update what
        differs from Xero's current state. The Status is the caller's (status_steps)."""
        refs = client.refs
        out: dict[str, Any] = {}
        if before is None or c.contact != before.contact:
            out["Contact"] = {"ContactID": refs.resolved_contact(c.contact)}
        day = c.date or (c.issued if before is None else None)
        if day and (before is None or c.date != before.date):
            out["Date"] = day
        if c.expiry_date and (before is None or c.expiry_date != before.expiry_date):
            out["ExpiryDate"] = c.expiry_date
        if c.currency and (before is None or c.currency != before.currency):
            out["CurrencyCode"] = c.currency
        if before is None or c.amounts != before.amounts or c.lines != before.lines:
            out["LineAmountTypes"] = TO_AMOUNT_TYPES[c.amounts]
            out["LineItems"] = [self._line(refs, c, before, n, line) for n, line in enumerate(c.lines)]
        for name, value, old in (
            ("Reference", c.reference, before.reference if before else None),
            ("Terms", c.terms, before.terms if before else None),
        ):
            if (before is None and value) or (before is not None and value != old):
                out[name] = value or ""
        if before is None and c.number:
            out["QuoteNumber"] = c.number
        return out

    @staticmethod
    def _line(refs: DocumentRefs, c: Quote, before: Quote | None, number: int, line: Line) -> dict:
        out: dict[str, Any] = {
            "Description": line.description or "",
            "Quantity": line.quantity,
            "UnitAmount": line.unit_price,
        }
        if line.discount:
            out["DiscountRate"] = line.discount
        if c.amounts != NO_TAX:
            out["TaxType"] = refs.xero_ref(line.tax, "tax_rate") if line.tax else NO_TAX_TYPE
        if line.item:
            out["ItemCode"] = line.item
        # The account the Xero line holds stays (an Odoo order line has none to send).
        if before is not None and number < min(len(before.lines), len(before.xero_accounts)):
            account = before.xero_accounts[number]
            if account and before.lines[number].item == line.item:
                out["AccountCode"] = account
        return out

    def create(self, client: XeroHandle, scope: Scope, c: Quote, order_id: int, key: str) -> dict | None:
        if c.status == CANCELLED:
            return None  # a cancelled order never synced stays in Odoo only
        steps = status_steps(None, xero_status(c.status, None))
        written = self._save(client, self.element(client, c, None) | {"Status": steps[0]}, key)
        written = self._step(client, written, steps[1:], key)
        check_totals(c, self.canonical(client, written), "Xero")
        return written

    def update(
        self, client: XeroHandle, scope: Scope, quote_id: str, c: Quote, before: Quote, key: str
    ) -> dict:
        element = self.element(client, c, before)
        steps = status_steps(before.xero_status, xero_status(c.status, before.xero_status))
        if steps:
            element["Status"] = steps[0]
        if not element:
            return self.fetch(client, quote_id)
        written = self._save(client, element | {"QuoteID": quote_id}, key)
        written = self._step(client, written, steps[1:], key)
        if c.status != CANCELLED:
            check_totals(c, self.canonical(client, written), "Xero")
        return written

    def _step(self, client: XeroHandle, written: dict, statuses: list[str], key: str) -> dict:
        for status in statuses:
            element = {"QuoteID": written["QuoteID"], "Status": status}
            written = self._save(client, element, idempotency_key(key, "status", status))
        return written

    def other_gone(self, client: XeroHandle, scope: Scope, quote_id: str, key: str) -> dict | None:
        """An Odoo order deleted (Odoo deletes draft and cancelled orders only, sale_order.py
        _unlink_except_draft_or_cancel): a draft or sent Xero quote is deleted too; others are left."""
        current = self.fetch(client, quote_id)
        if current is None or current.get("Status") not in ("DRAFT", "SENT"):
            return None
        return self._save(client, {"QuoteID": quote_id, "Status": "DELETED"}, key)

    @staticmethod
    def _save(client: XeroHandle, element: dict, key: str) -> dict:
        (result,) = client.xero.save("Quotes", [element], key=key, method="POST", params=PRICES)
        if not result.ok:
            raise PermanentError(
                "Xero ValidationException: " + "; ".join(result.errors), details={"messages": result.errors}
            )
        return result.record
