"""A purchase order in neutral form: Xero PurchaseOrder ⇄ Odoo purchase.order.

Lines, amounts, texts and totals are the invoices' (consumers/invoices/canonical.py): references are
named as a Xero document names them (contact by ContactID, tax by TaxType, item by Code, currency by
ISO code). A line's account is not carried: Odoo's purchase.order.line has none (the bill made from the
order takes the product's expense account), and Xero fills a line's AccountCode from its item's
PurchaseDetails — so both sides take the account from the item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from consumers.framework.canonical import Canonical
from consumers.invoices.canonical import Line, Totals

# Statuses in neutral form (the table is in consumers/purchase_orders/__init__.py). Xero BILLED is an
# approved order Xero billed (Xero's to set, as PAID is for invoices); Odoo 'done' (16–18) is an
# approved order locked; Odoo 'sent' is an RFQ e-mailed to the vendor, still a draft.
DRAFT, SUBMITTED, APPROVED, CANCELLED = "draft", "submitted", "approved", "cancelled"
FROM_XERO_STATUS = {
    "DRAFT": DRAFT, "SUBMITTED": SUBMITTED, "AUTHORISED": APPROVED, "BILLED": APPROVED, "DELETED": CANCELLED,
}  # fmt: skip
FROM_ODOO_STATE = {
    "draft": DRAFT, "sent": DRAFT, "to approve": SUBMITTED, "purchase": APPROVED, "done": APPROVED,
    "cancel": CANCELLED,
}  # fmt: skip
TO_XERO_STATUS = {DRAFT: "DRAFT", SUBMITTED: "SUBMITTED", APPROVED: "AUTHORISED", CANCELLED: "DELETED"}


@dataclass(frozen=True)
class PurchaseOrder(Canonical):
    contact: str  # Xero ContactID (or odoo:<partner id> while unbound)
    status: str  # DRAFT / SUBMITTED / APPROVED / CANCELLED
    date: str | None  # ISO day: Xero Date ⇄ the day of Odoo's date_order
    delivery_date: str | None  # Xero DeliveryDate ⇄ the day of Odoo's date_planned
    currency: str
    amounts: str  # Exclusive / Inclusive / NoTax
    lines: tuple[Line, ...] = field(default=(), metadata={"merge": False})  # an order's lines go whole
    reference: str | None = None  # Xero Reference ⇄ Odoo partner_ref (the vendor's reference)
    # Xero PurchaseOrderNumber ⇄ Odoo name: carried, not compared — each side keeps the number it gave.
    number: str | None = field(default=None, metadata={"hash": False})
    totals: Totals | None = field(default=None, metadata={"hash": False})
    # The invoices' rounding line (consumers/invoices/rounding.py) is not added to purchase orders: they
    # post nothing, so a totals difference is reported, never adjusted. Always 0, for check_totals.
    rounding: Decimal = field(default=Decimal(0), metadata={"hash": False})
