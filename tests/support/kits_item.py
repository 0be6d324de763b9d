"""The guarantee suite's kit for items (consumers/items): Xero Items ⇄ Odoo product.product.

Xero sends no webhooks for items (xero-facts §1): what the bridge hears of a Xero item is the poller's
envelope (consumers/items/polling.py XeroItemChanges), one key per item and UpdatedDateUTC."""

from __future__ import annotations

import uuid

from bridge.cli.sandboxed import SandboxedBridge
from bridge.events import Event
from tests.support.kits import Kit


class ItemKit(Kit):
    entity = "item"
    xero_collection = "Items"
    xero_id_field = "ItemID"
    xero_category = None
    xero_create_method = "POST"  # the exporter creates with POST, which upserts by Code (xero-facts §8)
    odoo_model = "product.product"

    @property
    def xero_attr(self) -> str:
        return "items"

    def create_in_xero(self, world: SandboxedBridge, name: str) -> str:
        code = f"G-{uuid.uuid4().hex[:10]}"
        response = world.xero_api(
            "PUT", "Items", json={"Items": [{"Code": code, "Name": name, "SalesDetails": {"UnitPrice": 9.5}}]}
        )
        assert response.status_code == 200, response.text
        return response.json()["Items"][0]["ItemID"]

    def create_in_odoo(self, world: SandboxedBridge, name: str) -> int:
        code = f"G-{uuid.uuid4().hex[:10]}"
        return world.odoo.env("admin").create(
            "product.product", {"name": name, "default_code": code, "list_price": 9.5}
        )

    def rename(self, world: SandboxedBridge, source: str, record_id: str, name: str) -> None:
        """Xero's Item requires its Code in every element (the spec's Item: required ["Code"])."""
        if source != "xero":
            return super().rename(world, source, record_id, name)
        org = world.xero.org()
        with org.lock:
            code = org.items[record_id]["Code"]
        element = {"ItemID": record_id, "Code": code, "Name": name}
        response = world.xero_api("POST", f"Items/{record_id}", json={"Items": [element]})
        assert response.status_code == 200, response.text

    def _poll_envelope(self, world: SandboxedBridge, record_id: str) -> Event:
        """What the items poller publishes for the item as it is now (its key: the item's change)."""
        org = world.xero.org()
        with org.lock:
            stamp = org.items[record_id]["_updated"]
        tenant = world.xero.tenants[0].tenant_id
        return self.envelope(world, "xero", record_id, key=f"poll|xero|{tenant}|Item|{record_id}|{stamp}")

    def announce(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        if source == "xero":
            _publish(world, self._poll_envelope(world, record_id))

    def redeliver(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        if source == "xero":  # a later poll round sees the same change: the same envelope again
            _publish(world, self._poll_envelope(world, record_id))
        else:
            super().redeliver(world, source, record_id)


def _publish(world: SandboxedBridge, event: Event) -> None:
    from tests.support.kits import publish  # kits.py imports this module before it defines publish

    publish(world, event)


KIT = ItemKit()
