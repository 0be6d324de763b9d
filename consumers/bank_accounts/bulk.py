"""Bulk sync of bank accounts (`bridge sync bank_account`): the accounts engine, BANK accounts only
on the Xero side and the company's bank journals on the Odoo side."""

from __future__ import annotations

from datetime import datetime

from consumers.accounts.bulk import AccountBulk


class BankAccountBulk(AccountBulk):
    entity_name = "bank_account"
    odoo_model = "account.journal"

    def wanted(self, record: dict) -> bool:
        return record.get("Type") == "BANK"

    def export_domain(self, since: datetime | None, after_id: int) -> list:
        domain = [("type", "=", "bank"), ("company_id", "=", self.company_id), ("id", ">", after_id)]
        if since is not None:
            domain.append(("write_date", ">=", since.strftime("%Y-%m-%d %H:%M:%S")))
        return domain
