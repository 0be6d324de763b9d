"""Quotes' change detection. Xero sends no webhooks for quotes (xero-facts §1): Xero Quotes are polled
with If-Modified-Since (xero-facts §5 lists Quotes among the endpoints that take it), page by page.

Odoo: the sale.order automation rule (the entity's Hook) sees the order's own fields, and a line
edited through the order form writes the order's `order_line` or its stored totals, whose
recomputation runs the order's rules too (17 base_automation.py _compute_field_value). A line written on
its own whose totals do not move (its description) reaches no rule of the order: the line poller
turns each changed sale.order.line into a change of its order; the order poller catches a missed
webhook of the order itself."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from bridge.events import Event, parse_odoo_datetime
from bridge.polling.specs import Change, OdooWriteDateSpec, Scope, XeroModifiedSinceSpec
from consumers.quotes.xero_side import quote_pages


class XeroQuoteChanges(XeroModifiedSinceSpec):
    """GET /Quotes with If-Modified-Since, newest first, `page` by `page` (no pageSize on Quotes)."""

    entity = "quote"
    collection = "Quotes"
    id_field = "QuoteID"
    key_name = "Quote"
    payload_fields = ("QuoteNumber", "Status")

    def rows(self, scope: Scope, since: datetime) -> Iterator[dict]:
        yield from quote_pages(scope.xero, {**self.params, "order": "UpdatedDateUTC DESC"}, since)


class OdooOrderChanges(OdooWriteDateSpec):
    """sale.order by write_date (the bridge's own writes left out)."""

    entity = "quote"
    model = "sale.order"
    fields = ("write_date", "company_id")


class OdooOrderLineChanges(OdooWriteDateSpec):
    """sale.order.line by write_date: each change is one of its order."""

    entity = "quote"
    model = "sale.order.line"
    fields = (
        "write_date", "order_id", "name", "product_id", "product_uom_qty", "price_unit", "discount",
        "tax_id", "tax_ids", "sequence",
    )  # fmt: skip
    company_field = "order_id.company_id"  # the order's company (the line's own is a related copy of it)

    @classmethod
    def change(cls, row: dict, fields: list[str]) -> Change | None:
        modified = parse_odoo_datetime(row.get("write_date"))
        order = row.get("order_id")
        order_id = order[0] if isinstance(order, (list, tuple)) else order
        if modified is None or not order_id:
            return None
        return Change(
            str(order_id), modified, row["write_date"], None,
            fingerprint=cls.fingerprint(row, fields),
        )  # fmt: skip

    def envelope(self, scope: Scope, change: Change, received_at: datetime) -> Event:
        event = super().envelope(scope, change, received_at)
        payload = {"_model": "sale.order", "_id": int(change.resource_id), "write_date": change.version}
        return replace(event, payload=payload)
