"""Lock dates and the accounting date of a move, per version.

16/17 (read in 16.0/17.0 account/models/company.py, account_move.py, account_move_line.py):
``period_lock_date`` (advisers exempt), ``fiscalyear_lock_date`` and ``tax_lock_date``; 17 adds the
parent company's locks.

18/19 (read in 18.0/19.0 account/models/company.py, same functions in both): no ``period_lock_date``;
``fiscalyear_lock_date`` ("Global Lock Date"), ``sale_lock_date`` and ``purchase_lock_date`` (by journal
type), ``tax_lock_date`` and an irreversible ``hard_lock_date``. Advisers are no longer exempt: 18
exempts users through ``account.lock_exception`` records instead (not modelled, so every soft lock
binds everyone). Both versions still move a document dated in a locked period to the first open date
when it is posted (``_post`` → ``_get_accounting_date``)."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from ..errors import RedirectWarning, UserError
from .registry import SALE_TYPES, register

PURCHASE_TYPES = ("in_invoice", "in_refund", "in_receipt")
SOFT_LOCK_DATE_FIELDS = ("fiscalyear_lock_date", "tax_lock_date", "sale_lock_date", "purchase_lock_date")


def format_date(day: dt.date) -> str:
    """tools.misc.format_date for en_US (date_format %m/%d/%Y)."""
    return day.strftime("%m/%d/%Y")


def format_list(items: list[str]) -> str:
    """18 tools/i18n.py format_list for en_US (babel's 'standard' list: "A", "A and B", "A, B, and C")."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _company_date(env: Any, company: int, fname: str) -> dt.date | None:
    if env.field("res.company", fname) is None:
        return None
    return env.sudo().value("res.company", company, fname) or None


def _as_date(value: Any) -> dt.date | None:
    if not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _parent_ids(env: Any, company: int) -> list[int]:
    """res.company.parent_ids: the company and its ancestors."""
    chain = []
    while company and company not in chain:
        chain.append(company)
        company = env.sudo().value("res.company", company, "parent_id")
    return chain


def _journal_type(env: Any, journal: int | None) -> str | None:
    return env.sudo().value("account.journal", journal, "type") if journal else None


# --------------------------------------------------------------------------------------------------
# 16/17
# --------------------------------------------------------------------------------------------------
def _user_fiscal_lock_date_17(env: Any, company: int) -> dt.date:
    """company._get_user_fiscal_lock_date: the period lock binds everyone but advisers
    (account.group_account_manager); the fiscal year lock binds all; 17 adds the parent company's lock."""
    period = _company_date(env, company, "period_lock_date") or dt.date.min
    fiscal = _company_date(env, company, "fiscalyear_lock_date") or dt.date.min
    lock = fiscal if env.has_group("account.group_account_manager") else max(period, fiscal)
    parent = env.sudo().value("res.company", company, "parent_id")
    if parent and env.db.version >= 17:
        return max(lock, _user_fiscal_lock_date_17(env, parent))
    return lock


def max_tax_lock_date(env: Any, company: int) -> dt.date | None:
    """17 company._compute_max_tax_lock_date: the latest of its own and its parents' tax lock dates
    (16 reads the company's own tax_lock_date)."""
    own = _company_date(env, company, "tax_lock_date")
    parent = env.sudo().value("res.company", company, "parent_id")
    inherited = max_tax_lock_date(env, parent) if parent and env.db.version >= 17 else None
    dates = [d for d in (own, inherited) if d]
    return max(dates) if dates else None


# --------------------------------------------------------------------------------------------------
# 18/19
# --------------------------------------------------------------------------------------------------
def user_lock_date(env: Any, company: int, fname: str) -> dt.date:
    """18 company._get_user_lock_date (soft locks) and _compute_user_hard_lock_date: the latest lock of
    the company and its parents (lock exceptions not modelled)."""
    return max(
        (_company_date(env, c, fname) or dt.date.min for c in _parent_ids(env, company)), default=dt.date.min
    )


def lock_date_violations(
    env: Any,
    company: int,
    day: dt.date | None,
    fiscalyear: bool = True,
    sale: bool = True,
    purchase: bool = True,
    tax: bool = True,
    hard: bool = True,
) -> list[tuple[dt.date, str]]:
    """18 company._get_lock_date_violations: (lock date, field) for each lock on or after ``day``."""
    if not day:
        return []
    locks = []
    for fname, to_check in (
        ("fiscalyear_lock_date", fiscalyear),
        ("sale_lock_date", sale),
        ("purchase_lock_date", purchase),
        ("tax_lock_date", tax),
    ):
        lock = user_lock_date(env, company, fname)
        if to_check and day <= lock:
            locks.append((lock, fname))
    if hard:
        lock = user_lock_date(env, company, "hard_lock_date")
        if day <= lock:
            locks.append((lock, "hard_lock_date"))
    return locks


def format_lock_dates(env: Any, locks: list[tuple[dt.date, str]]) -> str:
    """18 company._format_lock_dates: "<field label> (<date>)", oldest first, as an English list."""
    return format_list(
        [f"{env.field('res.company', fname).string} ({format_date(day)})" for day, fname in sorted(locks)]
    )


# --------------------------------------------------------------------------------------------------
# both
# --------------------------------------------------------------------------------------------------
def user_fiscal_lock_date(env: Any, company: int, journal: int | None = None) -> dt.date:
    """company._get_user_fiscal_lock_date; 18+: global and hard locks, plus the sale or purchase lock of
    the journal's type."""
    if env.db.version <= 17:
        return _user_fiscal_lock_date_17(env, company)
    lock = max(
        user_lock_date(env, company, "fiscalyear_lock_date"), user_lock_date(env, company, "hard_lock_date")
    )
    jtype = _journal_type(env, journal)
    if jtype == "sale":
        lock = max(lock, user_lock_date(env, company, "sale_lock_date"))
    elif jtype == "purchase":
        lock = max(lock, user_lock_date(env, company, "purchase_lock_date"))
    return lock


def violated_lock_dates(
    env: Any, company: int, day: dt.date | None, has_tax: bool, journal: int | None = None
) -> list[tuple[dt.date, str]]:
    """company._get_violated_lock_dates: the locks on or after ``day``, oldest first. 16/17: ('user' |
    'tax'); 18+: the lock date fields, the sale/purchase lock only for a journal of that type."""
    if env.db.version >= 18:
        jtype = _journal_type(env, journal)
        return sorted(
            lock_date_violations(
                env, company, day, sale=jtype == "sale", purchase=jtype == "purchase", tax=has_tax
            )
        )
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
    """account.move._get_accounting_date (17; 18/19 the same, with their lock dates). The sandbox numbers
    moves per year, so the sequence resets yearly once the journal has a numbered move, monthly-like
    behaviour before that (no highest name).

    Sale documents move only when a lock date is violated (to the first open date, at most today);
    other documents (bills, entries) keep the sequence increasing: a date in an earlier period goes to
    that period's last day, a date earlier in the current period goes to today."""
    locks = violated_lock_dates(env, company, day, has_tax, journal)
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
    """16/17 account.move._check_fiscalyear_lock_date, with its two messages; 18/19
    _check_fiscal_lock_dates: global, hard and the journal type's sale/purchase lock, every lock named."""
    su = env.sudo()
    company = su.value("account.move", mid, "company_id")
    day = su.value("account.move", mid, "date")
    if env.db.version >= 18:
        jtype = _journal_type(su, su.value("account.move", mid, "journal_id"))
        locks = lock_date_violations(
            env, company, day, sale=jtype == "sale", purchase=jtype == "purchase", tax=False
        )
        if locks:
            raise UserError(
                f"You cannot add/modify entries prior to and inclusive of: {format_lock_dates(env, locks)}."
            )
        return
    lock = user_fiscal_lock_date(env, company)
    if day <= lock:
        if env.has_group("account.group_account_manager"):
            raise UserError(
                f"You cannot add/modify entries prior to and inclusive of the lock date {format_date(lock)}."
            )
        raise UserError(
            f"You cannot add/modify entries prior to and inclusive of the lock date {format_date(lock)}. "
            "Check the company settings or ask someone with the 'Adviser' role"
        )


def check_tax_lock_date(env: Any, line_ids: list[int]) -> None:
    """account.move.line._check_tax_lock_date: posted lines that affect the tax report. 16/17: the tax
    lock date; 18/19: the tax and the hard lock dates, named."""
    su = env.sudo()
    for lid in line_ids:
        mid = su.value("account.move.line", lid, "move_id")
        if su.value("account.move", mid, "state") != "posted":
            continue
        company = su.value("account.move", mid, "company_id")
        day = su.value("account.move", mid, "date")
        if env.db.version >= 18:
            locks = lock_date_violations(env, company, day, fiscalyear=False, sale=False, purchase=False)
            if locks and line_affects_tax_report(env, lid):
                raise UserError(
                    "The operation is refused as it would impact an already issued tax statement. Please change "
                    "the journal entry date or the following lock dates to proceed: "
                    f"{format_lock_dates(env, locks)}."
                )
            continue
        lock = max_tax_lock_date(env, company)
        if lock and day <= lock and line_affects_tax_report(env, lid):
            raise UserError(
                "The operation is refused as it would impact an already issued tax statement. Please change "
                "the journal entry date or the tax lock date set in the settings "
                f"({format_date(lock)}) to proceed."
            )


def _draft_moves_until(env: Any, companies: list[int], day: dt.date, child_of: bool) -> list[int]:
    su = env.sudo()
    scope = set(companies)
    if child_of:
        scope = {c for c in su.txn.ids("res.company") if set(_parent_ids(su, c)) & set(companies)}
    return [
        mid
        for mid in su.txn.ids("account.move")
        if su.value("account.move", mid, "company_id") in scope
        and su.value("account.move", mid, "state") == "draft"
        and su.value("account.move", mid, "date")
        and su.value("account.move", mid, "date") <= day
    ]


def validate_locks(env: Any, ids: list[int], vals: dict) -> None:
    """res.company.write's lock date checks. 16/17 _validate_fiscalyear_lock: no draft entry on or
    before a new fiscal year lock date (16 'in', 17 'child_of' the companies). 18/19 _validate_locks: the
    hard lock date can be neither removed nor moved back, and no draft entry may remain before it.
    (The unreconciled bank statement line checks are not modelled: no statements here.)"""
    if env.db.version <= 17:
        day = _as_date(vals.get("fiscalyear_lock_date"))
        if day and _draft_moves_until(env, ids, day, child_of=env.db.version >= 17):
            raise RedirectWarning(
                "There are still unposted entries in the period you want to lock. You should either post or "
                "delete them."
            )
        return
    if "hard_lock_date" not in vals:
        return
    hard = _as_date(vals["hard_lock_date"])
    for company in ids:
        current = _company_date(env, company, "hard_lock_date")
        if not current:
            continue
        if not hard:
            raise UserError("The Hard Lock Date cannot be removed.")
        if hard < current:
            raise UserError("A new Hard Lock Date must be posterior (or equal) to the previous one.")
    if hard and _draft_moves_until(env, ids, hard, child_of=True):
        raise RedirectWarning(
            "There are still draft entries in the period you want to hard lock. You should either post or "
            "delete them."
        )


register("res.company", before_write=validate_locks)
