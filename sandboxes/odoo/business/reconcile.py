"""Reconciliation as Odoo 17 does it (account/models/account_move_line.py, account_partial_reconcile.py,
account_full_reconcile.py, account_move.py ``_compute_payment_state``).

Matching two or more journal items creates ``account.partial.reconcile`` records (amount in company
currency, debit/credit amounts in each line's currency); the residual amounts of the lines are their
balance minus their partials; once every line of a matching is settled an ``account.full.reconcile``
groups them. A foreign-currency line settled at another rate leaves a company-currency residual that an
exchange difference entry in the company's exchange journal books and matches
(``_create_exchange_difference_moves``). Not modelled: cash basis taxes, write-offs, the
``account.disable_partial_exchange_diff`` parameter (always enabled).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..errors import UserError
from ..rounding import float_compare, float_is_zero, float_round
from .lock_dates import accounting_date, move_affects_tax_report
from .registry import INVOICE_TYPES

LINE = "account.move.line"
PARTIAL = "account.partial.reconcile"
FULL = "account.full.reconcile"
RESIDUAL_TYPES = (
    "asset_cash",
    "liability_credit_card",
)  # always have a residual (17 _compute_amount_residual)


# -- small helpers ---------------------------------------------------------------------------------
def _rounding(env: Any, currency: int) -> float:
    return env.sudo().value("res.currency", currency, "rounding") or 0.01


def cround(env: Any, currency: int, amount: float) -> float:
    return float_round(amount, precision_rounding=_rounding(env, currency))


def is_zero(env: Any, currency: int, amount: float) -> bool:
    return float_is_zero(amount, precision_rounding=_rounding(env, currency))


def compare(env: Any, currency: int, a: float, b: float) -> int:
    return float_compare(a, b, precision_rounding=_rounding(env, currency))


def _v(env: Any, lid: int, fname: str) -> Any:
    return env.sudo().value(LINE, lid, fname)


def company_currency(env: Any, lid: int) -> int:
    return env.sudo().value("res.company", _v(env, lid, "company_id"), "currency_id")


def line_currency(env: Any, lid: int) -> int:
    return _v(env, lid, "currency_id") or company_currency(env, lid)


def _move(env: Any, lid: int) -> int:
    return _v(env, lid, "move_id")


def payment_of_move(env: Any, mid: int) -> int | bool:
    for pid in env.txn.ids("account.payment"):
        if env.txn.get("account.payment", pid).get("move_id") == mid:
            return pid
    return False


def _partials_of(env: Any, lid: int) -> list[int]:
    return [
        pid
        for pid in env.txn.ids(PARTIAL)
        if lid in (env.txn.get(PARTIAL, pid)["debit_move_id"], env.txn.get(PARTIAL, pid)["credit_move_id"])
    ]


# -- residual amounts and matching numbers (stored computes in Odoo) --------------------------------
def refresh_residuals(env: Any, line_ids: list[int]) -> None:
    """account.move.line._compute_amount_residual: balance minus what partials matched; 0 and not
    reconciled on accounts that do not allow reconciliation."""
    su = env.sudo()
    matched: dict[tuple[int, str], list[float]] = {}
    for pid in su.txn.ids(PARTIAL):
        row = su.txn.get(PARTIAL, pid)
        d = matched.setdefault((row["debit_move_id"], "debit"), [0.0, 0.0])
        d[0] += row["amount"]
        d[1] += row["debit_amount_currency"]
        c = matched.setdefault((row["credit_move_id"], "credit"), [0.0, 0.0])
        c[0] += row["amount"]
        c[1] += row["credit_amount_currency"]
    for lid in line_ids:
        if not su.txn.exists(LINE, lid):
            continue
        account = _v(su, lid, "account_id")
        if not account or not (
            su.value("account.account", account, "reconcile")
            or su.value("account.account", account, "account_type") in RESIDUAL_TYPES
        ):
            su.write_raw(
                LINE, lid, {"amount_residual": 0.0, "amount_residual_currency": 0.0, "reconciled": False}
            )
            continue
        comp, foreign = company_currency(su, lid), line_currency(su, lid)
        debit_amount, debit_currency = matched.get((lid, "debit"), (0.0, 0.0))
        credit_amount, credit_currency = matched.get((lid, "credit"), (0.0, 0.0))
        residual = cround(su, comp, _v(su, lid, "balance") - debit_amount + credit_amount)
        residual_currency = cround(
            su,
            foreign,
            _v(su, lid, "amount_currency")
            - cround(su, foreign, debit_currency)
            + cround(su, foreign, credit_currency),
        )
        su.write_raw(
            LINE,
            lid,
            {
                "amount_residual": residual,
                "amount_residual_currency": residual_currency,
                "reconciled": is_zero(su, comp, residual) and is_zero(su, foreign, residual_currency),
            },
        )


def _component(env: Any, lid: int) -> tuple[set[int], set[int]]:
    """Lines and partials connected to ``lid`` through partials."""
    lines, partials, todo = {lid}, set(), [lid]
    rows = {pid: env.txn.get(PARTIAL, pid) for pid in env.txn.ids(PARTIAL)}
    while todo:
        current = todo.pop()
        for pid, row in rows.items():
            if current in (row["debit_move_id"], row["credit_move_id"]):
                partials.add(pid)
                for other in (row["debit_move_id"], row["credit_move_id"]):
                    if other not in lines:
                        lines.add(other)
                        todo.append(other)
    return lines, partials


def update_matching_numbers(env: Any, line_ids: list[int]) -> None:
    """account.partial.reconcile._update_matching_number: the full reconcile's id, else 'P' and the
    smallest partial id of the matched group; no partial, no number."""
    su = env.sudo()
    done: set[int] = set()
    for lid in line_ids:
        if lid in done or not su.txn.exists(LINE, lid):
            continue
        lines, partials = _component(su, lid)
        done |= lines
        for other in lines:
            full = su.txn.get(LINE, other).get("full_reconcile_id")
            number = str(full) if full else (f"P{min(partials)}" if partials else False)
            su.write_raw(LINE, other, {"matching_number": number})


def reconciled_group(env: Any, line_ids: list[int]) -> list[int]:
    """_all_reconciled_lines: the lines plus every line sharing a matching number with them."""
    out = list(dict.fromkeys(line_ids))
    for lid in line_ids:
        for other in sorted(_component(env, lid)[0]):
            if other not in out:
                out.append(other)
    return out


# -- payment state (17 account_move.py _compute_payment_state) --------------------------------------
def refresh_payment_state(env: Any, mid: int) -> None:
    """not_paid / partial / paid / reversed from the partials of the invoice's receivable/payable lines.
    'in_payment' is account_accountant's (Enterprise) override of ``_get_invoice_in_payment_state``;
    Community answers 'paid'."""
    su = env.sudo()
    if not su.txn.exists("account.move", mid):
        return
    mtype = su.value("account.move", mid, "move_type")
    state = "not_paid"
    if su.value("account.move", mid, "state") == "posted" and mtype in INVOICE_TYPES:
        counterpart_types: set[str] = set()
        reconciled = False
        for lid in su.value("account.move", mid, "line_ids"):
            account = _v(su, lid, "account_id")
            if su.value("account.account", account, "account_type") not in (
                "asset_receivable",
                "liability_payable",
            ):
                continue
            for pid in _partials_of(su, lid):
                row = su.txn.get(PARTIAL, pid)
                other = row["credit_move_id"] if row["debit_move_id"] == lid else row["debit_move_id"]
                other_move = _move(su, other)
                if other_move == mid:
                    continue
                reconciled = True
                counterpart_types.add(su.value("account.move", other_move, "move_type"))
        lines = su.value("account.move", mid, "line_ids")
        currencies = {line_currency(su, lid) for lid in lines}
        currency = (
            currencies.pop()
            if len(currencies) == 1
            else su.value("res.company", su.value("account.move", mid, "company_id"), "currency_id")
        )
        residual = sum(
            _v(su, lid, "amount_residual_currency")
            for lid in lines
            if _v(su, lid, "display_type") == "payment_term"
        )
        if is_zero(su, currency, residual):
            state = "paid"
            has_payment = any(
                payment_of_move(su, _move(su, other))
                for lid in lines
                for pid in _partials_of(su, lid)
                for other in (
                    su.txn.get(PARTIAL, pid)["debit_move_id"],
                    su.txn.get(PARTIAL, pid)["credit_move_id"],
                )
            )
            if not has_payment:
                out_reverse = mtype in ("out_invoice", "out_receipt") and counterpart_types in (
                    {"out_refund"},
                    {"out_refund", "entry"},
                )
                in_reverse = mtype in ("in_invoice", "in_receipt") and counterpart_types in (
                    {"in_refund"},
                    {"in_refund", "entry"},
                )
                misc_reverse = mtype in ("entry", "out_refund", "in_refund") and counterpart_types == {
                    "entry"
                }
                if out_reverse or in_reverse or misc_reverse:
                    state = "reversed"
        elif reconciled:
            state = "partial"
    su.write_raw("account.move", mid, {"payment_state": state})


def refresh_payment_flags(env: Any, mid: int) -> None:
    """account.payment._compute_reconciliation_status: is_reconciled when its receivable/payable lines
    are settled; is_matched when its outstanding (liquidity) line is (or posts to the bank account)."""
    su = env.sudo()
    pid = payment_of_move(su, mid)
    if not pid:
        return
    amount = su.value("account.payment", pid, "amount")
    currency = su.value("account.payment", pid, "currency_id") or su.value(
        "res.company", su.value("account.move", mid, "company_id"), "currency_id"
    )
    comp = su.value("res.company", su.value("account.move", mid, "company_id"), "currency_id")
    field = "amount_residual" if currency == comp else "amount_residual_currency"
    outstanding = su.value("account.payment", pid, "outstanding_account_id")
    liquidity = [
        lid for lid in su.value("account.move", mid, "line_ids") if _v(su, lid, "account_id") == outstanding
    ]
    counterpart = [lid for lid in su.value("account.move", mid, "line_ids") if lid not in liquidity]
    if is_zero(su, currency, amount):
        flags = {"is_reconciled": True, "is_matched": True}
    else:
        default = su.value(
            "account.journal", su.value("account.move", mid, "journal_id"), "default_account_id"
        )
        matched = bool(default and default == outstanding) or is_zero(
            su, currency, sum(_v(su, lid, field) for lid in liquidity)
        )
        reconcile = [
            lid for lid in counterpart if su.value("account.account", _v(su, lid, "account_id"), "reconcile")
        ]
        flags = {
            "is_reconciled": is_zero(su, currency, sum(_v(su, lid, field) for lid in reconcile)),
            "is_matched": matched,
        }
    su.write_raw("account.payment", pid, flags)


def refresh_moves(env: Any, line_ids: list[int]) -> None:
    """After partials changed: residuals, matching numbers, invoices' payment state, payments' flags."""
    refresh_residuals(env, line_ids)
    update_matching_numbers(env, line_ids)
    for mid in dict.fromkeys(_move(env, lid) for lid in line_ids if env.txn.exists(LINE, lid)):
        refresh_payment_state(env, mid)
        refresh_payment_flags(env, mid)


# -- the reconciliation itself -------------------------------------------------------------------
def check_exigibility(env: Any, line_ids: list[int]) -> None:
    """_check_amls_exigibility_for_reconciliation (17), in its order."""
    su = env.sudo()
    if any(_v(su, lid, "reconciled") for lid in line_ids):
        raise UserError("You are trying to reconcile some entries that are already reconciled.")
    if any(_v(su, lid, "parent_state") != "posted" for lid in line_ids):
        raise UserError("You can only reconcile posted entries.")
    accounts = list(dict.fromkeys(_v(su, lid, "account_id") for lid in line_ids))
    if len(accounts) > 1:
        raise UserError(
            "Entries are not from the same account: "
            + ", ".join(su.display_name("account.account", a) for a in accounts)
        )
    companies = list(dict.fromkeys(_v(su, lid, "company_id") for lid in line_ids))
    if len(companies) > 1:
        raise UserError(
            "Entries don't belong to the same company: "
            + ", ".join(su.display_name("res.company", c) for c in companies)
        )
    account = accounts[0]
    if (
        not su.value("account.account", account, "reconcile")
        and su.value("account.account", account, "account_type") not in RESIDUAL_TYPES
    ):
        raise UserError(
            f"Account {su.display_name('account.account', account)} does not allow reconciliation. "
            "First change the configuration of this account to allow it."
        )


def _is_payment(env: Any, lid: int) -> bool:
    return bool(payment_of_move(env, _move(env, lid)))  # no bank statements here


def _accounting_rate(env: Any, lid: int, currency: int) -> float | None:
    balance, amount_currency = _v(env, lid, "balance"), _v(env, lid, "amount_currency")
    if not is_zero(env, company_currency(env, lid), balance) and not is_zero(env, currency, amount_currency):
        return abs(amount_currency / balance)
    return None


def _odoo_rate(env: Any, lid: int, other: int | None, currency: int) -> float | None:
    if other and not _is_payment(env, lid) and _is_payment(env, other):
        return _accounting_rate(env, other, currency)
    mid = _move(env, lid)
    su = env.sudo()
    if su.value("account.move", mid, "move_type") in INVOICE_TYPES:
        day = su.value("account.move", mid, "invoice_date")
    else:
        day = _v(env, lid, "date")
    return env.conversion_factor(currency, _v(env, lid, "company_id"), day)


def _available_residuals(env: Any, values: dict, counterpart_currency: int, other: dict | None) -> dict:
    """_prepare_move_line_residual_amounts: residual and rate per currency the line can be matched in."""
    lid = values["aml"]
    comp, currency = company_currency(env, lid), line_currency(env, lid)
    residual, residual_currency = values["amount_residual"], values["amount_residual_currency"]
    account_type = env.sudo().value("account.account", _v(env, lid, "account_id"), "account_type")
    out: dict[int, dict] = {}
    if not is_zero(env, comp, residual):
        out[comp] = {"residual": residual, "rate": 1}
    if currency != comp and not is_zero(env, currency, residual_currency):
        out[currency] = {"residual": residual_currency, "rate": _accounting_rate(env, lid, currency)}
    if (
        currency == comp
        and account_type in ("asset_receivable", "liability_payable")
        and not is_zero(env, comp, residual)
        and counterpart_currency != comp
    ):
        rate = _odoo_rate(env, lid, other and other["aml"], counterpart_currency)
        in_foreign = cround(env, counterpart_currency, residual * rate)  # type: ignore[operator]
        if not is_zero(env, counterpart_currency, in_foreign):
            out[counterpart_currency] = {"residual": in_foreign, "rate": rate}
    elif (
        currency == counterpart_currency
        and currency != comp
        and not is_zero(env, currency, residual_currency)
    ):
        out[counterpart_currency] = {
            "residual": residual_currency,
            "rate": _accounting_rate(env, lid, currency),
        }
    return out


def _single_partial(env: Any, debit: dict, credit: dict, no_exchange: bool) -> dict:
    """_prepare_reconciliation_single_partial (17)."""
    res: dict[str, Any] = {"debit_values": debit, "credit_values": credit}
    dl, cl = debit["aml"], credit["aml"]
    d_cur, c_cur, comp = line_currency(env, dl), line_currency(env, cl), company_currency(env, dl)
    rem_d_cur, rem_c_cur = debit["amount_residual_currency"], credit["amount_residual_currency"]
    rem_d, rem_c = debit["amount_residual"], credit["amount_residual"]
    d_avail = _available_residuals(env, debit, c_cur, credit)
    c_avail = _available_residuals(env, credit, d_cur, debit)
    if d_cur != comp and d_cur in d_avail and d_cur in c_avail:
        recon = d_cur
    elif c_cur != comp and c_cur in d_avail and c_cur in c_avail:
        recon = c_cur
    else:
        recon = comp
    d_recon, c_recon = d_avail.get(recon), c_avail.get(recon)
    if not d_recon or not c_recon:
        if not d_recon:
            res["debit_values"] = None
        if not c_recon:
            res["credit_values"] = None
        return res
    recon_debit, recon_credit = d_recon["residual"], -c_recon["residual"]
    exchange_line_mode = (
        recon == comp and d_cur == c_cur and (not d_avail.get(d_cur) or not c_avail.get(c_cur))
    )
    cmp = compare(env, recon, recon_debit, recon_credit)
    min_amount = min(recon_debit, recon_credit)
    debit_full, credit_full = cmp <= 0, cmp >= 0
    if recon == comp:
        d_rate = None if exchange_line_mode else d_avail.get(d_cur, {}).get("rate")
        c_rate = None if exchange_line_mode else c_avail.get(c_cur, {}).get("rate")
        partial_amount = min_amount
        part_d_cur = min(cround(env, d_cur, d_rate * min_amount), rem_d_cur) if d_rate else 0.0
        part_c_cur = min(cround(env, c_cur, c_rate * min_amount), -rem_c_cur) if c_rate else 0.0
    else:
        d_rate = None if exchange_line_mode else d_recon["rate"]
        c_rate = None if exchange_line_mode else c_recon["rate"]
        part_d = min(cround(env, comp, min_amount / d_rate), rem_d) if d_rate else 0.0
        part_c = min(cround(env, comp, min_amount / c_rate), -rem_c) if c_rate else 0.0
        partial_amount = min(part_d, part_c)
        part_d_cur = partial_amount if d_cur == comp else min_amount
        part_c_cur = partial_amount if c_cur == comp else min_amount
    if not no_exchange:
        fix_lines: list[int] = []
        amounts: list[dict] = []
        if recon == comp:
            if debit_full:
                diff = rem_d_cur - part_d_cur
                if not is_zero(env, d_cur, diff):
                    fix_lines.append(dl)
                    amounts.append({"amount_residual_currency": diff})
                    rem_d_cur -= diff
            if credit_full:
                diff = rem_c_cur + part_c_cur
                if not is_zero(env, c_cur, diff):
                    fix_lines.append(cl)
                    amounts.append({"amount_residual_currency": diff})
                    rem_c_cur += diff
        else:
            if debit_full:
                diff = rem_d - partial_amount
                if not is_zero(env, comp, diff):
                    fix_lines.append(dl)
                    amounts.append({"amount_residual": diff})
                    rem_d -= diff
                    if d_cur == comp:
                        rem_d_cur -= diff
            else:
                diff = part_d - partial_amount
                if compare(env, comp, diff, 0.0) > 0:
                    fix_lines.append(dl)
                    amounts.append({"amount_residual": diff})
                    rem_d -= diff
                    if d_cur == comp:
                        rem_d_cur -= diff
            if credit_full:
                diff = rem_c + partial_amount
                if not is_zero(env, comp, diff):
                    fix_lines.append(cl)
                    amounts.append({"amount_residual": diff})
                    rem_c -= diff
                    if c_cur == comp:
                        rem_c_cur -= diff
            else:
                diff = partial_amount - part_c
                if compare(env, comp, diff, 0.0) < 0:
                    fix_lines.append(cl)
                    amounts.append({"amount_residual": diff})
                    rem_c -= diff
                    if c_cur == comp:
                        rem_c_cur -= diff
        if fix_lines:
            res["exchange_values"] = exchange_move_vals(
                env, fix_lines, amounts, exchange_date=max(_v(env, dl, "date"), _v(env, cl, "date"))
            )
    rem_d -= partial_amount
    rem_c += partial_amount
    rem_d_cur -= part_d_cur
    rem_c_cur += part_c_cur
    res["partial_values"] = {
        "amount": partial_amount,
        "debit_amount_currency": part_d_cur,
        "credit_amount_currency": part_c_cur,
        "debit_move_id": dl,
        "credit_move_id": cl,
    }
    debit.update(amount_residual=rem_d, amount_residual_currency=rem_d_cur)
    credit.update(amount_residual=rem_c, amount_residual_currency=rem_c_cur)
    if debit_full:
        res["debit_values"] = None
    if credit_full:
        res["credit_values"] = None
    return res


def _prepare_amls(env: Any, values_list: list[dict], no_exchange: bool) -> tuple[list[dict], set[int]]:
    """_prepare_reconciliation_amls: walk the debit and the credit lines in order."""
    debits = iter(
        [
            v
            for v in values_list
            if _v(env, v["aml"], "balance") > 0 or _v(env, v["aml"], "amount_currency") > 0
        ]
    )
    credits = iter(
        [
            v
            for v in values_list
            if _v(env, v["aml"], "balance") < 0 or _v(env, v["aml"], "amount_currency") < 0
        ]
    )
    debit = credit = None
    fully: set[int] = set()
    results = []
    while True:
        if not debit:
            debit = next(debits, None)
            if not debit:
                break
        if not credit:
            credit = next(credits, None)
            if not credit:
                break
        result = _single_partial(env, debit, credit, no_exchange)
        if result.get("partial_values"):
            results.append(result)
        if result["debit_values"] is None:
            fully.add(debit["aml"])
            debit = None
        if result["credit_values"] is None:
            fully.add(credit["aml"])
            credit = None
    return results, fully


def _sorted(env: Any, line_ids: list[int]) -> list[int]:
    """_optimize_reconciliation_plan's order: due date (or date), currency, amount in currency, balance."""
    return sorted(
        line_ids,
        key=lambda lid: (
            _v(env, lid, "date_maturity") or _v(env, lid, "date"),
            line_currency(env, lid),
            _v(env, lid, "amount_currency"),
            _v(env, lid, "balance"),
        ),
    )


