"""Lock dates and the accounting date of a move (Odoo 16/17; read in 17.0 account/models/company.py,
account_move.py and account_move_line.py). 18 replaced the lock dates (sale/purchase/hard lock, per
journal exceptions): on 18/19 the company has no lock date fields here and nothing is locked."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from ..errors import UserError
from .registry import SALE_TYPES

PURCHASE_TYPES = ("in_invoice", "in_refund", "in_receipt")


def format_date(day: dt.date) -> str:
    """tools.misc.format_date for en_US (date_format %m/%d/%Y)."""
    return day.strftime("%m/%d/%Y")


def _company_date(env: Any, company: int, fname: str) -> dt.date | None:
    if env.field("res.company", fname) is None:
        return None
    return env.sudo().value("res.company", company, fname) or None


def user_fiscal_lock_date(env: Any, company: int) -> dt.date:
    """company._get_user_fiscal_lock_date: the period lock binds everyone but advisers
    (account.group_account_manager); the fiscal year lock binds all; a parent company's lock applies."""
    period = _company_date(env, company, "period_lock_date") or dt.date.min
    fiscal = _company_date(env, company, "fiscalyear_lock_date") or dt.date.min
    lock = fiscal if env.has_group("account.group_account_manager") else max(period, fiscal)
    parent = env.sudo().value("res.company", company, "parent_id")
    return max(lock, user_fiscal_lock_date(env, parent)) if parent else lock


def max_tax_lock_date(env: Any, company: int) -> dt.date | None:
    """company._compute_max_tax_lock_date: the latest of its own and its parents' tax lock dates."""
    own = _company_date(env, company, "tax_lock_date")
    parent = env.sudo().value("res.company", company, "parent_id")
    inherited = max_tax_lock_date(env, parent) if parent else None
    dates = [d for d in (own, inherited) if d]
    return max(dates) if dates else None


def violated_lock_dates(
    env: Any, company: int, day: dt.date | None, has_tax: bool
) -> list[tuple[dt.date, str]]:
    """company._get_violated_lock_dates: (lock date, 'user'|'tax') on or after ``day``, oldest first."""
    locks = []
    user_lock = user_fiscal_lock_date(env, company)
    if day and day <= user_lock:
        locks.append((user_lock, "user"))
    tax_lock = max_tax_lock_date(env, company)
    if day and tax_lock and has_tax and day <= tax_lock:
        locks.append((tax_lock, "tax"))
    return sorted(locks)


def line_affects_tax_report(env: Any, lid: int) -> bool:
    """account.move.line._affect_tax_report: taxes on the line or a tax line (no tax tags here)."""
    su = env.sudo()
    return bool(
        su.value("account.move.line", lid, "tax_ids") or su.value("account.move.line", lid, "tax_line_id")
    )


def move_affects_tax_report(env: Any, mid: int) -> bool:
    return any(line_affects_tax_report(env, lid) for lid in env.sudo().value("account.move", mid, "line_ids"))


def _journal_has_named_move(env: Any, journal: int, exclude: int | None) -> bool:
    """`highest_name or _get_last_sequence(relaxed=True)`: any numbered move of the journal."""
    for mid in env.txn.ids("account.move"):
        row = env.txn.get("account.move", mid)
        if mid != exclude and row["journal_id"] == journal and row.get("name") not in (False, "/", ""):
            return True
    return False


def _end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def accounting_date(
    env: Any,
    company: int,
    journal: int,
    move_type: str,
    day: dt.date,
    has_tax: bool,
    exclude: int | None = None,
) -> dt.date:
    """account.move._get_accounting_date (17). The sandbox numbers moves per year, so the sequence resets
    yearly once the journal has a numbered move, monthly-like behaviour before that (no highest name).

    Sale documents move only when a lock date is violated (to the first open date, at most today);
    other documents (bills, entries) keep the sequence increasing: a date in an earlier period goes to
    that period's last day, a date earlier in the current period goes to today."""
    locks = violated_lock_dates(env, company, day, has_tax)
    today = env.today()
    named = _journal_has_named_move(env, journal, exclude)
    if locks:
        day = locks[-1][0] + dt.timedelta(days=1)
    if move_type in SALE_TYPES:
        if locks:
            if not named:
                return min(today, _end_of_month(day))
            return min(today, dt.date(day.year, 12, 31))
        return day
    if not named:
        if (today.year, today.month) > (day.year, day.month):
            return _end_of_month(day)
        return max(day, today)
    if today.year > day.year:
        return dt.date(day.year, 12, 31)
    return max(day, today)


def check_fiscalyear_lock_date(env: Any, mid: int) -> None:
    """account.move._check_fiscalyear_lock_date (17), with its two messages."""
    su = env.sudo()
    lock = user_fiscal_lock_date(env, su.value("account.move", mid, "company_id"))
    if su.value("account.move", mid, "date") <= lock:
        if env.has_group("account.group_account_manager"):
            raise UserError(
                f"You cannot add/modify entries prior to and inclusive of the lock date {format_date(lock)}."
            )
        raise UserError(
            f"You cannot add/modify entries prior to and inclusive of the lock date {format_date(lock)}. "
            "Check the company settings or ask someone with the 'Adviser' role"
        )


def check_tax_lock_date(env: Any, line_ids: list[int]) -> None:
    """account.move.line._check_tax_lock_date (17): posted lines that affect the tax report."""
    su = env.sudo()
    for lid in line_ids:
        mid = su.value("account.move.line", lid, "move_id")
        if su.value("account.move", mid, "state") != "posted":
            continue
        lock = max_tax_lock_date(env, su.value("account.move", mid, "company_id"))
        if lock and su.value("account.move", mid, "date") <= lock and line_affects_tax_report(env, lid):
            raise UserError(
                "The operation is refused as it would impact an already issued tax statement. Please change "
                "the journal entry date or the tax lock date set in the settings "
                f"({format_date(lock)}) to proceed."
            )
