"""Xero Accounts (not BANK: those are the bank_account entity) as the account entity's Xero side."""

from __future__ import annotations

from typing import Any

from bridge.errors import PermanentError
from consumers.accounts.canonical import Account, code_key, text
from consumers.accounts.handle import Handle, bound_odoo_id, tax_xero_type
from consumers.accounts.types import (
    DEFAULT_XERO,
    SYSTEM_ROLES,
    XERO_ELSEWHERE,
    XERO_KIND,
    xero_type_for,
)
from consumers.contacts.canonical import name_key, norm_text
from consumers.framework.scope import Scope
from consumers.framework.sides import Side, run_list, run_list_saved

NAME = "account"
COLLECTION = "Accounts"


def xero_tax(value: object) -> str | None:
    """Xero's TaxType "NONE" (no tax) is an account without a tax, as Odoo's empty tax_ids."""
    return None if not value or value == "NONE" else str(value)


class XeroAccounts(Side):
    system = "xero"
    label = "Xero account"
    model = COLLECTION

    def client(self, ctx, scope: Scope) -> Handle:
        return Handle(super().client(ctx, scope), ctx.db, scope.connection_id)

    def fetch(self, client: Any, record_id: str) -> dict | None:
        return client.get_one(COLLECTION, record_id)

    def record_id(self, record: dict) -> str:
        return record["AccountID"]

    def canonical(self, client: Any, record: dict) -> Account:
        kind = record.get("Type") or ""
        return Account(
            code=norm_text(record.get("Code")),
            name=norm_text(record.get("Name")) or "",
            kind=XERO_KIND.get(kind, kind.lower()),
            description=text(record.get("Description")),
            tax=xero_tax(record.get("TaxType")),
            archived=record.get("Status") == "ARCHIVED",
            native_type=kind,
            system=record.get("SystemAccount") or None,
            inventory=kind == "INVENTORY",
        )

    def in_scope(self, client: Any, scope: Scope, record: dict) -> bool:
        return record.get("Type") not in XERO_ELSEWHERE

    def find(self, client: Any, scope: Scope, c: Account, odoo_id: int) -> str | None:
        """The same code, then the same name (both unique in Xero), then — for Odoo's receivable,
        payable and current-year-earnings accounts — Xero's system account of that role."""
        accounts = [
            a
            for a in run_list(client, COLLECTION)
            if a.get("Type") not in XERO_ELSEWHERE and a.get("Status") != "DELETED"
        ]
        if c.code:
            same = [a for a in accounts if code_key(a.get("Code")) == code_key(c.code)]
            if same:
                return same[0]["AccountID"]
        same = [a for a in accounts if name_key(a.get("Name")) == name_key(c.name)]
        if same:
            return same[0]["AccountID"]
        role = next((r for r, odoo_type in SYSTEM_ROLES.items() if odoo_type == c.native_type), None)
        system = [a for a in accounts if role and a.get("SystemAccount") == role]
        if not system:
            return None
        taken = bound_odoo_id(client, NAME, system[0]["AccountID"])
        if taken is not None and taken != odoo_id:
            raise PermanentError(
                f"ambiguous: Xero has one {system[0].get('Name')!r} ({role}) and it is bound to Odoo "
                f"account #{taken} already; map Odoo account #{odoo_id} {c.code} {c.name!r} by hand",
                details={"candidates": [system[0]["AccountID"]], "bound_to": taken},
            )
        return system[0]["AccountID"]

    def create(self, client: Any, scope: Scope, c: Account, odoo_id: int, key: str) -> dict | None:
        if c.archived:
            return None  # an archived Odoo account that Xero never had
        if c.kind not in DEFAULT_XERO:
            raise PermanentError(f"Odoo account type {c.native_type!r} has no Xero account type")
        element: dict[str, Any] = {
            "Code": c.code,
            "Name": c.name,
            "Type": xero_type_for(c.kind, None, c.inventory),
        }
        if c.description:
            element["Description"] = c.description
        tax = c.tax or tax_xero_type(client, c.odoo_taxes)
        if tax:
            element["TaxType"] = tax
        return self._save(client, "PUT", COLLECTION, element, key)

    def update(
        self, client: Any, scope: Scope, account_id: str, c: Account, before: Account, key: str
    ) -> dict:
        """Only what differs is sent; nothing at all when nothing does (no write, no echo). A system
        account is bound, never written (Xero fixes its type; its name and code are Xero's own)."""
        if before.system:
            return self.fetch(client, account_id)
        element: dict[str, Any] = {}
        if c.code and c.code != before.code:
            element["Code"] = c.code
        if c.name and c.name != before.name:
            element["Name"] = c.name
        wanted = xero_type_for(c.kind, before.native_type, c.inventory) if c.kind in DEFAULT_XERO else None
        if wanted and wanted != before.native_type:
            element["Type"] = wanted
        if c.description != before.description:
            element["Description"] = c.description or ""
        tax = c.tax or tax_xero_type(client, c.odoo_taxes)
        if tax and tax != before.tax:
            element["TaxType"] = tax
        if c.archived != before.archived:
            element["Status"] = "ARCHIVED" if c.archived else "ACTIVE"
        if not element:
            return self.fetch(client, account_id)
        return self._save(
            client, "POST", f"{COLLECTION}/{account_id}", {"AccountID": account_id, **element}, key
        )

    def other_gone(self, client: Any, scope: Scope, account_id: str, key: str) -> dict | None:
        """The Odoo account was deleted: Xero deletes an unused account; one with transactions it
        refuses to delete ("Archive it instead"), so it is archived. System accounts stay."""
        current = self.fetch(client, account_id)
        if current is None or current.get("SystemAccount"):
            return None
        try:
            body = client.json_of(client.request("DELETE", f"{COLLECTION}/{account_id}"))
            return (body.get(COLLECTION) or [current | {"Status": "DELETED"}])[0]
        except PermanentError as exc:
            if exc.details.get("status") != 400:
                raise
        return self._save(
            client, "POST", f"{COLLECTION}/{account_id}", {"AccountID": account_id, "Status": "ARCHIVED"}, key
        )

    @staticmethod
    def _save(client: Any, method: str, path: str, element: dict, key: str) -> dict:
        # Accounts take one account per request and no summarizeErrors (xero-facts §4): the path is given.
        (result,) = client.save(COLLECTION, [element], key=key, method=method, path=path)
        if not result.ok:
            raise PermanentError(
                "Xero ValidationException: " + "; ".join(result.errors), details={"messages": result.errors}
            )
        run_list_saved(client, COLLECTION, result.record, "AccountID")
        return result.record
