"""Contacts: Xero Contacts and Odoo res.partner by modification time, Xero ContactGroups by hash."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from bridge.events import Event, parse_odoo_datetime
from bridge.odoo.setup import HOOKS
from bridge.polling.specs import Change, HashSpec, Scope, WatermarkSpec, digest
from bridge.polling.stamps import parse_xero_updated

PAGE = 200


class XeroContacts(WatermarkSpec):
    """Xero Contacts with If-Modified-Since (xero-facts §5), archived ones too: archiving is a change
    (the importer maps ARCHIVED to active=False). Newest first, so a contact changed while the pages
    are read pushes others to later pages (read twice) instead of earlier ones (skipped); the changed
    one itself is newer than this round's watermark and comes next round."""

    source = "xero"
    entity = "contact"
    webhook_source = "xero"

    def overlap(self, settings) -> float:
        return settings.polling.xero_overlap

    def changes(self, scope: Scope, since: datetime) -> Iterator[Change]:
        params = {"includeArchived": "true", "order": "UpdatedDateUTC DESC"}
        for row in scope.xero.paginate("Contacts", params, if_modified_since=since):
            modified = parse_xero_updated(row.get("UpdatedDateUTC"))
            if modified is None:
                continue
            yield Change(
                resource_id=row["ContactID"],
                modified_at=modified,
                version=str(row.get("UpdatedDateUTC")),
                record_id=row["ContactID"],
                payload={"Name": row.get("Name"), "ContactStatus": row.get("ContactStatus")},
            )

    def envelope(self, scope: Scope, change: Change, received_at: datetime) -> Event:
        # Xero's own key (tenant|category|id|type|eventDateUtc, xero-facts §1) cannot be rebuilt: the
        # poll key is stable per (record, UpdatedDateUTC) instead, so overlapping polls dedupe.
        stamp = change.modified_at.isoformat(timespec="milliseconds")
        return Event(
            source="xero",
            origin="poll",
            connection=scope.connection_id,
            entity=self.entity,
            resource_id=change.resource_id,
            change_type=change.change_type,
            occurred_at=change.modified_at,
            dedupe_key=f"poll|xero|{scope.tenant_id}|Contact|{change.resource_id}|{stamp}",
            tenant_id=scope.tenant_id,
            payload={"ContactID": change.resource_id, "UpdatedDateUTC": change.version, **change.payload},
            received_at=received_at,
        )


class OdooPartners(WatermarkSpec):
    """res.partner by write_date (odoo-facts §4): `>=` from the watermark minus minutes of overlap,
    archived rows included (active_test=False), the bridge's own writes left out (their echo), paged
    by id (a row changed meanwhile keeps its place). A contact person's change is its company's."""

    source = "odoo"
    entity = "contact"
    model = "res.partner"
    fields = ("write_date", "parent_id", "type", "is_company", "company_id")

    def overlap(self, settings) -> float:
        return settings.polling.odoo_overlap

    def binding_version(self, binding) -> str | None:
        # write_date comes over RPC without its microseconds (odoo-facts §4): two changes within one
        # second share it, so it cannot prove a change applied. The translator's hash compare can.
        return None

    def watched(self, scope: Scope) -> list[str]:
        """The fields whose change the bridge cares about: those its webhook rules trigger on."""
        known = scope.odoo.fields_of(self.model)
        hook = next(h for h in HOOKS if h.model == self.model)
        return [f for f in dict.fromkeys((*self.fields, *hook.trigger_fields)) if f in known]

    def domain(self, scope: Scope, since: datetime) -> list:
        stamp = since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        domain: list = [("write_date", ">=", stamp)]
        if scope.odoo.uid is not None:
            domain.append(("write_uid", "!=", scope.odoo.uid))
        if scope.company_id is not None:
            if scope.odoo_shared:
                domain += ["|", ("company_id", "=", scope.company_id), ("company_id", "=", False)]
            else:
                domain.append(("company_id", "=", scope.company_id))
        return domain

    def changes(self, scope: Scope, since: datetime) -> Iterator[Change]:
        odoo = scope.odoo
        domain = self.domain(scope, since)
        fields = self.watched(scope)
        last_id = 0
        while True:
            rows = odoo.search_read(
                self.model, [*domain, ("id", ">", last_id)], fields, limit=PAGE, order="id asc"
            )
            for row in rows:
                change = self.change(row, fields)
                if change is not None:
                    yield change
            if len(rows) < PAGE:
                return
            last_id = rows[-1]["id"]

    @staticmethod
    def change(row: dict, fields: list[str]) -> Change | None:
        modified = parse_odoo_datetime(row.get("write_date"))
        if modified is None:
            return None
        # Two changes in one second share a write_date: what the row holds tells them apart.
        fingerprint = digest([row["id"], *(row.get(f) for f in fields if f != "write_date")])[:12]
        parent = row.get("parent_id")
        parent_id = parent[0] if isinstance(parent, list) else parent
        if parent_id and row.get("type", "contact") == "contact" and not row.get("is_company"):
            # A contact person lives in Xero inside its company's contact: one change of the parent.
            return Change(
                str(parent_id), modified, row["write_date"], None, payload={"child": row["id"]},
                fingerprint=fingerprint,
            )  # fmt: skip
        return Change(str(row["id"]), modified, row["write_date"], str(row["id"]), fingerprint=fingerprint)

    def envelope(self, scope: Scope, change: Change, received_at: datetime) -> Event:
        return Event(
            source="odoo",
            origin="poll",
            connection=scope.connection_id,
            entity=self.entity,
            resource_id=change.resource_id,
            change_type=change.change_type,
            occurred_at=change.modified_at,
            dedupe_key=(
                f"poll|odoo|{scope.connection_id}|{self.model}|{change.resource_id}|{change.version}"
                f"|{change.fingerprint}"
            ),
            company_id=scope.company_id,
            payload={"_model": self.model, "_id": int(change.resource_id), "write_date": change.version}
            | change.payload,
            received_at=received_at,
        )


class XeroContactGroups(HashSpec):
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
