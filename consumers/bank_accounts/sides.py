"""The bank_account entity's two sides: Xero BANK accounts and Odoo bank journals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bridge.errors import PermanentError
from bridge.odoo.client import xmlid_name
from consumers.accounts.canonical import code_key
from consumers.accounts.xero_side import XeroAccounts
from consumers.contacts.canonical import name_key, norm_text
from consumers.framework.canonical import Canonical
from consumers.framework.matching import Candidate, refuse_ambiguous
from consumers.framework.scope import Scope
from consumers.framework.sides import Side

NAME = "bank_account"
JOURNAL = "account.journal"
COLLECTION = "Accounts"
CODE_SIZE = 5  # account.journal code = fields.Char(size=5): Odoo cuts longer codes (16–19)
JOURNAL_FIELDS = [
    "name",
    "code",
    "type",
    "currency_id",
    "bank_acc_number",
    "active",
    "company_id",
    "write_date",
]


@dataclass(frozen=True)
class BankAccount(Canonical):
    name: str
    number: str | None = None  # Xero BankAccountNumber ⇄ the journal's bank_acc_number
    code: str | None = None  # the first 5 characters, as Odoo keeps them
    currency: str | None = None  # ISO code
    archived: bool = False


def short_code(value: object) -> str | None:
    text = norm_text(value)
    return text[:CODE_SIZE] if text else None


def number_key(value: object) -> str:
    """res.partner.bank's sanitized_acc_number: letters and digits only, upper case."""
    return "".join(ch for ch in str(value or "") if ch.isalnum()).upper()


class XeroBankAccounts(XeroAccounts):
    """Xero Accounts of Type BANK (create, update and deletion as any Xero account)."""

    label = "Xero bank account"

    def canonical(self, client: Any, record: dict) -> BankAccount:
        return BankAccount(
            name=norm_text(record.get("Name")) or "",
            number=norm_text(record.get("BankAccountNumber")),
            code=short_code(record.get("Code")),
            currency=record.get("CurrencyCode") or None,
            archived=record.get("Status") == "ARCHIVED",
        )

    def in_scope(self, client: Any, scope: Scope, record: dict) -> bool:
        return record.get("Type") == "BANK"

    def find(self, client: Any, scope: Scope, c: BankAccount, journal_id: int) -> str | None:
        """The same account number, then the same name (unique among Xero accounts)."""
        banks = [
            a
            for a in client.get(COLLECTION, {"where": 'Type=="BANK"'}).get(COLLECTION) or []
            if a.get("Status") != "DELETED"
        ]
        for by, same in (
            (
                "account number",
                [
                    a
                    for a in banks
                    if c.number and number_key(a.get("BankAccountNumber")) == number_key(c.number)
                ],
            ),
            ("name", [a for a in banks if name_key(a.get("Name")) == name_key(c.name)]),
        ):
            if len(same) > 1:
                refuse_ambiguous(
                    OdooBankJournals.label,
                    c.name,
                    code=c.code,
                    among=self.label,
                    by=by,
                    candidates=[Candidate(a["AccountID"], a.get("Name"), a.get("Code")) for a in same],
                )
            if same:
                return same[0]["AccountID"]
        return None

    def create(self, client: Any, scope: Scope, c: BankAccount, journal_id: int, key: str) -> dict | None:
        if c.archived:
            return None
        element: dict[str, Any] = {"Type": "BANK", "Name": c.name, "BankAccountType": "BANK"}
        for field_, value in (
            ("Code", c.code),
            ("BankAccountNumber", c.number),
            ("CurrencyCode", c.currency),
        ):
            if value:
                element[field_] = value
        return self._save(client, "PUT", COLLECTION, element, key)

    def update(
        self, client: Any, scope: Scope, account_id: str, c: BankAccount, before: BankAccount, key: str
    ) -> dict:
        element: dict[str, Any] = {}
        if c.name and c.name != before.name:
            element["Name"] = c.name
        if c.number and number_key(c.number) != number_key(before.number):
            element["BankAccountNumber"] = c.number
        if c.code and code_key(c.code) != code_key(before.code):
            element["Code"] = c.code
        if c.currency and c.currency != before.currency:
            element["CurrencyCode"] = c.currency
        if c.archived != before.archived:
            element["Status"] = "ARCHIVED" if c.archived else "ACTIVE"
        if not element:
            return self.fetch(client, account_id)
        return self._save(
            client, "POST", f"{COLLECTION}/{account_id}", {"AccountID": account_id, **element}, key
        )


