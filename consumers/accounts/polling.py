"""Accounts' change detection. Xero sends no webhook for accounts (xero-facts §1) but takes
If-Modified-Since on GET /Accounts (xero-facts §5): one call per round returns only the accounts
changed since the watermark (archived ones too; not BANK ones, the bank_account entity's). Odoo
account.account by write_date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from bridge.events import Event
from bridge.polling.specs import Change, OdooWriteDateSpec, Scope, WatermarkSpec
from bridge.polling.stamps import parse_xero_updated


class XeroAccountChanges(WatermarkSpec):
    source = "xero"
    entity = "account"
    collection = "Accounts"
    webhook_source = None  # no webhook covers accounts: finding a change here is no alarm
    key_name = "Account"  # in the poll's dedupe keys

    def overlap(self, settings) -> float:
        return settings.polling.xero_overlap

    def wanted(self, row: dict) -> bool:
        return row.get("Type") != "BANK"

    def changes(self, scope: Scope, since: datetime) -> Iterator[Change]:
        # GET /Accounts has no paging (ACC: where, order, If-Modified-Since only): one call.
        rows = scope.xero.get(self.collection, None, if_modified_since=since).get(self.collection) or []
        for row in rows:
            modified = parse_xero_updated(row.get("UpdatedDateUTC"))
            if modified is None or not self.wanted(row):
                continue
            yield Change(
                resource_id=row["AccountID"],
                modified_at=modified,
                version=str(row.get("UpdatedDateUTC")),
                record_id=row["AccountID"],
                payload={"Code": row.get("Code"), "Name": row.get("Name"), "Status": row.get("Status")},
            )

    def envelope(self, scope: Scope, change: Change, received_at: datetime) -> Event:
        stamp = change.modified_at.isoformat(timespec="milliseconds")
        return Event(
            source="xero",
            origin="poll",
            connection=scope.connection_id,
            entity=self.entity,
            resource_id=change.resource_id,
            change_type=change.change_type,
            occurred_at=change.modified_at,
            dedupe_key=f"poll|xero|{scope.tenant_id}|{self.key_name}|{change.resource_id}|{stamp}",
            tenant_id=scope.tenant_id,
            payload={"AccountID": change.resource_id, "UpdatedDateUTC": change.version, **change.payload},
            received_at=received_at,
        )


class OdooAccountChanges(OdooWriteDateSpec):
    """account.account by write_date, deprecated / archived ones too. 18+ share accounts between
    companies (company_ids): the company filter follows the version."""

    entity = "account"
    model = "account.account"
    fields = ("write_date", "account_type")

    def domain(self, scope: Scope, since: datetime) -> list:
        domain = super().domain(scope, since)
        if "company_ids" in scope.odoo.fields_of(self.model):
            domain = [
                ("company_ids", *term[1:]) if isinstance(term, tuple) and term[0] == "company_id" else term
                for term in domain
            ]
        return domain
