"""The connection's inventory account: the seed's "Use as inventory in Xero" flag on one Odoo account.

It is the Odoo account (per connection, so per company) that stands for Xero's inventory asset
account: exported, it becomes a Xero account of Type INVENTORY (what a tracked item's
InventoryAssetAccountCode must name, xero-facts §8 Items); a Xero INVENTORY account imported first
sets it. The items entity reads it with `inventory_account()`. Kept in the store's small key table
(the one bulk checkpoints use), under source "setting"."""

from __future__ import annotations

from typing import Any

from bridge.store.models import Watermark, utcnow

SOURCE = "setting"
KEY = "account:inventory_account"


def inventory_account(db: Any, connection_id: str) -> int | None:
    """The Odoo account.account id used as the inventory asset account in Xero, or None."""
    with db.session() as session:
        row = session.get(Watermark, (connection_id, SOURCE, KEY))
        return int(row.value) if row is not None and row.value else None


def set_inventory_account(db: Any, connection_id: str, account_id: int | None) -> None:
    """Mark one Odoo account as the inventory account (None: none). Applies to the next sync of it."""
    with db.session() as session:
        row = session.get(Watermark, (connection_id, SOURCE, KEY))
        if account_id is None:
            if row is not None:
                session.delete(row)
            return
        if row is None:
            session.add(
                Watermark(connection_id=connection_id, source=SOURCE, entity=KEY, value=str(account_id))
            )
        else:
            row.value, row.updated_at = str(account_id), utcnow()