def _prepare_plan(env: Any, amls: list[int], values: dict, no_exchange: bool) -> list[dict]:
    """Lines in several currencies are matched per currency first, then all together."""
    currencies = list(dict.fromkeys(line_currency(env, lid) for lid in amls))
    done: set[int] = set()
    results: list[dict] = []

    def process(group: list[int]) -> None:
        found, fully = _prepare_amls(env, [values[lid] for lid in group if lid not in done], no_exchange)
        done.update(fully)
        results.extend(found)

    if len(currencies) > 1:
        for currency in currencies:
            process([lid for lid in amls if line_currency(env, lid) == currency])
    process(amls)
    return results


def exchange_move_vals(
    env: Any, line_ids: list[int], amounts: list[dict], company: int | None = None, exchange_date: Any = None
) -> dict | None:
    """_prepare_exchange_difference_move_vals (17): one pair of lines per line to fix, on its account and
    on the company's exchange gain/loss account, in the company's exchange journal."""
    su = env.sudo()
    moves = [_move(su, lid) for lid in line_ids]
    invoices = [m for m in moves if su.value("account.move", m, "move_type") in INVOICE_TYPES]
    company = su.value("account.move", (invoices or moves)[0], "company_id") if moves else company
    if not company:
        return None
    journal = su.value("res.company", company, "currency_exchange_journal_id")
    expense = su.value("res.company", company, "expense_currency_exchange_account_id")
    income = su.value("res.company", company, "income_currency_exchange_account_id")
    day = exchange_date or su.today()
    date = accounting_date(su, company, journal, "entry", day, False) if journal else day
    vals: dict[str, Any] = {"move_type": "entry", "date": date, "journal_id": journal, "line_ids": []}
    to_reconcile = []
    for lid, amount in zip(line_ids, amounts, strict=True):
        vals["date"] = max(vals["date"], _v(su, lid, "date"))
        comp, currency = company_currency(su, lid), line_currency(su, lid)
        if "amount_residual" in amount:
            residual = amount["amount_residual"]
            residual_currency = residual if currency == comp else 0.0
            to_fix = residual
            if is_zero(su, comp, residual):
                continue
        else:
            residual = 0.0
            residual_currency = amount["amount_residual_currency"]
            to_fix = residual_currency
            if is_zero(su, currency, residual_currency):
                continue
        exchange_account = expense if to_fix > 0.0 else income
        common = {
            "name": "Currency exchange rate difference",
            "currency_id": currency,
            "partner_id": _v(su, lid, "partner_id"),
        }
        sequence = len(vals["line_ids"])
        vals["line_ids"] += [
            (
                0,
                0,
                {
                    **common,
                    "account_id": _v(su, lid, "account_id"),
                    "debit": -residual if residual < 0 else 0.0,
                    "credit": residual if residual > 0 else 0.0,
                    "amount_currency": -residual_currency,
                    "sequence": sequence,
                },
            ),
            (
                0,
                0,
                {
                    **common,
                    "account_id": exchange_account,
                    "debit": residual if residual > 0 else 0.0,
                    "credit": -residual if residual < 0 else 0.0,
                    "amount_currency": residual_currency,
                    "sequence": sequence + 1,
                },
            ),
        ]
        to_reconcile.append((lid, sequence))
    return {"move_values": vals, "to_reconcile": to_reconcile}


