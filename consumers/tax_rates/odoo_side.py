"""Odoo's side of tax rates: account.tax, percent taxes and group taxes (odoo-facts §3.2)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bridge.errors import PermanentError
from bridge.odoo.client import OdooClient, xmlid_name
from consumers.contacts.canonical import norm_text
from consumers.contacts.lookups import like_literal
from consumers.framework.matching import Candidate, refuse_ambiguous
from consumers.framework.scope import Scope
from consumers.framework.sides import Side
from consumers.tax_rates.canonical import Component, TaxRate, components_of, effective, rate4
from consumers.tax_rates.claimed import remember, taken

TAX = "account.tax"
NAME = "tax_rate"
BASE_FIELDS = ["name", "amount", "amount_type", "type_tax_use", "active", "children_tax_ids", "write_date"]
CHILD_FIELDS = ["name", "amount", "amount_type", "include_base_amount", "sequence"]


def child_name(group: str, component: str) -> str:
    """A group's child tax is named after both: account.tax names are unique per company, type and
    scope (16/17 SQL constraint name_company_uniq), and children share the type "none"."""
    return f"{group} - {component}"


def price_excluded(version: int) -> dict:
    """A Xero tax rate is exclusive of the price (a document's LineAmountTypes says otherwise):
    16/17 `price_include` is a stored boolean; 18+ compute it from `price_include_override`
    (odoo-facts §3.2; S18 account_tax.py l.127–137), empty meaning the company's default."""
    return {"price_include_override": "tax_excluded"} if version >= 18 else {"price_include": False}


class OdooTaxes(Side):
    system = "odoo"
    label = "Odoo tax"
    model = TAX

    def client(self, ctx, scope: Scope) -> OdooClient:
        remember(ctx)
        return super().client(ctx, scope)

    def fetch(self, client: OdooClient, record_id: int) -> dict | None:
        return client.read_one(TAX, record_id, BASE_FIELDS)

    def record_id(self, record: dict) -> int:
        return record["id"]

    def redirect(self, client: OdooClient, record: dict) -> int | None:
        """A group's child tax: its change is the group's."""
        parents = client.with_archived().search(TAX, [("children_tax_ids", "in", [record["id"]])], limit=1)
        return parents[0] if parents else None

    def canonical(self, client: OdooClient, record: dict) -> TaxRate:
        name = norm_text(record.get("name")) or ""
        kind = record.get("amount_type")
        if kind == "group":
            parts = self._components(client, name, record.get("children_tax_ids") or [])
            rate = effective(tuple(parts))
            components = components_of(parts)
        elif kind == "percent":
            rate, components = rate4(record.get("amount")), ()
        else:
            raise PermanentError(
                f"Odoo tax {name!r} computes its amount as {kind!r}: Xero tax rates are percentages only"
            )
        return TaxRate(
            name, rate, record.get("type_tax_use") or "none", bool(record.get("active")), components
        )

    @staticmethod
    def _components(client: OdooClient, group: str, child_ids: list[int]) -> list[Component]:
        rows = client.with_archived().read(TAX, child_ids, CHILD_FIELDS) if child_ids else []
        rows.sort(key=lambda r: (r.get("sequence") or 0, r["id"]))
        parts, raised = [], False
        for row in rows:  # a child after one that includes its base amount is taxed on it: compound
            if row.get("amount_type") != "percent":
                raise PermanentError(f"Odoo tax {group!r} has a child that is not a percentage")
            name = norm_text(row.get("name")) or ""
            name = name.removeprefix(child_name(group, ""))
            parts.append(Component(raised, name, rate4(row.get("amount"))))
            raised = raised or bool(row.get("include_base_amount"))
        return parts

    # ------------------------------------------------------------------ finding

    def find(self, client: OdooClient, scope: Scope, c: TaxRate, tax_type: str) -> int | None:
        """Our external id, then the name (with the scope when Odoo has the name for sale and purchase),
        then rate and scope among active taxes; several → ambiguous. A tax paired with another Xero rate
        already is no candidate."""
        found = client.xmlid_lookup(TAX, xmlid_name(NAME, tax_type))
        if found is not None:
            return found
        taxes = client.with_archived()
        paired = taken(scope.connection_id, scope.entity, "odoo")
        named = taxes.search_read(TAX, [("name", "=ilike", like_literal(c.name))], ["name", "type_tax_use"])
        named = [t for t in named if t["id"] not in paired]
        if len(named) > 1:
            named = [t for t in named if t["type_tax_use"] == c.scope] or named
        if len(named) > 1:
            refuse_ambiguous(
                "Xero tax rate",
                c.name,
                among=self.label,
                by="name",
                candidates=[Candidate(t["id"], t["name"]) for t in named],
            )
        if named:
            return named[0]["id"]
        rows = client.search_read(
            TAX, [("type_tax_use", "=", c.scope), ("amount_type", "in", ["percent", "group"])], BASE_FIELDS
        )
        same = [r for r in rows if r["id"] not in paired and self._same_rate(client, r, c)]
        if len(same) > 1:
            refuse_ambiguous(
                "Xero tax rate",
                c.name,
                among=self.label,
                by=f"rate and scope ({c.rate}% {c.scope})",
                candidates=[Candidate(r["id"], r["name"]) for r in same],
            )
        return same[0]["id"] if same else None

    def _same_rate(self, client: OdooClient, row: dict, c: TaxRate) -> bool:
        try:
            mine = self.canonical(client, row)
        except PermanentError:
            return False
        return mine.rate == c.rate and mine.components == c.components

    # ------------------------------------------------------------------ writing

    def create(self, client: OdooClient, scope: Scope, c: TaxRate, tax_type: str, key: str) -> dict | None:
        if not c.active:
            return None  # a deleted Xero rate that Odoo never had
        tax_id, _ = client.upsert(TAX, xmlid_name(NAME, tax_type), self._values(client, c, tax_type))
        return self.fetch(client, tax_id)

    def update(
        self, client: OdooClient, scope: Scope, tax_id: int, c: TaxRate, before: TaxRate, key: str
    ) -> dict:
        if c.system:  # a Xero system rate's name cannot change: the Odoo tax bound to it keeps its own
            c = replace(c, name=before.name)
            if c.digest() == before.digest():
                return self.fetch(client, tax_id)  # nothing else differs: nothing to write
        values = self._values(client, c, xmlid_name(NAME, str(tax_id)), existing=tax_id)
        client.write(TAX, [tax_id], values)
        return self.fetch(client, tax_id)

    def other_gone(self, client: OdooClient, scope: Scope, tax_id: int, key: str) -> dict | None:
        client.write(TAX, [tax_id], {"active": False})
        return self.fetch(client, tax_id)

    def _values(self, client: OdooClient, c: TaxRate, key: str, existing: int | None = None) -> dict:
        values = {"name": c.name, "type_tax_use": c.scope, "active": c.active}
        if existing is None:
            values |= price_excluded(client.version)
        if not c.components:
            return values | {"amount_type": "percent", "amount": c.rate}
        children = self._children(client, c, key, existing)
        return values | {"amount_type": "group", "amount": Decimal(0), "children_tax_ids": [(6, 0, children)]}

    def _children(self, client: OdooClient, c: TaxRate, key: str, existing: int | None) -> list[int]:
        """One percent tax of type "none" per component, simple ones first with include_base_amount
        when a compound one follows; kept by external id so a retry or an update rewrites them."""
        any_compound = any(p.compound for p in c.components)
        current: list[int] = []
        if existing is not None:
            (row,) = client.with_archived().read(TAX, [existing], ["children_tax_ids"])
            current = sorted(row.get("children_tax_ids") or [])
        ids = []
        for number, part in enumerate(c.components):
            values = {
                "name": child_name(c.name, part.name),
                "amount_type": "percent",
                "amount": part.rate,
                "type_tax_use": "none",
                "include_base_amount": any_compound and not part.compound,
                "sequence": number + 1,
            } | price_excluded(client.version)
            if number < len(current):
                client.write(TAX, [current[number]], values)
                ids.append(current[number])
            else:
                ids.append(client.upsert(TAX, xmlid_name(key, "component", number), values)[0])
        return ids
