"""Odoo's side of items: one product variant (product.product) per Xero item.

The binding is on the variant because Xero's item is what an invoice line names by its Code, and in
Odoo that is the variant's default_code (a template with several variants has one default_code per
variant: each is one Xero item). Template fields (name, prices, taxes, accounts, category) are read and
written through the variant, as Odoo's `_inherits` does.

The fields differ per version (odoo-facts §3.7) and per installed module: a storable product is
16/17 `detailed_type='product'`, 18+ `type='consu'` with `is_storable`; the bridge reads and writes only
the fields the model has (fields_get).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bridge.errors import PermanentError
from bridge.odoo.client import OdooClient, xmlid_name
from consumers.accounts.settings import inventory_account as connection_inventory_account
from consumers.base import Context
from consumers.contacts.lookups import like_literal
from consumers.framework.matching import Candidate, refuse_ambiguous
from consumers.framework.scope import Scope
from consumers.framework.sides import Side
from consumers.items.canonical import CODE_MAX, Item, price, short_name, text
from consumers.items.refs import Refs
from consumers.items.settings import LABELS, import_category
from consumers.items.xero_side import DEPENDENCIES, inventory_account

PRODUCT = "product.product"
CATEGORY = "product.category"
# What the bridge reads of a variant (those the model has): template fields come through _inherits.
PRODUCT_FIELDS = (
    "name", "default_code", "description_sale", "description_purchase", "list_price", "standard_price",
    "categ_id", "taxes_id", "supplier_taxes_id", "property_account_income_id", "property_account_expense_id",
    "company_id", "active", "write_date", "product_tmpl_id", "type", "detailed_type", "is_storable",
)  # fmt: skip
CATEGORY_FIELDS = (
    "name", "property_valuation", "property_stock_valuation_account_id",
    "property_account_income_categ_id", "property_account_expense_categ_id",
)  # fmt: skip
# Products imported from Xero go to these categories (the seed's "Tracked Category" / "Untracked
# Category" settings): made on first use, tracked with automated valuation (stock_account's
# property_valuation='real_time'), untracked with Odoo's default (16–18 manual_periodic, 19 none).
TRACKED_CATEGORY = ("item_category_tracked", "Tracked Category")
UNTRACKED_CATEGORY = ("item_category_untracked", "Untracked Category")


def generated_code(company_id: int, product_id: int) -> str:
    """The Code of an item made from an Odoo product that has no internal reference: Xero requires a
    unique Code ≤ 30 (xero-facts §8). Deterministic, so both sides compare equal without writing it into
    Odoo's default_code (which Odoo leaves optional and not unique, odoo-facts §3.7)."""
    return f"ODOO-{company_id}-{product_id}"[:CODE_MAX]


def _id(value: Any) -> int | None:
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value or None


@dataclass
class OdooHandle:
    odoo: OdooClient
    refs: Refs
    company_id: int
    _categories: dict = field(default_factory=dict, repr=False)

    @cached_property
    def product_fields(self) -> list[str]:
        known = self.odoo.fields_of(PRODUCT)
        return [f for f in PRODUCT_FIELDS if f in known]

    @cached_property
    def category_fields(self) -> list[str]:
        known = self.odoo.fields_of(CATEGORY)
        return [f for f in CATEGORY_FIELDS if f in known]

    def has(self, name: str) -> bool:
        return name in self.product_fields

    @property
    def storable_by_flag(self) -> bool:
        """18+: `is_storable`; 16/17: `detailed_type='product'` (odoo-facts §3.7)."""
        return self.has("is_storable")

    def category(self, category_id: int | None) -> dict:
        """A product's category (read once per handle: a bulk run's products share a few)."""
        if not category_id:
            return {}
        if category_id not in self._categories:
            self._categories[category_id] = (
                self.odoo.read_one(CATEGORY, category_id, self.category_fields) or {}
            )
        return self._categories[category_id]

    def category_id(self, tracked: bool, valuation_account: int | None = None) -> int:
        """The category of products imported from Xero: the connection's "Tracked Category" /
        "Untracked Category" setting, else the bridge's own (made on first use; an existing one is left
        as the user set it). The bridge's tracked one values stock automatically on the item's inventory
        account; a chosen one must already do so, or the product would not stay tracked."""
        chosen = import_category(self.refs.ctx.db, self.refs.connection_id, tracked)
        if chosen is not None:
            return self.chosen_category(chosen, tracked)
        xmlid, name = TRACKED_CATEGORY if tracked else UNTRACKED_CATEGORY
        found = self.odoo.xmlid_lookup(CATEGORY, xmlid)
        if found is not None:
            return found
        values: dict = {"name": name}
        if tracked and "property_valuation" in self.category_fields:
            values["property_valuation"] = "real_time"
        if tracked and valuation_account and "property_stock_valuation_account_id" in self.category_fields:
            values["property_stock_valuation_account_id"] = valuation_account
        category_id, _ = self.odoo.upsert(CATEGORY, xmlid, values)
        return category_id

    def chosen_category(self, category_id: int, tracked: bool) -> int:
        setting = f"the {LABELS[tracked]} setting (bridge settings item-category)"
        category = self.odoo.read_one(CATEGORY, category_id, ["name", *self.category_fields])
        if category is None:
            raise PermanentError(
                f"{setting} names Odoo product category #{category_id}, which does not exist"
            )
        if (
            tracked
            and "property_valuation" in self.category_fields
            and category.get("property_valuation") != "real_time"
        ):
            raise PermanentError(
                f"{setting} names Odoo product category {category.get('name')!r} (#{category_id}), whose "
                "inventory valuation is not automated: a tracked Xero item imported into it would not stay tracked"
            )
        return category_id


