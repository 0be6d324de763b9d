"""Bulk sync of purchase orders on the generic engine (consumers/framework/bulk.py): each order through
its translator, which syncs its contact, taxes and items first.
- Import: GET /PurchaseOrders paged (page/pageSize, xero-facts §5), oldest change first, with unitdp=4.
- Export: the company's purchase.order records, by id: a find and a write per order (the engine's
  default forecast)."""

from __future__ import annotations

from consumers.framework.bulk import BulkSync
from consumers.invoices.xero_side import PRICES
from consumers.purchase_orders.odoo_side import ORDER


class PurchaseOrderBulk(BulkSync):
    entity_name = "purchase_order"
    xero_collection = "PurchaseOrders"
    xero_params = dict(PRICES)
    odoo_model = ORDER
