"""Odoo account.account as the account entity's Odoo side (16–19: company_id / 18+ company_ids;
deprecated / 19 active)."""

from __future__ import annotations

from typing import Any

from bridge import entities
from bridge.errors import PermanentError
from bridge.odoo.client import xmlid_name
from consumers.accounts.canonical import Account, text
from consumers.accounts.handle import Handle, store_of, tax_odoo_id, tax_xero_type
from consumers.accounts.settings import inventory_account, set_inventory_account
from consumers.accounts.types import ODOO_ELSEWHERE, ODOO_KIND, SYSTEM_ROLES, odoo_type_for
from consumers.contacts.canonical import norm_text
from consumers.contacts.lookups import like_literal
from consumers.framework.matching import Candidate, refuse_ambiguous
from consumers.framework.scope import Scope
from consumers.framework.sides import Side

NAME = "account"
MODEL = "account.account"
FIELDS = (
    "code", "name", "account_type", "note", "tax_ids", "deprecated", "active", "company_id",
    "company_ids", "write_date",
)  # fmt: skip


def company_domain(client: Any, company_id: int) -> list:
    """18+ share an account between companies (company_ids); 16/17 give it one (company_id)."""
    if "company_ids" in client.fields_of(MODEL):
        return [("company_ids", "in", [company_id])]
    return [("company_id", "=", company_id)]


def is_archived(record: dict) -> bool:
    """16–18 deprecate an account; 19 archives it (odoo-facts §3.3)."""
    if "active" in record:
        return not record["active"]
    return bool(record.get("deprecated"))


def archived_vals(client: Any, archived: bool) -> dict:
    if "active" in client.fields_of(MODEL):
        return {"active": not archived}
    return {"deprecated": archived}


class OdooAccounts(Side):
    system = "odoo"
    label = "Odoo account"
    model = MODEL

    def client(self, ctx, scope: Scope) -> Handle:
        return Handle(super().client(ctx, scope), ctx.db, scope.connection_id)

    def fetch(self, client: Any, record_id: int) -> dict | None:
        known = client.fields_of(MODEL)
        return client.read_one(MODEL, record_id, [f for f in FIELDS if f in known])

    def record_id(self, record: dict) -> int:
        return record["id"]

    def canonical(self, client: Any, record: dict) -> Account:
        kind = record.get("account_type") or ""
        taxes = tuple(record.get("tax_ids") or ())
        db, connection_id = store_of(client)
        return Account(
            code=norm_text(record.get("code")),
            name=norm_text(record.get("name")) or "",
            kind=ODOO_KIND.get(kind, kind),
            description=text(record.get("note")),
            tax=tax_xero_type(client, taxes),
            archived=is_archived(record),
            native_type=kind,
            inventory=db is not None and inventory_account(db, connection_id) == record["id"],
            odoo_taxes=taxes,
        )

    def in_scope(self, client: Any, scope: Scope, record: dict) -> bool:
        return record.get("account_type") not in ODOO_ELSEWHERE

    def dependencies(self, record: dict, canonical: Account) -> list[tuple[str, Any]]:
        """Its taxes, once the tax_rate entity is built (until then a tax maps only if bound)."""
        if not entities.get("tax_rate").built:
            return []
        return [("tax_rate", tax_id) for tax_id in record.get("tax_ids") or []]

    def find(self, client: Any, scope: Scope, c: Account, xero_id: str) -> int | None:
        """The account the bridge made for this Xero account, then the same code, then the same
        name, then — for Xero's DEBTORS, CREDITORS and RETAINEDEARNINGS — the company's one account
        of that role. Several candidates: a mismatch naming them."""
        made = client.xmlid_lookup(MODEL, xmlid_name(NAME, xero_id))
        if made is not None:
            return made
        base = [*company_domain(client, scope.company_id), ("account_type", "not in", sorted(ODOO_ELSEWHERE))]
        archived = client.with_archived()
        searches = []
        if c.code:
            searches.append(("code", [("code", "=", c.code)]))
        searches.append(("name", [("name", "=ilike", like_literal(c.name))]))
        if c.system in SYSTEM_ROLES:
            role = SYSTEM_ROLES[c.system]
            searches.append((f"role ({c.system}: {role})", [("account_type", "=", role)]))
        for by, domain in searches:
            rows = archived.search_read(MODEL, [*base, *domain], ["code", "name"])
            if len(rows) > 1:
                refuse_ambiguous(
                    "Xero account",
                    c.name,
                    code=c.code,
                    among=self.label,
                    by=by,
                    candidates=[Candidate(r["id"], r["name"], r["code"]) for r in rows],
                )
            if rows:
                return rows[0]["id"]
        return None

    def create(self, client: Any, scope: Scope, c: Account, xero_id: str, key: str) -> dict | None:
        if c.archived:
            return None  # an archived Xero account that Odoo never had
        if c.system:
            raise PermanentError(
                f"Xero system account {c.code} {c.name!r} ({c.system}) has no Odoo account: system "
                "accounts are bound, not created; map it to the Odoo account that plays its role"
            )
        if c.kind not in ODOO_KIND.values():
            raise PermanentError(f"Xero account type {c.native_type!r} has no Odoo account type")
        vals: dict[str, Any] = {"code": c.code, "name": c.name, "account_type": odoo_type_for(c.kind, None)}
        if c.description:
            vals["note"] = c.description
        tax_id = tax_odoo_id(client, c.tax)
        if tax_id is not None:
            vals["tax_ids"] = [tax_id]
        if "company_ids" in client.fields_of(MODEL):
            vals["company_ids"] = [scope.company_id]
        else:
            vals["company_id"] = scope.company_id
        account_id, _ = client.upsert(MODEL, xmlid_name(NAME, xero_id), vals)
        self._mark_inventory(client, c, account_id)
        return self.fetch(client, account_id)

    def update(
        self, client: Any, scope: Scope, account_id: int, c: Account, before: Account, key: str
    ) -> dict:
        """Only what differs is written; nothing when nothing does. An account bound to a Xero system
        account is left as it is (bound, not written)."""
        if c.system:
            return self.fetch(client, account_id)
        vals: dict[str, Any] = {}
        if c.code and c.code != before.code:
            vals["code"] = c.code
        if c.name and c.name != before.name:
            vals["name"] = c.name
        wanted = odoo_type_for(c.kind, before.native_type)
        if c.kind in ODOO_KIND.values() and wanted != before.native_type:
            vals["account_type"] = wanted
        if c.description != before.description:
            vals["note"] = c.description or False
        tax_id = tax_odoo_id(client, c.tax)
        if tax_id is not None and tuple(before.odoo_taxes) != (tax_id,):
            vals["tax_ids"] = [(6, 0, [tax_id])]
        elif c.tax is None and before.tax is not None:
            vals["tax_ids"] = [(6, 0, [])]  # cleared in Xero: the bound tax goes too
        if c.archived != before.archived:
            vals |= archived_vals(client, c.archived)
        if vals:
            client.write(MODEL, [account_id], vals)
        self._mark_inventory(client, c, account_id)
        return self.fetch(client, account_id)

    @staticmethod
    def _mark_inventory(client: Any, c: Account, account_id: int) -> None:
        """A Xero INVENTORY account makes its Odoo account the connection's inventory account, unless
        one is set already."""
        db, connection_id = store_of(client)
        if c.inventory and db is not None and inventory_account(db, connection_id) is None:
            set_inventory_account(db, connection_id, account_id)
