"""Purchase orders both ways: Xero PurchaseOrder ⇄ Odoo purchase.order, drafts (RFQs) included, with
their status. Xero sends no webhooks for purchase orders (xero-facts §1): Xero's changes come from the
poller (If-Modified-Since, polling.py); Odoo's from its automation rule on purchase.order.

Decisions (each with its source):
- Status (sandboxes/xero/status.py PURCHASE_ORDER, xero-facts §8; Odoo 17 purchase_order.py):

  | Xero       | neutral   | Odoo                  | Xero → Odoo                     | Odoo → Xero  |
  |------------|-----------|-----------------------|---------------------------------|--------------|
  | DRAFT      | draft     | draft, sent           | button_draft (from any other)   | DRAFT        |
  | SUBMITTED  | submitted | to approve            | state 'to approve', as          | SUBMITTED    |
  |            |           |                       | button_confirm writes it        |              |
  | AUTHORISED | approved  | purchase, done (16–18 | button_confirm, then            | AUTHORISED   |
  | BILLED     |           | locked)               | button_approve if to approve    | (BILLED: no) |
  | DELETED    | cancelled | cancel                | button_cancel                   | DELETED      |

  Odoo 'sent' is an RFQ e-mailed to the vendor, still a draft. Xero BILLED is an approved order Xero
  billed, as PAID is an approved invoice: Odoo's counterpart is invoice_status, which its bills set,
  not a state, so BILLED never travels. Xero's "submitted for approval" waits for approval in Odoo
  too: button_confirm would approve it at once under one-step approval (and make its receipts) on no
  approver's word, so the bridge writes the state button_confirm writes for an order that needs
  approval; approving on either side then approves it on the other. What one side refuses is a
  mismatch with its own message: Xero refuses an approved order back to DRAFT and a billed one
  DELETED; Odoo refuses to cancel an order with posted bills and to delete a line of a confirmed
  order, and a second approval the bridge's user may not give is a mismatch saying so.
- Deletion: Odoo deletes cancelled orders only (purchase_order.py _unlink_if_cancelled), whose Xero
  order is DELETED already; Xero keeps deleted orders listed with Status DELETED, so a deletion there
  arrives as a status. No deletion poller is needed.
- Numbers: each side keeps the number it gave, like invoices. An Odoo order has its number (P00012)
  from creation, so the Xero order made from it gets the same PurchaseOrderNumber — the key that finds
  it again after a crash (GET /PurchaseOrders/{PurchaseOrderNumber}). An order made in Xero keeps
  Xero's number (PO-0001) there and gets Odoo's sequence in Odoo: a user's order is never renumbered,
  and Odoo's sequence stays gapless. The number is carried, not compared.
- Reference ⇄ partner_ref (the vendor's reference); Date ⇄ the day of date_order; DeliveryDate ⇄ the
  day of date_planned, which Odoo computes as the earliest of its lines' dates (purchase_order.py
  _compute_date_planned): a Xero DeliveryDate is written to the order and to every line. Odoo always
  has one (its lines need a date_planned), so a Xero order without one gets Odoo's.
- Lines: description, quantity, unit price (unitdp=4), discount, tax, item ⇄ product; Exclusive /
  Inclusive / NoTax as for invoices. Odoo requires a product on every purchase order line (17
  purchase_order_line.py accountable_required_fields): a Xero line without an item is a mismatch
  saying so, never an invented product. No account travels: Odoo's line has none (canonical.py).
  Only product lines travel: Odoo section and note lines stay in Odoo.
- To the cent: after each write both totals are compared (consumers/invoices/rounding.py check_totals);
  a difference is a mismatch showing both. No rounding line is added: a purchase order posts nothing.
"""

from __future__ import annotations

from bridge.entities import Entity
from bridge.odoo.setup import Hook
from consumers.framework.translator import SyncTranslator

NAME = "purchase_order"
ORDER_TRIGGERS = (
    "state", "partner_id", "partner_ref", "date_order", "date_planned", "currency_id", "name", "order_line",
    "amount_total",
)  # fmt: skip


def _translators() -> list:
    from consumers.purchase_orders.odoo_side import OdooPurchaseOrders
    from consumers.purchase_orders.xero_side import XeroPurchaseOrders

    xero, odoo = XeroPurchaseOrders(), OdooPurchaseOrders()
    return [SyncTranslator(NAME, xero, odoo), SyncTranslator(NAME, odoo, xero)]


def _pollers() -> list:
    from consumers.purchase_orders.polling import XeroPurchaseOrderChanges

    return [XeroPurchaseOrderChanges()]


def _bulk(ctx, connection_id: str, progress=None):
    from consumers.purchase_orders.bulk import PurchaseOrderBulk

    return PurchaseOrderBulk(ctx, connection_id, progress)


ENTITY = Entity(
    name=NAME,
    group="documents",
    xero_model="PurchaseOrder",
    odoo_model="purchase.order",
    depends_on=("contact", "currency", "tax_rate", "item"),
    odoo_hooks=(Hook("purchase.order", ORDER_TRIGGERS),),
    translators=_translators,
    pollers=_pollers,
    bulk=_bulk,
)
