"""Xero's side of contacts: read, find (ContactNumber, email, name), write, archive, memberships."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bridge.errors import PermanentError
from bridge.xero.client import XeroClient, idempotency_key
from consumers.base import Context
from consumers.contacts.canonical import Contact, comparable, email_key, from_xero, name_key, to_xero
from consumers.contacts.lookups import OdooLookups
from consumers.contacts.matching import XERO_SIDE, choose_match
from consumers.framework.scope import Scope
from consumers.framework.sides import Side


def contact_number(company_id: int, partner_id: int) -> str:
    """Xero's ContactNumber is an API-only key (xero-facts §8): it finds our contact again after a lost answer."""
    return f"ODOO-{company_id}-{partner_id}"


@dataclass
class XeroHandle:
    xero: XeroClient
    lookups: OdooLookups  # Xero's Country is free text: Odoo's country list normalises it

    @property
    def has_mobile(self) -> bool:
        return self.lookups.has_mobile


class XeroContacts(Side):
    system = "xero"
    label = "Xero contact"
    model = "Contacts"

    def client(self, ctx: Context, scope: Scope) -> XeroHandle:
        odoo = ctx.services["odoo"].in_company(scope.company_id)
        return XeroHandle(ctx.services["xero"].for_connection(scope.connection_id), OdooLookups(odoo))

    def fetch(self, client: XeroHandle, record_id: str) -> dict | None:
        return client.xero.get_one("Contacts", record_id)

    def record_id(self, record: dict) -> str:
        return record["ContactID"]

    def canonical(self, client: XeroHandle, record: dict) -> Contact:
        return comparable(from_xero(record, client.lookups.country_code), client.has_mobile)

    def counterpart(self, record: dict, scope: Scope) -> int | None:
        number = str(record.get("ContactNumber") or "")
        prefix = contact_number(scope.company_id, 0)[:-1]
        tail = number.removeprefix(prefix)
        return int(tail) if number.startswith(prefix) and tail.isdigit() else None

    def dependencies(self, record: dict, canonical: Contact) -> list[tuple[str, Any]]:
        return [
            ("contact_group", g["ContactGroupID"])
            for g in record.get("ContactGroups") or []
            if g.get("ContactGroupID")
        ]

    def find(self, client: XeroHandle, scope: Scope, c: Contact, partner_id: int) -> str | None:
        """Our ContactNumber, then the same email, then the same name (Xero names are unique)."""
        found = client.xero.get_one("Contacts", contact_number(scope.company_id, partner_id))
        if found is not None:
            return found["ContactID"]
        for found_by, term, key in (("email", c.email, email_key), ("name", c.name, name_key)):
            if not term:
                continue
            params = {"searchTerm": term, "includeArchived": "true", "summaryOnly": "true"}
            rows = list(client.xero.paginate("Contacts", params))
            field = "EmailAddress" if found_by == "email" else "Name"
            matches = [r for r in rows if key(r.get(field)) == key(term)]
            found = choose_match(c, found_by, matches, scope.policy, "Odoo partner", XERO_SIDE)
            if found is not None:
                return found
        return None

    def element(self, c: Contact, has_mobile: bool) -> dict:
        element = to_xero(c)
        if not has_mobile:
            element["Phones"] = [p for p in element["Phones"] if p["PhoneType"] != "MOBILE"]
        return element

    def create(self, client: XeroHandle, scope: Scope, c: Contact, partner_id: int, key: str) -> dict:
        element = self.element(c, client.has_mobile) | {
            "ContactNumber": contact_number(scope.company_id, partner_id)
        }
        saved = self._save(client, element, key)
        self.sync_groups(client.xero, saved["ContactID"], c, set())
        return saved

    def update(
        self, client: XeroHandle, scope: Scope, contact_id: str, c: Contact, before: Contact, key: str
    ) -> dict:
        saved = self._save(client, self.element(c, client.has_mobile) | {"ContactID": contact_id}, key)
        self.sync_groups(client.xero, contact_id, c, set(before.groups))
        return saved

    def other_gone(self, client: XeroHandle, scope: Scope, contact_id: str, key: str) -> dict | None:
        """A partner deleted in Odoo: Xero never deletes a contact, it archives it (xero-facts §8)."""
        self._save(client, {"ContactID": contact_id, "ContactStatus": "ARCHIVED"}, key)
        return client.xero.get_one("Contacts", contact_id)

    @staticmethod
    def _save(client: XeroHandle, element: dict, key: str) -> dict:
        (result,) = client.xero.save("Contacts", [element], key=key, method="POST")
        if not result.ok:
            raise PermanentError(
                "Xero ValidationException: " + "; ".join(result.errors), details={"messages": result.errors}
            )
        return result.record

    @staticmethod
    def sync_groups(xero: XeroClient, contact_id: str, c: Contact, have: set[str]) -> None:
        """Memberships are set on the group, not on the contact (xero-facts §8 "Contact groups").
        `c.groups` is already merged (framework/canonical.py): a membership the other side never
        had is kept there, so only what the source removed since the last sync is removed here."""
        want = set(c.groups)
        if have == want:
            return
        groups = {name_key(g["Name"]): g for g in xero.get("ContactGroups").get("ContactGroups") or []}
        for key in sorted(want - have):
            group = groups.get(key)
            if group is None:  # the group is not synced (settings): its membership stays out
                continue
            xero.request(
                "PUT",
                f"ContactGroups/{group['ContactGroupID']}/Contacts",
                json={"Contacts": [{"ContactID": contact_id}]},
                idempotency=idempotency_key("group-member", group["ContactGroupID"], contact_id),
            )
        for key in sorted(have - want):
            group = groups.get(key)
            if group is not None:
                xero.request("DELETE", f"ContactGroups/{group['ContactGroupID']}/Contacts/{contact_id}")
