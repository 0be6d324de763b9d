"""Odoo's side of purchase orders: purchase.order and its lines (odoo-facts §3.9).

The order is made with load() under an external id (a retry finds it); new lines get external ids
derived from the write's key, so a retried write makes no line twice. Lines are rewritten in place by
position (Odoo 17 refuses to delete a line of a confirmed order, purchase_order_line.py
_unlink_except_purchase_or_done: only surplus lines are deleted, and Odoo's refusal is the mismatch).
Status moves through the order's buttons as a user would press them (purchase_order.py button_confirm,
button_approve, button_draft, button_cancel)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from bridge.errors import PermanentError
from bridge.odoo.client import xmlid_name
from consumers.framework.matching import Candidate, refuse_ambiguous
from consumers.framework.scope import Scope
from consumers.framework.sides import Side
from consumers.invoices.canonical import INCLUSIVE, NO_TAX, Totals, amount, text
from consumers.invoices.odoo_side import OdooHandle
from consumers.invoices.refs import DocumentRefs
from consumers.invoices.rounding import check_totals
from consumers.purchase_orders.canonical import (
    APPROVED,
    CANCELLED,
    DRAFT,
    FROM_ODOO_STATE,
    SUBMITTED,
    PurchaseOrder,
)

ORDER, LINE = "purchase.order", "purchase.order.line"
ORDER_FIELDS = (
    "state", "name", "partner_ref", "partner_id", "date_order", "date_planned", "currency_id", "company_id",
    "order_line", "amount_untaxed", "amount_tax", "amount_total", "write_date",
)  # fmt: skip
DEPENDENCIES = "_dependencies"
# The time of day a Xero date is written at: Odoo keeps datetimes in UTC and shows them in the user's
# time zone (odoo-facts §4), so noon UTC is the same day for every zone within ±11 h.
NOON = "12:00:00"


def _id(value: Any) -> int | None:
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value or None


def _day(value: Any) -> str | None:
    return str(value)[:10] if value else None


class OrderHandle(OdooHandle):
    """The invoices' Odoo handle (taxes, currencies, refs) with the order line's field names."""

    @cached_property
    def tax_field(self) -> str:
        """16–18 taxes_id, 19 tax_ids (19 purchase_order_line.py)."""
        return "taxes_id" if "taxes_id" in self.odoo.fields_of(LINE) else "tax_ids"

    @cached_property
    def line_fields(self) -> list[str]:
        return [
            "name", "product_qty", "price_unit", "discount", self.tax_field, "product_id", "display_type",
            "sequence", "date_planned",
        ]  # fmt: skip


class OdooPurchaseOrders(Side):
    system = "odoo"
    label = "Odoo purchase order"
    model = ORDER

    def client(self, ctx, scope: Scope) -> OrderHandle:
        odoo = ctx.services["odoo"].in_company(scope.company_id)
        refs = DocumentRefs(
            ctx, scope.connection_id, lambda: ctx.services["xero"].for_connection(scope.connection_id)
        )
        return OrderHandle(odoo, refs, scope.company_id)

    def fetch(self, client: OrderHandle, record_id: int) -> dict | None:
        record = client.odoo.read_one(ORDER, record_id, list(ORDER_FIELDS))
        if record is None:
            return None
        lines = client.odoo.read(LINE, record.get("order_line") or [], client.line_fields)
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
        row = client.odoo.with_archived().read_one("res.partner", partner, ["commercial_partner_id"])
        # The contact entity binds companies: an order addressed to a person is its company's.
        record["_partner"] = _id((row or {}).get("commercial_partner_id")) or partner
        return record

    def record_id(self, record: dict) -> int:
        return record["id"]

    def in_scope(self, client: OrderHandle, scope: Scope, record: dict) -> bool:
        return _id(record.get("company_id")) == scope.company_id

    def canonical(self, client: OrderHandle, record: dict) -> PurchaseOrder:
        refs = client.refs
        partner = record["_partner"]
        currency_id = _id(record.get("currency_id"))
        lines, amounts, refers = client.document_lines(
            record,
            title=str(record.get("name")),
            noun="purchase order",
            quantity="product_qty",
            taxes=client.tax_field,
        )
        dependencies = client.header_refers(partner, currency_id) + refers
        record[DEPENDENCIES] = dependencies
        # The order's date_planned is the earliest of its lines' (17 purchase_order.py _compute_date_planned).
        planned = [str(row["date_planned"]) for row in record["_lines"] if row.get("date_planned")]
        return PurchaseOrder(
            contact=refs.xero_contact(partner) or "",
            status=FROM_ODOO_STATE.get(record.get("state"), DRAFT),
            date=_day(record.get("date_order")),
            delivery_date=_day(record.get("date_planned") or min(planned, default=None)),
            currency=client.currency_code(currency_id),
            amounts=amounts,
            lines=lines,
            reference=text(record.get("partner_ref")),
            number=text(record.get("name")),
            totals=Totals(
                amount(record.get("amount_untaxed"), 2),
                amount(record.get("amount_tax"), 2),
                amount(record.get("amount_total"), 2),
            ),
        )

    def dependencies(self, record: dict, canonical: PurchaseOrder) -> list[tuple[str, Any]]:
        return list(record.get(DEPENDENCIES) or [])

    # ---------------------------------------------------------------------- finding and writing

    def find(self, client: OrderHandle, scope: Scope, c: PurchaseOrder, po_id: str) -> int | None:
        """The order the bridge made for this Xero one (its external id), else the Odoo order whose
        number the Xero order carries, from the same vendor: one the bridge exported and did not bind
        (a crash between the write and the binding)."""
        found = client.odoo.xmlid_lookup(ORDER, xmlid_name("purchase_order", po_id))
        if found is not None or not c.number or c.contact.startswith("odoo:"):
            return found
        rows = client.odoo.search_read(
            ORDER,
            [
                ("name", "=", c.number),
                ("partner_id", "child_of", client.refs.odoo_partner(c.contact)),
                ("state", "!=", "cancel"),
            ],
            ["id", "name"],
            limit=10,
        )
        if len(rows) > 1:
            refuse_ambiguous(
                "Xero purchase order", c.number, among="Odoo purchase order", by="number and vendor",
                candidates=[Candidate(r["id"], r.get("name")) for r in rows],
            )  # fmt: skip
        return rows[0]["id"] if rows else None

    def header(self, client: OrderHandle, c: PurchaseOrder, before: PurchaseOrder | None) -> dict:
        refs = client.refs
        wanted = {
            "partner_id": ("contact", lambda: refs.odoo_partner(c.contact)),
            "partner_ref": ("reference", lambda: c.reference or False),
            "date_order": ("date", lambda: f"{c.date} {NOON}"),
            "date_planned": ("delivery_date", lambda: f"{c.delivery_date} {NOON}"),
            "currency_id": ("currency", lambda: refs.odoo_currency(client.odoo, c.currency)),
        }
        values = {}
        for name, (source, make) in wanted.items():
            value = getattr(c, source)
            if name in ("date_order", "date_planned", "currency_id") and not value:
                continue  # Odoo keeps its own (date_order is required; lines need a date_planned)
            if before is None or value != getattr(before, source):
                values[name] = make()
        return values

    def line_values(self, client: OrderHandle, c: PurchaseOrder) -> list[dict]:
        """Each line as Odoo takes it. A line without an item cannot be one: Odoo requires a product on
        every purchase order line that is not a section or note (17 purchase_order_line.py SQL
        constraint accountable_required_fields), and the bridge invents no product."""
        refs, inclusive = client.refs, c.amounts == INCLUSIVE
        out = []
        for number, line in enumerate(c.lines, start=1):
            if not line.item:
                raise PermanentError(
                    f"line {number} of Xero purchase order {c.number} ({line.description!r}) has no item, and "
                    "Odoo needs a product on every purchase order line (the bridge invents none): give "
                    "the line an item in Xero, then replay",
                    details={"line": number},
                )
            tax = refs.odoo_tax(line.tax) if line.tax and c.amounts != NO_TAX else None
            values = {
                "sequence": 10 + number,
                "name": line.description or "",
                "product_id": refs.odoo_product(client.odoo, line.item, client.company_id),
                "product_qty": float(line.quantity),
                "price_unit": float(line.unit_price),
                "discount": float(line.discount),
                client.tax_field: [(6, 0, [client.tax_for(tax, inclusive)] if tax else [])],
            }
            if c.delivery_date:
                values["date_planned"] = f"{c.delivery_date} {NOON}"
            out.append(values)
        return out

    def write_lines(
        self, client: OrderHandle, order_id: int, c: PurchaseOrder, key: str, old: list[int]
    ) -> None:
        """The lines in place by position; new ones under external ids of this write (a retry finds
        them). The surplus goes first, so that Odoo refusing it (a confirmed order) changes nothing."""
        values = self.line_values(client, c)
        surplus = old[len(values) :]
        if surplus:
            client.odoo.unlink(LINE, surplus)
        for line_id, wanted in zip(old, values, strict=False):
            client.odoo.write(LINE, [line_id], wanted)
        extra = values[len(old) :]
        if extra:
            names = [xmlid_name("purchase_order_line", f"{order_id}-{key}-{n}") for n in range(len(extra))]
            client.odoo.create(LINE, [v | {"order_id": order_id} for v in extra], xmlids=names)

    def create(
        self, client: OrderHandle, scope: Scope, c: PurchaseOrder, po_id: str, key: str
    ) -> dict | None:
        if c.status == CANCELLED:
            return None  # a deleted Xero order never synced stays in Xero only
        self.line_values(client, c)  # refuse a line Odoo cannot take before making anything
        order_id, _ = client.odoo.upsert(
            ORDER, xmlid_name("purchase_order", po_id), self.header(client, c, None)
        )
        current = self.fetch(client, order_id)
        self.write_lines(client, order_id, c, key, [row["id"] for row in current["_lines"]])
        self._move_to(client, order_id, c.status, current["state"])
        written = self.fetch(client, order_id)
        check_totals(c, self.canonical(client, written), "Odoo")
        return written

    def update(
        self,
        client: OrderHandle,
        scope: Scope,
        order_id: int,
        c: PurchaseOrder,
        before: PurchaseOrder,
        key: str,
    ) -> dict:
        current = self.fetch(client, order_id)
        if c.status == CANCELLED and current.get("state") == "cancel":
            return current  # a cancelled order stays as it is
        values = self.header(client, c, before)
        if values:
            client.odoo.write(ORDER, [order_id], values)
        if c.lines != before.lines or c.amounts != before.amounts:
            self.write_lines(client, order_id, c, key, [row["id"] for row in current["_lines"]])
        self._move_to(client, order_id, c.status, current["state"])
        written = self.fetch(client, order_id)
        if c.status != CANCELLED:
            check_totals(c, self.canonical(client, written), "Odoo")
        return written

    @staticmethod
    def _move_to(client: OrderHandle, order_id: int, status: str, state: str) -> None:
        """Odoo's buttons as a user presses them (17 purchase_order.py): button_draft (back to RFQ),
        button_confirm (an RFQ → approved, or 'to approve' when the company wants a second approval),
        button_approve (from 'to approve'), button_cancel. Xero's "submitted for approval" is written as
        the state button_confirm itself writes when an order needs approval ('to approve'): confirming
        would approve it on no one's word under one-step approval (and make its receipts). What Odoo
        refuses raises with Odoo's message."""
        if FROM_ODOO_STATE.get(state) == status:
            return
        odoo = client.odoo
        if status == CANCELLED:
            odoo.call(ORDER, "button_cancel", ids=[order_id])
            return
        if state not in ("draft", "sent", "to approve") or (state == "to approve" and status == DRAFT):
            odoo.call(ORDER, "button_draft", ids=[order_id])
            state = "draft"
        if status == SUBMITTED:
            odoo.write(ORDER, [order_id], {"state": "to approve"})
        elif status == APPROVED:
            if state != "to approve":
                odoo.call(ORDER, "button_confirm", ids=[order_id])
            if (odoo.read_one(ORDER, order_id, ["state"]) or {}).get("state") == "to approve":
                odoo.call(ORDER, "button_approve", ids=[order_id])
            if (odoo.read_one(ORDER, order_id, ["state"]) or {}).get("state") == "to approve":
                raise PermanentError(
                    f"Odoo leaves purchase order #{order_id} to approve: its amount needs a purchase manager's "
                    "approval (Purchase settings, order approval), which the bridge's user is not: approve "
                    "it in Odoo"
                )