def create_exchange_moves(env: Any, values_list: list[dict]) -> list[int]:
    """_create_exchange_difference_moves (17): configuration checks, create, post, match."""
    from .account import post_moves  # late: account imports this module

    su = env.sudo()
    if not values_list:
        return []
    for values in values_list:
        if not values["move_values"]["journal_id"]:
            raise UserError(
                "You have to configure the 'Exchange Gain or Loss Journal' in your company settings, to manage"
                " automatically the booking of accounting entries related to differences between exchange rates."
            )
    for values in values_list:
        company = su.value("account.journal", values["move_values"]["journal_id"], "company_id")
        if not su.value("res.company", company, "expense_currency_exchange_account_id"):
            raise UserError(
                "You should configure the 'Loss Exchange Rate Account' in your company settings, to manage"
                " automatically the booking of accounting entries related to differences between exchange rates."
            )
        if not su.value("res.company", company, "income_currency_exchange_account_id"):
            raise UserError(
                "You should configure the 'Gain Exchange Rate Account' in your company settings, to manage"
                " automatically the booking of accounting entries related to differences between exchange rates."
            )
    moves = []
    plan = []
    for values in values_list:
        mid = su.create("account.move", [dict(values["move_values"])])[0]
        post_moves(su, [mid], soft=False)
        lines = sorted(
            su.value("account.move", mid, "line_ids"), key=lambda lid: (_v(su, lid, "sequence"), lid)
        )
        plan += [[source, lines[sequence]] for source, sequence in values["to_reconcile"]]
        moves.append(mid)
    reconcile_plan(su, plan, no_exchange=True)
    return moves


