"""A world ready for documents: the Xero organisation's base is USD like the Odoo company's (equal
bases, tests/test_currencies.py), and the accounts and taxes documents use are mapped as `bridge
mapping` would (bindings of the account and tax_rate entities): Odoo 400000 ⇄ Xero 200, 600000 ⇄ 400,
Odoo's 15 % sale / purchase taxes ⇄ OUTPUT2 / INPUT2."""

from __future__ import annotations

from bridge.cli.bench import documents as bench_documents
from bridge.cli.sandboxed import SandboxedBridge
from bridge.store import bindings

ACCOUNTS = (("400000", "200"), ("600000", "400"))
TAXES = (("OUTPUT2", "sale"), ("INPUT2", "purchase"))


def usd_organisation(world: SandboxedBridge) -> None:
    """The Xero organisation as one whose base currency is USD, like the Odoo company's."""
    bench_documents.usd_organisation(world.xero)


def ready_for_documents(world: SandboxedBridge) -> SandboxedBridge:
    usd_organisation(world)
    admin = world.odoo.env("admin")
    org = world.xero.org()
    with world.runtime.db.session() as session:
        for tax_type, use in TAXES:
            (tax,) = admin.search("account.tax", [("type_tax_use", "=", use), ("amount", "=", 15.0)], limit=1)
            bindings.bind(session, world.connection_id, "tax_rate", xero_id=tax_type, odoo_id=tax)
        for odoo_code, xero_code in ACCOUNTS:
            (account,) = admin.search("account.account", [("code", "=", odoo_code)], limit=1)
            with org.lock:
                xero_id = org.account_by_code(xero_code)["AccountID"]
            bindings.bind(session, world.connection_id, "account", xero_id=xero_id, odoo_id=account)
    return world
