"""Items' change detection. Xero sends no webhooks for items (xero-facts §1): Xero Items are polled with
If-Modified-Since (xero-facts §5 lists Items among the endpoints that take it). Odoo products by
write_date: the variant's own rows, and templates' rows as changes of their variants (a user editing a
product's form writes the template, which Odoo's product.product rule does not see)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from bridge.events import Event, parse_odoo_datetime
from bridge.polling.specs import Change, OdooWriteDateSpec, Scope, XeroModifiedSinceSpec


class XeroItemChanges(XeroModifiedSinceSpec):
    """GET /Items with If-Modified-Since: one call a round (Items are not paged, xero-facts §5)."""

    entity = "item"
    collection = "Items"
    id_field = "ItemID"
    key_name = "Item"
    payload_fields = ("Code",)


class OdooProductChanges(OdooWriteDateSpec):
    """product.product by write_date (archived too; the bridge's own writes left out)."""

    entity = "item"
    model = "product.product"
    fields = ("write_date", "company_id")


class OdooTemplateChanges(OdooWriteDateSpec):
    """product.template by write_date: each change is one of every variant of the template."""

    entity = "item"
    model = "product.template"
    fields = ("write_date", "company_id", "product_variant_ids", "name", "default_code", "list_price")

    def changes(self, scope: Scope, since: datetime) -> Iterator[Change]:
        for change in super().changes(scope, since):
            for variant in change.payload.get("variants") or []:
                yield replace(change, resource_id=str(variant), record_id=str(variant), payload={})

    @classmethod
    def change(cls, row: dict, fields: list[str]) -> Change | None:
        modified = parse_odoo_datetime(row.get("write_date"))
        if modified is None:
            return None
        return Change(
            str(row["id"]), modified, row["write_date"], None,
            payload={"variants": row.get("product_variant_ids") or []},
            fingerprint=cls.fingerprint(row, [f for f in fields if f != "product_variant_ids"]),
        )  # fmt: skip

    def envelope(self, scope: Scope, change: Change, received_at: datetime) -> Event:
        event = super().envelope(scope, change, received_at)
        payload = {"_model": "product.product", "_id": int(change.resource_id), "write_date": change.version}
        return replace(event, payload=payload)