def reconcile_plan(env: Any, plan: list[list[int]], no_exchange: bool = False) -> None:
    """_reconcile_plan / _reconcile_plan_with_sync (17) for a list of groups of lines."""
    su = env.sudo()
    nodes = []
    for group in plan:
        group = list(dict.fromkeys(group))
        if not group:
            continue
        check_exigibility(su, group)
        nodes.append(_sorted(su, group))
    all_lines = list(dict.fromkeys(lid for node in nodes for lid in node))
    values = {
        lid: {
            "aml": lid,
            "amount_residual": _v(su, lid, "amount_residual"),
            "amount_residual_currency": _v(su, lid, "amount_residual_currency"),
        }
        for lid in all_lines
    }
    results = [r for node in nodes for r in _prepare_plan(su, node, values, no_exchange)]
    partials = []
    exchange_values, exchange_index = [], []
    for result in results:
        pv = result["partial_values"]
        d, c = pv["debit_move_id"], pv["credit_move_id"]
        debit_is_invoice = su.value("account.move", _move(su, d), "move_type") in INVOICE_TYPES
        partials.append(
            su.create(
                PARTIAL,
                [
                    {
                        **pv,
                        "debit_currency_id": line_currency(su, d),
                        "credit_currency_id": line_currency(su, c),
                        "company_id": _v(su, d if debit_is_invoice else c, "company_id"),
                        "max_date": max(_v(su, d, "date"), _v(su, c, "date")),
                    }
                ],
            )[0]
        )
        ex = result.get("exchange_values")
        if ex and ex["move_values"]["line_ids"]:
            exchange_values.append(ex)
            # 17 counts only the partials with an exchange difference here (partial_index), so the move
            # is linked to the n-th partial of the batch, as Odoo does
            exchange_index.append(len(exchange_index))
    refresh_moves(su, all_lines)
    for index, move in zip(exchange_index, create_exchange_moves(su, exchange_values), strict=True):
        su.write_raw(PARTIAL, partials[index], {"exchange_move_id": move})
    _create_full_reconciles(su, nodes, no_exchange)


