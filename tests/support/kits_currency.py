"""The guarantee suite's kit for currencies (consumers/currencies): Xero Currencies ⇄ Odoo res.currency.

A currency is named by its ISO code on both sides, so the suite's record names stand for codes: each
name gets one of the currencies the sandboxes' default world has on one side only (Xero NZ: NZD only;
Odoo: GBP and NZD inactive), and `ids` answers for the code under its name. Nothing of a currency can
be renamed (its code is its identity, and Xero's API cannot update a currency), so the one guarantee
that edits a record between a crash and its redelivery does not apply: `rename` skips it, saying so.
"""

from __future__ import annotations

import pytest

from bridge.cli.sandboxed import SandboxedBridge
from bridge.events import Event
from tests.support.kits import Kit, odoo_admin


def odoo_can_activate_currencies(world: SandboxedBridge) -> bool:
    """Odoo's account managers may write res.currency (addons/account/security/ir.model.access.csv,
    access_res_currency_account_manager); the sandbox lets Settings only (/tmp/brief/odoo-needs.md)."""
    from bridge.config import OdooSettings
    from bridge.odoo.client import OdooClient

    odoo = world.odoo
    settings = OdooSettings(
        url=odoo.url, db=odoo.db_name, username=odoo.bridge_login, api_key=odoo.bridge_api_key
    )
    client = OdooClient.connect(settings)
    return bool(client.call("res.currency", "check_access_rights", "write", raise_exception=False))


def publish(world: SandboxedBridge, event: Event) -> None:
    """tests.support.kits.publish (defined after the kits are loaded, so not importable from here)."""
    from bridge.broker.publisher import Outgoing

    world.runtime.publisher.publish([Outgoing.of(event)])


class CurrencyKit(Kit):
    entity = "currency"
    xero_collection = "Currencies"
    xero_id_field = "Code"
    xero_category = None  # no webhooks for currencies (xero-facts §1): the Currencies poller reports them
    xero_create_method = "PUT"
    odoo_model = "res.currency"
    odoo_load_methods = ("write",)  # Odoo has every currency: the importer activates one

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}  # a record name of the suite → the currency it stands for

    @property
    def xero_attr(self) -> str:
        return "currencies"

    def code(self, name: str) -> str:
        return self.codes.setdefault(name, "GBP")  # in neither system's list yet (Odoo has it inactive)

    def create_in_xero(self, world: SandboxedBridge, name: str) -> str:
        if not odoo_can_activate_currencies(world):
            pytest.skip("the Odoo sandbox lets only Settings write res.currency (Odoo: account managers too)")
        code = self.code(name)
        response = world.xero_api("PUT", "Currencies", json={"Currencies": [{"Code": code}]})
        assert response.status_code == 200, response.text
        return code

    def create_in_odoo(self, world: SandboxedBridge, name: str) -> int:
        code = self.code(name)
        admin = world.odoo.env("admin")
        (currency,) = odoo_admin(world).search("res.currency", [("name", "=", code)])
        admin.write("res.currency", [currency], {"active": True})
        return currency

    def rename(self, world: SandboxedBridge, source: str, record_id: str, name: str) -> None:
        pytest.skip("a currency has nothing to rename: its ISO code is its identity on both sides")

    def ids(self, world: SandboxedBridge, side: str, name: str) -> list[str]:
        """The currency `name` stands for, when that side has it enabled (Xero: listed; Odoo: active)."""
        if name not in self.codes:
            return []
        code = self.codes[name]
        if side == "xero":
            org = world.xero.org()
            with org.lock:
                return [code] if code in org.currencies else []
        rows = odoo_admin(world).search_read("res.currency", [("name", "=", code)], ["active"])
        return [str(r["id"]) for r in rows if r["active"]]

    def version(self, world: SandboxedBridge, side: str, record_id: str) -> object:
        if side == "xero":
            org = world.xero.org()
            with org.lock:
                return dict(org.currencies[record_id])
        (row,) = odoo_admin(world).read("res.currency", [int(record_id)], ["write_date", "active"])
        return row

    def _poll_envelope(self, world: SandboxedBridge, record_id: str) -> Event:
        return self.envelope(world, "xero", record_id, key=f"poll|xero|Currency|{record_id}|update")

    def announce(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        if source == "xero":
            publish(world, self._poll_envelope(world, record_id))

    def redeliver(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        if source == "xero":
            publish(world, self._poll_envelope(world, record_id))
        else:
            super().redeliver(world, source, record_id)


KIT = CurrencyKit()
