"""Contacts both ways: Xero Contact ⇄ Odoo res.partner, with contact persons ⇄ child contacts and
contact groups ⇄ tags (the groups themselves are the contact_group entity, synced first)."""

from __future__ import annotations

from bridge.entities import Entity
from bridge.odoo.setup import Hook
from consumers.contacts.odoo_side import OdooPartners
from consumers.contacts.xero_side import XeroContacts
from consumers.framework.translator import SyncTranslator

NAME = "contact"

# What the Odoo automation rule watches (odoo-facts §3.6): a change to anything else sends nothing.
PARTNER_TRIGGERS = (
    "name", "is_company", "parent_id", "type", "ref", "vat", "email", "phone", "mobile", "street",
    "street2", "city", "zip", "state_id", "country_id", "category_id", "active", "company_id",
    "customer_rank", "supplier_rank",
)  # fmt: skip


def translators() -> list[SyncTranslator]:
    xero, odoo = XeroContacts(), OdooPartners()
    return [SyncTranslator(NAME, xero, odoo), SyncTranslator(NAME, odoo, xero)]


def _pollers() -> list:
    from consumers.contacts.polling import OdooPartnerChanges, XeroContactChanges

    return [XeroContactChanges(), OdooPartnerChanges()]


def _deletions() -> list:
    from bridge.polling.deletions import DeletionSpec

    return [DeletionSpec(NAME, "res.partner")]


def _bulk(ctx, connection_id: str, progress=None):
    from consumers.contacts.bulk import ContactBulk

    return ContactBulk(ctx, connection_id, progress)


ENTITY = Entity(
    name=NAME,
    group="partners",
    xero_model="Contact",
    odoo_model="res.partner",
    xero_categories=("CONTACT",),
    depends_on=("contact_group",),
    odoo_hooks=(Hook("res.partner", PARTNER_TRIGGERS),),
    translators=translators,
    pollers=_pollers,
    deletions=_deletions,
    bulk=_bulk,
)