class OdooProducts(Side):
    system = "odoo"
    label = "Odoo product"
    model = PRODUCT

    def client(self, ctx: Context, scope: Scope) -> OdooHandle:
        odoo = ctx.services["odoo"].in_company(scope.company_id)
        refs = Refs(
            ctx, scope.connection_id, lambda: ctx.services["xero"].for_connection(scope.connection_id)
        )
        return OdooHandle(odoo, refs, scope.company_id)

    def fetch(self, client: OdooHandle, record_id: int) -> dict | None:
        return client.odoo.read_one(PRODUCT, record_id, client.product_fields)

    def record_id(self, record: dict) -> int:
        return record["id"]

    def in_scope(self, client: OdooHandle, scope: Scope, record: dict) -> bool:
        """The connection's company's products, and shared ones (no company)."""
        return _id(record.get("company_id")) in (scope.company_id, None)

    def storable(self, client: OdooHandle, record: dict) -> bool:
        if client.storable_by_flag:
            return bool(record.get("is_storable"))
        return (record.get("detailed_type") or record.get("type")) == "product"

    def canonical(self, client: OdooHandle, record: dict) -> Item:
        refs = client.refs
        category = client.category(_id(record.get("categ_id")))
        tracked = self.storable(client, record) and category.get("property_valuation") == "real_time"
        income = _id(record.get("property_account_income_id")) or _id(
            category.get("property_account_income_categ_id")
        )
        expense = _id(record.get("property_account_expense_id")) or _id(
            category.get("property_account_expense_categ_id")
        )
        inventory = valuation = None
        if tracked:  # the category's stock valuation account, else the connection's inventory account
            valuation = _id(
                category.get("property_stock_valuation_account_id")
            ) or connection_inventory_account(refs.ctx.db, refs.connection_id)
            inventory = refs.xero_account_code(valuation) if valuation else inventory_account(refs.xero)
        sale_taxes = sorted(record.get("taxes_id") or [])
        purchase_taxes = sorted(record.get("supplier_taxes_id") or [])
        record[DEPENDENCIES] = [("account", a) for a in dict.fromkeys((income, expense, valuation)) if a] + [
            ("tax_rate", t) for t in (sale_taxes[:1] + purchase_taxes[:1])
        ]
        return Item(
            code=text(record.get("default_code")) or generated_code(client.company_id, record["id"]),
            name=short_name(record.get("name")),
            description=text(record.get("description_sale")),
            purchase_description=text(record.get("description_purchase")),
            sale_price=price(record.get("list_price")),
            purchase_price=price(record.get("standard_price")),
            sale_account=refs.xero_account_code(income),
            # Xero takes one tax per item and side: the first of Odoo's (by id)
            sale_tax=refs.xero_tax_type(sale_taxes[0]) if sale_taxes else None,
            purchase_account=refs.xero_account_code(expense),
            purchase_tax=refs.xero_tax_type(purchase_taxes[0]) if purchase_taxes else None,
            tracked=tracked,
            inventory_account=inventory,
            active=bool(record.get("active", True)),
        )

    def dependencies(self, record: dict, canonical: Item) -> list[tuple[str, Any]]:
        """Its accounts (its own, else its category's; the inventory account of a tracked one) and its
        first tax on each side: bound, or synced first (canonical() noted them)."""
        return list(record.get(DEPENDENCIES) or [])

    def find(self, client: OdooHandle, scope: Scope, c: Item, item_id: str) -> int | None:
        """Its external id, then the same internal reference (default_code) among the company's and
        shared products, archived too; several → the mismatch log names them, never a guess."""
        found = client.odoo.xmlid_lookup(PRODUCT, xmlid_name("item", item_id))
        if found is not None:
            return found
        if not c.code:
            return None
        rows = client.odoo.with_archived().search_read(
            PRODUCT,
            [
                ("default_code", "=ilike", like_literal(c.code)),
                ("company_id", "in", [scope.company_id, False]),
            ],
            ["default_code", "name"],
        )
        if len(rows) > 1:
            refuse_ambiguous(
                "Xero item",
                c.name,
                code=c.code,
                among=self.label,
                by="internal reference",
                candidates=[Candidate(r["id"], r["name"], r.get("default_code")) for r in rows],
            )
        if rows:
            return rows[0]["id"]
        prefix = generated_code(scope.company_id, 0)[:-1]
        tail = c.code.removeprefix(prefix)
        if (
            c.code.startswith(prefix) and tail.isdigit()
        ):  # an item the bridge made from a product without code
            product = client.odoo.read_one(PRODUCT, int(tail), ["default_code"])
            return product["id"] if product is not None and not product.get("default_code") else None
        return None

    def values(self, client: OdooHandle, c: Item, before: Item | None) -> dict:
        """What to write: on update only what changed (an Odoo name longer than Xero's 50 keeps its tail
        unless the name changed; a category or type the user chose stays unless tracking changed)."""
        refs = client.refs
        wanted: dict[str, Any] = {
            "name": c.name,
            "default_code": c.code,
            "description_sale": c.description or False,
            "description_purchase": c.purchase_description or False,
            "list_price": c.sale_price if c.sale_price is not None else 0,
            "standard_price": c.purchase_price if c.purchase_price is not None else 0,
            "property_account_income_id": refs.odoo_account(c.sale_account) or False,
            "property_account_expense_id": refs.odoo_account(c.purchase_account) or False,
            "taxes_id": [(6, 0, [t] if (t := refs.odoo_tax(c.sale_tax)) else [])],
            "supplier_taxes_id": [(6, 0, [t] if (t := refs.odoo_tax(c.purchase_tax)) else [])],
        }
        sources = {
            "name": "name", "default_code": "code", "description_sale": "description",
            "description_purchase": "purchase_description", "list_price": "sale_price",
            "standard_price": "purchase_price", "property_account_income_id": "sale_account",
            "property_account_expense_id": "purchase_account", "taxes_id": "sale_tax",
            "supplier_taxes_id": "purchase_tax",
        }  # fmt: skip
        values = {
            f: v
            for f, v in wanted.items()
            if client.has(f) and (before is None or getattr(c, sources[f]) != getattr(before, sources[f]))
        }
        if before is None or c.tracked != before.tracked:
            values["categ_id"] = client.category_id(c.tracked, refs.odoo_account(c.inventory_account))
            if client.storable_by_flag:
                values["is_storable"] = c.tracked
                if c.tracked:
                    values["type"] = "consu"
            elif c.tracked or before is not None:
                values["detailed_type"] = "product" if c.tracked else "consu"
        return values

    def create(self, client: OdooHandle, scope: Scope, c: Item, item_id: str, key: str) -> dict:
        values = self.values(client, c, None) | {"company_id": scope.company_id}
        product_id, _ = client.odoo.upsert(PRODUCT, xmlid_name("item", item_id), values)
        return self.fetch(client, product_id)

    def update(
        self, client: OdooHandle, scope: Scope, product_id: int, c: Item, before: Item, key: str
    ) -> dict:
        values = self.values(client, c, before)
        if values:
            client.odoo.write(PRODUCT, [product_id], values)
        return self.fetch(client, product_id)
