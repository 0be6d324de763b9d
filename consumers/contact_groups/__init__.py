"""Xero ContactGroup ⇄ Odoo partner tag (res.partner.category): the groups themselves — created,
renamed, deleted, both ways. Memberships travel with the contacts (consumers/contacts). Xero sends no
webhooks for groups (xero-facts §1): their Xero events come from the pollers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bridge.entities import Entity
from bridge.errors import PermanentError
from bridge.odoo.client import OdooClient, xmlid_name
from bridge.odoo.setup import Hook
from bridge.xero.client import XeroClient
from consumers.contacts.canonical import name_key, norm_text
from consumers.contacts.lookups import like_literal
from consumers.framework.canonical import Canonical
from consumers.framework.matching import Candidate, refuse_ambiguous
from consumers.framework.scope import Scope
from consumers.framework.sides import Side
from consumers.framework.translator import SyncTranslator

NAME = "contact_group"
TAG = "res.partner.category"


@dataclass(frozen=True)
class Group(Canonical):
    name: str  # as the user typed it: a rename that only changes case is a change too
    active: bool = True


class XeroGroups(Side):
    system = "xero"
    label = "Xero contact group"
    model = "ContactGroups"

    def fetch(self, client: XeroClient, record_id: str) -> dict | None:
        return client.get_one("ContactGroups", record_id)

    def record_id(self, record: dict) -> str:
        return record["ContactGroupID"]

    def canonical(self, client: XeroClient, record: dict) -> Group:
        return Group(norm_text(record.get("Name")) or "", record.get("Status", "ACTIVE") == "ACTIVE")

    def find(self, client: XeroClient, scope: Scope, c: Group, tag_id: int) -> str | None:
        """Xero's group names are unique (case-insensitively): the same name is the same group."""
        groups = client.get("ContactGroups").get("ContactGroups") or []
        same = [g for g in groups if name_key(g.get("Name")) == name_key(c.name)]
        return same[0]["ContactGroupID"] if same else None

    def create(self, client: XeroClient, scope: Scope, c: Group, tag_id: int, key: str) -> dict | None:
        if not c.active:
            return None  # an archived Odoo tag that Xero never had
        return self._save(client, "PUT", "ContactGroups", {"Name": c.name}, key)

    def update(
        self, client: XeroClient, scope: Scope, group_id: str, c: Group, before: Group, key: str
    ) -> dict:
        element = (
            {"ContactGroupID": group_id, "Name": c.name}
            if c.active
            else {"ContactGroupID": group_id, "Status": "DELETED"}
        )
        return self._save(client, "POST", f"ContactGroups/{group_id}", element, key)

    def other_gone(self, client: XeroClient, scope: Scope, group_id: str, key: str) -> dict | None:
        """A tag deleted in Odoo: the group is deleted in Xero (its contacts stay)."""
        return self._save(
            client,
            "POST",
            f"ContactGroups/{group_id}",
            {"ContactGroupID": group_id, "Status": "DELETED"},
            key,
        )

    @staticmethod
    def _save(client: XeroClient, method: str, path: str, element: dict, key: str) -> dict:
        (result,) = client.save(
            "ContactGroups", [element], key=key, method=method, path=None if path == "ContactGroups" else path
        )
        if not result.ok:
            raise PermanentError(
                "Xero ValidationException: " + "; ".join(result.errors), details={"messages": result.errors}
            )
        return result.record


class OdooTags(Side):
    system = "odoo"
    label = "Odoo tag"
    model = TAG

    def fetch(self, client: OdooClient, record_id: int) -> dict | None:
        return client.read_one(TAG, record_id, ["name", "active", "write_date"])

    def record_id(self, record: dict) -> int:
        return record["id"]

    def canonical(self, client: OdooClient, record: dict) -> Group:
        return Group(norm_text(record.get("name")) or "", bool(record.get("active", True)))

    def find(self, client: OdooClient, scope: Scope, c: Group, group_id: str) -> int | None:
        found = client.xmlid_lookup(TAG, xmlid_name(NAME, group_id))
        if found is not None:
            return found
        tags = client.with_archived().search_read(TAG, [("name", "=ilike", like_literal(c.name))], ["name"])
        if len(tags) > 1:
            refuse_ambiguous(
                XeroGroups.label,
                c.name,
                among=self.label,
                by="name",
                candidates=[Candidate(t["id"], t["name"]) for t in tags],
            )
        return tags[0]["id"] if tags else None

    def create(self, client: OdooClient, scope: Scope, c: Group, group_id: str, key: str) -> dict | None:
        if not c.active:
            return None  # a deleted Xero group that Odoo never had
        tag_id, _ = client.upsert(TAG, xmlid_name(NAME, group_id), {"name": c.name})
        return self.fetch(client, tag_id)

    def update(
        self, client: OdooClient, scope: Scope, tag_id: int, c: Group, before: Group, key: str
    ) -> dict:
        client.write(TAG, [tag_id], {"name": c.name, "active": c.active} if c.name else {"active": c.active})
        return self.fetch(client, tag_id)

    def other_gone(self, client: OdooClient, scope: Scope, tag_id: int, key: str) -> dict | None:
        client.write(TAG, [tag_id], {"active": False})
        return self.fetch(client, tag_id)


def _translators() -> list:
    xero, odoo = XeroGroups(), OdooTags()
    return [SyncTranslator(NAME, xero, odoo), SyncTranslator(NAME, odoo, xero)]


def _pollers() -> list:
    from consumers.contact_groups.polling import OdooTagChanges, XeroGroupChanges

    return [OdooTagChanges(), XeroGroupChanges()]


def _deletions() -> list:
    from bridge.polling.deletions import DeletionSpec

    return [DeletionSpec(NAME, TAG)]


ENTITY = Entity(
    name=NAME,
    group="partners",
    xero_model="ContactGroup",
    odoo_model=TAG,
    odoo_hooks=(Hook(TAG, ("name", "parent_id", "active"), ("write_date",)),),
    translators=_translators,
    pollers=_pollers,
    deletions=_deletions,
    bulk=lambda ctx, connection_id, progress=None: GroupBulk(ctx, connection_id, progress),
)


from consumers.framework.bulk import BulkSync  # noqa: E402 - the engine needs the module's Sides first


class GroupBulk(BulkSync):
    entity_name = NAME
    xero_collection = "ContactGroups"
    xero_ordered = False  # ContactGroups has no paging, order or If-Modified-Since (xero-facts §5)
    xero_paged = False
    odoo_model = TAG

    def export_domain(self, since: datetime | None, after_id: int) -> list:
        domain = [("id", ">", after_id)]  # tags belong to no company
        if since is not None:
            domain.append(("write_date", ">=", since.strftime("%Y-%m-%d %H:%M:%S")))
        return domain
