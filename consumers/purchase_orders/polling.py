"""Purchase orders' Xero change detection. Xero sends no webhooks for purchase orders (xero-facts §1):
GET /PurchaseOrders with If-Modified-Since (xero-facts §5 lists PurchaseOrders among the endpoints that
take it), paged (PurchaseOrders takes page and pageSize, ibid.). Odoo's changes come from its automation
rule on purchase.order (the package's Hook)."""

from __future__ import annotations

from bridge.polling.specs import XeroModifiedSinceSpec


class XeroPurchaseOrderChanges(XeroModifiedSinceSpec):
    """GET /PurchaseOrders with If-Modified-Since, page by page; deleted orders too (Xero lists them
    with Status DELETED, so a deletion arrives as a change of status)."""

    entity = "purchase_order"
    collection = "PurchaseOrders"
    id_field = "PurchaseOrderID"
    key_name = "PurchaseOrder"
    payload_fields = ("PurchaseOrderNumber", "Status")
    paged = True
