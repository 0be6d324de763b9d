"""Xero's side of items: GET/POST /Items (xero-facts §8 Items), with unitdp=4 so prices keep 4 decimals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bridge.errors import PermanentError
from bridge.xero.client import XeroClient
from consumers.base import Context
from consumers.framework.scope import Scope
from consumers.framework.sides import Side
from consumers.items.canonical import CODE_MAX, Item, from_xero, to_xero
from consumers.items.refs import Refs, chart

PRICES = {"unitdp": 4}  # xero-facts §5: Items take unitdp=4 (UnitPrice at 4 decimals instead of 2)
DEPENDENCIES = "_dependencies"  # what canonical() found the item refers to (Side.dependencies reads it)


@dataclass
class XeroHandle:
    xero: XeroClient
    refs: Refs


def get_item(xero: XeroClient, item_id: str) -> dict | None:
    """GET /Items/{ItemID}, None when there is none (404)."""
    try:
        body = xero.get(f"Items/{item_id}", PRICES)
    except PermanentError as exc:
        if exc.details.get("status") == 404:
            return None
        raise
    items = body.get("Items") or []
    return items[0] if items else None


def item_by_code(xero: XeroClient, code: str) -> dict | None:
    """The item with this Code (unique in Xero, compared case-insensitively as Xero's uniqueness check
    does), by a `where` filter (xero-facts §5): the spec types GET /Items/{ItemID} as a UUID only."""
    if '"' in code or "\\" in code:  # not expressible in a where literal: read the list
        rows = xero.get("Items", PRICES).get("Items") or []
    else:
        rows = xero.get("Items", {**PRICES, "where": f'Code=="{code}"'}).get("Items") or []
    same = [r for r in rows if (r.get("Code") or "").lower() == code.lower()]
    return same[0] if same else None


def inventory_account(xero: XeroClient) -> str | None:
    """The organisation's inventory asset account when it has exactly one (Xero requires an account of
    type INVENTORY on a tracked item, xero-facts §8): the default for a tracked Odoo product whose
    category names no valuation account."""
    accounts = [
        a for a in chart(xero) if a.get("Type") == "INVENTORY" and a.get("Status", "ACTIVE") == "ACTIVE"
    ]
    return accounts[0].get("Code") if len(accounts) == 1 else None


class XeroItems(Side):
    system = "xero"
    label = "Xero item"
    model = "Items"

    def client(self, ctx: Context, scope: Scope) -> XeroHandle:
        xero = ctx.services["xero"].for_connection(scope.connection_id)
        return XeroHandle(xero, Refs(ctx, scope.connection_id, lambda: xero))

    def fetch(self, client: XeroHandle, record_id: str) -> dict | None:
        return get_item(client.xero, record_id)

    def record_id(self, record: dict) -> str:
        return record["ItemID"]

    def name(self, record: dict) -> str | None:
        return record.get("Name") or record.get("Code")

    def canonical(self, client: XeroHandle, record: dict) -> Item:
        item = from_xero(record)
        refs: list[tuple[str, Any]] = []
        for code in (item.sale_account, item.purchase_account, item.inventory_account):
            account_id = client.refs.account_id_of_code(code) if code else None
            if account_id is not None:
                refs.append(("account", account_id))
        refs += [("tax_rate", t) for t in (item.sale_tax, item.purchase_tax) if t]
        record[DEPENDENCIES] = refs
        return item

    def dependencies(self, record: dict, canonical: Item) -> list[tuple[str, Any]]:
        """Its accounts (by AccountID) and tax rates (by TaxType): bound, or synced first."""
        return list(record.get(DEPENDENCIES) or [])

    def find(self, client: XeroHandle, scope: Scope, c: Item, product_id: int) -> str | None:
        """Xero's item Code is unique (xero-facts §8): the same Code is the same item."""
        found = item_by_code(client.xero, c.code) if c.code else None
        return found["ItemID"] if found is not None else None

    def element(self, client: XeroHandle, c: Item) -> dict:
        if len(c.code) > CODE_MAX:  # Xero refuses it (the spec's Item.Code: maxLength 30)
            raise PermanentError(
                f"the internal reference {c.code!r} is longer than Xero's item codes ({CODE_MAX} characters)"
            )
        refs = client.refs
        resolved = Item(
            **{
                **c.__dict__,
                "sale_account": refs.xero_ref(c.sale_account, "account"),
                "purchase_account": refs.xero_ref(c.purchase_account, "account"),
                "inventory_account": refs.xero_ref(c.inventory_account, "account"),
                "sale_tax": refs.xero_ref(c.sale_tax, "tax_rate"),
                "purchase_tax": refs.xero_ref(c.purchase_tax, "tax_rate"),
            }
        )
        return to_xero(resolved)

    def create(self, client: XeroHandle, scope: Scope, c: Item, product_id: int, key: str) -> dict:
        """POST upserts by Code (xero-facts §8): a retry after a lost answer updates the item it made."""
        return self._save(client, self.element(client, c), key)

    def update(self, client: XeroHandle, scope: Scope, item_id: str, c: Item, before: Item, key: str) -> dict:
        return self._save(client, self.element(client, c) | {"ItemID": item_id}, key)

    def other_gone(self, client: XeroHandle, scope: Scope, item_id: str, key: str) -> dict | None:
        """A product deleted in Odoo: the item is deleted in Xero (Items have DELETE and no archive;
        Xero refuses it for a tracked item with transactions — that refusal goes to the mismatch log)."""
        if get_item(client.xero, item_id) is not None:
            client.xero.request("DELETE", f"Items/{item_id}", ok_statuses=(200, 204))
        return None

    @staticmethod
    def _save(client: XeroHandle, element: dict, key: str) -> dict:
        (result,) = client.xero.save("Items", [element], key=key, method="POST", params=PRICES)
        if not result.ok:
            raise PermanentError(
                "Xero ValidationException: " + "; ".join(result.errors), details={"messages": result.errors}
            )
        return result.record
