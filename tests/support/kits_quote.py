"""The guarantee suite's kit for quotes (consumers/quotes): Xero Quotes ⇄ Odoo sale.order.

A quote has no name: the kit names it by its reference (Xero Reference ⇄ Odoo client_order_ref,
consumers/quotes/canonical.py), which a user "renames". Xero sends no webhooks for quotes (xero-facts
§1): what the bridge hears of a Xero quote is the poller's envelope (consumers/quotes/polling.py
XeroQuoteChanges). An Odoo order line needs a product (sale_order_line.py): each world gets one product,
made on both sides and bound as the items' sync would have bound it, so a quote's line needs no item
sync of its own."""

from __future__ import annotations

import uuid

from bridge.cli.sandboxed import SandboxedBridge
from bridge.events import Event
from bridge.polling.stamps import parse_xero_updated
from bridge.store import bindings
from sandboxes.xero.store import public
from tests.support.documents import ready_for_documents
from tests.support.kits import Kit, odoo_admin

PRODUCT_CODE = "GQ-1"
PRODUCT_NAME = "Guarantee product"
PRICE = 12.5


class QuoteKit(Kit):
    entity = "quote"
    xero_collection = "Quotes"
    xero_id_field = "QuoteID"
    xero_category = None
    xero_create_method = "POST"  # the exporter creates with POST (consumers/quotes/xero_side.py _save)
    odoo_model = "sale.order"

    @property
    def xero_attr(self) -> str:
        return "quotes"

    def prepare(self, world: SandboxedBridge) -> None:
        """Documents' world (USD bases, OUTPUT2 ⇄ Odoo's 15 % sale tax), and the product every line sells:
        an Odoo product and a Xero item of one code, bound."""
        ready_for_documents(world)
        item = {"Code": PRODUCT_CODE, "Name": PRODUCT_NAME, "SalesDetails": {"UnitPrice": PRICE}}
        response = world.xero_api("PUT", "Items", json={"Items": [item]})
        assert response.status_code == 200, response.text
        values = {"name": PRODUCT_NAME, "default_code": PRODUCT_CODE, "list_price": PRICE,
                  "taxes_id": [(6, 0, [])]}  # fmt: skip
        (product,) = world.odoo.env("admin").create("product.product", [values])
        with world.runtime.db.session() as session:
            bindings.bind(
                session, world.connection_id, "item",
                xero_id=response.json()["Items"][0]["ItemID"], odoo_id=product,
            )  # fmt: skip

    def create_in_xero(self, world: SandboxedBridge, name: str) -> str:
        made = world.xero_api(
            "PUT", "Contacts", json={"Contacts": [{"Name": f"Buyer {uuid.uuid4().hex[:8]}"}]}
        )
        assert made.status_code == 200, made.text
        element = {
            "Contact": {"ContactID": made.json()["Contacts"][0]["ContactID"]},
            "Date": "2026-11-20", "ExpiryDate": "2026-12-20", "Reference": name, "LineAmountTypes": "EXCLUSIVE",
            "LineItems": [{"ItemCode": PRODUCT_CODE, "Description": "Guarantee", "Quantity": 2,
                           "UnitAmount": PRICE, "TaxType": "OUTPUT2"}],
        }  # fmt: skip
        response = world.xero_api("PUT", "Quotes", params={"unitdp": 4}, json={"Quotes": [element]})
        assert response.status_code == 200, response.text
        return response.json()["Quotes"][0]["QuoteID"]

    def create_in_odoo(self, world: SandboxedBridge, name: str) -> int:
        admin = world.odoo.env("admin")
        (partner,) = admin.create(
            "res.partner", [{"name": f"Buyer {uuid.uuid4().hex[:8]}", "is_company": True}]
        )
        (product,) = admin.search("product.product", [("default_code", "=", PRODUCT_CODE)], limit=1)
        (tax,) = admin.search("account.tax", [("type_tax_use", "=", "sale"), ("amount", "=", 15.0)], limit=1)
        line = {"product_id": product, "name": "Guarantee", "product_uom_qty": 2, "price_unit": PRICE,
                "tax_id": [(6, 0, [tax])]}  # fmt: skip
        values = {"partner_id": partner, "client_order_ref": name, "validity_date": "2026-12-20",
                  "order_line": [(0, 0, line)]}  # fmt: skip
        (order,) = admin.create("sale.order", [values])
        return order

    def rename(self, world: SandboxedBridge, source: str, record_id: str, name: str) -> None:
        if source == "xero":
            element = {"QuoteID": record_id, "Reference": name}
            response = world.xero_api("POST", f"Quotes/{record_id}", json={"Quotes": [element]})
            assert response.status_code == 200, response.text
        else:
            world.odoo.env("admin").write(self.odoo_model, [int(record_id)], {"client_order_ref": name})

    def ids(self, world: SandboxedBridge, side: str, name: str) -> list[str]:
        """Read from the sandboxes' stores: reads through Xero's API would spend the tenant's budget."""
        if side == "xero":
            org = world.xero.org()
            with org.lock:
                return sorted(q["QuoteID"] for q in org.quotes.values() if q.get("Reference") == name)
        rows = odoo_admin(world).search_read(self.odoo_model, [("client_order_ref", "=", name)], ["id"])
        return sorted(str(r["id"]) for r in rows)

    def _poll_envelope(self, world: SandboxedBridge, record_id: str) -> Event:
        """What the quotes poller publishes for the quote as it is now: its key is the quote's
        UpdatedDateUTC as Xero serves it, to the millisecond (bridge/polling/specs.py XeroModifiedSinceSpec)."""
        org = world.xero.org()
        with org.lock:
            served = public(org.quotes[record_id])["UpdatedDateUTC"]
        stamp = parse_xero_updated(served).isoformat(timespec="milliseconds")
        tenant = world.xero.tenants[0].tenant_id
        return self.envelope(world, "xero", record_id, key=f"poll|xero|{tenant}|Quote|{record_id}|{stamp}")

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


KIT = QuoteKit()
