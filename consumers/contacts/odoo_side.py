"""Odoo's side of contacts: res.partner with its child contacts (Xero's contact persons) and tags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bridge.odoo.client import OdooClient, xmlid_name
from consumers.base import Context
from consumers.contacts.canonical import Contact, comparable, email_key, name_key, to_odoo
from consumers.contacts.lookups import OdooLookups
from consumers.contacts.matching import ODOO_SIDE, choose_match
from consumers.framework.scope import Scope
from consumers.framework.sides import Side


@dataclass
class OdooHandle:
    odoo: OdooClient
    lookups: OdooLookups


class OdooPartners(Side):
    system = "odoo"
    label = "Odoo partner"
    model = "res.partner"

    def client(self, ctx: Context, scope: Scope) -> OdooHandle:
        odoo = ctx.services["odoo"].in_company(scope.company_id)
        return OdooHandle(odoo, OdooLookups(odoo))

    def fetch(self, client: OdooHandle, record_id: int) -> dict | None:
        return client.odoo.read_one("res.partner", record_id, client.lookups.partner_fields())

    def record_id(self, record: dict) -> int:
        return record["id"]

    def canonical(self, client: OdooHandle, record: dict) -> Contact:
        return comparable(client.lookups.canonical(record), client.lookups.has_mobile)

    def redirect(self, client: OdooHandle, record: dict) -> int | None:
        """A contact person lives in Xero as a ContactPerson of its company."""
        parent = record.get("parent_id")
        if parent and record.get("type", "contact") == "contact" and not record.get("is_company"):
            return parent[0] if isinstance(parent, list) else parent
        return None

    def in_scope(self, client: OdooHandle, scope: Scope, record: dict) -> bool:
        """The connection's company's contacts (or shared ones), not users' or companies' own partners."""
        company = record.get("company_id")
        company_id = company[0] if isinstance(company, list) else company
        if company_id not in (scope.company_id, False, None):
            return False
        return record["id"] not in client.lookups.excluded_partner_ids()

    def dependencies(self, record: dict, canonical: Contact) -> list[tuple[str, Any]]:
        return [("contact_group", tag_id) for tag_id in record.get("category_id") or []]

    def find(self, client: OdooHandle, scope: Scope, c: Contact, contact_id: str) -> int | None:
        """Its external id, then the same email, then the same name — never a duplicate."""
        found = client.odoo.xmlid_lookup("res.partner", xmlid_name("contact", contact_id))
        if found is not None:
            return found
        candidates = client.lookups.candidates(scope.company_id, c.name, c.email)
        by_email = [p for p in candidates if c.email and email_key(p.get("email")) == email_key(c.email)]
        by_name = [p for p in candidates if name_key(p.get("name")) == name_key(c.name)]
        for found_by, matches in (("email", by_email), ("name", by_name)):
            found = choose_match(c, found_by, matches, scope.policy, "Xero contact", ODOO_SIDE)
            if found is not None:
                return found
        return None

    def _values(self, client: OdooHandle, c: Contact) -> dict:
        lookups = client.lookups
        values = to_odoo(c, lookups.country_id(c.country), lookups.tag_ids(c.groups))
        return client.odoo.adapter.partner_values(values)

    def create(self, client: OdooHandle, scope: Scope, c: Contact, contact_id: str, key: str) -> dict:
        values = self._values(client, c) | {"company_id": scope.company_id}
        partner_id, _ = client.odoo.upsert("res.partner", xmlid_name("contact", contact_id), values)
        self._sync_persons(client.odoo, partner_id, c, scope.company_id)
        return self.fetch(client, partner_id)

    def update(
        self, client: OdooHandle, scope: Scope, partner_id: int, c: Contact, before: Contact, key: str
    ) -> dict:
        client.odoo.write("res.partner", [partner_id], self._values(client, c))
        self._sync_persons(client.odoo, partner_id, c, scope.company_id)
        return self.fetch(client, partner_id)

    @staticmethod
    def _sync_persons(odoo: OdooClient, partner_id: int, c: Contact, company_id: int) -> None:
        """Xero's contact persons become the partner's child contacts (matched by email, then name)."""
        children = odoo.search_read(
            "res.partner", [("parent_id", "=", partner_id), ("type", "=", "contact")], ["name", "email"]
        )
        for person in c.persons:
            name = " ".join(p for p in (person.first, person.last) if p)
            match = next(
                (
                    ch
                    for ch in children
                    if person.email and email_key(ch.get("email")) == email_key(person.email)
                ),
                None,
            )
            match = match or next(
                (ch for ch in children if name and name_key(ch.get("name")) == name_key(name)), None
            )
            values = {"name": name or person.email or "Contact", "email": person.email or False}
            if match is None:
                person_key = email_key(person.email) or name_key(name)
                odoo.upsert(
                    "res.partner",
                    xmlid_name("contact_person", partner_id, person_key),
                    values | {"parent_id": partner_id, "type": "contact", "company_id": company_id},
                )
            elif match.get("name") != values["name"] or (match.get("email") or False) != values["email"]:
                odoo.write("res.partner", [match["id"]], values)
