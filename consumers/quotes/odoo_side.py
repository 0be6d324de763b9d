"""Odoo's side of quotes: sale.order and its lines (odoo-facts §3.8; Odoo 17 sale/models/sale_order.py
and sale_order_line.py).

The order is made with load() under an external id (a retry finds it). Its lines are written in place,
position by position, each with all of its values in one write: Odoo recomputes a line's price, discount,
taxes and description from its product and quantity (sale_order_line.py _compute_price_unit,
_compute_discount, _compute_tax_id, _compute_name), and values written together are kept. In place,
because a confirmed order's lines cannot be deleted (_unlink_except_confirmed); a new line has an
external id derived from the write's key, so a retried write makes none twice."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from bridge.errors import PermanentError
from bridge.odoo.client import OdooClient, xmlid_name
from consumers.base import Context
from consumers.framework.matching import Candidate, refuse_ambiguous
from consumers.framework.scope import Scope
from consumers.framework.sides import Side
from consumers.invoices.odoo_side import OdooHandle
from consumers.invoices.refs import DocumentRefs
from consumers.invoices.rounding import check_totals
from consumers.quotes.canonical import (
    CANCELLED,
    CONFIRMED,
    DRAFT,
    FROM_ODOO_STATE,
    INCLUSIVE,
    NO_TAX,
    QUOTATION,
    SENT,
    Line,
    Quote,
    Totals,
    amount,
    html_text,
    text,
    text_html,
)

ORDER, LINE = "sale.order", "sale.order.line"
ORDER_FIELDS = (
    "name", "state", "partner_id", "date_order", "validity_date", "currency_id", "company_id",
    "client_order_ref", "note", "order_line", "amount_untaxed", "amount_tax", "amount_total", "write_date",
)  # fmt: skip
# 16–18 tax_id, 19 tax_ids (19 sale_order_line.py); the handle picks the one the server has.
LINE_FIELDS = ("name", "product_uom_qty", "price_unit", "discount", "product_id", "display_type", "sequence")
TAX_FIELDS = ("tax_ids", "tax_id")
DEPENDENCIES = "_dependencies"
STATES = {DRAFT: "draft", SENT: "sent", CONFIRMED: "sale", CANCELLED: "cancel"}
# A day becomes an order time at noon UTC: the same day wherever a user reads it (UTC-11 … UTC+11).
NOON = " 12:00:00"


def _id(value: Any) -> int | None:
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value or None


def with_context(odoo: OdooClient, **values: Any) -> OdooClient:
    client = OdooClient(odoo.transport, odoo.version, {**odoo.context, **values}, odoo.attempts)
    client._fields = odoo._fields
    return client


@dataclass
class OrderHandle(OdooHandle):
    @cached_property
    def order_fields(self) -> list[str]:
        known = self.odoo.fields_of(ORDER)
        return [f for f in ORDER_FIELDS if f in known]

    @cached_property
    def tax_field(self) -> str:
        known = self.odoo.fields_of(LINE)
        return next(f for f in TAX_FIELDS if f in known)


class OdooQuotes(Side):
    system = "odoo"
    label = "Odoo sales order"
    model = ORDER

    def client(self, ctx: Context, scope: Scope) -> OrderHandle:
        odoo = ctx.services["odoo"].in_company(scope.company_id)
        refs = DocumentRefs(
            ctx, scope.connection_id, lambda: ctx.services["xero"].for_connection(scope.connection_id)
        )
        return OrderHandle(odoo, refs, scope.company_id)

    def fetch(self, client: OrderHandle, record_id: int) -> dict | None:
        record = client.odoo.read_one(ORDER, record_id, client.order_fields)
        if record is None:
            return None
        fields = [*LINE_FIELDS, client.tax_field]
        lines = client.odoo.read(LINE, record.get("order_line") or [], fields)
        record["_lines"] = sorted(
            (row for row in lines if not row.get("display_type")),  # sections and notes stay in Odoo
            key=lambda row: (row.get("sequence") or 0, row["id"]),
        )
        products = sorted({p for row in record["_lines"] if (p := _id(row.get("product_id")))})
        record["_products"] = {
            row["id"]: row
            for row in (
                client.odoo.with_archived().read("product.product", products, ["default_code"])
                if products
                else []
            )
        }
        partner = _id(record.get("partner_id"))
        if partner:  # an order addressed to a person belongs to its company's Xero contact
            found = client.odoo.with_archived().read_one("res.partner", partner, ["commercial_partner_id"])
            record["_partner"] = _id((found or {}).get("commercial_partner_id")) or partner
        return record

    def record_id(self, record: dict) -> int:
        return record["id"]

    def name(self, record: dict) -> str | None:
        return record.get("name")

    def in_scope(self, client: OrderHandle, scope: Scope, record: dict) -> bool:
        return _id(record.get("company_id")) == scope.company_id

    def canonical(self, client: OrderHandle, record: dict) -> Quote:
        refs = client.refs
        partner = record.get("_partner")
        currency_id = _id(record.get("currency_id"))
        lines, amounts, refers = client.document_lines(
            record,
            title=str(record.get("name")),
            noun="quote",
            quantity="product_uom_qty",
            taxes=client.tax_field,
        )
        dependencies = client.header_refers(partner, currency_id) + refers
        record[DEPENDENCIES] = dependencies
        status = FROM_ODOO_STATE.get(record.get("state"), DRAFT)
        day = (text(record.get("date_order")) or "")[:10] or None
        return Quote(
            contact=refs.xero_contact(partner) or "",
            status=status,
            currency=client.currency_code(currency_id),
            amounts=amounts,
            date=day if status in QUOTATION else None,
            expiry_date=text(record.get("validity_date")),
            reference=text(record.get("client_order_ref")),
            terms=html_text(record.get("note")),
            lines=lines,
            number=text(record.get("name")),
            issued=day,
            totals=Totals(
                amount(record.get("amount_untaxed"), 2),
                amount(record.get("amount_tax"), 2),
                amount(record.get("amount_total"), 2),
            ),
        )

    def dependencies(self, record: dict, canonical: Quote) -> list[tuple[str, Any]]:
        return list(record.get(DEPENDENCIES) or [])

    # ---------------------------------------------------------------------- finding and writing

    def find(self, client: OrderHandle, scope: Scope, c: Quote, quote_id: str) -> int | None:
        """The order the bridge made for this Xero quote (its external id), else the order whose name the
        quote carries as its number (the bridge gives an Odoo order's name to the quote it makes)."""
        found = client.odoo.xmlid_lookup(ORDER, xmlid_name("quote", quote_id))
        if found is not None or not c.number:
            return found
        rows = client.odoo.search_read(
            ORDER, [("name", "=", c.number), ("company_id", "=", client.company_id)], ["id", "name"], limit=10
        )
        if len(rows) > 1:
            refuse_ambiguous(
                "Xero quote", c.number, among="Odoo sales order", by="number",
                candidates=[Candidate(r["id"], r.get("name")) for r in rows],
            )  # fmt: skip
        return rows[0]["id"] if rows else None

    def header(self, client: OrderHandle, c: Quote, before: Quote | None) -> dict:
        refs, values = client.refs, {}
        if before is None or c.contact != before.contact:
            values["partner_id"] = refs.odoo_partner(c.contact)
        day = c.date or (c.issued if before is None else None)
        if day and (before is None or c.date != before.date):
            values["date_order"] = day + NOON
        if before is None or c.expiry_date != before.expiry_date:
            values["validity_date"] = c.expiry_date or False  # none: not Odoo's default validity either
        if c.currency and (before is None or c.currency != before.currency):
            # 17+ computes currency_id from the pricelist (sale_order.py _compute_currency_id); the
            # currency written here stays until the order's pricelist is changed.
            values["currency_id"] = refs.odoo_currency(client.odoo, c.currency)
        if before is None or c.reference != before.reference:
            values["client_order_ref"] = c.reference or False
        if before is None or c.terms != before.terms:
            values["note"] = text_html(c.terms)
        return values

    def line_values(self, client: OrderHandle, c: Quote, number: int, line: Line) -> dict:
        refs, inclusive = client.refs, c.amounts == INCLUSIVE
        if not line.item:
            raise PermanentError(
                f"line {number + 1} ({line.description or 'no description'}) has no item: an Odoo sales "
                "order line needs a product (sale_order_line.py accountable_required_fields): give the "
                "line an item in Xero"
            )
        tax = refs.odoo_tax(line.tax) if line.tax and c.amounts != NO_TAX else None
        values = {
            "sequence": 10 + number,
            "product_id": refs.odoo_product(client.odoo, line.item, client.company_id),
            "product_uom_qty": float(line.quantity),
            "price_unit": float(line.unit_price),
            "discount": float(line.discount),
            client.tax_field: [(6, 0, [client.tax_for(tax, inclusive)] if tax else [])],
        }
        if line.description:  # none: Odoo's own description of the product (_compute_name)
            values["name"] = line.description
        return values

    def write_lines(
        self,
        client: OrderHandle,
        order_id: int,
        c: Quote,
        before: Quote | None,
        rows: list[dict],
        key: str,
        values: list[dict] | None = None,
    ) -> None:
        """Each line in place where the order has one at its position and it differs; then the new ones
        (under external ids of this write) and the surplus ones deleted (Odoo refuses that for a
        confirmed order, in its own words). Every line's values are made first: a line Odoo cannot
        take stops the write before anything is written."""
        odoo, old = client.odoo, before.lines if before is not None else ()
        if values is None:
            values = [self.line_values(client, c, number, line) for number, line in enumerate(c.lines)]
        for number, line in enumerate(c.lines[: len(rows)]):
            if number >= len(old) or line != old[number] or c.amounts != before.amounts:
                odoo.write(LINE, [rows[number]["id"]], values[number])
        new = [line | {"order_id": order_id} for line in values[len(rows) :]]
        if new:
            first = len(rows)
            names = [xmlid_name("quote_line", f"{order_id}-{key}-{first + n}") for n in range(len(new))]
            odoo.create(LINE, new, xmlids=names)
        surplus = [row["id"] for row in rows[len(c.lines) :]]
        if surplus:
            odoo.unlink(LINE, surplus)

    def create(self, client: OrderHandle, scope: Scope, c: Quote, quote_id: str, key: str) -> dict | None:
        if c.status == CANCELLED:
            return None  # a declined or deleted Xero quote never synced stays in Xero only
        # the lines first: one Odoo cannot take leaves no order behind
        lines = [self.line_values(client, c, number, line) for number, line in enumerate(c.lines)]
        order_id, _ = client.odoo.upsert(ORDER, xmlid_name("quote", quote_id), self.header(client, c, None))
        current = self.fetch(client, order_id)
        self.write_lines(client, order_id, c, None, current["_lines"], key, lines)
        self._move_to(client, order_id, c.status, current.get("state"))
        written = self.fetch(client, order_id)
        check_totals(c, self.canonical(client, written), "Odoo")
        return written

    def update(
        self, client: OrderHandle, scope: Scope, order_id: int, c: Quote, before: Quote, key: str
    ) -> dict:
        current = self.fetch(client, order_id)
        state = current.get("state")
        if c.status == CANCELLED and state == "cancel":
            return current  # a cancelled order stays as it is
        if state == "cancel":
            client.odoo.call(ORDER, "action_draft", ids=[order_id])  # reopened, as "Set to Quotation"
            state = "draft"
        values = self.header(client, c, before)
        if values:
            client.odoo.write(ORDER, [order_id], values)
        if c.lines != before.lines or c.amounts != before.amounts:
            self.write_lines(client, order_id, c, before, current["_lines"], key)
        self._move_to(client, order_id, c.status, state)
        written = self.fetch(client, order_id)
        if c.status != CANCELLED:
            check_totals(c, self.canonical(client, written), "Odoo")
        return written

    def other_gone(self, client: OrderHandle, scope: Scope, order_id: int, key: str) -> dict | None:
        """A deleted Xero quote stays listed with Status DELETED (so a deletion arrives as a status); a
        quote gone from Xero altogether is left in Odoo."""
        return None

    @staticmethod
    def _move_to(client: OrderHandle, order_id: int, status: str, state: str | None) -> None:
        """The Odoo user's way to each state (sale_order.py): → cancel: action_cancel (without its
        wizard: context disable_cancel_warning); a confirmed order is cancelled, then set back to
        quotation (action_draft) to become a quotation again; → sent: action_quotation_sent (draft
        orders only); → sale: action_confirm. Odoo's refusals (a locked order …) carry its message."""
        wanted = STATES[status]
        if wanted == state or (wanted == "sale" and state == "done"):
            return
        odoo = client.odoo

        def cancel() -> None:
            with_context(odoo, disable_cancel_warning=True).call(ORDER, "action_cancel", ids=[order_id])

        if wanted == "cancel":
            cancel()
            return
        if state in ("sale", "done"):
            cancel()
            state = "cancel"
        if state == "cancel" or (state == "sent" and wanted == "draft"):
            odoo.call(ORDER, "action_draft", ids=[order_id])
            state = "draft"
        if wanted == "sent" and state == "draft":
            odoo.call(ORDER, "action_quotation_sent", ids=[order_id])
        elif wanted == "sale":
            odoo.call(ORDER, "action_confirm", ids=[order_id])