def _is_line_reconciled(env: Any, lid: int, multi_currency: bool) -> bool:
    if _v(env, lid, "reconciled"):
        return True
    if not _partials_of(env, lid):
        return False
    if multi_currency:
        return is_zero(env, company_currency(env, lid), _v(env, lid, "amount_residual"))
    return is_zero(env, line_currency(env, lid), _v(env, lid, "amount_residual_currency"))


def _create_full_reconciles(env: Any, nodes: list[list[int]], no_exchange: bool) -> None:
    su = env.sudo()
    seen: set[int] = set()
    for node in nodes:
        if all(lid in seen for lid in node):
            continue
        involved = reconciled_group(su, node)
        seen.update(involved)
        multi = len({line_currency(su, lid) for lid in involved}) > 1
        if not all(_is_line_reconciled(su, lid, multi) for lid in involved):
            continue
        exchange_move = False
        if not no_exchange:  # leftovers after the partials' own exchange differences (rounding)
            fix, amounts, last = [], [], dt.date.min
            for lid in involved:
                if not is_zero(su, company_currency(su, lid), _v(su, lid, "amount_residual")):
                    fix.append(lid)
                    amounts.append({"amount_residual": _v(su, lid, "amount_residual")})
                elif not is_zero(su, line_currency(su, lid), _v(su, lid, "amount_residual_currency")):
                    fix.append(lid)
                    amounts.append({"amount_residual_currency": _v(su, lid, "amount_residual_currency")})
                last = max(last, _v(su, lid, "date"))
            values = exchange_move_vals(su, fix, amounts, exchange_date=last) if fix else None
            if values and values["move_values"]["line_ids"]:
                exchange_move = create_exchange_moves(su, [values])[0]
                account = _v(su, involved[0], "account_id")
                involved += [
                    lid
                    for lid in su.value("account.move", exchange_move, "line_ids")
                    if _v(su, lid, "account_id") == account and lid not in involved
                ]
        fulls = {su.txn.get(LINE, lid).get("full_reconcile_id") for lid in involved}
        if len(fulls) == 1 and None not in fulls and False not in fulls:
            continue  # already fully matched by a nested exchange difference reconciliation
        partials = sorted({pid for lid in involved for pid in _partials_of(su, lid)})
        full = su.create(FULL, [{"exchange_move_id": exchange_move}])[0]
        for lid in involved:
            su.write_raw(LINE, lid, {"full_reconcile_id": full})
        for pid in partials:
            su.write_raw(PARTIAL, pid, {"full_reconcile_id": full})
        refresh_moves(su, involved)


