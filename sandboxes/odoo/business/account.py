"""account.move and account.payment behaviour: invoice lines, posting, locking, reconciliation (§3.10, §3.11)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..errors import UserError, ValidationError
from .registry import INVOICE_TYPES, SALE_TYPES, method, register


# --------------------------------------------------------------------------------------------------
# account.move (§3.10): defaults, invoice lines, posting, locking
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
    if "state" in vals and vals["state"] != "draft":
        raise UserError("A journal entry is created in draft; post it with action_post.")
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


def sync_invoice(env: Any, move_id: int) -> None:
    """Recompute product line amounts, tax lines and the receivable/payable line of a draft invoice.

    Amounts in the invoice currency go to ``amount_currency``; ``balance``/``debit``/``credit`` are in
    the company currency at the rate of the invoice date (or accounting date). The receivable/payable
    line takes the opposite of the other lines so the entry always balances.
    """
    su = env.sudo()
    mtype = su.value("account.move", move_id, "move_type")
    if mtype not in INVOICE_TYPES or su.value("account.move", move_id, "state") != "draft":
        return
    sign = _sign(mtype)
    company = su.value("account.move", move_id, "company_id")
    currency = su.value("account.move", move_id, "currency_id")
    partner = su.value("account.move", move_id, "partner_id")
    journal = su.value("account.move", move_id, "journal_id")
    factor = su.move_factor(move_id)
    taxes: dict[int, float] = {}
    total = 0.0
    company_total = 0.0
    line_ids = su.with_context(active_test=False).value("account.move", move_id, "line_ids")
    for lid in line_ids:
        kind = su.value("account.move.line", lid, "display_type")
        if kind in ("tax", "payment_term"):
            su.txn.delete("account.move.line", lid)
            continue
        if kind != "product":
            continue
        qty = su.value("account.move.line", lid, "quantity")
        base = qty * su.value("account.move.line", lid, "price_unit")
        base *= 1 - (su.value("account.move.line", lid, "discount") or 0) / 100.0
        tax_ids = su.value("account.move.line", lid, "tax_ids")
        untaxed, _tax = su.tax_amount(tax_ids, base, qty)
        for tid in tax_ids:
            taxes[tid] = taxes.get(tid, 0.0) + su.tax_amount([tid], base, qty)[1]
        total += untaxed + _tax
        balance = round(sign * untaxed / factor, 2)
        company_total += balance
        vals = {
            "price_subtotal": untaxed,
            "price_total": round(untaxed + _tax, 2),
            **_debit_credit(balance),
            "amount_currency": sign * untaxed,
            "currency_id": currency,
            "partner_id": partner,
        }
        if not su.value("account.move.line", lid, "account_id"):
            vals["account_id"] = su.value(
                "account.journal", journal, "default_account_id"
            ) or _company_account(su, company, "income" if sign < 0 else "expense")
        su.write_raw("account.move.line", lid, vals)
    mdef = su.mdef("account.move.line")
    tax_key = "tax_received" if mtype in SALE_TYPES else "tax_paid"
    for tid, amount in taxes.items():
        amount = round(amount, 2)
        balance = round(sign * amount / factor, 2)
        company_total += balance
        su._create_one(
            mdef,
            {
                "move_id": move_id,
                "display_type": "tax",
                "name": su.value("account.tax", tid, "name"),
                "account_id": _company_account(su, company, tax_key),
                **_debit_credit(balance),
                "amount_currency": sign * amount,
                "currency_id": currency,
                "partner_id": partner,
            },
        )
    total = round(total, 2)
    if line_ids:
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
        balance = round(-company_total, 2)
        su._create_one(
            mdef,
            {
                "move_id": move_id,
                "display_type": "payment_term",
                "name": su.value("account.move", move_id, "payment_reference") or "",
                "account_id": account,
                **_debit_credit(balance),
                "amount_currency": -sign * total,
                "amount_residual": balance,
                "amount_residual_currency": -sign * total,
                "currency_id": currency,
                "partner_id": partner,
                "date_maturity": su.value("account.move", move_id, "invoice_date_due")
                or su.value("account.move", move_id, "invoice_date")
                or su.value("account.move", move_id, "date"),
            },
        )


def _check_balanced(env: Any, move_id: int) -> None:
    if env.context.get("check_move_validity") is False:
        return
    lines = env.sudo().value("account.move", move_id, "line_ids")
    debit = round(sum(env.sudo().value("account.move.line", lid, "debit") for lid in lines), 2)
    credit = round(sum(env.sudo().value("account.move.line", lid, "credit") for lid in lines), 2)
    if debit != credit:
        raise UserError(
            f"The move ({env.display_name('account.move', move_id)}) is not balanced.\n"
            f"The total of debits equals {debit} and the total of credits equals {credit}."
        )


def _check_duplicate_supplier_reference(env: Any, mid: int) -> None:
    """Posted vendor bills/refunds: same ref, vendor, type, company and bill date → ValidationError."""
    su = env.sudo()
    mtype = su.value("account.move", mid, "move_type")
    ref = su.value("account.move", mid, "ref")
    if (
        mtype not in ("in_invoice", "in_refund")
        or not ref
        or su.value("account.move", mid, "state") != "posted"
    ):
        return
    key = (
        mtype,
        ref,
        su.commercial_partner(su.value("account.move", mid, "partner_id")),
        su.value("account.move", mid, "company_id"),
        su.value("account.move", mid, "invoice_date"),
    )
    for other in su.txn.ids("account.move"):
        if other == mid or su.value("account.move", other, "state") != "posted":
            continue
        theirs = (
            su.value("account.move", other, "move_type"),
            su.value("account.move", other, "ref"),
            su.commercial_partner(su.value("account.move", other, "partner_id")),
            su.value("account.move", other, "company_id"),
            su.value("account.move", other, "invoice_date"),
        )
        if theirs == key:
            raise ValidationError(
                "Duplicated vendor reference detected. You probably encoded twice the same vendor "
                f"bill/credit note:\n{su.display_name('account.move', other)}"
            )


def _move_after(env: Any, ids: list[int], vals: dict | None = None) -> None:
    for mid in ids:
        if env.txn.exists("account.move", mid):
            sync_invoice(env, mid)
            _check_balanced(env, mid)
            _check_duplicate_supplier_reference(env, mid)


LOCKED_MOVE_FIELDS = {
    "journal_id",
    "partner_id",
    "currency_id",
    "date",
    "invoice_date",
    "invoice_date_due",
    "line_ids",
    "invoice_line_ids",
    "move_type",
    "company_id",
    "invoice_payment_term_id",
    "name",
    "state",
}


def _move_before_write(env: Any, ids: list[int], vals: dict) -> None:
    if env.context.get("_posting"):
        return
    for mid in ids:
        if env.value("account.move", mid, "state") == "posted":
            locked = sorted(k for k in vals if k in LOCKED_MOVE_FIELDS)
            if locked:
                raise UserError(
                    f"You cannot modify a posted entry ({env.display_name('account.move', mid)}): "
                    f"reset it to draft first to change {', '.join(locked)}."
                )


def _move_before_unlink(env: Any, ids: list[int]) -> None:
    for mid in ids:
        if env.value("account.move", mid, "state") == "posted":
            raise UserError("You cannot delete an entry which has been posted once.")


register(
    "account.move",
    prepare_create=_move_prepare,
    after_create=_move_after,
    before_write=_move_before_write,
    after_write=_move_after,
    before_unlink=_move_before_unlink,
)

LOCKED_LINE_FIELDS = {
    "account_id",
    "debit",
    "credit",
    "balance",
    "amount_currency",
    "price_unit",
    "quantity",
    "discount",
    "tax_ids",
    "partner_id",
    "product_id",
    "move_id",
    "currency_id",
}


def _line_prepare(env: Any, vals: dict) -> dict:
    move = vals.get("move_id")
    if move and env.txn.exists("account.move", move) and env.value("account.move", move, "state") == "posted":
        raise UserError("You cannot add a journal item to a posted entry; reset it to draft first.")
    if "balance" in vals and not ("debit" in vals or "credit" in vals):
        bal = float(vals["balance"] or 0)
        vals["debit"], vals["credit"] = (bal, 0.0) if bal > 0 else (0.0, -bal)
    elif "debit" in vals or "credit" in vals:
        vals["balance"] = float(vals.get("debit") or 0) - float(vals.get("credit") or 0)
    if "balance" in vals and "amount_currency" not in vals and not vals.get("currency_id"):
        vals["amount_currency"] = vals["balance"]  # a line in the company currency
    return vals


def _line_before_write(env: Any, ids: list[int], vals: dict) -> None:
    for lid in ids:
        if env.value("account.move.line", lid, "parent_state") == "posted":
            locked = sorted(k for k in vals if k in LOCKED_LINE_FIELDS)
            if locked:
                raise UserError(
                    "You cannot modify the accounting fields of a posted journal item "
                    f"({', '.join(locked)}); reset the entry to draft first."
                )
    _line_prepare(env, vals)


def _line_after(env: Any, ids: list[int], vals: dict | None = None) -> None:
    """A line created or edited directly: recompute its invoice (idempotent, draft invoices only)."""
    for mid in {env.value("account.move.line", lid, "move_id") for lid in ids}:
        sync_invoice(env, mid)


def _line_before_unlink(env: Any, ids: list[int]) -> None:
    for lid in ids:
        if env.value("account.move.line", lid, "parent_state") == "posted":
            raise UserError("You cannot delete a journal item of a posted entry; reset it to draft first.")


register(
    "account.move.line",
    prepare_create=_line_prepare,
    after_create=_line_after,
    before_write=_line_before_write,
    after_write=_line_after,
    before_unlink=_line_before_unlink,
)

SEQ_PREFIX = {"out_refund": "R", "in_refund": "R"}


def next_move_name(env: Any, journal: int, move_type: str, date: Any, payment: bool = False) -> str:
    code = env.value("account.journal", journal, "code")
    prefix = f"{'P' if payment else SEQ_PREFIX.get(move_type, '')}{code}/{date.year}/"
    last = 0
    for mid in env.txn.ids("account.move"):
        name = env.txn.get("account.move", mid)["name"] or ""
        if name.startswith(prefix) and name[len(prefix) :].isdigit():
            last = max(last, int(name[len(prefix) :]))
    for pid in env.txn.ids("account.payment"):
        name = env.txn.get("account.payment", pid).get("name") or ""
        if name.startswith(prefix) and name[len(prefix) :].isdigit():
            last = max(last, int(name[len(prefix) :]))
    return f"{prefix}{last + 1:05d}"


@method("account.move", "action_post")
def move_action_post(env: Any, ids: list[int]) -> bool:
    """draft → posted; returns False (odoo-facts §3.10, observed on 17)."""
    su = env.sudo()
    for mid in ids:
        env.check_records("account.move", [mid], "write")
        if su.value("account.move", mid, "state") != "draft":
            raise UserError(f"The entry {su.display_name('account.move', mid)} (id {mid}) is already posted.")
        mtype = su.value("account.move", mid, "move_type")
        if mtype in INVOICE_TYPES and not su.value("account.move", mid, "partner_id"):
            label = "Customer" if mtype in SALE_TYPES else "Vendor"
            raise UserError(
                f"The field '{label}' is required, please complete it to validate the {su.display_name('account.move', mid).split(' (')[0].replace('Draft ', '')}."
            )
        if not su.value("account.move", mid, "line_ids"):
            raise UserError("You need to add a line before posting.")
        _check_balanced(env.with_context(check_move_validity=True), mid)
        vals: dict[str, Any] = {"state": "posted", "posted_before": True}
        date = su.value("account.move", mid, "date")
        if mtype in ("in_invoice", "in_refund") and not su.value("account.move", mid, "invoice_date"):
            raise UserError("The Bill/Refund date is required to validate this document.")
        if mtype in INVOICE_TYPES:
            inv_date = su.value("account.move", mid, "invoice_date") or su.today()
            date = inv_date
            # dates first, while still draft: the lines are converted at the invoice date's rate
            env.with_context(_posting=True).write(
                "account.move", [mid], {"invoice_date": inv_date, "date": date}
            )
            if not su.value("account.move", mid, "invoice_date_due"):
                term = su.value("account.move", mid, "invoice_payment_term_id")

                vals["invoice_date_due"] = inv_date + dt.timedelta(
                    days=su.value("account.payment.term", term, "days") if term else 0
                )
        if su.value("account.move", mid, "name") in ("/", False):
            is_payment = (
                bool(su.search("account.payment", [("move_id", "=", mid)])) if env.db.version <= 17 else False
            )
            vals["name"] = next_move_name(
                su, su.value("account.move", mid, "journal_id"), mtype, date, is_payment
            )
        env.with_context(_posting=True).write("account.move", [mid], vals)
        for lid in su.value("account.move", mid, "line_ids"):
            if su.value("account.move.line", lid, "display_type") == "payment_term" or su.value(
                "account.account", su.value("account.move.line", lid, "account_id"), "reconcile"
            ):
                su.write_raw(
                    "account.move.line",
                    lid,
                    {
                        "amount_residual": su.value("account.move.line", lid, "balance"),
                        "amount_residual_currency": su.value("account.move.line", lid, "amount_currency"),
                    },
                )
            if (
                "invoice_date_due" in vals
                and su.value("account.move.line", lid, "display_type") == "payment_term"
            ):
                su.write_raw("account.move.line", lid, {"date_maturity": vals["invoice_date_due"]})
        partner = su.commercial_partner(su.value("account.move", mid, "partner_id"))
        if partner and mtype in INVOICE_TYPES:  # raw SQL bump: no write_date, no automation (§3.6)
            rank = "customer_rank" if mtype in SALE_TYPES else "supplier_rank"
            su.write_raw("res.partner", partner, {rank: su.value("res.partner", partner, rank) + 1})
    return False


def _unreconcile(env: Any, mid: int) -> None:
    su = env.sudo()
    numbers = set()
    for lid in su.value("account.move", mid, "line_ids"):
        n = su.value("account.move.line", lid, "matching_number")
        if n:
            numbers.add(n)
    for lid in list(su.txn.ids("account.move.line")):
        row = su.txn.get("account.move.line", lid)
        if row.get("matching_number") in numbers:
            su.write_raw(
                "account.move.line",
                lid,
                {
                    "matching_number": False,
                    "reconciled": False,
                    "amount_residual": row["balance"],
                    "amount_residual_currency": row.get("amount_currency", row["balance"]),
                },
            )
            other = row["move_id"]
            if other != mid:
                _refresh_payment_state(su, other)


@method("account.move", "button_draft")
def move_button_draft(env: Any, ids: list[int]) -> None:
    """posted/cancel → draft; returns None, which XML-RPC cannot marshal (§1.5)."""
    for mid in ids:
        env.check_records("account.move", [mid], "write")
        if env.value("account.move", mid, "state") not in ("posted", "cancel"):
            raise UserError("Only posted/cancelled journal entries can be reset to draft.")
    for mid in ids:
        _unreconcile(env, mid)
        env.with_context(_posting=True).write("account.move", [mid], {"state": "draft"})
        env.write_raw("account.move", mid, {"payment_state": "not_paid"})
        sync_invoice(env, mid)
    return None


@method("account.move", "button_cancel")
def move_button_cancel(env: Any, ids: list[int]) -> None:
    """16: writes cancel; 17+: resets posted moves to draft first, then cancels. Returns None."""
    if env.db.version >= 17:
        posted = [mid for mid in ids if env.value("account.move", mid, "state") == "posted"]
        if posted:
            move_button_draft(env, posted)
        if any(env.value("account.move", mid, "state") != "draft" for mid in ids):
            raise UserError("Only draft journal entries can be cancelled.")
    env.with_context(_posting=True).write("account.move", ids, {"auto_post": "no", "state": "cancel"})
    return None


def _refresh_payment_state(env: Any, mid: int) -> None:
    su = env.sudo()
    if (
        su.value("account.move", mid, "move_type") not in INVOICE_TYPES
        or su.value("account.move", mid, "state") != "posted"
    ):
        return
    amounts = su.move_amounts(mid)
    if amounts["residual"] == 0 and amounts["total"]:
        state = "paid"  # Community: no 'in_payment' (that comes with the enterprise accountant app)
    elif amounts["residual"] < amounts["total"]:
        state = "partial"
    else:
        state = "not_paid"
    su.write_raw("account.move", mid, {"payment_state": state})


def reconcile(env: Any, line_a: int, line_b: int) -> None:
    """Match two open lines of opposite sign. Same currency: matched in that currency, the company
    amounts follow pro rata (exchange differences are not booked); otherwise in company currency."""
    su = env.sudo()
    line = "account.move.line"
    same_currency = su.value(line, line_a, "currency_id") == su.value(line, line_b, "currency_id")
    key = "amount_residual_currency" if same_currency else "amount_residual"
    ra, rb = su.value(line, line_a, key), su.value(line, line_b, key)
    if not ra or not rb or (ra > 0) == (rb > 0):
        raise UserError(
            "Entries are not from the same account or have opposite-signed open amounts to match."
        )
    amount = min(abs(ra), abs(rb))
    seq = su.db.next_id("_matching")
    number = f"A{seq}" if amount == abs(ra) == abs(rb) else f"P{seq}"
    for lid, res in ((line_a, ra), (line_b, rb)):
        new = round(res - amount if res > 0 else res + amount, 2)
        other_key = "amount_residual" if same_currency else "amount_residual_currency"
        other = su.value(line, lid, other_key)
        other_new = 0.0 if new == 0 else round(other * new / res, 2)
        su.write_raw(
            line, lid, {key: new, other_key: other_new, "reconciled": new == 0, "matching_number": number}
        )
    for lid in (line_a, line_b):
        _refresh_payment_state(su, su.value(line, lid, "move_id"))


@method("account.move", "js_assign_outstanding_line")
def move_assign_outstanding(env: Any, ids: list[int], line_id: int) -> bool:
    """Reconcile the invoice's open receivable/payable lines with ``line_id`` (§3.11)."""
    mid = ids[0]
    env.check_records("account.move", [mid], "write")
    env.check_records("account.move.line", [line_id], "write")
    account = env.value("account.move.line", line_id, "account_id")
    for lid in env.value("account.move", mid, "line_ids"):
        if (
            env.value("account.move.line", lid, "account_id") == account
            and not env.value("account.move.line", lid, "reconciled")
            and env.value("account.move.line", line_id, "amount_residual")
        ):
            reconcile(env, lid, line_id)
    return True


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
    balance = round(amount / factor, 2)
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
    outstanding = False
    if vals.get("payment_method_line_id"):
        outstanding = env.value(
            "account.payment.method.line", vals["payment_method_line_id"], "payment_account_id"
        )
    outstanding = outstanding or _company_account(
        env, company, "outstanding_receipts" if inbound else "outstanding_payments"
    )
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


