"""Contacts' change detection: Xero Contacts by If-Modified-Since, Odoo res.partner by write_date
(the generic runners in bridge/polling drive these specs)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from bridge.events import Event, parse_odoo_datetime
from bridge.polling.specs import Change, OdooWriteDateSpec, Scope, WatermarkSpec
from bridge.polling.stamps import parse_xero_updated


class XeroContactChanges(WatermarkSpec):
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


class OdooPartnerChanges(OdooWriteDateSpec):
    """res.partner by write_date (specs.OdooWriteDateSpec: overlap, archived rows, not the bridge's
    own writes). A contact person's change is its company's."""

    entity = "contact"
    model = "res.partner"
    fields = ("write_date", "parent_id", "type", "is_company", "company_id")

    @classmethod
    def change(cls, row: dict, fields: list[str]) -> Change | None:
        modified = parse_odoo_datetime(row.get("write_date"))
        if modified is None:
            return None
        fingerprint = cls.fingerprint(row, fields)
        parent = row.get("parent_id")
        parent_id = parent[0] if isinstance(parent, list) else parent
        if parent_id and row.get("type", "contact") == "contact" and not row.get("is_company"):
            # A contact person lives in Xero inside its company's contact: one change of the parent.
            return Change(
                str(parent_id), modified, row["write_date"], None, payload={"child": row["id"]},
                fingerprint=fingerprint,
            )  # fmt: skip
        return Change(str(row["id"]), modified, row["write_date"], str(row["id"]), fingerprint=fingerprint)