class OdooBankJournals(Side):
    system = "odoo"
    label = "Odoo bank journal"
    model = JOURNAL

    def fetch(self, client: Any, record_id: int) -> dict | None:
        return client.read_one(JOURNAL, record_id, JOURNAL_FIELDS)

    def record_id(self, record: dict) -> int:
        return record["id"]

    def canonical(self, client: Any, record: dict) -> BankAccount:
        currency = record.get("currency_id")
        if currency:
            code = currency[1] if isinstance(currency, list) else self._currency_name(client, currency)
        else:  # no currency of its own: the company's
            company = record.get("company_id")
            company_id = company[0] if isinstance(company, list) else company
            (row,) = client.read("res.company", [company_id], ["currency_id"])
            code = row["currency_id"][1] if row.get("currency_id") else None
        return BankAccount(
            name=norm_text(record.get("name")) or "",
            number=norm_text(record.get("bank_acc_number")),
            code=short_code(record.get("code")),
            currency=code,
            archived=not record.get("active", True),
        )

    @staticmethod
    def _currency_name(client: Any, currency_id: int) -> str | None:
        rows = client.with_archived().read("res.currency", [currency_id], ["name"])
        return rows[0]["name"] if rows else None

    def in_scope(self, client: Any, scope: Scope, record: dict) -> bool:
        return record.get("type") == "bank"

    def find(self, client: Any, scope: Scope, c: BankAccount, xero_id: str) -> int | None:
        """The journal the bridge made for this Xero account, then the company's bank journal with the
        same account number, then the same name."""
        made = client.xmlid_lookup(JOURNAL, xmlid_name(NAME, xero_id))
        if made is not None:
            return made
        journals = client.with_archived().search_read(
            JOURNAL,
            [("type", "=", "bank"), ("company_id", "=", scope.company_id)],
            ["name", "code", "bank_acc_number"],
        )
        for by, same in (
            (
                "account number",
                [
                    j
                    for j in journals
                    if c.number and number_key(j.get("bank_acc_number")) == number_key(c.number)
                ],
            ),
            ("name", [j for j in journals if name_key(j.get("name")) == name_key(c.name)]),
        ):
            if len(same) > 1:
                refuse_ambiguous(
                    XeroBankAccounts.label,
                    c.name,
                    code=c.code,
                    among=self.label,
                    by=by,
                    candidates=[Candidate(j["id"], j["name"], j.get("code")) for j in same],
                )
            if same:
                return same[0]["id"]
        return None

    def _currency_vals(self, client: Any, scope: Scope, currency: str | None) -> dict:
        """currency_id: none when it is the company's (Odoo's own default), else the active currency."""
        if not currency:
            return {}
        (company,) = client.read("res.company", [scope.company_id], ["currency_id"])
        if company.get("currency_id") and company["currency_id"][1] == currency:
            return {"currency_id": False}
        found = client.search("res.currency", [("name", "=", currency)], limit=1)
        if not found:
            raise PermanentError(
                f"currency {currency} is not active in Odoo: activate it (the currency entity)"
            )
        return {"currency_id": found[0]}

    def create(self, client: Any, scope: Scope, c: BankAccount, xero_id: str, key: str) -> dict | None:
        if c.archived:
            return None
        vals: dict[str, Any] = {"name": c.name, "type": "bank", "company_id": scope.company_id}
        if c.code:
            vals["code"] = c.code
        vals |= {k: v for k, v in self._currency_vals(client, scope, c.currency).items() if v}
        journal_id, _ = client.upsert(JOURNAL, xmlid_name(NAME, xero_id), vals)
        if c.number:  # the related field's inverse links or creates the company's bank account
            client.write(JOURNAL, [journal_id], {"bank_acc_number": c.number})
        return self.fetch(client, journal_id)

    def update(
        self, client: Any, scope: Scope, journal_id: int, c: BankAccount, before: BankAccount, key: str
    ) -> dict:
        vals: dict[str, Any] = {}
        if c.name and c.name != before.name:
            vals["name"] = c.name
        if c.code and code_key(c.code) != code_key(before.code):
            vals["code"] = c.code
        if c.number and number_key(c.number) != number_key(before.number):
            vals["bank_acc_number"] = c.number
        if c.currency and c.currency != before.currency:
            vals |= self._currency_vals(client, scope, c.currency)
        if c.archived != before.archived:
            vals["active"] = not c.archived
        if vals:
            client.write(JOURNAL, [journal_id], vals)
        return self.fetch(client, journal_id)
