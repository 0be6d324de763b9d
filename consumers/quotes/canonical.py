"""A quote in neutral form: Xero Quote ⇄ Odoo sale.order.

Lines, amounts and references are named as on an invoice (consumers/invoices/canonical.py: Line,
Totals, amount, text); a line's account is not compared — an Odoo order line has none — and the Xero
side keeps the account its lines already hold (`xero_accounts`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

from consumers.framework.canonical import Canonical
from consumers.invoices.canonical import EXCLUSIVE, INCLUSIVE, NO_TAX, Line, Totals, amount, text

__all__ = [
    "CANCELLED", "CONFIRMED", "DRAFT", "EXCLUSIVE", "INCLUSIVE", "NO_TAX", "QUOTATION", "SENT", "Line",
    "Quote", "Totals", "amount", "html_text", "text", "text_html",
]  # fmt: skip

# Statuses in neutral form, and how each side's map onto them (the table is in consumers/quotes/__init__.py).
DRAFT, SENT, CONFIRMED, CANCELLED = "draft", "sent", "confirmed", "cancelled"
QUOTATION = (
    DRAFT,
    SENT,
)  # Odoo calls an order in these states a quotation (sale_order.py _compute_type_name)
FROM_XERO_STATUS = {
    "DRAFT": DRAFT, "SENT": SENT, "ACCEPTED": CONFIRMED, "INVOICED": CONFIRMED,
    "DECLINED": CANCELLED, "DELETED": CANCELLED,
}  # fmt: skip
# 16 has `done` (a locked confirmed order); 17+ a `locked` flag instead (odoo-facts §3.8).
FROM_ODOO_STATE = {"draft": DRAFT, "sent": SENT, "sale": CONFIRMED, "done": CONFIRMED, "cancel": CANCELLED}


@dataclass(frozen=True)
class Quote(Canonical):
    contact: str  # Xero ContactID (or odoo:<partner id> while unbound)
    status: str  # DRAFT / SENT / CONFIRMED / CANCELLED
    currency: str
    amounts: str  # Exclusive / Inclusive / NoTax
    # The quote's day while it is a quotation; None once confirmed or cancelled (Odoo replaces
    # date_order with the confirmation time, sale_order.py _prepare_confirmation_values).
    date: str | None = None
    expiry_date: str | None = None  # Xero ExpiryDate ⇄ Odoo validity_date
    reference: str | None = None  # Xero Reference ⇄ Odoo client_order_ref
    terms: str | None = None  # Xero Terms ⇄ Odoo note, as plain text
    lines: tuple[Line, ...] = field(default=(), metadata={"merge": False})  # a quote's lines go whole
    # Carried, not compared: each side keeps the number it gave (see __init__.py).
    number: str | None = field(default=None, metadata={"hash": False})
    issued: str | None = field(default=None, metadata={"hash": False})  # the side's own day, for a create
    totals: Totals | None = field(default=None, metadata={"hash": False})
    # What only Xero holds, so that a write keeps it: its own Status (DECLINED or DELETED, ACCEPTED or
    # INVOICED) and each line's AccountCode.
    xero_status: str | None = field(default=None, metadata={"hash": False})
    xero_accounts: tuple[str | None, ...] = field(default=(), metadata={"hash": False})
    # The invoices' rounding line (consumers/invoices/rounding.py) is not made on quotes: a difference
    # of totals is reported by check_totals, which reads this.
    rounding: Decimal = field(default=Decimal(0), metadata={"hash": False})


class _Text(HTMLParser):
    BREAKS = frozenset(("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(value: object) -> str | None:
    """Odoo's Html note (17+ sale.order.note is fields.Html) as the plain text Xero's Terms holds:
    paragraphs and <br> become line breaks, tags go, entities are decoded; empty HTML is no text."""
    raw = text(value)
    if raw is None:
        return None
    parser = _Text()
    parser.feed(raw)
    parser.close()
    lines = [line.rstrip() for line in "".join(parser.parts).replace("\xa0", " ").split("\n")]
    return text("\n".join(lines))


def text_html(value: str | None) -> str | bool:
    """Plain text as Odoo's Html field takes it (one paragraph, line breaks as <br>); False: none."""
    if not value:
        return False
    return "<p>" + "<br>".join(html.escape(line, quote=False) for line in value.split("\n")) + "</p>"
