"""The guarantee suite's kit for tax rates (consumers/tax_rates): Xero TaxRates ⇄ Odoo account.tax."""

from __future__ import annotations

from bridge.cli.sandboxed import SandboxedBridge
from bridge.events import Event
from tests.support.kits import Kit


def publish(world: SandboxedBridge, event: Event) -> None:
    """tests.support.kits.publish (defined after the kits are loaded, so not importable from here)."""
    from bridge.broker.publisher import Outgoing

    world.runtime.publisher.publish([Outgoing.of(event)])


class TaxRateKit(Kit):
    entity = "tax_rate"
    xero_collection = "TaxRates"
    xero_id_field = "TaxType"
    xero_category = None  # no webhooks for tax rates (xero-facts §1): the TaxRates poller reports them
    xero_create_method = "PUT"
    odoo_model = "account.tax"

    @property
    def xero_attr(self) -> str:
        return "tax_rates"

    def create_in_xero(self, world: SandboxedBridge, name: str) -> str:
        element = {"Name": name, "ReportTaxType": "OUTPUT", "TaxComponents": [{"Name": "Tax", "Rate": 3.5}]}
        response = world.xero_api("PUT", "TaxRates", json={"TaxRates": [element]})
        assert response.status_code == 200, response.text
        return response.json()["TaxRates"][0]["TaxType"]

    def create_in_odoo(self, world: SandboxedBridge, name: str) -> int:
        (tax,) = world.odoo.env("admin").create(
            "account.tax", [{"name": name, "amount": 3.5, "type_tax_use": "sale"}]
        )
        return tax

    def rename(self, world: SandboxedBridge, source: str, record_id: str, name: str) -> None:
        if source == "xero":  # Xero has no POST /TaxRates/{TaxType}: POST /TaxRates names it by TaxType
            response = world.xero_api(
                "POST", "TaxRates", json={"TaxRates": [{"TaxType": record_id, "Name": name}]}
            )
            assert response.status_code == 200, response.text
        else:
            super().rename(world, source, record_id, name)

    def ids(self, world: SandboxedBridge, side: str, name: str) -> list[str]:
        if side == "xero":  # a deleted rate is no rate for Xero's users
            org = world.xero.org()
            with org.lock:
                rates = org.tax_rates.values()
                return sorted(r["TaxType"] for r in rates if r["Name"] == name and r["Status"] != "DELETED")
        return super().ids(world, side, name)

    def _poll_envelope(self, world: SandboxedBridge, record_id: str) -> Event:
        """What the TaxRates hash poller publishes: one key per rate and content."""
        org = world.xero.org()
        with org.lock:
            rate = org.tax_rates[record_id]
            state = f"{rate['Name']}|{rate['Status']}"
        return self.envelope(world, "xero", record_id, key=f"poll|xero|TaxRate|{record_id}|{state}")

    def announce(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        if source == "xero":
            publish(world, self._poll_envelope(world, record_id))

    def redeliver(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        if source == "xero":
            publish(world, self._poll_envelope(world, record_id))
        else:
            super().redeliver(world, source, record_id)


KIT = TaxRateKit()
