"""What the bridge syncs: each entity's queue group and its model name on either side.

Adding an entity means adding one line here and one translator module in consumers/.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entity:
    name: str
    group: str  # queue group: entities of a group share a queue per direction
    xero_model: str | None
    odoo_model: str | None


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        Entity("currency", "settings", "Currency", "res.currency"),
        Entity("tax_rate", "settings", "TaxRate", "account.tax"),
        Entity("account", "settings", "Account", "account.account"),
        Entity("bank_account", "settings", "Account", "account.journal"),
        Entity("contact_group", "partners", "ContactGroup", "res.partner.category"),
        Entity("contact", "partners", "Contact", "res.partner"),
        Entity("item", "products", "Item", "product.product"),
        Entity("stock_adjustment", "products", None, "stock.quant"),
        Entity("quote", "documents", "Quote", "sale.order"),
        Entity("purchase_order", "documents", "PurchaseOrder", "purchase.order"),
        Entity("invoice", "documents", "Invoice", "account.move"),
        Entity("credit_note", "documents", "CreditNote", "account.move"),
        Entity("manual_journal", "documents", "ManualJournal", "account.move"),
        Entity("attachment", "documents", "Attachment", "ir.attachment"),
        Entity("payment", "payments", "Payment", "account.payment"),
        Entity("allocation", "payments", "Allocation", None),
    )
}

GROUPS: tuple[str, ...] = tuple(dict.fromkeys(e.group for e in ENTITIES.values()))
DIRECTIONS: tuple[str, ...] = ("to_odoo", "to_xero")

# Xero webhook categories (xero-facts §1): INVOICE covers invoices and bills.
XERO_CATEGORY_ENTITY = {"CONTACT": "contact", "INVOICE": "invoice", "CREDITNOTE": "credit_note"}

ODOO_MODEL_ENTITY = {
    "res.partner": "contact",
    "res.partner.category": "contact_group",
    "res.currency": "currency",
    "account.tax": "tax_rate",
    "account.account": "account",
    "account.journal": "bank_account",
    "product.product": "item",
    "product.template": "item",
    "stock.quant": "stock_adjustment",
    "sale.order": "quote",
    "purchase.order": "purchase_order",
    "account.move": "invoice",
    "ir.attachment": "attachment",
    "account.payment": "payment",
}

# account.move is one model for several Xero entities; its move_type says which (odoo-facts §3.10).
ODOO_MOVE_TYPE_ENTITY = {
    "out_invoice": "invoice",
    "in_invoice": "invoice",
    "out_refund": "credit_note",
    "in_refund": "credit_note",
    "entry": "manual_journal",
}


def odoo_entity(model: str, payload: dict) -> str | None:
    if model == "account.move" and payload.get("move_type") in ODOO_MOVE_TYPE_ENTITY:
        return ODOO_MOVE_TYPE_ENTITY[payload["move_type"]]
    return ODOO_MODEL_ENTITY.get(model)


def target_of(source: str) -> str:
    return "odoo" if source == "xero" else "xero"


def routing_key(source: str, entity: str) -> str:
    """to_<target>.<group>.<entity>: what the topic exchange routes on."""
    return f"to_{target_of(source)}.{ENTITIES[entity].group}.{entity}"
