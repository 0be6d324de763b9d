"""Xero ContactGroup ⇄ Odoo partner tag (res.partner.category): the groups themselves — created,
renamed, deleted. Memberships travel with the contacts (consumers/contacts). Xero sends no webhooks
for groups (xero-facts §1): their events come from the pollers."""

from __future__ import annotations

from bridge.errors import PermanentError
from bridge.events import Event
from bridge.odoo.client import OdooClient, xmlid_name
from bridge.xero.client import idempotency_key
from consumers.base import BindingUpdate, Context, Outcome, Translator
from consumers.contacts.canonical import name_key, norm_text
from consumers.contacts.common import scope_of

ENTITY = "contact_group"


def _digest(name: str, active: bool) -> str:
    return f"{name_key(name)}|{'active' if active else 'gone'}"


class ContactGroupImporter(Translator):
    """Xero → Odoo."""

    source = "xero"
    entity = ENTITY

    def apply(self, event: Event, ctx: Context) -> Outcome:
        scope = scope_of(ctx, event, xero_id=event.resource_id, entity=ENTITY)
        if not scope.policy.allows("xero"):
            return Outcome("skipped", note=f"contact groups: direction is {scope.policy.direction}")
        xero = ctx.services["xero"].for_connection(scope.connection_id)
        odoo: OdooClient = ctx.services["odoo"].in_company(scope.company_id)
        group = xero.get_one("ContactGroups", event.resource_id)
        name = norm_text(group.get("Name")) if group else None
        active = bool(group) and group.get("Status", "ACTIVE") == "ACTIVE"
        digest = _digest(name or "", active)
        if scope.binding is not None and scope.binding.content_hash == digest:
            return Outcome("unchanged", record_name=name)
        tag_id = scope.binding.odoo_id if scope.binding is not None else None
        if tag_id is None and name:
            tags = odoo.with_archived().search_read(
                "res.partner.category", [("name", "=ilike", name)], ["name"]
            )
            if len(tags) > 1:
                raise PermanentError(
                    f"ambiguous: several Odoo tags named {name!r}: {[t['id'] for t in tags]}"
                )
            tag_id = tags[0]["id"] if tags else None
        if tag_id is None:
            if not active:
                return Outcome("skipped", note="a deleted Xero group that Odoo never had")
            tag_id, _ = odoo.upsert(
                "res.partner.category", xmlid_name("contact_group", event.resource_id), {"name": name}
            )
            action = "created"
        else:
            odoo.write(
                "res.partner.category",
                [tag_id],
                {"name": name, "active": active} if name else {"active": active},
            )
            action = "updated" if active else "archived"
        return Outcome(
            action, BindingUpdate(xero_id=event.resource_id, odoo_id=tag_id, content_hash=digest), name
        )


class ContactGroupExporter(Translator):
    """Odoo → Xero."""

    source = "odoo"
    entity = ENTITY

    def apply(self, event: Event, ctx: Context) -> Outcome:
        tag_id = int(event.resource_id)
        scope = scope_of(ctx, event, odoo_id=tag_id, entity=ENTITY)
        if not scope.policy.allows("odoo"):
            return Outcome("skipped", note=f"contact groups: direction is {scope.policy.direction}")
        odoo: OdooClient = ctx.services["odoo"].in_company(scope.company_id)
        xero = ctx.services["xero"].for_connection(scope.connection_id)
        tag = odoo.read_one("res.partner.category", tag_id, ["name", "active"])
        name = norm_text(tag["name"]) if tag else None
        active = bool(tag and tag.get("active", True))
        digest = _digest(name or "", active)
        if scope.binding is not None and scope.binding.content_hash == digest:
            return Outcome("unchanged", record_name=name)
        group_id = scope.binding.xero_id if scope.binding is not None else None
        if group_id is None and name:
            groups = xero.get("ContactGroups").get("ContactGroups") or []
            same = [g for g in groups if name_key(g.get("Name")) == name_key(name)]
            group_id = same[0]["ContactGroupID"] if same else None
        key = idempotency_key("odoo", "res.partner.category", tag_id, event.correlation_id, event.attempt)
        if group_id is None:
            if not active:
                return Outcome("skipped", note="an archived Odoo tag that Xero never had")
            (result,) = xero.save("ContactGroups", [{"Name": name}], key=key, method="PUT")
            action = "created"
        else:
            element = (
                {"ContactGroupID": group_id, "Name": name}
                if active
                else {"ContactGroupID": group_id, "Status": "DELETED"}
            )
            (result,) = xero.save(
                "ContactGroups", [element], key=key, method="POST", path=f"ContactGroups/{group_id}"
            )
            action = "updated" if active else "deleted"
        if not result.ok:
            raise PermanentError(
                "Xero ValidationException: " + "; ".join(result.errors), details={"messages": result.errors}
            )
        group_id = result.record.get("ContactGroupID", group_id)
        return Outcome(action, BindingUpdate(xero_id=group_id, odoo_id=tag_id, content_hash=digest), name)
