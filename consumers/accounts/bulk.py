"""Bulk sync of the chart of accounts (`bridge sync account`): the generic engine. GET /Accounts has
no paging, order or If-Modified-Since paging (one call reads the whole chart), and PUT /Accounts
takes one account per request (xero-facts §4), so an export is a call per account created."""

from __future__ import annotations

from datetime import datetime

from consumers.accounts.odoo_side import company_domain
from consumers.accounts.types import ODOO_ELSEWHERE
from consumers.framework.bulk import BulkSync, Forecast, Report


class AccountBulk(BulkSync):
    entity_name = "account"
    xero_collection = "Accounts"
    xero_ordered = False
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

    def xero_records(self) -> list[dict]:
        """The whole chart in one call (GET /Accounts takes no page or pageSize)."""
        return [
            a for a in self.xero().get(self.xero_collection).get(self.xero_collection) or [] if self.wanted(a)
        ]

    @staticmethod
    def wanted(record: dict) -> bool:
        return record.get("Type") != "BANK"

    def forecast(self, direction: str, since: datetime | None = None, restart: bool = False) -> Forecast:
        if direction == "export":
            return super().forecast(direction, since, restart)
        return self._forecast(len(self.xero_records()), 1)

    def import_(self, since: datetime | None = None, dry_run: bool = False, restart: bool = False) -> Report:
        """Every account from one read; each through the importer (an interrupted run simply runs
        again: records already synced come back unchanged by their hash)."""
        report = Report()
        if not self.policy.allows("xero"):
            report.planned.append(f"nothing: {self.entity.name} direction is {self.policy.direction}")
            return report
        client = self.xero()
        calls = client.calls
        for record in self.xero_records():
            side = self.translators["xero"].src
            self.apply_one(
                "xero", side.record_id(record), record.get("UpdatedDateUTC"), record, report, dry_run
            )
        report.xero_calls = client.calls - calls
        return report