def reconcile(env: Any, line_ids: list[int]) -> None:
    """account.move.line.reconcile(): all the lines together."""
    reconcile_plan(env, [line_ids])


# -- undoing it ------------------------------------------------------------------------------------
def remove_move_reconcile(env: Any, line_ids: list[int]) -> None:
    """account.move.line.remove_move_reconcile: unlink the partials of the lines."""
    partials = sorted({pid for lid in line_ids for pid in _partials_of(env, lid)})
    unlink_partials(env, partials)


def unlink_partials(env: Any, partial_ids: list[int]) -> None:
    """account.partial.reconcile.unlink (17): drop the partials and their full reconciles, then reverse
    the exchange difference entries (full's first, then the partials')."""
    su = env.sudo()
    partial_ids = [pid for pid in partial_ids if su.txn.exists(PARTIAL, pid)]
    if not partial_ids:
        return
    rows = [su.txn.get(PARTIAL, pid) for pid in partial_ids]
    fulls = sorted({row["full_reconcile_id"] for row in rows if row.get("full_reconcile_id")})
    lines = list(dict.fromkeys(x for row in rows for x in (row["debit_move_id"], row["credit_move_id"])))
    partial_moves = [row["exchange_move_id"] for row in rows if row.get("exchange_move_id")]
    for pid in partial_ids:
        su.txn.delete(PARTIAL, pid)
    full_moves = []
    for full in fulls:
        if not su.txn.exists(FULL, full):
            continue
        if su.txn.get(FULL, full).get("exchange_move_id"):
            full_moves.append(su.txn.get(FULL, full)["exchange_move_id"])
        su._delete(FULL, full)  # lines' and partials' full_reconcile_id set null
    refresh_moves(su, reconciled_group(su, lines))
    reverse_moves(su, full_moves + partial_moves)


