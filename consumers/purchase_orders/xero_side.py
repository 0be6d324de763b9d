"""Xero's side of purchase orders: GET/POST /PurchaseOrders (xero-facts §8 "Purchase orders").

Prices are read and written with unitdp=4 like invoices. ACC lists unitdp on Invoices, CreditNotes,
BankTransactions, Receipts and Items only (xero-facts §5): should Xero ignore it here, a price with more
than 2 decimals comes back rounded, and the totals compared after each write say so (check_totals)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from bridge.errors import PermanentError
from consumers.framework.scope import Scope
from consumers.framework.sides import Side, run_list
from consumers.invoices.canonical import NO_TAX, Line, Totals, amount, text
from consumers.invoices.refs import DocumentRefs
from consumers.invoices.rounding import check_totals
from consumers.invoices.xero_side import NO_TAX_TYPE, PRICES, XeroHandle, xero_day
from consumers.purchase_orders.canonical import (
    CANCELLED,
    DRAFT,
    FROM_XERO_STATUS,
    TO_XERO_STATUS,
    PurchaseOrder,
)

COLLECTION = "PurchaseOrders"
DEPENDENCIES = "_dependencies"
ITEM_CODES = "_item_codes"


def xero_status(wanted: str, before: str | None) -> str | None:
    """The Status to send (None: nothing to change). Xero answers a transition it refuses itself
    (an approved order back to draft, a billed one deleted — sandboxes/xero/status.py PURCHASE_ORDER)."""
    return None if wanted == before else TO_XERO_STATUS[wanted]


class XeroPurchaseOrders(Side):
    system = "xero"
    label = "Xero purchase order"
    model = COLLECTION

    def client(self, ctx, scope: Scope) -> XeroHandle:
        xero = ctx.services["xero"].for_connection(scope.connection_id)
        return XeroHandle(xero, DocumentRefs(ctx, scope.connection_id, lambda: xero))

    def fetch(self, client: XeroHandle, record_id: str) -> dict | None:
        try:
            body = client.xero.get(f"{COLLECTION}/{record_id}", PRICES)
        except PermanentError as exc:
            if exc.details.get("status") == 404:
                return None
            raise
        found = body.get(COLLECTION) or []
        return found[0] if found else None

    def record_id(self, record: dict) -> str:
        return record["PurchaseOrderID"]

    def name(self, record: dict) -> str | None:
        return record.get("PurchaseOrderNumber") or (record.get("Contact") or {}).get("Name")

    def canonical(self, client: XeroHandle, record: dict) -> PurchaseOrder:
        amounts = record.get("LineAmountTypes") or "Exclusive"
        contact = record["Contact"]["ContactID"]
        dependencies: list[tuple[str, Any]] = [("contact", contact)]
        currency = record.get("CurrencyCode") or ""
        if currency:
            dependencies.append(("currency", currency))
        lines, codes = [], []
        for row in record.get("LineItems") or []:
            tax, item = text(row.get("TaxType")), text(row.get("ItemCode"))
            if amounts == NO_TAX or tax == NO_TAX_TYPE:
                tax = None
            if tax:
                dependencies.append(("tax_rate", tax))
            if item:
                codes.append(item)
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
        record[DEPENDENCIES] = dependencies
        record[ITEM_CODES] = (client.xero, codes)
        return PurchaseOrder(
            contact=contact,
            status=FROM_XERO_STATUS.get(record.get("Status"), DRAFT),
            date=xero_day(record.get("Date")),
            delivery_date=xero_day(record.get("DeliveryDate")),
            currency=currency,
            amounts=amounts,
            lines=tuple(lines),
            reference=text(record.get("Reference")),
            number=text(record.get("PurchaseOrderNumber")),
            totals=Totals(
                amount(record.get("SubTotal"), 2),
                amount(record.get("TotalTax"), 2),
                amount(record.get("Total"), 2),
            ),
        )

    def dependencies(self, record: dict, canonical: PurchaseOrder) -> list[tuple[str, Any]]:
        """The contact, currency, taxes and items. A line names its item by Code only (Xero's answer
        carries no ItemID here), so the items are looked up now, in one read of GET /Items (unpaged,
        xero-facts §5) — only when the order is the source: reading it back after a write costs none."""
        found = list(record.get(DEPENDENCIES) or [])
        xero, codes = record.get(ITEM_CODES) or (None, [])
        if codes:
            wanted = {code.lower() for code in codes}
            items = run_list(xero, "Items")
            found += [("item", i["ItemID"]) for i in items if (i.get("Code") or "").lower() in wanted]
        return found

    # ---------------------------------------------------------------------- finding and writing

    def find(self, client: XeroHandle, scope: Scope, c: PurchaseOrder, order_id: int) -> str | None:
        """The order the bridge made for this Odoo one: it carries Odoo's number (GET
        /PurchaseOrders/{PurchaseOrderNumber}, xero-facts §8) and the same supplier. A deleted one is
        history, never a match."""
        if not c.number:
            return None
        found = self.fetch(client, quote(c.number, safe=""))  # an Odoo sequence may put "/" in it
        if found is None or found.get("Status") == "DELETED":
            return None
        if not c.contact.startswith("odoo:") and found["Contact"]["ContactID"] != c.contact:
            return None  # another supplier's order under that number: Xero refuses the duplicate number
        return found["PurchaseOrderID"]

    def element(self, client: XeroHandle, c: PurchaseOrder, before: PurchaseOrder | None) -> dict:
        """On create everything; on update what differs from Xero's current state."""
        refs = client.refs
        out: dict[str, Any] = {}
        if before is None or c.contact != before.contact:
            out["Contact"] = {"ContactID": refs.resolved_contact(c.contact)}
        if before is None and c.number:
            out["PurchaseOrderNumber"] = c.number  # Odoo's; a number Xero gave is never replaced
        for name, value, old in (
            ("Date", c.date, before and before.date),
            ("DeliveryDate", c.delivery_date, before and before.delivery_date),
            ("CurrencyCode", c.currency, before and before.currency),
        ):
            if value and (before is None or value != old):
                out[name] = value
        if before is None or c.amounts != before.amounts or c.lines != before.lines:
            out["LineAmountTypes"] = c.amounts
            out["LineItems"] = [self._line(refs, c, line) for line in c.lines]
        if before is None or c.reference != before.reference:
            out["Reference"] = c.reference or ""
        status = xero_status(c.status, None if before is None else before.status)
        if status is not None:
            out["Status"] = status
        return out

    @staticmethod
    def _line(refs: DocumentRefs, c: PurchaseOrder, line: Line) -> dict:
        """No AccountCode: Xero takes the item's purchase account (an Odoo line always has a product).
        A discount is sent as it is; Xero answers whether it takes one on a purchase order."""
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
        return out

    def create(self, client: XeroHandle, scope: Scope, c: PurchaseOrder, order_id: int, key: str) -> dict:
        if c.status == CANCELLED:
            return None  # a cancelled order never synced stays in Odoo only
        written = self._save(client, self.element(client, c, None), key)
        check_totals(c, self.canonical(client, written), "Xero")
        return written

    def update(
        self,
        client: XeroHandle,
        scope: Scope,
        order_id: str,
        c: PurchaseOrder,
        before: PurchaseOrder,
        key: str,
    ) -> dict:
        element = self.element(client, c, before)
        if not element:
            return self.fetch(client, order_id)
        written = self._save(client, element | {"PurchaseOrderID": order_id}, key)
        if c.status != CANCELLED:
            check_totals(c, self.canonical(client, written), "Xero")
        return written

    @staticmethod
    def _save(client: XeroHandle, element: dict, key: str) -> dict:
        (result,) = client.xero.save(COLLECTION, [element], key=key, method="POST", params=PRICES)
        if not result.ok:
            raise PermanentError(
                "Xero ValidationException: " + "; ".join(result.errors), details={"messages": result.errors}
            )
        return result.record
