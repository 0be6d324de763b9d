"""Change detection besides webhooks. Xero sends INVOICE and CREDITNOTE webhooks (xero-facts §1) and Odoo
its automation rules' webhooks, but a webhook can be lost (Odoo's has no retry, odoo-facts §2.1; Xero
disables a failing subscription): the pollers heal that within the polling budget. Xero lists documents
with If-Modified-Since, paged (xero-facts §5); Odoo's account.move by write_date, the entity's move
types only (invoices and credit notes share the model)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from bridge.polling.specs import OdooWriteDateSpec, Scope, XeroModifiedSinceSpec


class XeroInvoiceChanges(XeroModifiedSinceSpec):
    entity = "invoice"
    collection = "Invoices"
    id_field = "InvoiceID"
    key_name = "Invoice"
    payload_fields = ("InvoiceNumber", "Status")
    params = {"summaryOnly": "true"}  # the ids and stamps are enough: the translator reads the document
    paged = True


class XeroCreditNoteChanges(XeroModifiedSinceSpec):
    entity = "credit_note"
    collection = "CreditNotes"
    id_field = "CreditNoteID"
    key_name = "CreditNote"
    payload_fields = ("CreditNoteNumber", "Status")
    paged = True


class OdooMoveChanges(OdooWriteDateSpec):
    """account.move of the entity's move types by write_date."""

    model = "account.move"
    fields = ("write_date", "company_id", "move_type", "state")
    move_types: ClassVar[tuple[str, ...]]

    def domain(self, scope: Scope, since: datetime) -> list:
        return [*super().domain(scope, since), ("move_type", "in", list(self.move_types))]


class OdooInvoiceChanges(OdooMoveChanges):
    entity = "invoice"
    move_types = ("out_invoice", "in_invoice")


class OdooCreditNoteChanges(OdooMoveChanges):
    entity = "credit_note"
    move_types = ("out_refund", "in_refund")
