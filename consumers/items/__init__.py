"""Xero Item ⇄ Odoo product variant (product.product): code, name, descriptions, sales and purchase
price, account and tax on each side, tracked vs untracked — both ways. Xero sends no webhooks for items
(xero-facts §1): their Xero changes come from the poller (If-Modified-Since).

Decisions (each with its source):
- Binding on product.product: an invoice line names an item by Code, which is a variant's default_code;
  a template with several variants is one Xero item per variant.
- Code ⇄ default_code. Xero requires a unique Code ≤ 30 (spec Item.Code maxLength; xero-facts §8); a
  product without one gets the Code ODOO-<company>-<product id> in Xero (deterministic, like contacts'
  ContactNumber) and its default_code stays empty in Odoo. Xero's Code is matched first when binding.
- Name ≤ 50 in Xero (spec Item.Name maxLength 50; Xero refuses longer): a longer Odoo name is cut to 50
  in Xero, only the first 50 characters are compared, and the Odoo name keeps its tail unless the name
  is changed in Xero.
- Tracked: a storable product (16/17 detailed_type 'product', 18+ is_storable) whose category values
  stock automatically (property_valuation 'real_time') ⇄ a Xero item with InventoryAssetAccountCode
  (type INVENTORY) and PurchaseDetails.COGSAccountCode. Xero items imported into Odoo go to the
  "Tracked Category" (real_time valuation) or the "Untracked Category" (odoo_side.py).
- QuantityOnHand, TotalCostPool and IsTrackedAsInventory are read-only in Xero: never sent.
- Archived: Xero items have no archived state (the spec's Item has no Status; the API only DELETEs,
  refused for a tracked item with transactions). An Odoo product archived leaves its Xero item as it
  is (deleting would be irreversible and lose it from Xero's lists); a product deleted in Odoo deletes
  the Xero item (Odoo's deletion poll / webhook), and Xero's refusal goes to the mismatch log.
"""

from __future__ import annotations

from bridge.entities import Entity
from bridge.odoo.setup import Hook
from consumers.framework.translator import SyncTranslator

NAME = "item"
# What a user edits on a product that Xero holds (the template fields come through _inherits).
PRODUCT_TRIGGERS = (
    "name", "default_code", "description_sale", "description_purchase", "list_price", "standard_price",
    "taxes_id", "supplier_taxes_id", "property_account_income_id", "property_account_expense_id",
    "categ_id", "detailed_type", "is_storable", "type", "active",
)  # fmt: skip


def _translators() -> list:
    from consumers.items.odoo_side import OdooProducts
    from consumers.items.xero_side import XeroItems

    xero, odoo = XeroItems(), OdooProducts()
    return [SyncTranslator(NAME, xero, odoo), SyncTranslator(NAME, odoo, xero)]


def _pollers() -> list:
    from consumers.items.polling import OdooProductChanges, OdooTemplateChanges, XeroItemChanges

    return [XeroItemChanges(), OdooProductChanges(), OdooTemplateChanges()]


def _deletions() -> list:
    from bridge.polling.deletions import DeletionSpec

    return [DeletionSpec(NAME, "product.product")]


def _bulk(ctx, connection_id: str, progress=None):
    from consumers.items.bulk import ItemBulk

    return ItemBulk(ctx, connection_id, progress)


ENTITY = Entity(
    name=NAME,
    group="products",
    xero_model="Item",
    odoo_model="product.product",
    depends_on=("account", "tax_rate"),
    odoo_hooks=(Hook("product.product", PRODUCT_TRIGGERS),),
    translators=_translators,
    pollers=_pollers,
    deletions=_deletions,
    bulk=_bulk,
)
