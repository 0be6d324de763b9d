"""The bank_account entity's kit for the delivery-guarantee suite (tests/test_guarantees.py).

Xero BANK accounts ⇄ Odoo bank journals. Xero sends no webhook for accounts (xero-facts §1): the
poller's envelope is what `announce` and `redeliver` publish. The sandboxes' Xero organisation keeps
NZD and the Odoo company USD: the kit's bank accounts are in NZD, which it activates in Odoo first
(as a user enabling the currency would)."""

from __future__ import annotations

import uuid

from bridge.cli.sandboxed import SandboxedBridge
from bridge.events import Event
from tests.support.kits import Kit


def publish(world: SandboxedBridge, event: Event) -> None:
    """tests.support.kits.publish (defined after the kits are loaded, so not importable from here)."""
    from bridge.broker.publisher import Outgoing

    world.runtime.publisher.publish([Outgoing.of(event)])


def _number() -> str:
    return f"02-0{uuid.uuid4().int % 10**4:04d}-{uuid.uuid4().int % 10**7:07d}-00"


def _nzd(world: SandboxedBridge) -> int:
    admin = world.odoo.env("admin").with_context(active_test=False)
    (currency,) = admin.search("res.currency", [("name", "=", "NZD")])
    admin.write("res.currency", [currency], {"active": True})
    return currency


class BankAccountKit(Kit):
    entity = "bank_account"
    xero_collection = "Accounts"
    xero_id_field = "AccountID"
    xero_category = None  # no Xero webhook: the poller reports accounts
    xero_create_method = "PUT"
    odoo_model = "account.journal"

    @property
    def xero_attr(self) -> str:
        return "accounts"

    def create_in_xero(self, world: SandboxedBridge, name: str) -> str:
        _nzd(world)
        element = {"Type": "BANK", "Name": name, "BankAccountNumber": _number()}
        response = world.xero_api("PUT", "Accounts", json={"Accounts": [element]})
        assert response.status_code == 200, response.text
        return response.json()["Accounts"][0]["AccountID"]

    def create_in_odoo(self, world: SandboxedBridge, name: str) -> int:
        vals = {"name": name, "type": "bank", "bank_acc_number": _number(), "currency_id": _nzd(world)}
        (journal,) = world.odoo.env("admin").create("account.journal", [vals])
        return journal

    def _poll_envelope(self, world: SandboxedBridge, record_id: str) -> Event:
        org = world.xero.org()
        with org.lock:
            stamp = org.accounts[record_id]["_updated"]
        return self.envelope(world, "xero", record_id, key=f"poll|xero|BankAccount|{record_id}|{stamp}")

    def announce(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        if source == "xero":
            publish(world, self._poll_envelope(world, record_id))

    def redeliver(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        if source == "xero":
            publish(world, self._poll_envelope(world, record_id))
        else:
            super().redeliver(world, source, record_id)


KIT = BankAccountKit()
