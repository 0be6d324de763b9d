"""Accounts' change detection. Xero sends no webhook for accounts (xero-facts §1) but takes
If-Modified-Since on GET /Accounts (xero-facts §5): one call per round returns only the accounts
changed since the watermark (archived ones too; not BANK ones, the bank_account entity's). Odoo
account.account by write_date."""

from __future__ import annotations

from datetime import datetime

from bridge.polling.specs import OdooWriteDateSpec, Scope, XeroModifiedSinceSpec


class XeroAccountChanges(XeroModifiedSinceSpec):
    """GET /Accounts has no paging (ACC: where, order, If-Modified-Since only): one call a round."""

    entity = "account"
    webhook_source = None  # no webhook covers accounts: finding a change here is no alarm
    collection = "Accounts"
    id_field = "AccountID"
    key_name = "Account"
    payload_fields = ("Code", "Name", "Status")

    def wanted(self, row: dict) -> bool:
        return row.get("Type") != "BANK"


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
