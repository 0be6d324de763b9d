"""The connection's inventory account: the seed's "Use as inventory in Xero" flag on one Odoo account.

It is the Odoo account (per connection, so per company) that stands for Xero's inventory asset
account: exported, it becomes a Xero account of Type INVENTORY (what a tracked item's
InventoryAssetAccountCode must name, xero-facts §8 Items); a Xero INVENTORY account imported first
sets it. The items entity reads it with `inventory_account()`."""

from __future__ import annotations

from typing import Any

from bridge.store.connection_values import get_id, set_id

KEY = "account:inventory_account"


def inventory_account(db: Any, connection_id: str) -> int | None:
    """The Odoo account.account id used as the inventory asset account in Xero, or None."""
    return get_id(db, connection_id, KEY)


def set_inventory_account(db: Any, connection_id: str, account_id: int | None) -> None:
    """Mark one Odoo account as the inventory account (None: none). Applies to the next sync of it."""
    set_id(db, connection_id, KEY, account_id)
