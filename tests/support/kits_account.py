"""The account entity's kit for the delivery-guarantee suite (tests/test_guarantees.py).

Xero sends no webhook for accounts (xero-facts §1): the bridge hears of a Xero account through its
poller, whose envelope is what `announce` and `redeliver` publish (one key per account and
UpdatedDateUTC, as consumers/accounts/polling.py builds it). Odoo's come from its webhook rule."""

from __future__ import annotations

import uuid

from bridge.cli.sandboxed import SandboxedBridge
from bridge.events import Event
from tests.support.kits import Kit


def publish(world: SandboxedBridge, event: Event) -> None:
    """tests.support.kits.publish (defined after the kits are loaded, so not importable from here)."""
    from bridge.broker.publisher import Outgoing

    world.runtime.publisher.publish([Outgoing.of(event)])


def _code() -> str:
    return "G" + uuid.uuid4().hex[:6].upper()


class AccountKit(Kit):
    entity = "account"
    xero_collection = "Accounts"
    xero_id_field = "AccountID"
    xero_category = None  # no Xero webhook: the poller reports accounts
    xero_create_method = "PUT"  # PUT /Accounts creates (one account per request)
    odoo_model = "account.account"

    @property
    def xero_attr(self) -> str:
        return "accounts"

    def create_in_xero(self, world: SandboxedBridge, name: str) -> str:
        element = {"Code": _code(), "Name": name, "Type": "EXPENSE"}
        response = world.xero_api("PUT", "Accounts", json={"Accounts": [element]})
        assert response.status_code == 200, response.text
        return response.json()["Accounts"][0]["AccountID"]

    def create_in_odoo(self, world: SandboxedBridge, name: str) -> int:
        (account,) = world.odoo.env("admin").create(
            "account.account", [{"name": name, "code": _code(), "account_type": "expense"}]
        )
        return account

    def _poll_envelope(self, world: SandboxedBridge, record_id: str) -> Event:
        org = world.xero.org()
        with org.lock:
            stamp = org.accounts[record_id]["_updated"]
        return self.envelope(world, "xero", record_id, key=f"poll|xero|Account|{record_id}|{stamp}")

    def announce(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        if source == "xero":  # what the scheduler's Accounts poll publishes
            publish(world, self._poll_envelope(world, record_id))

    def redeliver(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        if source == "xero":  # a later poll round sees the same change again
            publish(world, self._poll_envelope(world, record_id))
        else:
            super().redeliver(world, source, record_id)


KIT = AccountKit()
