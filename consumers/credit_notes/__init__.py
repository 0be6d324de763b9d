"""Credit notes both ways: Xero CreditNote ACCRECCREDIT ⇄ Odoo out_refund, ACCPAYCREDIT ⇄ in_refund.

They share the invoices' shape, statuses and rules in both systems (Xero's CreditNote carries the
Invoice's fields under CreditNoteID / CreditNoteNumber, spec components.schemas.CreditNote; Odoo's
refunds are account.moves of their own move types), so the invoices package serves them with the
CREDIT_NOTES kind: read consumers/invoices/__init__.py for the decisions. Both directions run at once
(the seed's credit notes go one way at a time). Allocations to invoices and cash refunds are payments'
(issue 13)."""

from __future__ import annotations

from bridge.entities import Entity
from bridge.odoo.setup import Hook
from consumers.framework.translator import SyncTranslator
from consumers.invoices import MOVE_TRIGGERS

NAME = "credit_note"


def _translators() -> list:
    from consumers.invoices.canonical import CREDIT_NOTES
    from consumers.invoices.odoo_side import OdooInvoices
    from consumers.invoices.xero_side import XeroInvoices

    xero, odoo = XeroInvoices(CREDIT_NOTES), OdooInvoices(CREDIT_NOTES)
    return [SyncTranslator(NAME, xero, odoo), SyncTranslator(NAME, odoo, xero)]


def _pollers() -> list:
    from consumers.invoices.polling import OdooCreditNoteChanges, XeroCreditNoteChanges

    return [XeroCreditNoteChanges(), OdooCreditNoteChanges()]


def _deletions() -> list:
    from bridge.polling.deletions import DeletionSpec

    return [DeletionSpec(NAME, "account.move")]


def _bulk(ctx, connection_id: str, progress=None):
    from consumers.invoices.bulk import CreditNoteBulk

    return CreditNoteBulk(ctx, connection_id, progress)


ENTITY = Entity(
    name=NAME,
    group="documents",
    xero_model="CreditNote",
    odoo_model="account.move",
    xero_categories=("CREDITNOTE",),
    odoo_move_types=("out_refund", "in_refund"),
    depends_on=("contact", "currency", "account", "tax_rate", "item"),
    odoo_hooks=(Hook("account.move", MOVE_TRIGGERS, ("write_date", "company_id", "move_type")),),
    translators=_translators,
    pollers=_pollers,
    deletions=_deletions,
    bulk=_bulk,
)
