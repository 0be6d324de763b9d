"""An invoice or bill in neutral form: Xero Invoice (ACCREC / ACCPAY) ⇄ Odoo account.move
(out_invoice / in_invoice).

References are named as a Xero document names them: the contact by ContactID, an account by its Code,
a tax by its TaxType, an item by its Code, the currency by its ISO code. The Odoo side turns its ids
into those names through the bindings of the contact, account, tax_rate and item entities; an id not
bound yet is named `odoo:<id>` until the dependency sync binds it (consumers/items/canonical.py UNBOUND).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from bridge.money import float_round
from consumers.framework.canonical import Canonical
from consumers.items.canonical import UNBOUND, text

__all__ = ["UNBOUND", "Document", "Line", "Totals", "amount", "generated_number", "text"]

# Statuses in neutral form, and how each side's map onto them (xero-facts §8 "Invoice/bill lifecycle";
# Odoo account.move.state). Xero SUBMITTED (awaiting approval) is a draft to Odoo; PAID is an approved
# invoice whose amount due is zero (payments are their own entity); VOIDED and DELETED are both a
# cancelled document in Odoo (Xero deletes a draft and voids an approved one).
DRAFT, POSTED, CANCELLED = "draft", "posted", "cancelled"
FROM_XERO_STATUS = {
    "DRAFT": DRAFT, "SUBMITTED": DRAFT, "AUTHORISED": POSTED, "PAID": POSTED,
    "VOIDED": CANCELLED, "DELETED": CANCELLED,
}  # fmt: skip
FROM_ODOO_STATE = {"draft": DRAFT, "posted": POSTED, "cancel": CANCELLED}
# Xero LineAmountTypes ⇄ whether the Odoo lines' taxes are price-included (none: NoTax).
EXCLUSIVE, INCLUSIVE, NO_TAX = "Exclusive", "Inclusive", "NoTax"
# Unit prices travel at 4 decimals (the bridge reads and writes with unitdp=4, xero-facts §5).
PRICE_DIGITS = 4


def amount(value: object, digits: int = PRICE_DIGITS) -> Decimal:
    """A quantity or price in one spelling on both sides (12.5, not 12.5000)."""
    if value is None or value is False or value == "":
        return Decimal(0)
    rounded = float_round(value, precision_digits=digits)
    return rounded.quantize(Decimal(1)) if rounded == rounded.to_integral() else rounded.normalize()


def generated_number(company_id: int, move_id: int) -> str:
    """The Xero number of an Odoo document that has none yet (a draft's name is "/"): deterministic, so
    a retry after a lost answer finds the document it made, and replaced by Odoo's number at posting."""
    return f"ODOO-{company_id}-{move_id}"


@dataclass(frozen=True)
class Line:
    description: str | None
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal = Decimal(0)  # percent (Xero DiscountRate ⇄ Odoo discount)
    account: str | None = None  # Xero account Code
    tax: str | None = None  # Xero TaxType (None: no tax)
    item: str | None = None  # Xero item Code ⇄ Odoo product's internal reference


@dataclass(frozen=True)
class Totals:
    """What the owning system computed (never sent: each side computes its own, and they are compared)."""

    subtotal: Decimal
    tax: Decimal
    total: Decimal

    def __str__(self) -> str:
        return f"subtotal {self.subtotal:.2f}, tax {self.tax:.2f}, total {self.total:.2f}"  # money, as shown


@dataclass(frozen=True)
class Document(Canonical):
    kind: str  # "sale" (ACCREC ⇄ out_invoice) or "purchase" (ACCPAY ⇄ in_invoice)
    contact: str  # Xero ContactID (or odoo:<partner id> while unbound)
    status: str  # DRAFT / POSTED / CANCELLED
    date: str | None  # ISO day
    due_date: str | None
    currency: str
    amounts: str  # Exclusive / Inclusive / NoTax
    lines: tuple[Line, ...] = field(default=(), metadata={"merge": False})  # a document's lines go whole
    reference: str | None = None  # sales: Xero Reference ⇄ Odoo ref
    # Sales: Odoo's sequence number (InvoiceNumber in Xero) — carried, not compared: each side keeps the
    # number it gave; Odoo's reaches Xero when Odoo numbers a document the bridge created. Bills: the
    # supplier's number, Xero InvoiceNumber ⇄ Odoo ref, compared (`supplier_number`).
    number: str | None = field(default=None, metadata={"hash": False})
    supplier_number: str | None = None
    totals: Totals | None = field(default=None, metadata={"hash": False})
    # The amount of the bridge's rounding adjustment line in Xero (not a line of the document: it makes
    # Xero's total Odoo's when the two round differently, consumers/invoices/rounding.py).
    rounding: Decimal = field(default=Decimal(0), metadata={"hash": False})


@dataclass(frozen=True)
class Kind:
    """What tells invoices from credit notes: they share their shape, statuses and rules in both systems
    (Xero's CreditNote has the Invoice's fields under its own id and number names, spec components
    .schemas.CreditNote; Odoo's refunds are account.moves of their own move types)."""

    entity: str  # the bridge's entity (binding and external-id namespace)
    collection: str  # Xero collection
    id_field: str
    number_field: str
    xero_types: dict  # {"sale": "ACCREC", "purchase": "ACCPAY"}
    move_types: dict  # {"sale": "out_invoice", "purchase": "in_invoice"}
    noun: str  # what a person calls one: "invoice", "credit note"

    def kind_of_type(self, xero_type: object) -> str | None:
        return next((k for k, v in self.xero_types.items() if v == xero_type), None)

    def kind_of_move(self, move_type: object) -> str | None:
        return next((k for k, v in self.move_types.items() if v == move_type), None)


INVOICES = Kind(
    "invoice", "Invoices", "InvoiceID", "InvoiceNumber",
    {"sale": "ACCREC", "purchase": "ACCPAY"}, {"sale": "out_invoice", "purchase": "in_invoice"}, "invoice",
)  # fmt: skip
CREDIT_NOTES = Kind(
    "credit_note", "CreditNotes", "CreditNoteID", "CreditNoteNumber",
    {"sale": "ACCRECCREDIT", "purchase": "ACCPAYCREDIT"}, {"sale": "out_refund", "purchase": "in_refund"},
    "credit note",
)  # fmt: skip