TYPE_REVERSE_MAP = {
    "entry": "entry",
    "out_invoice": "out_refund",
    "out_refund": "out_invoice",
    "in_invoice": "in_refund",
    "in_refund": "in_invoice",
    "out_receipt": "out_refund",
    "in_receipt": "in_refund",
}


def reverse_moves(env: Any, move_ids: list[int]) -> list[int]:
    """account.move._reverse_moves(cancel=True) for journal entries (the exchange differences): a mirror
    entry dated at the first allowed date, "Reversal of: <name>", posted and matched with the original."""
    from .account import post_moves

    su = env.sudo()
    reversals = []
    for mid in move_ids:
        if not su.txn.exists("account.move", mid):
            continue
        remove_move_reconcile(su, su.value("account.move", mid, "line_ids"))
        company = su.value("account.move", mid, "company_id")
        journal = su.value("account.move", mid, "journal_id")
        date = accounting_date(
            su,
            company,
            journal,
            "entry",
            su.value("account.move", mid, "date"),
            move_affects_tax_report(su, mid),
        )
        lines = [
            (
                0,
                0,
                {
                    "name": _v(su, lid, "name"),
                    "account_id": _v(su, lid, "account_id"),
                    "partner_id": _v(su, lid, "partner_id"),
                    "currency_id": _v(su, lid, "currency_id"),
                    "balance": -_v(su, lid, "balance"),
                    "amount_currency": -_v(su, lid, "amount_currency"),
                },
            )
            for lid in su.value("account.move", mid, "line_ids")
        ]
        reverse = su.create(
            "account.move",
            [
                {
                    "move_type": TYPE_REVERSE_MAP[su.value("account.move", mid, "move_type")],
                    "journal_id": journal,
                    "date": date,
                    "ref": f"Reversal of: {su.value('account.move', mid, 'name')}",
                    "partner_id": su.value("account.move", mid, "partner_id"),
                    "reversed_entry_id": mid,
                    "line_ids": lines,
                }
            ],
        )[0]
        post_moves(su, [reverse], soft=False)
        # _reconcile_reversed_moves: open lines grouped by (account, currency) on reconcilable accounts
        groups: dict[tuple, list[int]] = {}
        for lid in su.value("account.move", mid, "line_ids") + su.value("account.move", reverse, "line_ids"):
            if not _v(su, lid, "reconciled"):
                groups.setdefault((_v(su, lid, "account_id"), _v(su, lid, "currency_id")), []).append(lid)
        for (account, _currency), group in groups.items():
            if (
                su.value("account.account", account, "reconcile")
                or su.value("account.account", account, "account_type") in RESIDUAL_TYPES
            ):
                reconcile_plan(su, [group])
        reversals.append(reverse)
    return reversals
