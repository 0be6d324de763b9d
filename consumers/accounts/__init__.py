"""Chart of accounts both ways: Xero Accounts (all but BANK) ⇄ Odoo account.account — code, name,
description ⇄ note, type (a table of kinds, types.py), tax type ⇄ tax_ids through the tax_rate
entity's bindings, archived ⇄ deprecated (16–18) / inactive (19). Xero's system accounts are bound,
never written; an Odoo account deleted is deleted in Xero when unused, archived when Xero refuses
(it has transactions). The connection's inventory account: settings.py."""

from __future__ import annotations

from bridge.entities import Entity
from bridge.odoo.setup import Hook
from consumers.accounts.odoo_side import OdooAccounts
from consumers.accounts.xero_side import XeroAccounts
from consumers.framework.translator import SyncTranslator

NAME = "account"
MODEL = "account.account"

# What the Odoo automation rule watches (odoo-facts §3.3); fields a version lacks are left out by setup.
TRIGGERS = (
    "code", "name", "account_type", "note", "tax_ids", "deprecated", "active", "company_id", "company_ids",
)  # fmt: skip


def _translators() -> list[SyncTranslator]:
    xero, odoo = XeroAccounts(), OdooAccounts()
    return [SyncTranslator(NAME, xero, odoo), SyncTranslator(NAME, odoo, xero)]


def _pollers() -> list:
    from consumers.accounts.polling import OdooAccountChanges, XeroAccountChanges

    return [XeroAccountChanges(), OdooAccountChanges()]


def _deletions() -> list:
    from bridge.polling.deletions import DeletionSpec

    return [DeletionSpec(NAME, MODEL)]


def _bulk(ctx, connection_id: str, progress=None):
    from consumers.accounts.bulk import AccountBulk

    return AccountBulk(ctx, connection_id, progress)


ENTITY = Entity(
    name=NAME,
    group="settings",
    xero_model="Account",
    odoo_model=MODEL,
    depends_on=("tax_rate",),
    odoo_hooks=(Hook(MODEL, TRIGGERS, ("write_date", "company_id", "company_ids")),),
    translators=_translators,
    pollers=_pollers,
    deletions=_deletions,
    bulk=_bulk,
)
