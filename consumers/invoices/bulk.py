"""Bulk sync of invoices and bills on the generic engine (consumers/framework/bulk.py): each document
through its translator, which syncs its contact, accounts, taxes and items first.
- Import: GET /Invoices paged (a paged answer carries the lines, xero-facts §5), oldest change first.
- Export: the company's out_invoice / in_invoice moves, by id.
Batching documents into one POST per 50 (the 0.03-calls-per-invoice target) is not done yet: an
export costs a find and a write per document (export_calls says so in the forecast)."""

from __future__ import annotations

from datetime import datetime

from consumers.framework.bulk import BulkSync
from consumers.invoices.canonical import CREDIT_NOTES, INVOICES, Kind
from consumers.invoices.odoo_side import MOVE
from consumers.invoices.xero_side import PRICES


class InvoiceBulk(BulkSync):
    entity_name = "invoice"
    xero_collection = "Invoices"
    xero_params = dict(PRICES)
    odoo_model = MOVE

    kind: Kind = INVOICES

    def wanted(self, record: dict) -> bool:
        return self.kind.kind_of_type(record.get("Type")) is not None

    def export_domain(self, since: datetime | None, after_id: int) -> list:
        return [
            ("move_type", "in", list(self.kind.move_types.values())),
            *super().export_domain(since, after_id),
        ]

    def export_fields(self) -> list[str]:
        return ["id", "write_date", "name", "ref"]


class CreditNoteBulk(InvoiceBulk):
    entity_name = "credit_note"
    xero_collection = "CreditNotes"
    kind = CREDIT_NOTES
