"""Invoices and bills: Xero Invoice ACCREC ⇄ Odoo out_invoice, ACCPAY ⇄ in_invoice — both ways, drafts
included, with their status.

Decisions (each with its source):
- Status (xero-facts §8 invoice lifecycle; Odoo account.move.state): DRAFT/SUBMITTED ⇄ draft,
  AUTHORISED/PAID ⇄ posted, VOIDED/DELETED ⇄ cancel. Odoo cancelling sends DELETED for a Xero draft and
  VOIDED for an approved one; Odoo resetting a posted invoice to draft asks Xero for DRAFT, which Xero
  refuses for an approved invoice — its message goes to the mismatch log. A Xero edit of an approved
  invoice resets the Odoo move to draft, writes and posts it again (Odoo refuses edits of posted moves).
- Numbers: a sales document keeps the number each side gave it; Odoo's number reaches Xero when Odoo
  numbers a document the bridge made (an Odoo draft is ODOO-<company>-<id> in Xero until then, so a
  retry finds it). A bill's InvoiceNumber is the supplier's number, Odoo's `ref`, both ways.
- LineAmountTypes: Exclusive / Inclusive ⇄ the lines' taxes excluding / including the price (Odoo sets
  it per tax: an inclusive Xero document uses the bound tax's price-included twin); a document with
  no taxed line is NoTax. Lines without an item import and export as they are: no product is invented.
- Only product lines travel: Odoo section and note lines stay in Odoo.
- To the cent: after each write the totals both systems computed (subtotal, tax, total) are compared; a
  difference is a mismatch showing both (consumers/invoices/xero_side.py check_totals).
"""

from __future__ import annotations

from bridge.entities import Entity
from bridge.odoo.setup import Hook
from consumers.framework.translator import SyncTranslator

NAME = "invoice"
MOVE_TRIGGERS = (
    "state", "partner_id", "invoice_date", "invoice_date_due", "currency_id", "ref", "name",
    "invoice_line_ids", "amount_total",
)  # fmt: skip


def _translators() -> list:
    from consumers.invoices.odoo_side import OdooInvoices
    from consumers.invoices.xero_side import XeroInvoices

    xero, odoo = XeroInvoices(), OdooInvoices()
    return [SyncTranslator(NAME, xero, odoo), SyncTranslator(NAME, odoo, xero)]


def _pollers() -> list:
    from consumers.invoices.polling import OdooInvoiceChanges, XeroInvoiceChanges

    return [XeroInvoiceChanges(), OdooInvoiceChanges()]


def _deletions() -> list:
    from bridge.polling.deletions import DeletionSpec

    return [DeletionSpec(NAME, "account.move")]


def _bulk(ctx, connection_id: str, progress=None):
    from consumers.invoices.bulk import InvoiceBulk

    return InvoiceBulk(ctx, connection_id, progress)


ENTITY = Entity(
    name=NAME,
    group="documents",
    xero_model="Invoice",
    odoo_model="account.move",
    xero_categories=("INVOICE",),
    odoo_move_types=("out_invoice", "in_invoice"),
    depends_on=("contact", "currency", "account", "tax_rate", "item"),
    odoo_hooks=(Hook("account.move", MOVE_TRIGGERS, ("write_date", "company_id", "move_type")),),
    translators=_translators,
    pollers=_pollers,
    deletions=_deletions,
    bulk=_bulk,
)
