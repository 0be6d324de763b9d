"""Quotes ⇄ sales orders: Xero Quote ⇄ Odoo sale.order, both ways, with their status.

Decisions (each with its source):
- Numbers, as for invoices: each side keeps the number it gave. An Odoo order is named at creation
  (S00012, sale_order.py create), so the quote the bridge makes for it in Xero takes that name as its
  QuoteNumber (and a retry finds the quote by it). A quote made in Xero keeps Xero's number (QU-0001)
  and its Odoo order Odoo's own name: Xero's is not written into the order's name, which Odoo's
  sequence owns. Numbers are carried, never compared: a later renaming stays on its side.
- Status (xero-facts §8 Quotes, ⚠ its transition table is to be checked; Odoo 17 sale.order.state):

    Xero              →  Odoo                     Odoo                 →  Xero
    DRAFT             →  draft                    draft                →  DRAFT
    SENT              →  sent                     sent                 →  SENT
    ACCEPTED/INVOICED →  sale (action_confirm)    sale (16: done too)  →  ACCEPTED (INVOICED stays)
    DECLINED/DELETED  →  cancel (action_cancel)   cancel               →  DELETED if the quote is a
                                                                          draft, else DECLINED

  Xero moves through SENT (DRAFT → SENT → ACCEPTED / DECLINED): an order confirmed from draft sends
  SENT, then ACCEPTED; ACCEPTED back to DRAFT sends SENT, then DRAFT. Odoo goes the user's way: a
  confirmed order becomes a quotation again by action_cancel then action_draft ("Set to Quotation");
  action_cancel runs without its wizard (context disable_cancel_warning). What a side refuses is a
  mismatch in its own words: Xero for any move from DELETED or INVOICED, Odoo for a locked order
  ("You cannot cancel a locked order …") or a line removed from a confirmed one.
- Fields: contact (the commercial partner ⇄ Xero contact, through the contact binding); reference
  (Xero Reference ⇄ client_order_ref); date (Xero Date ⇄ the UTC day of date_order, compared while the
  order is a quotation only: Odoo sets date_order to the confirmation time); expiry (ExpiryDate ⇄
  validity_date); currency; LineAmountTypes (as invoices: the lines' taxes including the price or not;
  no taxed line is NoTax); Terms ⇄ note (Odoo 17's note is Html: compared as plain text, written back
  as paragraphs). Xero's Title and Summary have no Odoo field and stay in Xero.
- Lines: description, quantity, unit price (unitdp=4), discount, tax, item ⇄ product. An Odoo order
  line needs a product (sale_order_line.py accountable_required_fields): a Xero line without an item
  is a mismatch that says so, no product is invented. An order line has no account: the account a Xero
  line holds is kept when the bridge rewrites the line. Section and note lines stay in Odoo.
- To the cent: after each write both totals are compared (consumers/invoices/rounding.py check_totals;
  quotes get no rounding line).
- Change detection: no Xero webhook for quotes (xero-facts §1): consumers/quotes/polling.py.
"""

from __future__ import annotations

from bridge.entities import Entity
from bridge.odoo.setup import Hook
from consumers.framework.translator import SyncTranslator

NAME = "quote"
# amount_total: a line edit through the order form recomputes it, which runs the order's rules
# (base_automation.py _compute_field_value); other line edits come through the line poller.
ORDER_TRIGGERS = (
    "state", "name", "partner_id", "date_order", "validity_date", "currency_id", "client_order_ref", "note",
    "order_line", "amount_total",
)  # fmt: skip


def _translators() -> list:
    from consumers.quotes.odoo_side import OdooQuotes
    from consumers.quotes.xero_side import XeroQuotes

    xero, odoo = XeroQuotes(), OdooQuotes()
    return [SyncTranslator(NAME, xero, odoo), SyncTranslator(NAME, odoo, xero)]


def _pollers() -> list:
    from consumers.quotes.polling import OdooOrderChanges, OdooOrderLineChanges, XeroQuoteChanges

    return [XeroQuoteChanges(), OdooOrderChanges(), OdooOrderLineChanges()]


def _deletions() -> list:
    from bridge.polling.deletions import DeletionSpec

    return [DeletionSpec(NAME, "sale.order")]


def _bulk(ctx, connection_id: str, progress=None):
    from consumers.quotes.bulk import QuoteBulk

    return QuoteBulk(ctx, connection_id, progress)


ENTITY = Entity(
    name=NAME,
    group="documents",
    xero_model="Quote",
    odoo_model="sale.order",
    depends_on=("contact", "currency", "tax_rate", "item"),
    odoo_hooks=(Hook("sale.order", ORDER_TRIGGERS),),
    translators=_translators,
    pollers=_pollers,
    deletions=_deletions,
    bulk=_bulk,
)
