"""Bulk sync of quotes on the generic engine (consumers/framework/bulk.py): each quote through its
translator, which syncs its contact, taxes and items first.
- Import: GET /Quotes `page` by `page` (100 a page, no pageSize, no pagination object: xero_side.py
  quote_pages), oldest change first.
- Export: the company's sale orders, by id."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from consumers.framework.bulk import BulkSync, Forecast
from consumers.quotes.odoo_side import ORDER
from consumers.quotes.xero_side import PRICES, QUOTE_PAGE, quote_pages


class QuoteBulk(BulkSync):
    entity_name = "quote"
    xero_collection = "Quotes"
    xero_params = dict(PRICES)
    odoo_model = ORDER

    def xero_list(self, params: dict, since: datetime | None) -> Iterator[dict]:
        return quote_pages(self.xero(), params, since)

    def forecast(self, direction: str, since: datetime | None = None, restart: bool = False) -> Forecast:
        if direction == "export":
            return super().forecast(direction, since, restart)
        records = sum(1 for _ in self.xero_list(dict(self.xero_params), since))
        return self._forecast(records, 1 + records // QUOTE_PAGE)
