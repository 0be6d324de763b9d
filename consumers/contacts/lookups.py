"""Odoo-side lookups a contact translator needs, cached for one event: countries, tags, candidates."""

from __future__ import annotations

from functools import cached_property

from bridge.odoo.client import OdooClient
from consumers.contacts.canonical import PARTNER_FIELDS, Contact, from_odoo, name_key


def like_literal(text: str) -> str:
    """A text matched literally by Odoo's `=ilike`: its `%` and `_` are LIKE wildcards, and
    backslash is PostgreSQL's default LIKE escape."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class OdooLookups:
    def __init__(self, odoo: OdooClient):
        self.odoo = odoo

    @property
    def has_mobile(self) -> bool:
        return "mobile" in self.odoo.adapter.partner_fields()

    def partner_fields(self) -> list[str]:
        return [
            f for f in PARTNER_FIELDS if f in set(self.odoo.adapter.partner_fields()) | {"child_ids", "type"}
        ]

    @cached_property
    def _excluded(self) -> frozenset[int]:
        users = self.odoo.with_archived().search_read("res.users", [], ["partner_id"])
        companies = self.odoo.with_archived().search_read("res.company", [], ["partner_id"])
        return frozenset(
            (row["partner_id"][0] if isinstance(row["partner_id"], list) else row["partner_id"])
            for row in [*users, *companies]
            if row.get("partner_id")
        )

    def excluded_partner_ids(self) -> frozenset[int]:
        """Partners that are not contacts: users' (OdooBot, the public user, user templates, the
        bridge's own) and companies' own (odoo-facts §3.6)."""
        return self._excluded

    @cached_property
    def _countries(self) -> list[dict]:
        return self.odoo.search_read("res.country", [], ["code", "name"])

    def country_code(self, text: str | None) -> str | None:
        """Xero's Country is free text: an ISO code or a name."""
        if not text:
            return None
        key = name_key(text)
        for country in self._countries:
            if name_key(country["code"]) == key or name_key(country["name"]) == key:
                return country["code"].upper()
        return text.upper() if len(text) == 2 else None

    def country_id(self, code: str | None) -> int | None:
        return next((c["id"] for c in self._countries if code and c["code"].upper() == code), None)

    @cached_property
    def _tags(self) -> dict[int, str]:
        rows = self.odoo.with_archived().search_read("res.partner.category", [], ["name"])
        return {row["id"]: row["name"] for row in rows}

    def tag_names(self) -> list[str]:
        return list(self._tags.values())

    def tag_ids(self, names: tuple[str, ...]) -> list[int]:
        """The tags of these group name keys (the groups were synced first, as dependencies; a
        group the settings leave out has no tag and its membership stays out)."""
        by_key = {name_key(name): tag_id for tag_id, name in self._tags.items()}
        return [by_key[key] for key in names if key in by_key]

    def canonical(self, partner: dict, children: list[dict] | None = None) -> Contact:
        """`children` when the caller already read them (bulk reads a page's in one call)."""
        if children is None:
            children = []
        if not children and partner.get("child_ids"):
            children = self.odoo.read(
                "res.partner", partner["child_ids"], ["name", "email", "type", "is_company"]
            )
        codes = {c["id"]: c["code"].upper() for c in self._countries}
        return from_odoo(partner, children, self._tags, codes)

    def candidates(self, company_id: int, name: str, email: str | None) -> list[dict]:
        """Top-level partners (this company's or shared, archived too) with the same email or name."""
        match = [("name", "=ilike", like_literal(name))]
        if email:
            match = ["|", ("email", "=ilike", like_literal(email)), *match]
        domain = [("parent_id", "=", False), ("company_id", "in", [company_id, False]), *match]
        return self.odoo.with_archived().search_read("res.partner", domain, ["name", "email"])
