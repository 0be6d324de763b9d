"""An item in neutral form: Xero Item ⇄ Odoo product variant (product.product).

Accounts and taxes are named as Xero names them on an item — an account by its Code, a tax rate by its
TaxType — because that is what an item carries in Xero (xero-facts §8 Items: SalesDetails /
PurchaseDetails {UnitPrice, AccountCode, COGSAccountCode, TaxType}). The Odoo side turns its account
and tax ids into those names through the account and tax_rate entities' bindings (consumers/items/refs.py);
an Odoo account or tax not bound yet is named `odoo:<id>` until its dependency sync binds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from bridge.money import float_round
from consumers.framework.canonical import Canonical

# Xero Item.Code ≤ 30 and Item.Name ≤ 50 characters (Xero's OpenAPI, components.schemas.Item: maxLength).
CODE_MAX = 30
NAME_MAX = 50
# Prices travel at 4 decimals: Xero keeps UnitPrice at 2 unless asked with unitdp=4 (xero-facts §5,
# the spec's Purchase.UnitPrice description); the bridge reads and writes items with unitdp=4.
PRICE_DIGITS = 4
UNBOUND = "odoo:"  # an Odoo account/tax id whose Xero counterpart is not bound yet


@dataclass(frozen=True)
class Item(Canonical):
    code: str
    name: str  # the first 50 characters: what Xero can hold (an Odoo name keeps its tail in Odoo)
    description: str | None = None  # Xero Description = the sales description (Odoo description_sale)
    purchase_description: str | None = None
    sale_price: Decimal | None = None  # Xero SalesDetails.UnitPrice ⇄ Odoo list_price
    purchase_price: Decimal | None = None  # Xero PurchaseDetails.UnitPrice ⇄ Odoo standard_price (cost)
    sale_account: str | None = None  # Xero account Code
    sale_tax: str | None = None  # Xero TaxType
    purchase_account: str | None = None  # untracked: PurchaseDetails.AccountCode; tracked: COGSAccountCode
    purchase_tax: str | None = None
    tracked: bool = False  # Xero tracked inventory ⇄ Odoo storable product with automated valuation
    inventory_account: str | None = None  # Xero InventoryAssetAccountCode (tracked items only)
    # Xero items have no archived state (the spec's Item has no Status; the API only deletes): carried
    # for the Odoo side, not compared, never sent (consumers/items/__init__.py).
    active: bool = field(default=True, metadata={"hash": False})


def text(value: object) -> str | None:
    """Odoo's False and Xero's empty string are both "no value"."""
    if value is None or value is False:
        return None
    result = str(value).strip()
    return result or None


def price(value: object) -> Decimal | None:
    if value is None or value is False or value == "":
        return None
    rounded = float_round(value, precision_digits=PRICE_DIGITS)
    # one spelling per amount on both sides: 12.5 not 12.5000, 100 not 1E+2
    return rounded.quantize(Decimal(1)) if rounded == rounded.to_integral() else rounded.normalize()


def short_name(name: object) -> str:
    return (text(name) or "")[:NAME_MAX].rstrip()


def from_xero(item: dict) -> Item:
    sales = item.get("SalesDetails") or {}
    purchase = item.get("PurchaseDetails") or {}
    tracked = bool(item.get("InventoryAssetAccountCode"))
    return Item(
        code=text(item.get("Code")) or "",
        name=short_name(item.get("Name")),
        description=text(item.get("Description")),
        purchase_description=text(item.get("PurchaseDescription")),
        sale_price=price(sales.get("UnitPrice")),
        purchase_price=price(purchase.get("UnitPrice")),
        sale_account=text(sales.get("AccountCode")),
        sale_tax=text(sales.get("TaxType")),
        # a tracked item's purchases go to its COGS account ("AccountCode … not applicable to the
        # purchase details of tracked items", the spec's Purchase.AccountCode)
        purchase_account=text(purchase.get("COGSAccountCode") if tracked else purchase.get("AccountCode")),
        purchase_tax=text(purchase.get("TaxType")),
        tracked=tracked,
        inventory_account=text(item.get("InventoryAssetAccountCode")) if tracked else None,
    )


def to_xero(c: Item) -> dict:
    """The Item element for PUT/POST /Items: only writable fields (IsTrackedAsInventory, QuantityOnHand
    and TotalCostPool are read-only, xero-facts §8; sending them would be a value Xero ignores)."""
    sales: dict = {}
    purchase: dict = {}
    if c.sale_price is not None:
        sales["UnitPrice"] = c.sale_price
    if c.sale_account:
        sales["AccountCode"] = c.sale_account
    if c.sale_tax:
        sales["TaxType"] = c.sale_tax
    if c.purchase_price is not None:
        purchase["UnitPrice"] = c.purchase_price
    if c.purchase_account:
        purchase["COGSAccountCode" if c.tracked else "AccountCode"] = c.purchase_account
    if c.purchase_tax:
        purchase["TaxType"] = c.purchase_tax
    element: dict = {
        "Code": c.code,
        "Name": c.name,
        "Description": c.description or "",
        "PurchaseDescription": c.purchase_description or "",
        "SalesDetails": sales,
        "PurchaseDetails": purchase,
    }
    if c.tracked and c.inventory_account:
        element["InventoryAssetAccountCode"] = c.inventory_account
    return element
