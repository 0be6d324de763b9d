"""Which Odoo records' attachments go to which Xero document: one line per document entity.

A line names the Odoo model the attachment hangs on (ir.attachment res_model), the bridge entity whose
binding gives the Xero document, and the Xero collection whose `{Collection}/{id}/Attachments` takes the
file (ACC 16.1.0 paths `/Invoices/{InvoiceID}/Attachments/{FileName}`, `/Contacts/…`, `/CreditNotes/…`,
`/Quotes/…`, `/PurchaseOrders/…`). An entity that shares its Odoo model with another (account.move:
invoices and credit notes) is told apart by the record's move type, as the entity catalog routes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bridge import entities


@dataclass(frozen=True)
class Attachable:
    res_model: str
    entity: str
    collection: str
    # Odoo move types whose Xero document shows its attachments to the customer online (IncludeOnline).
    # ACC 16.1.0 declares the IncludeOnline parameter on the Invoices and CreditNotes uploads only
    # (createInvoiceAttachmentByFileName, createCreditNoteAttachmentByFileName: "Allows an attachment to
    # be seen by the end customer within their online invoice"); xero-facts §8: ACCREC and ACCRECCREDIT
    # only. Quotes take no IncludeOnline in the API, so a quote's line leaves this empty.
    online_move_types: tuple[str, ...] = ()


ATTACHABLE: tuple[Attachable, ...] = (
    Attachable("account.move", "invoice", "Invoices", online_move_types=("out_invoice",)),
    Attachable("account.move", "credit_note", "CreditNotes", online_move_types=("out_refund",)),
    Attachable("res.partner", "contact", "Contacts"),
    Attachable("sale.order", "quote", "Quotes"),
    Attachable("purchase.order", "purchase_order", "PurchaseOrders"),
)
MODELS: tuple[str, ...] = tuple(dict.fromkeys(line.res_model for line in ATTACHABLE))


def lines_for(res_model: str) -> list[Attachable]:
    return [line for line in ATTACHABLE if line.res_model == res_model]


def owner_fields(res_model: str) -> list[str]:
    """What to read of the owning record: its name, and its move type when the model is shared."""
    shared = any(entities.get(line.entity).odoo_move_types for line in lines_for(res_model))
    return ["display_name", "move_type"] if shared else ["display_name"]


def line_for(res_model: str, owner: dict) -> Attachable | None:
    """The line the owning record belongs to; None when no synced document is of its kind (an
    account.move that is a journal entry)."""
    move_type = owner.get("move_type")
    for line in lines_for(res_model):
        types = entities.get(line.entity).odoo_move_types
        if not types or move_type in types:
            return line
    return None
