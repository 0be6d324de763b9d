"""Contact groups' change detection: Xero ContactGroups read in full and compared by hash (no
webhook, no If-Modified-Since), Odoo tags by write_date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bridge.events import Event
from bridge.polling.specs import HashSpec, OdooWriteDateSpec, Scope, digest


class OdooTagChanges(OdooWriteDateSpec):
    """res.partner.category by write_date (specs.OdooWriteDateSpec), archived tags included (archiving
    one deletes the Xero group). On Odoo 17/18 a tag's webhook is sent before its transaction commits
    and has no retry (odoo-facts §2.1): the bridge may read nothing and the tag would be lost without
    this poll. Tags belong to no company (odoo-facts §3.5): polled only for a single connection."""

    entity = "contact_group"
    model = "res.partner.category"
    fields = ("write_date", "name", "active")
    company_field = None


class XeroGroupChanges(HashSpec):
    """Xero ContactGroups: no If-Modified-Since and no webhook (xero-facts §1, §5), and a membership
    change does not touch the contact. Read in full (the list, then each group's members) and compared
    by hash. A group new, renamed or deleted gives a contact_group event (the group translator keeps
    the Odoo tag); a contact that joined or left gives a contact event (its tags). One call per group,
    so it runs with the reconciliation, not every poll."""

    source = "xero"
    entity = "contact_group"
    emits = (("xero", "contact_group"), ("xero", "contact"))

    def records(self, scope: Scope) -> Iterator[tuple[str, Any, Any]]:
        xero = scope.xero
        for group in xero.get("ContactGroups").get("ContactGroups") or []:
            group_id = group["ContactGroupID"]
            full = (xero.get(f"ContactGroups/{group_id}").get("ContactGroups") or [{}])[0]
            members = sorted(c["ContactID"] for c in full.get("Contacts") or [])
            head = digest({"Name": group.get("Name"), "Status": group.get("Status")})
            yield group_id, {"head": head, "Contacts": members}, {"head": head, "members": members}

    def envelopes(
        self, scope: Scope, record_id: str, digest: str, detail: Any, previous: Any, received_at: datetime
    ) -> list[Event]:
        now_ = detail or {"head": None, "members": []}
        before = previous or {"head": None, "members": []}
        events = []
        if now_["head"] != before["head"]:
            events.append(
                self._event(scope, "contact_group", record_id, f"{record_id}|{digest[:16]}", received_at)
            )
        for contact_id in sorted(set(now_["members"]) ^ set(before["members"])):
            key = f"{record_id}|{digest[:16]}|{contact_id}"
            events.append(self._event(scope, "contact", contact_id, key, received_at, group=record_id))
        return events

    def first_round_envelopes(
        self, scope: Scope, record_id: str, digest: str, detail: Any, binding: Any, received_at: datetime
    ) -> list[Event]:
        """A group the bridge has no binding for was made before this poller's first read, with no
        webhook to tell (Xero sends none for groups): its event lets the translator import or bind it.
        A bound group is taken as held (comparing its state would take the translator's content hash);
        memberships found now are the baseline: contacts have their own poller."""
        if binding is not None and binding.odoo_id is not None:
            return []
        return [self._event(scope, "contact_group", record_id, f"{record_id}|{digest[:16]}", received_at)]

    @staticmethod
    def _event(
        scope: Scope, entity: str, resource_id: str, key: str, received_at: datetime, group: str | None = None
    ) -> Event:
        payload = {"ContactGroupID": group or resource_id} | ({"ContactID": resource_id} if group else {})
        return Event(
            source="xero",
            origin="poll",
            connection=scope.connection_id,
            entity=entity,
            resource_id=resource_id,
            change_type="update",
            occurred_at=None,
            dedupe_key=f"poll|xero|{scope.tenant_id}|ContactGroup|{key}",
            tenant_id=scope.tenant_id,
            payload=payload,
            received_at=received_at,
        )
