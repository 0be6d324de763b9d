"""In-memory organisations. Each tenant has its own data and lock: nothing is shared between tenants.

Records are kept in Xero's JSON shape; keys starting with "_" are private (e.g. "_updated", the epoch of
the last change, served as UpdatedDateUTC in MS-JSON form, xero-facts §5)."""

from __future__ import annotations

import copy
import threading
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from .clock import Clock
from .formats import iso_utc, ms_date, to_decimal
from .settings import Tenant

# Seed tax rates per country: (TaxType, Name, rate, ReportTaxType, can apply to revenue/expenses).
_TAX_SEEDS: dict[str, list[tuple[str, str, float, str]]] = {
    "NZ": [
        ("OUTPUT2", "15% GST on Income", 15.0, "OUTPUT"),
        ("INPUT2", "15% GST on Expenses", 15.0, "INPUT"),
        ("NONE", "No GST", 0.0, "NONE"),
        ("ZERORATED", "Zero Rated", 0.0, "OUTPUT"),
        ("EXEMPTOUTPUT", "GST Exempt Income", 0.0, "EXEMPTOUTPUT"),
    ],
    "GB": [
        ("OUTPUT2", "20% (VAT on Income)", 20.0, "OUTPUT"),
        ("INPUT2", "20% (VAT on Expenses)", 20.0, "INPUT"),
        ("RROUTPUT", "5% (VAT on Income)", 5.0, "OUTPUT"),
        ("ZERORATEDOUTPUT", "Zero Rated Income", 0.0, "OUTPUT"),
        ("NONE", "No VAT", 0.0, "NONE"),
    ],
}
_CURRENCY_NAMES = {
    "NZD": "New Zealand Dollar",
    "GBP": "British Pound",
    "AUD": "Australian Dollar",
    "USD": "United States Dollar",
    "EUR": "Euro",
}
# Seed chart: (Code, Name, Type, TaxType, SystemAccount, EnablePaymentsToAccount)
_ACCOUNT_SEEDS = [
    ("090", "Business Bank Account", "BANK", "NONE", None, False),
    ("200", "Sales", "REVENUE", "OUTPUT2", None, False),
    ("260", "Other Revenue", "REVENUE", "OUTPUT2", None, False),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", "INPUT2", None, False),
    ("400", "Advertising", "EXPENSE", "INPUT2", None, False),
    ("429", "General Expenses", "EXPENSE", "INPUT2", None, False),
    ("610", "Accounts Receivable", "CURRENT", "NONE", "DEBTORS", False),
    ("630", "Inventory", "INVENTORY", "NONE", None, False),
    ("800", "Accounts Payable", "CURRLIAB", "NONE", "CREDITORS", False),
    ("820", "Sales Tax", "CURRLIAB", "NONE", "GST", False),
    ("880", "Owner Drawings", "EQUITY", "NONE", None, True),
]
_ACCOUNT_CLASS = {
    "BANK": "ASSET",
    "CURRENT": "ASSET",
    "INVENTORY": "ASSET",
    "FIXED": "ASSET",
    "NONCURRENT": "ASSET",
    "PREPAYMENT": "ASSET",
    "CURRLIAB": "LIABILITY",
    "LIABILITY": "LIABILITY",
    "TERMLIAB": "LIABILITY",
    "EQUITY": "EQUITY",
    "REVENUE": "REVENUE",
    "SALES": "REVENUE",
    "OTHERINCOME": "REVENUE",
    "EXPENSE": "EXPENSE",
    "DIRECTCOSTS": "EXPENSE",
    "DEPRECIATN": "EXPENSE",
    "OVERHEADS": "EXPENSE",
    "PAYGLIABILITY": "LIABILITY",
    "SUPERANNUATIONEXPENSE": "EXPENSE",
    "SUPERANNUATIONLIABILITY": "LIABILITY",
    "WAGESEXPENSE": "EXPENSE",
}


def account_class(account_type: str) -> str:
    return _ACCOUNT_CLASS.get(account_type, "ASSET")


def effective_rate(components: list[dict[str, Any]]) -> Decimal:
    """Percent: simple components add up; a compound one applies on top of the taxed amount."""
    simple = sum(
        (to_decimal(c.get("Rate")) or Decimal(0) for c in components if not c.get("IsCompound")), Decimal(0)
    )
    rate = simple
    for comp in components:
        if comp.get("IsCompound"):
            rate += (to_decimal(comp.get("Rate")) or Decimal(0)) * (1 + simple / 100)
    return rate


def find_by(records: dict[str, dict[str, Any]], key: str, field: str) -> dict[str, Any] | None:
    """A record by its id (the dict key, lower-case) or else by another unique field such as a number."""
    if not key:
        return None
    found = records.get(key.lower())
    if found is not None:
        return found
    return next((r for r in records.values() if r.get(field) == key), None)


def public(record: dict[str, Any]) -> dict[str, Any]:
    """The record as Xero serves it: private keys dropped, UpdatedDateUTC in MS-JSON form."""
    out = {k: copy.deepcopy(v) for k, v in record.items() if not k.startswith("_")}
    if "_updated" in record:
        out["UpdatedDateUTC"] = ms_date(record["_updated"])
        if record.get("_iso_updated"):
            out["UpdatedDateUTCString"] = iso_utc(record["_updated"])
    return out


