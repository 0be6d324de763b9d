"""The guarantee suite's kit for credit notes (consumers/credit_notes): the invoice kit on Xero's
CreditNotes and Odoo's out_refund moves."""

from __future__ import annotations

from tests.support.kits_invoice import DocumentKit


class CreditNoteKit(DocumentKit):
    entity = "credit_note"
    xero_collection = "CreditNotes"
    xero_id_field = "CreditNoteID"
    xero_category = "CREDITNOTE"
    xero_type = "ACCRECCREDIT"
    move_type = "out_refund"

    @property
    def xero_attr(self) -> str:
        return "credit_notes"


KIT = CreditNoteKit()
