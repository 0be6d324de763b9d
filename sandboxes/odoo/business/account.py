"""account.move and account.payment behaviour: invoice lines, posting, lock dates, reconciliation (§3.10,
§3.11). Rules read in Odoo 17.0's account module (account_move.py, account_move_line.py,
account_payment.py); each names the function it follows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..errors import AccessError, RedirectWarning, UserError, ValidationError
from ..rounding import currency_round
from . import journals  # noqa: F401 - registers account.journal's behaviour
from . import reconcile as rec
from .lock_dates import (
    PURCHASE_TYPES,
    accounting_date,
    check_fiscalyear_lock_date,
    check_tax_lock_date,
    move_affects_tax_report,
    violated_lock_dates,
)
from .registry import INVOICE_TYPES, SALE_TYPES, method, register

MOVE = "account.move"
LINE = "account.move.line"


# --------------------------------------------------------------------------------------------------
# account.move (§3.10): defaults, journals, invoice lines
# --------------------------------------------------------------------------------------------------
def _default_journal(env: Any, move_type: str, company_id: int) -> int | bool:
    jtype = "sale" if move_type in SALE_TYPES else "purchase" if move_type in INVOICE_TYPES else "general"
    for jid in env.txn.ids("account.journal"):
        row = env.txn.get("account.journal", jid)
        if row["type"] == jtype and row["company_id"] == company_id and row["active"]:
            return jid
    return False


def _move_prepare(env: Any, vals: dict) -> dict:
    move_type = vals.get("move_type") or env.context.get("default_move_type") or "entry"
    vals["move_type"] = move_type
    if vals.get("state") == "posted":  # 17 account_move.py create()
        raise UserError(
            "You cannot create a move already in the posted state. Please create a draft move and post it after."
        )
    company = vals.get("company_id") or env.company_id
    if not vals.get("journal_id"):
        journal = _default_journal(env, move_type, company)
        if not journal:
            raise UserError(
                "No journal could be found in company for any of those types: sale/purchase/general"
            )
        vals["journal_id"] = journal
    journal_company = env.value("account.journal", vals["journal_id"], "company_id")
    if vals.get("company_id") and vals["company_id"] != journal_company:
        raise UserError("Incompatible companies on records: the journal belongs to another company.")
    vals["company_id"] = journal_company
    if not vals.get("currency_id"):
        vals["currency_id"] = env.value("account.journal", vals["journal_id"], "currency_id") or env.value(
            "res.company", journal_company, "currency_id"
        )
    if move_type == "entry" and vals.get("invoice_line_ids"):
        vals["line_ids"] = list(vals.get("line_ids") or []) + list(vals.pop("invoice_line_ids"))
    return vals


def _check_journal_move_type(env: Any, mid: int) -> None:
    """17 account_move.py _check_journal_move_type (constraint on journal_id, move_type)."""
    su = env.sudo()
    mtype = su.value(MOVE, mid, "move_type")
    jtype = su.value("account.journal", su.value(MOVE, mid, "journal_id"), "type")
    if mtype in PURCHASE_TYPES and jtype != "purchase":
        raise ValidationError("Cannot create a purchase document in a non purchase journal")
    if mtype in SALE_TYPES and jtype != "sale":
        raise ValidationError("Cannot create a sale document in a non sale journal")


def _sync_date(env: Any, mid: int) -> None:
    """17 account_move.py _compute_date: an invoice's accounting date follows its invoice date; bills and
    refunds go through _get_accounting_date (their date may move to the period's end or to today)."""
    su = env.sudo()
    invoice_date = su.value(MOVE, mid, "invoice_date")
    if not invoice_date or su.value(MOVE, mid, "state") != "draft":
        return
    mtype = su.value(MOVE, mid, "move_type")
    date = invoice_date
    if mtype not in SALE_TYPES:
        date = accounting_date(
            su,
            su.value(MOVE, mid, "company_id"),
            su.value(MOVE, mid, "journal_id"),
            mtype,
            invoice_date,
            move_affects_tax_report(su, mid),
            exclude=mid,
        )
    if date != su.value(MOVE, mid, "date"):
        su.write_raw(MOVE, mid, {"date": date})


def _sign(move_type: str) -> int:
    """+1 when product lines are debits (bills, customer refunds), -1 when credits (invoices)."""
    return -1 if move_type in ("out_invoice", "out_receipt", "in_refund") else 1


def _company_account(env: Any, company: int, key: str) -> int:
    aid = env.xmlid(f"account.{company}_{key}")
    if not aid:
        raise UserError(f"The company has no default {key.replace('_', ' ')} account configured.")
    return aid


def _debit_credit(balance: float) -> dict:
    return {
        "balance": balance,
        "debit": balance if balance > 0 else 0.0,
        "credit": -balance if balance < 0 else 0.0,
    }


RECONCILIATION_FIELDS = ("account_id", "balance", "amount_currency", "currency_id", "partner_id")


def _set_line(env: Any, lid: int, vals: dict) -> None:
    """Update a generated line when something changed; a reconciled line refuses a change of its
    reconciliation fields (17 account_move_line.py _check_reconciliation)."""
    su = env.sudo()
    changed = {k: v for k, v in vals.items() if su.value(LINE, lid, k) != v}
    if not changed:
        return
    if any(k in RECONCILIATION_FIELDS for k in changed):
        _check_reconciliation(su, [lid])
    su.write_raw(LINE, lid, changed)


def _check_reconciliation(env: Any, line_ids: list[int]) -> None:
    """17 account_move_line.py _check_reconciliation."""
    su = env.sudo()
    for lid in line_ids:
        if su.value(LINE, lid, "matched_debit_ids") or su.value(LINE, lid, "matched_credit_ids"):
            mid = su.value(LINE, lid, "move_id")
            raise UserError(
                "You cannot do this modification on a reconciled journal entry. You can just change some non "
                "legal fields or you must unreconcile first.\n"
                f"Journal Entry (id): {su.value(MOVE, mid, 'name')} ({mid})"
            )


def _tax_line_key(su: Any, lid: int) -> tuple:
    """An existing tax line's grouping key (17 account_move_line.py _compute_tax_key): its tax (the
    repartition line, one per tax here), account and taxes (``tax_ids``: the taxes whose base it
    affects); currency, partner and move are the invoice's. Group taxes are not stored (not modelled)."""
    return (
        su.value(LINE, lid, "tax_line_id"),
        su.value(LINE, lid, "account_id"),
        frozenset(su.value(LINE, lid, "tax_ids")),
    )


def _add_needed_tax(needed: dict, key: tuple, values: dict) -> None:
    """17 account_move.py _sync_dynamic_line ``needed()``: the per-line values of one key are summed;
    a key whose monetary sums all come to zero is dropped."""
    if key not in needed:
        needed[key] = dict(values)
        return
    entry = needed[key]
    for fname in ("balance", "amount_currency", "tax_base_amount"):
        entry[fname] += values[fname]
    if not any(entry[f] for f in ("balance", "amount_currency", "tax_base_amount")):
        del needed[key]


def sync_invoice(env: Any, move_id: int) -> None:
    """Recompute product line amounts, tax lines and the receivable/payable line of an invoice (17:
    _sync_dynamic_lines runs on draft and posted invoices alike).

    As Odoo 17 does it (account_move_line.py _compute_totals, _compute_all_tax, _sync_invoice;
    account_move.py _sync_dynamic_line, _compute_amount, _compute_needed_terms):

    - a product line: ``compute_all`` of its discounted unit price, quantity, the invoice's currency
      and company; ``amount_currency`` = direction × round(price_subtotal), ``balance`` = that converted
      at the invoice date's rate, rounded at the company currency;
    - tax lines: each product line's ``compute_all`` taxes (non-zero ones), grouped by tax, account and
      affected taxes; a tax line's ``amount_currency`` is the rounded sum of its per-line amounts (already
      rounded with round_per_line, kept at 1e-5 of the rounding with round_globally) and its ``balance``
      the rounded sum of those amounts at each product line's own rate (amount_currency / balance);
    - the receivable/payable line takes minus the sum of the product, rounding and tax lines (in both
      currencies), so the entry balances whatever the rounding method.

    Generated lines are updated in place (a reconciled receivable line keeps its id and refuses a new
    amount); tax lines no longer needed are reused for new ones, then deleted.
    """
    su = env.sudo()
    mtype = su.value(MOVE, move_id, "move_type")
    if mtype not in INVOICE_TYPES or su.value(MOVE, move_id, "state") == "cancel":
        return
    sign = _sign(mtype)
    company = su.value(MOVE, move_id, "company_id")
    currency = su.value(MOVE, move_id, "currency_id")
    comp_currency = su.value("res.company", company, "currency_id")
    partner = su.value(MOVE, move_id, "partner_id")
    journal = su.value(MOVE, move_id, "journal_id")
    factor = su.move_factor(move_id)
    total_currency = total_balance = 0.0  # product and rounding lines, then tax lines
    tax_account = 0
    line_ids = su.with_context(active_test=False).value(MOVE, move_id, "line_ids")
    existing_tax: dict[tuple, int] = {}
    spare_tax: list[int] = []
    term_lines: list[int] = []
    needed: dict[tuple, dict] = {}
    for lid in line_ids:
        kind = su.value(LINE, lid, "display_type")
        if kind == "tax":
            key = _tax_line_key(su, lid)
            if key in existing_tax:
                spare_tax.append(lid)
            else:
                existing_tax[key] = lid
            continue
        if kind == "payment_term":
            term_lines.append(lid)
            continue
        if kind == "rounding":  # 17 _compute_amount: part of the untaxed amount
            total_currency += su.value(LINE, lid, "amount_currency")
            total_balance += su.value(LINE, lid, "balance")
            continue
        if kind != "product":
            continue
        price = su.value(LINE, lid, "price_unit") * (1 - (su.value(LINE, lid, "discount") or 0) / 100.0)
        res = su.compute_all(
            su.value(LINE, lid, "tax_ids"), price, su.value(LINE, lid, "quantity"), currency, company
        )
        untaxed = su.cround(currency, res.total_excluded)
        amount_currency = sign * untaxed
        balance = (
            amount_currency
            if currency == comp_currency
            else su.cround(comp_currency, amount_currency / factor)
        )
        total_currency += amount_currency
        total_balance += balance
        rate = amount_currency / balance if balance else 1.0  # 17 _compute_all_tax
        for detail in res.details:
            amount = sign * detail.amount
            if not amount:  # 17 _compute_all_tax: `if tax['amount']`
                continue
            if not tax_account:  # the repartition line's account (not modelled): the company's
                tax_account = _company_account(
                    su, company, "tax_received" if mtype in SALE_TYPES else "tax_paid"
                )
            key = (detail.tax, tax_account, frozenset(detail.tax_ids))
            _add_needed_tax(
                needed,
                key,
                {
                    "amount_currency": amount,
                    "balance": amount / rate,
                    "tax_base_amount": sign * detail.base / rate,
                },
            )
        vals = {
            "price_subtotal": untaxed,
            "price_total": su.cround(currency, res.total_included),
            **_debit_credit(balance),
            "amount_currency": amount_currency,
            "currency_id": currency,
            "partner_id": partner,
        }
        if not su.value(LINE, lid, "account_id"):
            vals["account_id"] = su.value(
                "account.journal", journal, "default_account_id"
            ) or _company_account(su, company, "income" if sign < 0 else "expense")
        _set_line(su, lid, vals)
    mdef = su.mdef(LINE)
    to_create: list[dict] = []
    for key, values in needed.items():
        tax, account, affected = key
        # Monetary.convert_to_cache (in _sync_dynamic_line): the sums rounded at each field's currency
        amount_currency = su.cround(currency, values["amount_currency"])
        balance = su.cround(comp_currency, values["balance"])
        total_currency += amount_currency
        total_balance += balance
        vals = {
            "display_type": "tax",
            "tax_line_id": tax,
            "tax_ids": sorted(affected),
            "name": su.value("account.tax", tax, "name"),
            "account_id": account,
            **_debit_credit(balance),
            "amount_currency": amount_currency,
            "currency_id": currency,
            "partner_id": partner,
        }
        if key in existing_tax:
            _set_line(su, existing_tax.pop(key), vals)
        else:
            to_create.append(vals)
    spare_tax = list(existing_tax.values()) + spare_tax
    for vals in to_create:  # 17 _sync_dynamic_line: lines no longer needed are rewritten first
        if spare_tax:
            _set_line(su, spare_tax.pop(0), vals)
        else:
            su._create_one(mdef, {"move_id": move_id, **vals})
    for lid in spare_tax:
        su.txn.delete(LINE, lid)
    has_lines = any(su.value(LINE, lid, "display_type") == "product" for lid in line_ids)
    if not has_lines:
        for lid in term_lines:
            _check_reconciliation(su, [lid])
            su.txn.delete(LINE, lid)
        return
    receivable = mtype in SALE_TYPES
    account = (
        su.value(
            "res.partner",
            partner,
            "property_account_receivable_id" if receivable else "property_account_payable_id",
        )
        if partner
        else False
    )
    account = account or _company_account(su, company, "receivable" if receivable else "payable")
    # 17 _compute_needed_terms without payment term: balance = amount_total_signed, amount_currency =
    # amount_total_in_currency_signed, i.e. minus the sums of the other lines (_compute_amount)
    balance = su.cround(comp_currency, -total_balance)
    vals = {
        "display_type": "payment_term",
        "name": su.value(MOVE, move_id, "payment_reference") or "",
        "account_id": account,
        **_debit_credit(balance),
        "amount_currency": su.cround(currency, -total_currency),
        "currency_id": currency,
        "partner_id": partner,
        "date_maturity": su.value(MOVE, move_id, "invoice_date_due")
        or su.value(MOVE, move_id, "invoice_date")
        or su.value(MOVE, move_id, "date"),
    }
    if term_lines:
        _set_line(su, term_lines[0], vals)
        for lid in term_lines[1:]:
            su.txn.delete(LINE, lid)
    else:
        su._create_one(mdef, {"move_id": move_id, **vals})
    rec.refresh_residuals(su, su.value(MOVE, move_id, "line_ids"))


def format_amount(env: Any, amount: float, currency: int) -> str:
    """tools.misc.format_amount for en_US: grouped, the currency's decimals, symbol with a no-break
    space before or after."""
    su = env.sudo()
    rounding = su.value("res.currency", currency, "rounding") or 0.01
    decimals = su.currency_decimals(currency)
    text = f"{currency_round(amount, rounding):,.{decimals}f}".replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
    symbol = su.value("res.currency", currency, "symbol") or ""
    if su.value("res.currency", currency, "position") == "before":
        return f"{symbol}\N{NO-BREAK SPACE}{text}"
    return f"{text}\N{NO-BREAK SPACE}{symbol}"


def _check_balanced(env: Any, move_id: int) -> None:
    """17 account_move.py _check_balanced / _get_unbalanced_moves (skipped with check_move_validity=False)."""
    if env.context.get("check_move_validity") is False:
        return
    su = env.sudo()
    lines = su.value(MOVE, move_id, "line_ids")
    if not lines:
        return
    currency = su.value("res.company", su.value(MOVE, move_id, "company_id"), "currency_id")
    rounding = su.value("res.currency", currency, "rounding")
    if currency_round(sum(su.value(LINE, lid, "balance") for lid in lines), rounding) == 0:
        return
    debit = currency_round(sum(su.value(LINE, lid, "debit") for lid in lines), rounding)
    credit = currency_round(sum(su.value(LINE, lid, "credit") for lid in lines), rounding)
    journal = su.value("account.journal", su.value(MOVE, move_id, "journal_id"), "name")
    raise UserError(
        "An error has occurred.\n\n"
        f"The move ({su.display_name(MOVE, move_id)}) is not balanced.\n"
        f"The total of debits equals {format_amount(su, debit, currency)} and the total of credits equals "
        f"{format_amount(su, credit, currency)}.\n"
        f'You might want to specify a default account on journal "{journal}" to automatically balance each move.'
    )


def _check_duplicate_supplier_reference(env: Any, mid: int) -> None:
    """17 account_move.py _check_duplicate_supplier_reference: a posted bill/refund with the same
    reference, vendor, type, company and bill date as another posted one → RedirectWarning."""
    su = env.sudo()
    mtype = su.value(MOVE, mid, "move_type")
    ref = su.value(MOVE, mid, "ref")
    if mtype not in ("in_invoice", "in_refund") or not ref or su.value(MOVE, mid, "state") != "posted":
        return
    key = (
        mtype,
        ref,
        su.commercial_partner(su.value(MOVE, mid, "partner_id")),
        su.value(MOVE, mid, "company_id"),
        su.value(MOVE, mid, "invoice_date"),
    )
    for other in su.txn.ids(MOVE):
        if other == mid or su.value(MOVE, other, "state") != "posted":
            continue
        theirs = (
            su.value(MOVE, other, "move_type"),
            su.value(MOVE, other, "ref"),
            su.commercial_partner(su.value(MOVE, other, "partner_id")),
            su.value(MOVE, other, "company_id"),
            su.value(MOVE, other, "invoice_date"),
        )
        if theirs == key:
            raise RedirectWarning(
                "Duplicated vendor reference detected. You probably encoded twice the same vendor bill/credit note."
            )


def _check_unique_sequence_number(env: Any, ids: list[int]) -> None:
    """16 account_move.py _check_unique_sequence_number (@api.constrains('name', 'journal_id', 'state');
    17+ have the unique index account_move_unique_name instead, see the catalog): a posted move's name
    is unique among the posted moves of its journal and type. A query in the transaction's snapshot, so
    it cannot see a concurrent posting (see next_move_name)."""
    su = env.sudo()
    clashes = []
    for mid in ids:
        row = su.txn.get(MOVE, mid)
        if row is None or row["state"] != "posted":
            continue
        key = (row["name"], row["journal_id"], row["move_type"])
        for other in su.txn.ids(MOVE):
            theirs = su.txn.get(MOVE, other)
            same = (theirs["name"], theirs["journal_id"], theirs["move_type"]) == key
            if other != mid and theirs["state"] == "posted" and same:
                clashes.append(theirs["name"])
    if clashes:
        raise ValidationError(
            "Posted journal entry must have an unique sequence number per company.\n"
            f"Problematic numbers: {', '.join(clashes)}\n"
        )


def _move_after_create(env: Any, ids: list[int]) -> None:
    if env.db.version <= 16:
        _check_unique_sequence_number(env, ids)
    for mid in ids:
        _check_journal_move_type(env, mid)
        _sync_date(env, mid)
        sync_invoice(env, mid)
        _check_balanced(env, mid)
        rec.refresh_residuals(env, env.sudo().value(MOVE, mid, "line_ids"))


def _move_after_write(env: Any, ids: list[int], vals: dict) -> None:
    if env.db.version <= 16 and {"name", "journal_id", "state"} & vals.keys():
        _check_unique_sequence_number(env, [mid for mid in ids if env.txn.exists(MOVE, mid)])
    for mid in ids:
        if not env.txn.exists(MOVE, mid):
            continue
        if "journal_id" in vals or "move_type" in vals:
            _check_journal_move_type(env, mid)
        if "invoice_date" in vals and "date" not in vals:
            _sync_date(env, mid)
        sync_invoice(env, mid)
        _check_balanced(env, mid)
        _check_duplicate_supplier_reference(env, mid)
        if env.context.get("_posting"):
            continue
        # 17 write(): "You can't change the date of a not-locked move to a locked period."
        if ("date" in vals or "state" in vals) and env.sudo().value(MOVE, mid, "state") == "posted":
            check_fiscalyear_lock_date(env, mid)
            check_tax_lock_date(env, env.sudo().value(MOVE, mid, "line_ids"))


def _sequence_number(name: str | bool) -> int:
    tail = (name or "").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _check_journal_change(env: Any, mid: int, vals: dict) -> None:
    """account_move.py write(): the journal of a numbered move. 16/17: refused once posted, or once it
    has a sequence number above 1; 18/19: allowed when the same write clears the name (or sets "/")."""
    su = env.sudo()
    if "journal_id" not in vals or su.value(MOVE, mid, "journal_id") == vals["journal_id"]:
        return
    name = su.value(MOVE, mid, "name")
    numbered = bool(name and name != "/")
    if env.db.version <= 17:
        if su.value(MOVE, mid, "posted_before"):
            raise UserError("You cannot edit the journal of an account move if it has been posted once.")
        if numbered and _sequence_number(name) not in (0, 1):
            raise UserError(
                "You cannot edit the journal of an account move if it already has a sequence number assigned."
            )
        return
    clears_name = "name" in vals and (vals["name"] == "/" or not vals["name"])
    if su.value(MOVE, mid, "posted_before") and numbered and not clears_name:
        raise UserError(
            "You cannot edit the journal of an account move if it has been posted once, unless the name is "
            'removed or set to "/". This might create a gap in the sequence.'
        )
    if numbered and _sequence_number(name) not in (0, 1) and not clears_name:
        raise UserError(
            "You cannot edit the journal of an account move with a sequence number assigned, unless the name "
            'is removed or set to "/". This might create a gap in the sequence.'
        )


# 18/19 account_move.py write(): "Disallow modifying readonly fields on a posted move".
POSTED_READONLY_FIELDS = (
    "invoice_line_ids",
    "line_ids",
    "invoice_date",
    "date",
    "partner_id",
    "invoice_payment_term_id",
    "currency_id",
    "fiscal_position_id",
    "invoice_cash_rounding_id",
)


def _check_posted_readonly_fields(env: Any, mid: int, vals: dict) -> None:
    """18/19 account_move.py write(): a move that is posted after the write (``vals.get('state',
    move.state)``) refuses these fields when they are in ``vals`` at all (same value or not, sudo or
    not), listed in the order of ``vals``, unless the context has ``skip_readonly_check``. 16/17 have
    no such check: posted moves stay editable over the API (their views make them read-only)."""
    if env.db.version < 18 or env.context.get("skip_readonly_check"):
        return
    if vals.get("state", env.sudo().value(MOVE, mid, "state")) != "posted":
        return
    readonly = [fname for fname in vals if fname in POSTED_READONLY_FIELDS]
    if readonly:
        raise UserError(
            f"You cannot modify the following readonly fields on a posted move: {', '.join(readonly)}"
        )


def _move_before_write(env: Any, ids: list[int], vals: dict) -> None:
    """account_move.py write(): journal changes after a number, lock dates of posted moves, then (18/19)
    the readonly fields of posted moves. 16/17 keep posted moves editable otherwise (Odoo protects them
    in its views, not in the ORM)."""
    if env.context.get("_posting"):
        return
    su = env.sudo()
    for mid in ids:
        _check_journal_change(env, mid, vals)
        name = su.value(MOVE, mid, "name")
        posted = su.value(MOVE, mid, "state") == "posted"
        if posted and (
            ("name" in vals and vals["name"] != name)
            or ("date" in vals and str(vals["date"]) != str(su.value(MOVE, mid, "date")))
            or ("state" in vals and vals["state"] != "posted")
        ):
            check_fiscalyear_lock_date(env, mid)
            check_tax_lock_date(env, su.value(MOVE, mid, "line_ids"))
        _check_posted_readonly_fields(env, mid, vals)


def _move_before_unlink(env: Any, ids: list[int]) -> None:
    """17 account_move.py unlink() deletes the lines first: their checks come first; then the
    @api.ondelete check _unlink_forbid_parts_of_chain (16–19)."""
    su = env.sudo()
    for mid in ids:
        _line_unlink_checks(env, su.value(MOVE, mid, "line_ids"))
    _unlink_forbid_parts_of_chain(env, ids)


def _sequence_prefix(name: str) -> str:
    return name.rsplit("/", 1)[0] + "/"


def _unlink_forbid_parts_of_chain(env: Any, ids: list[int]) -> None:
    """account_move.py _unlink_forbid_parts_of_chain (16–19, same text): without the Billing
    Administrator group (account.group_account_manager) or force_delete, numbered moves may only be
    deleted from the end of their sequence (sequence_mixin.py _is_end_of_seq_chain: consecutive numbers,
    the highest being the last of its prefix). Quick edit mode (fiduciary) is not modelled."""
    if env.has_group("account.group_account_manager") or env.context.get("force_delete"):
        return
    su = env.sudo()
    batches: dict[str, list[tuple[int, int]]] = {}
    for mid in ids:
        name = su.value(MOVE, mid, "name")
        if name and name != "/":
            batches.setdefault(_sequence_prefix(name), []).append((_sequence_number(name), mid))
    for prefix, numbered in batches.items():
        numbers = sorted(n for n, _ in numbered)
        last_number, last = max(numbered)
        others = [
            _sequence_number(su.txn.get(MOVE, other)["name"])
            for other in su.txn.ids(MOVE)
            if other != last
            and su.txn.get(MOVE, other)["journal_id"] == su.value(MOVE, last, "journal_id")
            and (su.txn.get(MOVE, other)["name"] or "").startswith(prefix)
            and (su.txn.get(MOVE, other)["name"] or "")[len(prefix) :].isdigit()
        ]
        consecutive = numbers[-1] - numbers[0] == len(numbers) - 1
        is_last = not others or max(others) + 1 == last_number
        if not (consecutive and is_last):
            raise UserError(
                "You cannot delete this entry, as it has already consumed a sequence number and is not the last "
                "one in the chain. You should probably revert it instead."
            )


register(
    MOVE,
    prepare_create=_move_prepare,
    after_create=_move_after_create,
    before_write=_move_before_write,
    after_write=_move_after_write,
    before_unlink=_move_before_unlink,
)


# --------------------------------------------------------------------------------------------------
# account.move.line (17 account_move_line.py write/unlink)
# --------------------------------------------------------------------------------------------------
TAX_FIELDS = ("balance", "tax_line_id", "tax_ids")  # _get_lock_date_protected_fields (no tax tags here)
FISCAL_FIELDS = TAX_FIELDS + ("account_id", "journal_id", "amount_currency", "currency_id", "partner_id")
RECONCILE_FIELDS = ("account_id", "date", "balance", "amount_currency", "currency_id", "partner_id")


def _line_prepare(env: Any, vals: dict) -> dict:
    if "balance" in vals and not ("debit" in vals or "credit" in vals):
        bal = float(vals["balance"] or 0)
        vals["debit"], vals["credit"] = (bal, 0.0) if bal > 0 else (0.0, -bal)
    elif "debit" in vals or "credit" in vals:
        vals["balance"] = float(vals.get("debit") or 0) - float(vals.get("credit") or 0)
    if "balance" in vals and "amount_currency" not in vals and not vals.get("currency_id"):
        vals["amount_currency"] = vals["balance"]  # a line in the company currency
    deprecated = env.field("account.account", "deprecated") is not None  # 16-18 (19: active)
    if (
        deprecated
        and vals.get("account_id")
        and env.sudo().value("account.account", vals["account_id"], "deprecated")
    ):
        raise UserError("You cannot use a deprecated account.")
    return vals


def _changes(env: Any, lid: int, vals: dict, fields: tuple[str, ...]) -> bool:
    su = env.sudo()
    for fname in fields:
        if fname not in vals:
            continue
        current = su.value(LINE, lid, fname)
        new = vals[fname]
        if fname == "tax_ids":
            if isinstance(new, list) and new and isinstance(new[0], list | tuple) and new[0][0] == 6:
                new = list(new[0][2])
            if (
                sorted(current) != sorted(new)
                if isinstance(new, list) and all(isinstance(i, int) for i in new)
                else True
            ):
                return True
            continue
        if isinstance(current, float) or isinstance(new, float | int) and not isinstance(new, bool):
            if abs(float(current or 0) - float(new or 0)) > 1e-9:
                return True
        elif current != (new or False):
            return True
    return False


def _line_before_write(env: Any, ids: list[int], vals: dict) -> None:
    """17 account_move_line.py write(): deprecated account, taxes of posted items, lock dates and
    reconciled items — only for fields whose value changes."""
    su = env.sudo()
    if "debit" in vals or "credit" in vals or "balance" in vals or vals.get("account_id"):
        _line_prepare(env, vals)
    for lid in ids:
        posted = su.value(LINE, lid, "parent_state") == "posted"
        if posted and _changes(env, lid, vals, ("tax_ids", "tax_line_id")):
            raise UserError(
                "You cannot modify the taxes related to a posted journal item, you should reset the journal "
                "entry to draft to do so."
            )
        if posted and _changes(env, lid, vals, FISCAL_FIELDS):
            check_fiscalyear_lock_date(env, su.value(LINE, lid, "move_id"))
        if posted and _changes(env, lid, vals, TAX_FIELDS):
            check_tax_lock_date(env, [lid])
        if _changes(env, lid, vals, RECONCILE_FIELDS):
            _check_reconciliation(env, [lid])


def _line_after_create(env: Any, ids: list[int]) -> None:
    """17 account_move_line.py create(): a line added to a posted move checks the tax lock date."""
    check_tax_lock_date(env, ids)
    _line_after(env, ids)


def _line_after(env: Any, ids: list[int], vals: dict | None = None) -> None:
    """A line created or edited directly: recompute its invoice and its residual amounts."""
    for mid in {env.value(LINE, lid, "move_id") for lid in ids}:
        sync_invoice(env, mid)
    rec.refresh_residuals(env, [lid for lid in ids if env.txn.exists(LINE, lid)])


def _line_unlink_checks(env: Any, ids: list[int]) -> None:
    """17 account_move_line.py unlink(): reconciled, lock dates, then _unlink_except_posted."""
    su = env.sudo()
    _check_reconciliation(env, ids)
    for mid in dict.fromkeys(su.value(LINE, lid, "move_id") for lid in ids):
        if su.value(MOVE, mid, "state") == "posted":
            check_fiscalyear_lock_date(env, mid)
    check_tax_lock_date(env, ids)
    if not env.context.get("force_delete") and any(
        su.value(LINE, lid, "parent_state") == "posted" for lid in ids
    ):
        raise UserError(
            "You can't delete a posted journal item. Don\u2019t play games with your accounting records; reset "
            "the journal entry to draft before deleting it."
        )


def _line_before_unlink(env: Any, ids: list[int]) -> None:
    _line_unlink_checks(env, ids)
    if env.context.get("dynamic_unlink"):
        return
    su = env.sudo()
    for lid in ids:  # 17 _prevent_automatic_line_deletion
        kind = su.value(LINE, lid, "display_type")
        mid = su.value(LINE, lid, "move_id")
        if kind == "tax" and any(
            su.value(LINE, other, "tax_ids") for other in su.value(MOVE, mid, "line_ids")
        ):
            raise ValidationError("You cannot delete a tax line as it would impact the tax report")
        if kind == "payment_term":
            raise ValidationError(
                "You cannot delete a payable/receivable line as it would not be consistent with the payment terms"
            )


register(
    LINE,
    prepare_create=_line_prepare,
    after_create=_line_after_create,
    before_write=_line_before_write,
    after_write=_line_after,
    before_unlink=_line_before_unlink,
)


@method(LINE, "reconcile")
def line_reconcile(env: Any, ids: list[int]) -> None:
    """account.move.line.reconcile(): match the lines together; returns None (17 _reconcile_plan)."""
    env.check_records(LINE, ids, "write")
    rec.reconcile(env, ids)
    return None


@method(LINE, "remove_move_reconcile")
def line_remove_move_reconcile(env: Any, ids: list[int]) -> None:
    """account.move.line.remove_move_reconcile(): unlink the lines' partials; returns None."""
    env.check_records(LINE, ids, "write")
    rec.remove_move_reconcile(env, ids)
    return None


def _partial_before_unlink(env: Any, ids: list[int]) -> None:
    """account.partial.reconcile.unlink (17): also drops the full reconcile and reverses the exchange
    difference entries (the ORM then finds the partials already gone)."""
    rec.unlink_partials(env, ids)


register("account.partial.reconcile", before_unlink=_partial_before_unlink)


# --------------------------------------------------------------------------------------------------
# posting (17 account_move.py _post / action_post)
# --------------------------------------------------------------------------------------------------
SEQ_PREFIX = {"out_refund": "R", "in_refund": "R"}


def next_move_name(
    env: Any, journal: int, move_type: str, date: Any, payment: bool = False, *, move: int
) -> str:
    """The next number of ``journal``: <kind><code>/<year>/<5 digits>, one above the highest this
    transaction sees in the journal (sequence_mixin.py _set_next_sequence, simplified;
    account_move.py _get_last_sequence_domain: ``journal_id = …``, ``id != self``) for ``move``, and as
    safe against concurrent postings in that journal as each version is:

    - 16 (S16 sequence_mixin.py _get_last_sequence(lock=True)): ``UPDATE … SET write_date = write_date``
      on the row holding the last number (the relaxed query's row in a new period), so a concurrent
      poster waits for it, then gets a SerializationFailure that the RPC retry loop absorbs
      (odoo/service/model.py ``retrying``) and ends with the next number. The first number of a journal
      has no row to lock, and 16 has no unique index (only _check_unique_sequence_number, which sees
      its own snapshot): two concurrent first postings both get it, as in Odoo 16.
    - 17 (S17 _set_next_sequence: the name is written in a savepoint; UniqueViolation → next number)
      and 18/19 (_locked_increment, the same loop): the unique index account_move_unique_name makes
      the second poster wait for the first one's transaction, then take the next free number in the
      same call, with no error and no retry.
    """
    code = env.value("account.journal", journal, "code")
    kind = f"{'P' if payment else SEQ_PREFIX.get(move_type, '')}{code}/"
    prefix = f"{kind}{date.year}/"
    last, last_id = 0, None
    numbered: dict[int, str] = {}  # the journal's moves numbered in this kind (16's relaxed query)
    for model in (MOVE, "account.payment"):
        for rid in env.txn.ids(model):
            row = env.txn.get(model, rid)
            name = row.get("name") or ""
            if (model == MOVE and rid == move) or row.get("journal_id") != journal:
                continue
            if model == MOVE and name.startswith(kind) and name != "/":
                numbered[rid] = name
            if name.startswith(prefix) and name[len(prefix) :].isdigit() and int(name[len(prefix) :]) > last:
                last = int(name[len(prefix) :])
                if model == MOVE:  # 18+ payments carry their own names (no row to lock: 16 only)
                    last_id = rid
    if env.db.version <= 16:
        if last_id is None and numbered:  # relaxed: the last prefix used in the journal, its highest number
            latest = _sequence_prefix(numbered[max(numbered)])
            same = [rid for rid, name in numbered.items() if _sequence_prefix(name) == latest]
            last_id = max(same, key=lambda rid: _sequence_number(numbered[rid]))
        if last_id is not None:
            env.txn.put(MOVE, last_id, dict(env.txn.get(MOVE, last_id)))  # the row lock, nothing changed
        return f"{prefix}{last + 1:05d}"
    seq = last + 1
    while not env.txn.claim_unique(MOVE, ("name", "journal_id"), (f"{prefix}{seq:05d}", journal), move):
        seq += 1
    return f"{prefix}{seq:05d}"


def _check_postable_invoice(env: Any, mid: int) -> None:
    """The invoice part of 17 _post, in its order."""
    su = env.sudo()
    mtype = su.value(MOVE, mid, "move_type")
    bank = su.value(MOVE, mid, "partner_bank_id")
    if (
        bank
        and su.field("res.partner.bank", "active") is not None
        and not su.value("res.partner.bank", bank, "active")
    ):
        raise UserError(
            "The recipient bank account linked to this invoice is archived.\nSo you cannot confirm the invoice."
        )
    currency = su.value(MOVE, mid, "currency_id")
    if rec.compare(su, currency, su.move_amounts(mid)["total"], 0.0) < 0:
        raise UserError(
            "You cannot validate an invoice with a negative total amount. You should create a credit note "
            "instead. Use the action menu to transform it into a credit note or refund."
        )
    if not su.value(MOVE, mid, "partner_id"):
        if mtype in ("out_invoice", "out_refund"):  # is_sale_document(): receipts excluded
            raise UserError(
                "The field 'Customer' is required, please complete it to validate the Customer Invoice."
            )
        if mtype in ("in_invoice", "in_refund"):
            raise UserError("The field 'Vendor' is required, please complete it to validate the Vendor Bill.")
    if not su.value(MOVE, mid, "invoice_date"):
        if mtype in SALE_TYPES:
            env.with_context(_posting=True).write(MOVE, [mid], {"invoice_date": su.today()})
            _sync_date(su, mid)
            sync_invoice(su, mid)
        else:
            raise UserError("The Bill/Refund date is required to validate this document.")


def _check_postable(env: Any, mid: int, soft: bool) -> None:
    """The per-move part of 17 _post, in its order."""
    su = env.sudo()
    if su.value(MOVE, mid, "state") in ("posted", "cancel"):
        raise UserError(f"The entry {su.value(MOVE, mid, 'name')} (id {mid}) must be in draft.")
    if not [
        lid
        for lid in su.value(MOVE, mid, "line_ids")
        if su.value(LINE, lid, "display_type") not in ("line_section", "line_note")
    ]:
        raise UserError("You need to add a line before posting.")
    date = su.value(MOVE, mid, "date")
    if not soft and su.value(MOVE, mid, "auto_post") != "no" and date > su.today():
        raise UserError(f"This move is configured to be auto-posted on {date.strftime('%m/%d/%Y')}")
    journal = su.value(MOVE, mid, "journal_id")
    if not su.value("account.journal", journal, "active"):
        raise UserError(
            f"You cannot post an entry in an archived journal ({_journal_display_name(su, journal)})"
        )
    currency = su.value(MOVE, mid, "currency_id")
    if currency and not su.value("res.currency", currency, "active"):
        raise UserError(
            f"You cannot validate a document with an inactive currency: {su.value('res.currency', currency, 'name')}"
        )
    if (
        su.field("account.account", "deprecated") is not None
        and not env.context.get("skip_account_deprecation_check")
        and any(
            su.value("account.account", su.value(LINE, lid, "account_id"), "deprecated")
            for lid in su.value(MOVE, mid, "line_ids")
            if su.value(LINE, lid, "account_id")
        )
    ):
        raise UserError("A line of this move is using a deprecated account, you cannot post it.")


def _journal_display_name(env: Any, journal: int) -> str:
    """17 account_journal.py _compute_display_name: "<name> (<currency>)" for a foreign-currency journal."""
    name = env.value("account.journal", journal, "name")
    currency = env.value("account.journal", journal, "currency_id")
    company_currency = env.value(
        "res.company", env.value("account.journal", journal, "company_id"), "currency_id"
    )
    if currency and currency != company_currency:
        return f"{name} ({env.value('res.currency', currency, 'name')})"
    return name


def post_moves(env: Any, ids: list[int], soft: bool = False) -> list[int]:
    """17 account_move.py _post(soft=False) as action_post calls it; returns the posted moves."""
    if not env.has_group("account.group_account_invoice"):
        raise AccessError("You don't have the access rights to post an invoice.")
    su = env.sudo()
    for mid in ids:
        env.check_records(MOVE, [mid], "write")
    for mid in ids:
        if su.value(MOVE, mid, "move_type") in INVOICE_TYPES:
            _check_postable_invoice(env, mid)
    for mid in ids:
        _check_postable(env, mid, soft)
    for mid in ids:
        # lock dates: the move goes to the first date it may be accounted on (17 _post)
        has_tax = move_affects_tax_report(su, mid)
        company = su.value(MOVE, mid, "company_id")
        journal = su.value(MOVE, mid, "journal_id")
        if violated_lock_dates(env, company, su.value(MOVE, mid, "date"), has_tax, journal):
            day = su.value(MOVE, mid, "invoice_date") or su.value(MOVE, mid, "date")
            new = accounting_date(
                env,
                company,
                su.value(MOVE, mid, "journal_id"),
                su.value(MOVE, mid, "move_type"),
                day,
                has_tax,
                exclude=mid,
            )
            su.write_raw(MOVE, mid, {"date": new})
    for mid in ids:
        _post_one(env, mid)
    return ids


def _post_one(env: Any, mid: int) -> None:
    su = env.sudo()
    mtype = su.value(MOVE, mid, "move_type")
    vals: dict[str, Any] = {"state": "posted", "posted_before": True}
    partner = su.commercial_partner(su.value(MOVE, mid, "partner_id"))
    if mtype in INVOICE_TYPES:
        for lid in su.value(MOVE, mid, "line_ids"):  # lines take the commercial partner (17 _post)
            if su.value(LINE, lid, "display_type") not in ("line_note", "line_section"):
                su.write_raw(LINE, lid, {"partner_id": partner})
        inv_date = su.value(MOVE, mid, "invoice_date")
        if not su.value(MOVE, mid, "invoice_date_due"):
            term = su.value(MOVE, mid, "invoice_payment_term_id")
            vals["invoice_date_due"] = inv_date + dt.timedelta(
                days=su.value("account.payment.term", term, "days") if term else 0
            )
    if su.value(MOVE, mid, "name") in ("/", False):
        is_payment = bool(rec.payment_of_move(su, mid)) if env.db.version <= 17 else False
        vals["name"] = next_move_name(
            su, su.value(MOVE, mid, "journal_id"), mtype, su.value(MOVE, mid, "date"), is_payment, move=mid
        )
    env.with_context(_posting=True).write(MOVE, [mid], vals)
    # 17 write(): a posted move must not fall in a locked period (sale documents are moved at most to
    # today, so a lock date on or after today still refuses them)
    check_fiscalyear_lock_date(env, mid)
    check_tax_lock_date(env, su.value(MOVE, mid, "line_ids"))
    for lid in su.value(MOVE, mid, "line_ids"):
        if "invoice_date_due" in vals and su.value(LINE, lid, "display_type") == "payment_term":
            su.write_raw(LINE, lid, {"date_maturity": vals["invoice_date_due"]})
    _check_duplicate_supplier_reference(env, mid)
    rec.refresh_moves(su, su.value(MOVE, mid, "line_ids"))
    if partner and mtype in INVOICE_TYPES:  # raw SQL bump: no write_date, no automation (§3.6)
        rank = "customer_rank" if mtype in SALE_TYPES else "supplier_rank"
        su.write_raw("res.partner", partner, {rank: su.value("res.partner", partner, rank) + 1})


@method(MOVE, "action_post")
def move_action_post(env: Any, ids: list[int]) -> bool:
    """17 action_post: a payment's move posts its payment; others _post(soft=False); returns False
    (odoo-facts §3.10, observed on 17)."""
    payments = [mid for mid in ids if rec.payment_of_move(env, mid)] if env.db.version >= 18 else []
    post_moves(env, [mid for mid in ids if mid not in payments], soft=False)
    return False


@method(MOVE, "button_draft")
def move_button_draft(env: Any, ids: list[int]) -> None:
    """17 account_move.py button_draft: posted/cancel → draft, unreconciled; returns None, which XML-RPC
    cannot marshal (§1.5)."""
    su = env.sudo()
    for mid in ids:
        env.check_records(MOVE, [mid], "write")
        if su.value(MOVE, mid, "state") not in ("posted", "cancel"):
            raise UserError("Only posted/cancelled journal entries can be reset to draft.")
    exchange_moves = {
        row.get("exchange_move_id")
        for model in ("account.full.reconcile", "account.partial.reconcile")
        for row in (su.txn.get(model, i) for i in su.txn.ids(model))
    }
    for mid in ids:
        if mid in exchange_moves:
            raise UserError("You cannot reset to draft an exchange difference journal entry.")
    lines = [lid for mid in ids for lid in su.value(MOVE, mid, "line_ids")]
    rec.remove_move_reconcile(env, lines)
    for mid in ids:
        env.write(MOVE, [mid], {"state": "draft"})
        rec.refresh_moves(su, su.value(MOVE, mid, "line_ids"))
        sync_invoice(env, mid)
    return None


@method(MOVE, "button_cancel")
def move_button_cancel(env: Any, ids: list[int]) -> None:
    """16: writes cancel; 17+: resets posted moves to draft first, then cancels. Returns None."""
    if env.db.version >= 17:
        posted = [mid for mid in ids if env.value(MOVE, mid, "state") == "posted"]
        if posted:
            move_button_draft(env, posted)
        if any(env.value(MOVE, mid, "state") != "draft" for mid in ids):
            raise UserError("Only draft journal entries can be cancelled.")
    env.write(MOVE, ids, {"auto_post": "no", "state": "cancel"})
    for mid in ids:
        rec.refresh_payment_state(env, mid)
    return None


@method(MOVE, "js_assign_outstanding_line")
def move_assign_outstanding(env: Any, ids: list[int], line_id: int) -> Any:
    """17 account_move.py js_assign_outstanding_line: the line plus the invoice's open lines on the same
    account, reconciled together (§3.11). Returns reconcile()'s None on 17+ (XML-RPC cannot marshal it);
    16 kept as True (not checked)."""
    mid = ids[0]
    env.check_records(MOVE, [mid], "write")
    env.check_records(LINE, [line_id], "write")
    su = env.sudo()
    account = su.value(LINE, line_id, "account_id")
    lines = [line_id] + [
        lid
        for lid in su.value(MOVE, mid, "line_ids")
        if su.value(LINE, lid, "account_id") == account
        and not su.value(LINE, lid, "reconciled")
        and lid != line_id
    ]
    rec.reconcile(env, lines)
    return True if env.db.version <= 16 else None


@method(MOVE, "js_remove_outstanding_partial")
def move_remove_outstanding_partial(env: Any, ids: list[int], partial_id: int) -> bool:
    """17 account_move.py js_remove_outstanding_partial: unlink one partial of the invoice."""
    env.check_records(MOVE, ids[:1], "write")
    return env.unlink("account.partial.reconcile", [partial_id])


# --------------------------------------------------------------------------------------------------
# account.payment (§3.11): 16/17 = _inherits account.move; 18/19 = own state machine
# --------------------------------------------------------------------------------------------------
def _payment_lines(env: Any, vals: dict, journal: int, company: int) -> list:
    amount = float(vals.get("amount") or 0)
    company_currency = env.value("res.company", company, "currency_id")
    currency = (
        vals.get("currency_id") or env.value("account.journal", journal, "currency_id") or company_currency
    )
    factor = env.conversion_factor(
        currency,
        company,
        env.convert("account.payment", env.field("account.payment", "date"), vals.get("date") or env.today()),
    )
    balance = currency_round(amount / factor, env.value("res.currency", company_currency, "rounding"))
    inbound = vals.get("payment_type", "inbound") == "inbound"
    supplier = vals.get("partner_type", "customer") == "supplier"
    partner = vals.get("partner_id") or False
    counterpart = False
    if partner:
        counterpart = env.value(
            "res.partner",
            partner,
            "property_account_payable_id" if supplier else "property_account_receivable_id",
        )
    counterpart = counterpart or _company_account(env, company, "payable" if supplier else "receivable")
    outstanding = outstanding_account(env, vals, journal)
    sign = 1 if inbound else -1
    return [
        (
            0,
            0,
            {
                "account_id": outstanding,
                "balance": sign * balance,
                "amount_currency": sign * amount,
                "currency_id": currency,
                "partner_id": partner,
                "name": vals.get("ref") or vals.get("memo") or "",
            },
        ),
        (
            0,
            0,
            {
                "account_id": counterpart,
                "balance": -sign * balance,
                "amount_currency": -sign * amount,
                "currency_id": currency,
                "partner_id": partner,
                "name": vals.get("ref") or vals.get("memo") or "",
            },
        ),
    ]


def outstanding_account(env: Any, vals: dict, journal: int) -> int:
    """17 account_payment.py _compute_outstanding_account_id: the payment method line's account, else the
    company's outstanding receipts/payments account; none → _prepare_move_line_default_vals' error."""
    method_line = vals.get("payment_method_line_id")
    inbound = vals.get("payment_type", "inbound") == "inbound"
    account = (
        env.value("account.payment.method.line", method_line, "payment_account_id") if method_line else False
    )
    company = env.value("account.journal", journal, "company_id")
    account = account or env.value(
        "res.company",
        company,
        "account_journal_payment_debit_account_id"
        if inbound
        else "account_journal_payment_credit_account_id",
    )
    if not account:
        raise UserError(
            "You can't create a new payment without an outstanding payments/receipts account set either on the "
            f"company or the {env.value('account.payment.method.line', method_line, 'name') if method_line else ''} "
            f"payment method in the {_journal_display_name(env, journal)} journal."
        )
    return account


def _bank_journal(env: Any, company: int) -> int:
    """account_payment.py _compute_journal_id: a bank or cash journal (18+: or credit card)."""
    for jid in env.txn.ids("account.journal"):
        row = env.txn.get("account.journal", jid)
        if row["type"] in journals.liquidity_types(env.db.version) and row["company_id"] == company:
            return jid
    raise UserError("No bank or cash journal in this company.")


def _payment_prepare(env: Any, vals: dict) -> dict:
    company = vals.get("company_id") or env.company_id
    vals.setdefault("journal_id", _bank_journal(env, company))
    if env.db.version <= 17:
        vals["move_type"] = "entry"
        vals["line_ids"] = _payment_lines(env.sudo(), vals, vals["journal_id"], company)
        vals["outstanding_account_id"] = outstanding_account(env.sudo(), vals, vals["journal_id"])
    else:
        vals.setdefault("currency_id", env.value("res.company", company, "currency_id"))
    return vals


register("account.payment", prepare_create=_payment_prepare)


def _payment_move(env: Any, pid: int) -> int | bool:
    return env.value("account.payment", pid, "move_id")


@method("account.payment", "action_post")
def payment_action_post(env: Any, ids: list[int]) -> bool:
    su = env.sudo()
    for pid in ids:
        env.check_records("account.payment", [pid], "write")
        if env.db.version <= 17:
            post_moves(
                env, [_payment_move(env, pid)], soft=False
            )  # 17 action_post: move_id._post(soft=False)
            continue
        if su.value("account.payment", pid, "state") != "draft":
            raise UserError("Only a draft payment can be posted.")
        company = su.value("account.payment", pid, "company_id")
        journal = su.value("account.payment", pid, "journal_id")
        vals = {
            k: su.value("account.payment", pid, k)
            for k in (
                "amount",
                "payment_type",
                "partner_type",
                "partner_id",
                "memo",
                "payment_method_line_id",
                "currency_id",
                "date",
            )
        }
        move = su.create(
            "account.move",
            [
                {
                    "move_type": "entry",
                    "journal_id": journal,
                    "date": su.value("account.payment", pid, "date"),
                    "ref": vals.get("memo") or False,
                    "line_ids": _payment_lines(su, vals, journal, company),
                }
            ],
        )[0]
        post_moves(su, [move], soft=False)
        date = su.value("account.payment", pid, "date")
        name = next_move_name(su, journal, "entry", date, payment=True, move=move)
        su.write_raw("account.move", move, {"name": name})
        env.write("account.payment", [pid], {"state": "in_process", "move_id": move, "name": name})
        su.write_raw(
            "account.payment", pid, {"outstanding_account_id": outstanding_account(su, vals, journal)}
        )
        rec.refresh_payment_flags(su, move)
    return True


@method("account.payment", "action_draft")
def payment_action_draft(env: Any, ids: list[int]) -> None:
    for pid in ids:
        move = _payment_move(env, pid)
        if env.db.version <= 17:
            move_button_draft(env, [move])
        else:
            if move:
                move_button_draft(env.sudo(), [move])
            env.write("account.payment", [pid], {"state": "draft"})
    return None


@method("account.payment", "action_cancel")
def payment_action_cancel(env: Any, ids: list[int]) -> None:
    for pid in ids:
        move = _payment_move(env, pid)
        if env.db.version <= 17:
            move_button_cancel(env, [move])
        else:
            if move:
                move_button_cancel(env.sudo(), [move])
            env.write("account.payment", [pid], {"state": "canceled"})
    return None


def _payment_18(name: str, target: str, allowed: tuple[str, ...]) -> None:
    def fn(env: Any, ids: list[int]) -> None:
        for pid in ids:
            if env.value("account.payment", pid, "state") not in allowed:
                raise UserError(f"Only payments in state {', '.join(allowed)} can be {target}.")
            env.write("account.payment", [pid], {"state": target})
        return None

    method("account.payment", name)(fn)


_payment_18("action_validate", "paid", ("in_process",))
_payment_18("action_reject", "rejected", ("in_process",))


def _register_prepare(env: Any, vals: dict) -> dict:
    if env.context.get("active_model") not in ("account.move", "account.move.line"):
        raise UserError(
            "The register payment wizard should only be called on account.move or account.move.line records."
        )
    ids = env.context.get("active_ids") or []
    lines = []
    for mid in ids:
        if env.context["active_model"] == "account.move.line":
            lines.append(mid)
            continue
        env.check_records("account.move", [mid], "read")
        if env.value("account.move", mid, "state") != "posted":
            raise UserError("You can only register payment for posted journal entries.")
        for lid in env.value("account.move", mid, "line_ids"):
            if env.value("account.move.line", lid, "display_type") == "payment_term" and env.value(
                "account.move.line", lid, "amount_residual"
            ):
                lines.append(lid)
    if not lines:
        raise UserError(
            "You can't register a payment because there is nothing left to pay on the selected journal items."
        )
    first_move = env.value("account.move.line", lines[0], "move_id")
    residual = sum(env.value("account.move.line", lid, "amount_residual_currency") for lid in lines)
    vals.setdefault("line_ids", [(6, 0, lines)])
    vals.setdefault("amount", env.cround(env.value("account.move", first_move, "currency_id"), abs(residual)))
    vals.setdefault("partner_id", env.commercial_partner(env.value("account.move", first_move, "partner_id")))
    vals.setdefault("payment_type", "inbound" if residual > 0 else "outbound")
    vals.setdefault("currency_id", env.value("account.move", first_move, "currency_id"))
    company = env.value("account.move", first_move, "company_id")
    vals.setdefault("company_id", company)
    vals.setdefault("journal_id", _bank_journal(env, company))
    return vals


register("account.payment.register", prepare_create=_register_prepare)


@method("account.payment.register", "action_create_payments")
def register_create_payments(env: Any, ids: list[int]) -> dict:
    """Create, post and reconcile the payment; returns the act_window of the payment."""
    wid = ids[0]
    w = {
        k: env.value("account.payment.register", wid, k)
        for k in (
            "amount",
            "payment_type",
            "partner_id",
            "journal_id",
            "payment_method_line_id",
            "communication",
            "payment_date",
            "company_id",
            "currency_id",
            "line_ids",
            "payment_difference_handling",
            "writeoff_account_id",
        )
    }
    supplier = any(
        env.value("account.move", env.value("account.move.line", lid, "move_id"), "move_type")
        in ("in_invoice", "in_refund", "in_receipt")
        for lid in w["line_ids"]
    )
    vals = {
        "amount": w["amount"],
        "payment_type": w["payment_type"],
        "partner_type": "supplier" if supplier else "customer",
        "partner_id": w["partner_id"],
        "journal_id": w["journal_id"],
        "date": w["payment_date"],
        "currency_id": w["currency_id"],
        "payment_method_line_id": w["payment_method_line_id"],
        "company_id": w["company_id"],
    }
    vals["ref" if env.db.version <= 17 else "memo"] = w["communication"] or False
    if env.db.version <= 17:
        vals.pop("company_id")
    pid = env.create("account.payment", [vals])[0]
    payment_action_post(env, [pid])
    su = env.sudo()
    move = su.value("account.payment", pid, "move_id")
    # 17 account_payment_register.py _reconcile_payments: per account of the paid lines, the payment's
    # open lines and the invoices' open lines on it are reconciled together
    for account in dict.fromkeys(su.value(LINE, lid, "account_id") for lid in w["line_ids"]):
        group = [
            lid
            for lid in su.value(MOVE, move, "line_ids") + list(w["line_ids"])
            if su.value(LINE, lid, "account_id") == account and not su.value(LINE, lid, "reconciled")
        ]
        if len(group) > 1:
            rec.reconcile(env, group)
    if env.db.version >= 18:
        su.write_raw(
            "account.payment",
            pid,
            {"invoice_ids": sorted({su.value(LINE, lid, "move_id") for lid in w["line_ids"]})},
        )
    return {
        "name": "Payments",
        "type": "ir.actions.act_window",
        "res_model": "account.payment",
        "context": {"create": False},
        "view_mode": "form",
        "res_id": pid,
    }