def _bank_journal(env: Any, company: int) -> int:
    for jid in env.txn.ids("account.journal"):
        row = env.txn.get("account.journal", jid)
        if row["type"] in ("bank", "cash") and row["company_id"] == company:
            return jid
    raise UserError("No bank or cash journal in this company.")


def _payment_prepare(env: Any, vals: dict) -> dict:
    company = vals.get("company_id") or env.company_id
    vals.setdefault("journal_id", _bank_journal(env, company))
    if env.db.version <= 17:
        vals["move_type"] = "entry"
        vals["line_ids"] = _payment_lines(env.sudo(), vals, vals["journal_id"], company)
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
            move_action_post(env, [_payment_move(env, pid)])
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
        name = next_move_name(su, journal, "entry", su.value("account.payment", pid, "date"), payment=True)
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
        move_action_post(su, [move])
        su.write_raw("account.move", move, {"name": name})
        env.write("account.payment", [pid], {"state": "in_process", "move_id": move, "name": name})
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
    vals.setdefault("amount", round(abs(residual), 2))
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
    move = env.sudo().value("account.payment", pid, "move_id")
    counter = [
        lid
        for lid in env.sudo().value("account.move", move, "line_ids")
        if env.sudo().value("account.move.line", lid, "balance")
        * (1 if w["payment_type"] == "inbound" else -1)
        < 0
    ]
    for lid in w["line_ids"]:
        for cid in counter:
            if env.sudo().value("account.move.line", cid, "amount_residual") and env.sudo().value(
                "account.move.line", lid, "amount_residual"
            ):
                reconcile(env, lid, cid)
    if env.db.version <= 17:
        env.sudo().write_raw("account.payment", pid, {"is_reconciled": True})
    else:
        env.sudo().write_raw(
            "account.payment",
            pid,
            {
                "is_reconciled": True,
                "invoice_ids": sorted(
                    {env.value("account.move.line", lid, "move_id") for lid in w["line_ids"]}
                ),
            },
        )
    return {
        "name": "Payments",
        "type": "ir.actions.act_window",
        "res_model": "account.payment",
        "context": {"create": False},
        "view_mode": "form",
        "res_id": pid,
    }
