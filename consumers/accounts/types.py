"""Xero account Type ⇄ Odoo account_type.

Sources: Xero's `AccountType` enum and `Account.Class` (shared/xero/openapi/xero_accounting.yaml,
components.schemas.AccountType; the AU payroll types PAYGLIABILITY, SUPERANNUATION*, WAGESEXPENSE from
https://developer.xero.com/documentation/api/accounting/types#accounts), and Odoo's `account_type`
selection (odoo/addons/account/models/account_account.py, 16.0–19.0; 19 adds `expense_other`).

The two vocabularies are not one-to-one (Xero has four kinds of expense, Odoo one; Odoo has
receivable and payable accounts, Xero only its DEBTORS and CREDITORS system accounts of types CURRENT
and CURRLIAB). So both sides are compared by a **kind** — the class of types that mean the same thing,
named after its Odoo type — and a side's own type is kept when it is already of the wanted kind: a Xero
OVERHEADS account stays OVERHEADS when its Odoo account (expense) is renamed, and an Odoo receivable
account stays receivable when its Xero account (CURRENT) changes. Only a change of kind writes a type,
the kind's default one (DEFAULT_XERO, or the kind itself in Odoo).

Out of this entity: Xero BANK accounts and Odoo cash / credit-card accounts (the bank_account entity:
bank journals), and Odoo off-balance accounts (Xero has no such type).
"""

from __future__ import annotations

# Xero Type → kind (an Odoo account_type). One row per Xero type.
XERO_KIND: dict[str, str] = {
    "CURRENT": "asset_current",  # Current Asset (class ASSET)
    "INVENTORY": "asset_current",  # Inventory asset: Odoo keeps stock valuation in a current asset
    "PREPAYMENT": "asset_prepayments",  # Prepayment
    "FIXED": "asset_fixed",  # Fixed Asset
    "NONCURRENT": "asset_non_current",  # Non-current Asset
    "CURRLIAB": "liability_current",  # Current Liability
    "LIABILITY": "liability_current",  # Liability (unqualified: current, as Odoo's generic one)
    "PAYGLIABILITY": "liability_current",  # AU payroll: PAYG withholding payable
    "SUPERANNUATIONLIABILITY": "liability_current",  # AU payroll: superannuation payable
    "TERMLIAB": "liability_non_current",  # Non-current (term) Liability
    "EQUITY": "equity",  # Equity
    "REVENUE": "income",  # Revenue
    "SALES": "income",  # Sales (class REVENUE)
    "OTHERINCOME": "income_other",  # Other Income
    "EXPENSE": "expense",  # Expense
    "OVERHEADS": "expense",  # Overhead (class EXPENSE)
    "WAGESEXPENSE": "expense",  # AU payroll: wages
    "SUPERANNUATIONEXPENSE": "expense",  # AU payroll: superannuation
    "PAYG": "expense",  # the spec's PAYG (class EXPENSE in Xero's chart)
    "DIRECTCOSTS": "expense_direct_cost",  # Direct Costs (cost of sales)
    "DEPRECIATN": "expense_depreciation",  # Depreciation
}

# Odoo account_type → kind. One row per Odoo type this entity syncs.
ODOO_KIND: dict[str, str] = {
    "asset_current": "asset_current",  # Current Assets
    "asset_receivable": "asset_current",  # Receivable: Xero's DEBTORS system account is CURRENT
    "asset_prepayments": "asset_prepayments",  # Prepayments
    "asset_fixed": "asset_fixed",  # Fixed Assets
    "asset_non_current": "asset_non_current",  # Non-current Assets
    "liability_current": "liability_current",  # Current Liabilities
    "liability_payable": "liability_current",  # Payable: Xero's CREDITORS system account is CURRLIAB
    "liability_non_current": "liability_non_current",  # Non-current Liabilities
    "equity": "equity",  # Equity
    "equity_unaffected": "equity",  # Current Year Earnings: Xero's RETAINEDEARNINGS is EQUITY
    "income": "income",  # Income
    "income_other": "income_other",  # Other Income
    "expense": "expense",  # Expenses
    "expense_other": "expense",  # 19: Other Expenses
    "expense_direct_cost": "expense_direct_cost",  # Cost of Revenue
    "expense_depreciation": "expense_depreciation",  # Depreciation
}

# The Xero type a kind gets when the account is created, or changes kind, in Xero.
DEFAULT_XERO: dict[str, str] = {
    "asset_current": "CURRENT",
    "asset_prepayments": "PREPAYMENT",
    "asset_fixed": "FIXED",
    "asset_non_current": "NONCURRENT",
    "liability_current": "CURRLIAB",
    "liability_non_current": "TERMLIAB",
    "equity": "EQUITY",
    "income": "REVENUE",
    "income_other": "OTHERINCOME",
    "expense": "EXPENSE",
    "expense_direct_cost": "DIRECTCOSTS",
    "expense_depreciation": "DEPRECIATN",
}

# Odoo types that belong to bank journals (the bank_account entity) or have no Xero type.
ODOO_ELSEWHERE = frozenset({"asset_cash", "liability_credit_card", "off_balance"})
XERO_ELSEWHERE = frozenset({"BANK"})

# A Xero system account and the Odoo type that plays its role (Odoo keeps one of each per company
# in a standard chart): found by role when code and name differ.
SYSTEM_ROLES: dict[str, str] = {
    "DEBTORS": "asset_receivable",
    "CREDITORS": "liability_payable",
    "RETAINEDEARNINGS": "equity_unaffected",
}


def xero_type_for(kind: str, current: str | None, inventory: bool = False) -> str:
    """The Xero Type to write for `kind`: the current one when it is of that kind already."""
    if current is not None and XERO_KIND.get(current) == kind:
        return current
    if kind == "asset_current" and inventory:
        return "INVENTORY"
    return DEFAULT_XERO[kind]


def odoo_type_for(kind: str, current: str | None) -> str:
    """The Odoo account_type to write for `kind`: the current one when it is of that kind already."""
    if current is not None and ODOO_KIND.get(current) == kind:
        return current
    return kind
