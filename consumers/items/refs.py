"""An item's accounts and taxes, resolved through the account and tax_rate entities' bindings.

Xero names them on an item by account Code and TaxType; Odoo by record ids. The pair is the
binding the account / tax_rate entity keeps (or a mapping an operator set, which is a binding too):
  - Xero account Code → its AccountID (the chart, read once per handle and per bulk run) → the
    account binding → the Odoo account id;
  - Odoo account id → the account binding → its AccountID → its Code;
  - Xero TaxType is the tax_rate binding's Xero id (xero-facts §8 Tax rates: the id is TaxType).
A record not bound yet is synced first by the framework's dependency mechanism (Side.dependencies).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from bridge.errors import PermanentError
from bridge.odoo.client import OdooClient
from bridge.store import bindings
from bridge.xero.client import XeroClient
from consumers.base import Context
from consumers.items.canonical import UNBOUND

# One chart per Xero client: a bulk run's client serves thousands of items with one read of Accounts.
_CHARTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def chart(xero: XeroClient, refresh: bool = False) -> list[dict]:
    """Xero's accounts (archived too: an item may still name one)."""
    if refresh or xero not in _CHARTS:
        _CHARTS[xero] = xero.get("Accounts").get("Accounts") or []
    return _CHARTS[xero]


@dataclass
class Refs:
    ctx: Context
    connection_id: str
    xero_factory: Any  # () → XeroClient: a chart is read only when an account must be resolved
    _xero: XeroClient | None = field(default=None, repr=False)

    @property
    def xero(self) -> XeroClient:
        if self._xero is None:
            self._xero = self.xero_factory()
        return self._xero

    def _binding(self, entity: str, *, xero_id: str | None = None, odoo_id: int | None = None):
        with self.ctx.db.session() as session:
            found = (
                bindings.by_xero(session, self.connection_id, entity, xero_id)
                if xero_id is not None
                else bindings.by_odoo(session, self.connection_id, entity, odoo_id)
            )
            if found is None or found.xero_id is None or found.odoo_id is None:
                return None
            session.expunge(found)
            return found

    # ------------------------------------------------------------------ Xero → Odoo

    def account_id_of_code(self, code: str) -> str | None:
        """The Xero AccountID of an account Code (the chart is read again once when it is not found:
        an account made since the last read)."""
        for refresh in (False, True):
            found = next((a for a in chart(self.xero, refresh) if a.get("Code") == code), None)
            if found is not None:
                return found["AccountID"]
        return None

    def odoo_account(self, code: str | None) -> int | None:
        if not code:
            return None
        if code.startswith(UNBOUND):
            return int(code.removeprefix(UNBOUND))
        account_id = self.account_id_of_code(code)
        if account_id is None:
            raise PermanentError(f"Xero has no account with the code {code!r}")
        binding = self._binding("account", xero_id=account_id)
        if binding is None:
            raise PermanentError(
                f"Xero account {code} is not bound to an Odoo account: sync or map it first "
                "(bridge sync account, bridge mapping)"
            )
        return binding.odoo_id

    def odoo_tax(self, tax_type: str | None) -> int | None:
        if not tax_type:
            return None
        if tax_type.startswith(UNBOUND):
            return int(tax_type.removeprefix(UNBOUND))
        binding = self._binding("tax_rate", xero_id=tax_type)
        if binding is None:
            raise PermanentError(
                f"Xero tax rate {tax_type} is not bound to an Odoo tax: sync or map it first "
                "(bridge sync tax_rate, bridge mapping)"
            )
        return binding.odoo_id

    # ------------------------------------------------------------------ Odoo → Xero

    def xero_account_code(self, account_id: int | None) -> str | None:
        """The Xero Code of a bound Odoo account, or `odoo:<id>` while it is not bound."""
        if not account_id:
            return None
        binding = self._binding("account", odoo_id=account_id)
        if binding is None:
            return f"{UNBOUND}{account_id}"
        for refresh in (False, True):
            found = next(
                (a for a in chart(self.xero, refresh) if a.get("AccountID") == binding.xero_id), None
            )
            if found is not None:
                return found.get("Code")
        raise PermanentError(f"the Xero account {binding.xero_id} bound to Odoo account {account_id} is gone")

    def xero_tax_type(self, tax_id: int | None) -> str | None:
        if not tax_id:
            return None
        binding = self._binding("tax_rate", odoo_id=tax_id)
        return binding.xero_id if binding is not None else f"{UNBOUND}{tax_id}"

    def xero_ref(self, value: str | None, what: str) -> str | None:
        """A canonical account/tax name as Xero takes it: an `odoo:<id>` left from before its dependency
        was synced is resolved now, and one still unbound names itself in the error."""
        if not value or not value.startswith(UNBOUND):
            return value
        odoo_id = int(value.removeprefix(UNBOUND))
        resolved = self.xero_account_code(odoo_id) if what == "account" else self.xero_tax_type(odoo_id)
        if resolved is None or resolved.startswith(UNBOUND):
            raise PermanentError(
                f"Odoo {what.replace('_', ' ')} {odoo_id} has no Xero counterpart: sync or map it first"
            )
        return resolved


def odoo_client(ctx: Context, company_id: int) -> OdooClient:
    return ctx.services["odoo"].in_company(company_id)