class Organisation:
    def __init__(self, tenant: Tenant, clock: Clock) -> None:
        self.tenant = tenant
        self.clock = clock
        self.lock = threading.RLock()
        self.created = clock()  # served as Organisation.CreatedDateUTC
        self.contacts: dict[str, dict[str, Any]] = {}
        self.contact_groups: dict[str, dict[str, Any]] = {}
        self.currencies: dict[str, dict[str, Any]] = {}
        self.tax_rates: dict[str, dict[str, Any]] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.items: dict[str, dict[str, Any]] = {}
        self.invoices: dict[str, dict[str, Any]] = {}
        self.credit_notes: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.allocations: dict[str, dict[str, Any]] = {}
        self.bank_transactions: dict[str, dict[str, Any]] = {}
        self.overpayments: dict[str, dict[str, Any]] = {}
        self.prepayments: dict[str, dict[str, Any]] = {}
        self.quotes: dict[str, dict[str, Any]] = {}
        self.purchase_orders: dict[str, dict[str, Any]] = {}
        self.manual_journals: dict[str, dict[str, Any]] = {}
        self.attachments: dict[str, list[dict[str, Any]]] = {}
        self.history: dict[str, list[dict[str, Any]]] = {}
        self.counters: dict[str, int] = {}
        self._seed()

    def next_number(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name]

    def touch(self, record: dict[str, Any]) -> None:
        record["_updated"] = self.clock()

    def _seed(self) -> None:
        now = self.clock()
        base = self.tenant.base_currency
        self.currencies[base] = {"Code": base, "Description": _CURRENCY_NAMES.get(base, base)}
        for tax_type, name, rate, report in _TAX_SEEDS.get(self.tenant.country, _TAX_SEEDS["NZ"]):
            self.tax_rates[tax_type] = {
                "Name": name,
                "TaxType": tax_type,
                "ReportTaxType": report,
                "CanApplyToAssets": True,
                "CanApplyToEquity": True,
                "CanApplyToExpenses": True,
                "CanApplyToLiabilities": True,
                "CanApplyToRevenue": True,
                "DisplayTaxRate": rate,
                "EffectiveRate": rate,
                "Status": "ACTIVE",
                "TaxComponents": [
                    {
                        "Name": name.split(" ")[-1],
                        "Rate": rate,
                        "IsCompound": False,
                        "IsNonRecoverable": False,
                    }
                ],
                "_system": True,
            }
        for code, name, acc_type, tax, system, pay in _ACCOUNT_SEEDS:
            acc_id = str(uuid.uuid5(uuid.UUID(self.tenant.tenant_id), "account:" + code))
            record: dict[str, Any] = {
                "AccountID": acc_id,
                "Code": code,
                "Name": name,
                "Type": acc_type,
                "TaxType": tax,
                "Status": "ACTIVE",
                "Class": account_class(acc_type),
                "EnablePaymentsToAccount": pay,
                "ShowInExpenseClaims": False,
                "ReportingCode": "",
                "HasAttachments": False,
                "_updated": now,
            }
            if acc_type == "BANK":
                record.update(
                    {"BankAccountNumber": "0101010101", "BankAccountType": "BANK", "CurrencyCode": base}
                )
            if system:
                record["SystemAccount"] = system
            self.accounts[acc_id] = record

    # -- lookups ---------------------------------------------------------------------------------
    def account_by_code(self, code: str | None) -> dict[str, Any] | None:
        if not code:
            return None
        for acc in self.accounts.values():
            if acc.get("Code") == code:
                return acc
        return None

    def tax_percent(self, tax_type: str | None) -> Decimal | None:
        """The effective rate of an ACTIVE tax rate, or None when unknown or not active."""
        rec = self.tax_rates.get(tax_type or "")
        if rec is None or rec.get("Status") != "ACTIVE":
            return None
        return effective_rate(rec.get("TaxComponents") or [])

    def find_item(self, key: str) -> dict[str, Any] | None:
        """By ItemID or Code."""
        return find_by(self.items, key, "Code")

    def lock_error(self, day: date | None) -> str | None:
        """Documents dated on or before the lock date are refused (xero-facts §8 "Lock dates", ⚠ R26)."""
        lock = self.tenant.period_lock_date
        if day is not None and lock is not None and day <= lock:
            return f"The date {day.isoformat()} is on or before the period lock date {lock.isoformat()}."
        return None

    def contact_ref(self, contact: dict[str, Any]) -> dict[str, Any]:
        """How documents in a list (GET /Invoices, /Payments, …) embed their contact: a summary whose
        collections are empty whatever the contact holds (ACC example of GET /Invoices; XeroAPI/xero-python
        tests/accounting/api/cassettes/test_invoice_attachment_upload_and_download.yaml, GET Invoices?page=1)."""
        return {
            "ContactID": contact["ContactID"],
            "Name": contact["Name"],
            "Addresses": [],
            "Phones": [],
            "ContactGroups": [],
            "ContactPersons": [],
            "HasValidationErrors": False,
        }

    def contact_full(self, contact: dict[str, Any]) -> dict[str, Any]:
        """How a single document (GET /Invoices/{id}, and the answer to a write) embeds its contact: the
        contact itself with its addresses, phones, groups and persons (ACC examples of getInvoice and
        createInvoices), without its balances and payment history."""
        out = public(contact)
        for heavy in ("Balances", "BatchPayments", "PaymentTerms", "HasAttachments", "Attachments"):
            out.pop(heavy, None)
        for collection in (
            "Addresses",
            "Phones",
            "ContactGroups",
            "ContactPersons",
            "SalesTrackingCategories",
            "PurchasesTrackingCategories",
        ):
            out.setdefault(collection, [])
        out["HasValidationErrors"] = False
        return out
