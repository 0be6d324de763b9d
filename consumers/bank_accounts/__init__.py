"""Bank accounts both ways: Xero Accounts of Type BANK ⇄ Odoo bank journals (account.journal
type 'bank', whose bank_acc_number is the company's res.partner.bank). Name, code (Odoo cuts a
journal code to 5 characters, so codes are compared on their first 5), account number, currency
(Odoo: the journal's, or the company's when it has none), archived ⇄ inactive. Odoo makes the
journal's cash account, suspense account and bank account itself when it creates the journal."""

from __future__ import annotations

from bridge.entities import Entity
from bridge.odoo.setup import Hook
from consumers.bank_accounts.sides import JOURNAL, OdooBankJournals, XeroBankAccounts
from consumers.framework.translator import SyncTranslator

NAME = "bank_account"

# What the Odoo automation rule watches (odoo-facts §3.4); bank_account_id covers a new number.
TRIGGERS = ("name", "code", "currency_id", "bank_account_id", "active", "type")


def _translators() -> list[SyncTranslator]:
    xero, odoo = XeroBankAccounts(), OdooBankJournals()
    return [SyncTranslator(NAME, xero, odoo), SyncTranslator(NAME, odoo, xero)]


def _pollers() -> list:
    from consumers.bank_accounts.polling import OdooJournalChanges, XeroBankAccountChanges

    return [XeroBankAccountChanges(), OdooJournalChanges()]


def _deletions() -> list:
    from bridge.polling.deletions import DeletionSpec

    return [DeletionSpec(NAME, JOURNAL)]


def _bulk(ctx, connection_id: str, progress=None):
    from consumers.bank_accounts.bulk import BankAccountBulk

    return BankAccountBulk(ctx, connection_id, progress)


ENTITY = Entity(
    name=NAME,
    group="settings",
    xero_model="Account",
    odoo_model=JOURNAL,
    depends_on=("currency",),
    odoo_hooks=(Hook(JOURNAL, TRIGGERS, ("write_date", "company_id", "type")),),
    translators=_translators,
    pollers=_pollers,
    deletions=_deletions,
    bulk=_bulk,
)
