"""The guarantee suite's kit for purchase orders (consumers/purchase_orders): Xero PurchaseOrders ⇄ Odoo
purchase.order, both ways.

An order has no name: the kit names it by the vendor's reference (Xero Reference ⇄ Odoo partner_ref,
consumers/purchase_orders/canonical.py), which a user "renames". Xero sends no webhooks for purchase
orders (xero-facts §1): what the bridge hears of a Xero order is the poller's envelope
(consumers/purchase_orders/polling.py), one key per order and UpdatedDateUTC. Every line needs a
product (Odoo requires one, and the bridge refuses a Xero line without an item): prepare() makes one
Xero item and one Odoo product for the orders of each side, which the bridge syncs as the orders'
dependencies. The world is ready for documents first (tests/support/documents.py)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

from bridge.cli.sandboxed import SandboxedBridge
from bridge.events import Event, now
from bridge.polling.specs import Scope
from consumers.purchase_orders.polling import XeroPurchaseOrderChanges
from sandboxes.xero.resources.orders import PURCHASE_ORDER, _render
from tests.support.documents import ready_for_documents
from tests.support.kits import Kit, odoo_admin

XERO_ITEM = "GPO-XERO"  # the item of the orders made in Xero
ODOO_PRODUCT = "GPO-ODOO"  # the product of the orders made in Odoo


class PurchaseOrderKit(Kit):
    entity = "purchase_order"
    xero_collection = "PurchaseOrders"
    xero_id_field = "PurchaseOrderID"
    xero_category = None
    xero_create_method = "POST"  # xero_side.py _save: POST /PurchaseOrders (a retry finds Odoo's number)
    odoo_model = "purchase.order"

    @property
    def xero_attr(self) -> str:
        return "purchase_orders"

    def prepare(self, world: SandboxedBridge) -> None:
        ready_for_documents(world)
        item = {"Code": XERO_ITEM, "Name": "Guarantee item", "PurchaseDetails": {"UnitPrice": 12.5, "TaxType": "INPUT2"}}  # fmt: skip
        response = world.xero_api("PUT", "Items", json={"Items": [item]})
        assert response.status_code == 200, response.text
        world.odoo.env("admin").create(
            "product.product",
            [{"name": "Guarantee product", "default_code": ODOO_PRODUCT, "standard_price": 12.5, "purchase_ok": True}],
        )  # fmt: skip

    def create_in_xero(self, world: SandboxedBridge, name: str) -> str:
        made = world.xero_api(
            "PUT", "Contacts", json={"Contacts": [{"Name": f"Supplier {uuid.uuid4().hex[:8]}"}]}
        )
        assert made.status_code == 200, made.text
        element = {
            "Contact": {"ContactID": made.json()["Contacts"][0]["ContactID"]}, "Date": "2026-11-20",
            "DeliveryDate": "2026-12-07", "LineAmountTypes": "Exclusive", "Reference": name,
            "LineItems": [{"ItemCode": XERO_ITEM, "Description": "Guarantee", "Quantity": 2, "UnitAmount": 12.5, "TaxType": "INPUT2"}],
        }  # fmt: skip
        response = world.xero_api("PUT", self.xero_collection, json={self.xero_collection: [element]})
        assert response.status_code == 200, response.text
        return response.json()[self.xero_collection][0][self.xero_id_field]

    def create_in_odoo(self, world: SandboxedBridge, name: str) -> int:
        admin = world.odoo.env("admin")
        (partner,) = admin.create(
            "res.partner", [{"name": f"Supplier {uuid.uuid4().hex[:8]}", "is_company": True}]
        )
        (product,) = admin.search("product.product", [("default_code", "=", ODOO_PRODUCT)], limit=1)
        (tax,) = admin.search(
            "account.tax", [("type_tax_use", "=", "purchase"), ("amount", "=", 15.0)], limit=1
        )
        line = {"product_id": product, "name": "Guarantee", "product_qty": 2, "price_unit": 12.5,
                "taxes_id": [(6, 0, [tax])], "date_planned": "2026-12-07 12:00:00"}  # fmt: skip
        (order,) = admin.create(
            "purchase.order", [{"partner_id": partner, "partner_ref": name, "order_line": [(0, 0, line)]}]
        )
        return order

    def rename(self, world: SandboxedBridge, source: str, record_id: str, name: str) -> None:
        if source == "xero":
            element = {self.xero_id_field: record_id, "Reference": name}
            response = world.xero_api(
                "POST", f"{self.xero_collection}/{record_id}", json={self.xero_collection: [element]}
            )
            assert response.status_code == 200, response.text
        else:
            world.odoo.env("admin").write(self.odoo_model, [int(record_id)], {"partner_ref": name})

    def ids(self, world: SandboxedBridge, side: str, name: str) -> list[str]:
        """Read from the sandboxes directly: reads in a loop would spend the tenant's 60 Xero calls a
        minute, which the bridge's calls share."""
        if side == "xero":
            org = world.xero.org()
            with org.lock:
                rows = org.purchase_orders.values()
                return sorted(str(r[self.xero_id_field]) for r in rows if r.get("Reference") == name)
        rows = odoo_admin(world).search_read(self.odoo_model, [("partner_ref", "=", name)], ["id"])
        return sorted(str(r["id"]) for r in rows)

    # ------------------------------------------------------------------ what the bridge hears

    def _poll_envelope(self, world: SandboxedBridge, record_id: str) -> Event:
        """What the purchase-order poller publishes for the order as Xero lists it now: the poller's
        own code (XeroPurchaseOrderChanges.changes and .envelope) on the order's row, rendered by the
        sandbox as GET /PurchaseOrders answers it."""
        org = world.xero.org()
        with org.lock:
            row = _render(org, PURCHASE_ORDER, org.purchase_orders[record_id])
        spec = XeroPurchaseOrderChanges()
        spec.rows = lambda scope, since: [row]  # type: ignore[method-assign]  # the listing: this row
        scope = Scope(
            connection_id=world.connection_id,
            tenant_id=world.xero.tenants[0].tenant_id,
            company_id=None,
            created_at=now(),
        )
        (change,) = spec.changes(scope, datetime.min.replace(tzinfo=UTC))
        return spec.envelope(scope, change, now())

    def announce(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        if source == "xero":  # what the scheduler's purchase-order poll publishes
            _publish(world, self._poll_envelope(world, record_id))

    def redeliver(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        if source == "xero":  # a later poll round sees the same change: the same envelope again
            _publish(world, self._poll_envelope(world, record_id))
        else:
            super().redeliver(world, source, record_id)

    def envelope(self, world: SandboxedBridge, source: str, record_id: str, key: str | None = None) -> Event:
        if source != "xero":
            return super().envelope(world, source, record_id, key)
        event = self._poll_envelope(world, record_id)
        return replace(event, dedupe_key=key) if key else event


def _publish(world: SandboxedBridge, event: Event) -> None:
    from tests.support.kits import publish  # kits.py imports this module before it defines publish

    publish(world, event)


KIT = PurchaseOrderKit()
