"""Bulk sync of the chart of accounts (`bridge sync account`): the generic engine. GET /Accounts has
no paging, order or If-Modified-Since paging (one call reads the whole chart), and PUT /Accounts
takes one account per request (xero-facts §4), so an export is a call per account created."""

from __future__ import annotations

from datetime import datetime

from consumers.accounts.odoo_side import company_domain
from consumers.accounts.types import ODOO_ELSEWHERE
from consumers.framework.bulk import BulkSync


class AccountBulk(BulkSync):
    entity_name = "account"
    xero_collection = "Accounts"
    xero_ordered = False
    xero_paged = False
    odoo_model = "account.account"

    def export_domain(self, since: datetime | None, after_id: int) -> list:
        domain = [
            *company_domain(self.odoo, self.company_id),
            ("account_type", "not in", sorted(ODOO_ELSEWHERE)),
            ("id", ">", after_id),
        ]
        if since is not None:
            domain.append(("write_date", ">=", since.strftime("%Y-%m-%d %H:%M:%S")))
        return domain

    def export_calls(self, records: int) -> int:
        return 1 + records  # the chart read once by find, then one PUT or POST per account at most

    def wanted(self, record: dict) -> bool:
        return record.get("Type") != "BANK"  # the bank_account entity's
