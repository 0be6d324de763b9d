"""Bank accounts' change detection: Xero BANK accounts by If-Modified-Since (one GET /Accounts per
round, xero-facts §5), Odoo account.journal by write_date."""

from __future__ import annotations

from bridge.polling.specs import OdooWriteDateSpec
from consumers.accounts.polling import XeroAccountChanges


class XeroBankAccountChanges(XeroAccountChanges):
    entity = "bank_account"
    key_name = "BankAccount"

    def wanted(self, row: dict) -> bool:
        return row.get("Type") == "BANK"


class OdooJournalChanges(OdooWriteDateSpec):
    """account.journal by write_date (archived ones too). A change made on the bank account itself
    (res.partner.bank) does not touch the journal: it is seen with the journal's next change."""

    entity = "bank_account"
    model = "account.journal"
    fields = ("write_date", "type")
