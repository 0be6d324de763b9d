"""Contacts' change detection: Xero Contacts by If-Modified-Since, Odoo res.partner by write_date
(the generic runners in bridge/polling drive these specs)."""

from __future__ import annotations

from bridge.events import parse_odoo_datetime
from bridge.polling.specs import Change, OdooWriteDateSpec, XeroModifiedSinceSpec


class XeroContactChanges(XeroModifiedSinceSpec):
    """Xero Contacts with If-Modified-Since, archived ones too: archiving is a change (the importer maps
    ARCHIVED to active=False)."""

    entity = "contact"
    webhook_source = "xero"
    collection = "Contacts"
    id_field = "ContactID"
    key_name = "Contact"
    payload_fields = ("Name", "ContactStatus")
    params = {"includeArchived": "true"}
    paged = True


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
