"""Accounting rules of the Odoo sandbox, each as Odoo 17.0's account module has it (the docstrings name
the file and function; the sources are addons/account/models/ of 17.0)."""

from __future__ import annotations

import datetime as dt

import pytest

from sandboxes.odoo import OdooSandbox

from .conftest import JsonRpc


@pytest.fixture
def rpc(sb: OdooSandbox) -> JsonRpc:
    return JsonRpc(sb, sb.login, sb.password)


def _today(sb: OdooSandbox) -> dt.date:
    """The sandbox's today: the transaction's start in UTC, as Odoo's context_today without a tz."""
    return dt.datetime.now(dt.UTC).date()


def _invoice(rpc, partner=3, move_type="out_invoice", price=100.0, **extra):
    lines = [(0, 0, {"name": "Work", "quantity": 1, "price_unit": price, **extra.pop("line", {})})]
    return rpc(
        "account.move",
        "create",
        {"move_type": move_type, "partner_id": partner, "invoice_line_ids": lines, **extra},
    )


def _error(rpc, *call) -> str:
    with pytest.raises(RuntimeError) as err:
        rpc(*call)
    return str(err.value)


def _read(rpc, model, rid, *fields):
    return rpc(model, "read", [rid], list(fields), load=False)[0]


def _pay(rpc, move, **vals):
    ctx = {"active_model": "account.move", "active_ids": [move]}
    wizard = rpc("account.payment.register", "create", vals, context=ctx)
    return rpc("account.payment.register", "action_create_payments", [wizard], context=ctx)["res_id"]


def _lock(sb, **dates):
    sb.env("admin").write("res.company", [sb.company_ids[0]], {k: v.isoformat() for k, v in dates.items()})


# -- 1. posting --------------------------------------------------------------------------------------
def test_an_invoice_with_a_negative_total_is_refused(rpc):
    """account_move.py _post: a negative total must be a credit note."""
    move = _invoice(rpc, price=-10)
    assert _error(rpc, "account.move", "action_post", [move]) == (
        "odoo.exceptions.UserError: You cannot validate an invoice with a negative total amount. You should "
        "create a credit note instead. Use the action menu to transform it into a credit note or refund."
    )


def test_a_zero_invoice_posts_and_is_paid_at_once(rpc):
    """account_move.py _post allows it; _compute_payment_state: zero residual, nothing matched → paid."""
    move = _invoice(rpc, price=0)
    rpc("account.move", "action_post", [move])
    assert _read(rpc, "account.move", move, "state", "payment_state") == {
        "id": move,
        "state": "posted",
        "payment_state": "paid",
    }


def test_a_credit_note_without_customer_names_the_customer_invoice(rpc):
    """account_move.py _post: the message is fixed ("... the Customer Invoice.") for any sale document."""
    move = _invoice(rpc, partner=False, move_type="out_refund")
    assert _error(rpc, "account.move", "action_post", [move]).endswith(
        "The field 'Customer' is required, please complete it to validate the Customer Invoice."
    )


def test_a_sales_receipt_posts_without_a_partner(rpc):
    """account_move.py _post checks the partner with is_sale_document(), which excludes receipts."""
    move = _invoice(rpc, partner=False, move_type="out_receipt")
    rpc("account.move", "action_post", [move])
    assert _read(rpc, "account.move", move, "state")["state"] == "posted"


def test_a_purchase_document_in_a_sale_journal_is_refused(rpc, sb):
    """account_move.py _check_journal_move_type (constraint)."""
    sale_journal = sb.ids["journals"][sb.company_ids[0]]["INV"]
    assert _error(rpc, "account.move", "create", {"move_type": "in_invoice", "journal_id": sale_journal}) == (
        "odoo.exceptions.ValidationError: Cannot create a purchase document in a non purchase journal"
    )


def test_posting_in_an_archived_journal_is_refused(rpc, sb):
    """account_move.py _post: archived journal."""
    move = _invoice(rpc)
    rpc("account.journal", "write", [sb.ids["journals"][sb.company_ids[0]]["INV"]], {"active": False})
    assert _error(rpc, "account.move", "action_post", [move]).endswith(
        "You cannot post an entry in an archived journal (Customer Invoices)"
    )


def test_posting_in_an_inactive_currency_is_refused(rpc, sb):
    """account_move.py _post: display_inactive_currency_warning."""
    move = _invoice(rpc, currency_id=sb.ids["currencies"]["GBP"])
    assert _error(rpc, "account.move", "action_post", [move]).endswith(
        "You cannot validate a document with an inactive currency: GBP"
    )


def test_posting_with_a_deprecated_account_is_refused(rpc, sb):
    """account_move.py _post: deprecated account on a line (16-18 `deprecated`)."""
    income = sb.ids["accounts"][sb.company_ids[0]]["income"]
    move = _invoice(rpc)
    rpc("account.account", "write", [income], {"deprecated": True})
    assert _error(rpc, "account.move", "action_post", [move]).endswith(
        "A line of this move is using a deprecated account, you cannot post it."
    )
    assert _error(rpc, "account.move.line", "create", {"move_id": move, "account_id": income}).endswith(
        "You cannot use a deprecated account."
    )


def test_posting_a_posted_move_says_it_must_be_in_draft(rpc):
    """account_move.py _post: 'The entry %s (id %s) must be in draft.'"""
    move = _invoice(rpc)
    rpc("account.move", "action_post", [move])
    name = _read(rpc, "account.move", move, "name")["name"]
    assert _error(rpc, "account.move", "action_post", [move]).endswith(
        f"The entry {name} (id {move}) must be in draft."
    )


def test_a_future_invoice_is_posted_at_once_unless_it_is_set_to_auto_post(rpc, sb):
    """account_move.py action_post calls _post(soft=False): a future date posts; auto_post refuses."""
    future = _today(sb) + dt.timedelta(days=10)
    move = _invoice(rpc, invoice_date=future.isoformat())
    rpc("account.move", "action_post", [move])
    assert _read(rpc, "account.move", move, "state", "date") == {
        "id": move,
        "state": "posted",
        "date": future.isoformat(),
    }
    auto = _invoice(rpc, invoice_date=future.isoformat(), auto_post="at_date")
    assert _error(rpc, "account.move", "action_post", [auto]).endswith(
        f"This move is configured to be auto-posted on {future.strftime('%m/%d/%Y')}"
    )


def test_an_unbalanced_entry_is_refused_with_odoos_amounts(rpc, sb):
    """account_move.py _check_balanced, amounts by tools.misc.format_amount (symbol, no-break space)."""
    acc = sb.ids["accounts"][sb.company_ids[0]]
    lines = [
        (0, 0, {"account_id": acc["bank"], "debit": 1000}),
        (0, 0, {"account_id": acc["income"], "credit": 90}),
    ]
    message = _error(rpc, "account.move", "create", {"move_type": "entry", "line_ids": lines})
    assert "The move (Draft Entry (* " in message
    assert (
        "The total of debits equals $\N{NO-BREAK SPACE}1,000.00 and the total of credits equals "
        "$\N{NO-BREAK SPACE}90.00.\nYou might want to specify a default account on journal "
        '"Miscellaneous Operations" to automatically balance each move.'
    ) in message


def test_the_taxes_of_a_posted_line_cannot_change(rpc, sb):
    """account_move_line.py write(): taxes of a posted journal item are protected."""
    tax = rpc("account.tax", "search", [("type_tax_use", "=", "sale")])[0]
    move = _invoice(rpc)
    rpc("account.move", "action_post", [move])
    line = _read(rpc, "account.move", move, "invoice_line_ids")["invoice_line_ids"][0]
    assert _error(rpc, "account.move.line", "write", [line], {"tax_ids": [(6, 0, [tax])]}).endswith(
        "You cannot modify the taxes related to a posted journal item, you should reset the journal entry to "
        "draft to do so."
    )


# -- 2. lock dates -----------------------------------------------------------------------------------
def test_an_invoice_dated_in_a_locked_period_is_accounted_on_the_first_open_date(rpc, sb):
    """account_move.py _post + _get_accounting_date: a sale document moves past the lock date, to the
    end of the first open period (a month while the journal has no number yet), at most today."""
    today = _today(sb)
    lock = today - dt.timedelta(days=40)
    _lock(sb, fiscalyear_lock_date=lock)
    invoice_date = lock - dt.timedelta(days=5)
    move = _invoice(rpc, invoice_date=invoice_date.isoformat())
    rpc("account.move", "action_post", [move])
    first_open = lock + dt.timedelta(days=1)
    end_of_month = (first_open.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    assert _read(rpc, "account.move", move, "date", "invoice_date", "state") == {
        "id": move,
        "state": "posted",
        "invoice_date": invoice_date.isoformat(),
        "date": min(today, end_of_month).isoformat(),
    }


def test_a_lock_date_from_today_on_refuses_posting(rpc, sb):
    """account_move.py _check_fiscalyear_lock_date after _post moved the date to at most today."""
    today = _today(sb)
    _lock(sb, fiscalyear_lock_date=today)
    move = _invoice(rpc)
    assert _error(rpc, "account.move", "action_post", [move]).endswith(
        f"You cannot add/modify entries prior to and inclusive of the lock date {today.strftime('%m/%d/%Y')}."
    )


def test_a_posted_entry_before_the_lock_date_cannot_be_reset_to_draft(rpc, sb):
    """account_move.py write(): leaving 'posted' checks _check_fiscalyear_lock_date."""
    move = _invoice(rpc)
    rpc("account.move", "action_post", [move])
    date = dt.date.fromisoformat(_read(rpc, "account.move", move, "date")["date"])
    _lock(sb, fiscalyear_lock_date=date)
    assert "prior to and inclusive of the lock date" in _error(rpc, "account.move", "button_draft", [move])
    assert "prior to and inclusive of the lock date" in _error(rpc, "account.move", "button_cancel", [move])


def test_the_period_lock_binds_billing_users_but_not_advisers(make_sandbox):
    """company.py _get_user_fiscal_lock_date: account.group_account_manager only sees the fiscal year lock."""
    sb = make_sandbox(17, bridge_groups=("base.group_user", "account.group_account_invoice"))
    admin, bridge = JsonRpc(sb, sb.login, sb.password), JsonRpc(sb, sb.bridge_login, sb.bridge_password)
    move = _invoice(admin)
    admin("account.move", "action_post", [move])
    date = dt.date.fromisoformat(_read(admin, "account.move", move, "date")["date"])
    _lock(sb, period_lock_date=date)
    assert _error(bridge, "account.move", "button_draft", [move]).endswith(
        f"You cannot add/modify entries prior to and inclusive of the lock date {date.strftime('%m/%d/%Y')}. "
        "Check the company settings or ask someone with the 'Adviser' role"
    )
    admin("account.move", "button_draft", [move])
    assert _read(admin, "account.move", move, "state")["state"] == "draft"


def test_a_taxed_posted_line_before_the_tax_lock_date_cannot_be_deleted(rpc, sb):
    """account_move_line.py unlink(): _check_tax_lock_date before _unlink_except_posted."""
    tax = rpc("account.tax", "search", [("type_tax_use", "=", "sale")])[0]
    move = _invoice(rpc, line={"tax_ids": [(6, 0, [tax])]})
    rpc("account.move", "action_post", [move])
    date = dt.date.fromisoformat(_read(rpc, "account.move", move, "date")["date"])
    _lock(sb, tax_lock_date=date)
    line = _read(rpc, "account.move", move, "invoice_line_ids")["invoice_line_ids"][0]
    assert _error(rpc, "account.move.line", "unlink", [line]).endswith(
        "The operation is refused as it would impact an already issued tax statement. Please change the journal "
        f"entry date or the tax lock date set in the settings ({date.strftime('%m/%d/%Y')}) to proceed."
    )


def test_a_payment_dated_in_a_locked_period_is_accounted_after_the_lock(rpc, sb):
    """account_payment.py action_post → move._post: the entry's date moves past the lock (not refused)."""
    today = _today(sb)
    lock = today - dt.timedelta(days=3)
    _lock(sb, fiscalyear_lock_date=lock)
    pay = rpc(
        "account.payment",
        "create",
        {
            "amount": 10,
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": 3,
            "date": (lock - dt.timedelta(days=1)).isoformat(),
        },
    )
    rpc("account.payment", "action_post", [pay])
    row = _read(rpc, "account.payment", pay, "state", "date")
    assert row["state"] == "posted" and lock < dt.date.fromisoformat(row["date"]) <= today


def test_a_bill_dated_earlier_this_year_is_accounted_today_once_the_journal_has_numbers(rpc, sb):
    """account_move.py _compute_date → _get_accounting_date: bills keep the sequence increasing."""
    today = _today(sb)
    first = _invoice(rpc, move_type="in_invoice", invoice_date=today.isoformat())
    rpc("account.move", "action_post", [first])
    earlier = today.replace(day=1, month=1)
    bill = _invoice(rpc, move_type="in_invoice", invoice_date=earlier.isoformat())
    assert _read(rpc, "account.move", bill, "date", "invoice_date") == {
        "id": bill,
        "date": today.isoformat(),
        "invoice_date": earlier.isoformat(),
    }


# -- 3. reconciliation -------------------------------------------------------------------------------
def test_payments_create_partials_then_a_full_reconcile(rpc):
    """account_move_line.py _reconcile_plan_with_sync: one partial per payment; the full reconcile and the
    matching number (the full's id) once everything is settled; 'P<partial id>' before."""
    move = _invoice(rpc)
    rpc("account.move", "action_post", [move])
    _pay(rpc, move, amount=40)
    receivable = rpc(
        "account.move.line", "search", [("move_id", "=", move), ("display_type", "=", "payment_term")]
    )[0]
    line = _read(
        rpc,
        "account.move.line",
        receivable,
        "matched_credit_ids",
        "matching_number",
        "amount_residual",
        "full_reconcile_id",
    )
    (partial,) = line["matched_credit_ids"]
    assert (
        line["matching_number"] == f"P{partial}"
        and line["amount_residual"] == 60.0
        and not line["full_reconcile_id"]
    )
    assert _read(
        rpc, "account.partial.reconcile", partial, "amount", "debit_move_id", "debit_amount_currency"
    ) == {
        "id": partial,
        "amount": 40.0,
        "debit_move_id": receivable,
        "debit_amount_currency": 40.0,
    }
    _pay(rpc, move)
    line = _read(
        rpc,
        "account.move.line",
        receivable,
        "matched_credit_ids",
        "matching_number",
        "reconciled",
        "full_reconcile_id",
    )
    full = line["full_reconcile_id"]
    assert (
        line["reconciled"] and len(line["matched_credit_ids"]) == 2 and line["matching_number"] == str(full)
    )
    parts = _read(rpc, "account.full.reconcile", full, "partial_reconcile_ids", "reconciled_line_ids")
    assert sorted(parts["partial_reconcile_ids"]) == sorted(line["matched_credit_ids"])
    assert receivable in parts["reconciled_line_ids"] and len(parts["reconciled_line_ids"]) == 3


def test_payment_state_goes_not_paid_partial_paid_and_back(rpc):
    """account_move.py _compute_payment_state (17 Community: 'paid', never 'in_payment')."""
    move = _invoice(rpc)
    rpc("account.move", "action_post", [move])
    assert _read(rpc, "account.move", move, "payment_state")["payment_state"] == "not_paid"
    first = _pay(rpc, move, amount=30)
    assert _read(rpc, "account.move", move, "payment_state")["payment_state"] == "partial"
    _pay(rpc, move)
    assert _read(rpc, "account.move", move, "payment_state")["payment_state"] == "paid"
    rpc("account.payment", "action_draft", [first])
    assert _read(rpc, "account.move", move, "payment_state", "amount_residual") == {
        "id": move,
        "payment_state": "partial",
        "amount_residual": 30.0,
    }


def test_a_credit_note_matched_with_its_invoice_reverses_it(rpc):
    """account_move.py _compute_payment_state: settled by an out_refund only → 'reversed'; the refund 'paid'."""
    invoice = _invoice(rpc)
    refund = _invoice(rpc, move_type="out_refund")
    rpc("account.move", "action_post", [invoice])
    rpc("account.move", "action_post", [refund])
    refund_line = rpc(
        "account.move.line", "search", [("move_id", "=", refund), ("display_type", "=", "payment_term")]
    )[0]
    rpc("account.move", "js_assign_outstanding_line", [invoice], refund_line)
    assert _read(rpc, "account.move", invoice, "payment_state")["payment_state"] == "reversed"
    assert _read(rpc, "account.move", refund, "payment_state")["payment_state"] == "paid"


def test_a_foreign_invoice_paid_at_another_rate_books_an_exchange_difference(rpc, sb):
    """account_move_line.py _prepare_reconciliation_single_partial + _create_exchange_difference_moves:
    matched in EUR; the company-currency leftover goes to the exchange journal, gain account."""
    company = sb.company_ids[0]
    eur = sb.ids["currencies"]["EUR"]
    day = _today(sb)
    rpc(
        "res.currency.rate",
        "create",
        {
            "name": (day - dt.timedelta(days=10)).isoformat(),
            "currency_id": eur,
            "rate": 0.5,
            "company_id": company,
        },
    )
    move = _invoice(rpc, currency_id=eur, invoice_date=(day - dt.timedelta(days=5)).isoformat())
    rpc("account.move", "action_post", [move])  # EUR 100 = USD 200
    rpc(
        "res.currency.rate",
        "create",
        {"name": day.isoformat(), "currency_id": eur, "rate": 0.4, "company_id": company},
    )
    payment = _pay(rpc, move)  # EUR 100 = USD 250 today
    receivable = rpc(
        "account.move.line", "search", [("move_id", "=", move), ("display_type", "=", "payment_term")]
    )[0]
    (partial,) = _read(rpc, "account.move.line", receivable, "matched_credit_ids")["matched_credit_ids"]
    row = _read(
        rpc,
        "account.partial.reconcile",
        partial,
        "amount",
        "debit_amount_currency",
        "credit_amount_currency",
        "exchange_move_id",
    )
    assert (row["amount"], row["debit_amount_currency"], row["credit_amount_currency"]) == (
        200.0,
        100.0,
        100.0,
    )
    exchange = row["exchange_move_id"]
    assert (
        _read(rpc, "account.move", exchange, "journal_id", "state")["journal_id"]
        == sb.ids["journals"][company]["EXCH"]
    )
    lines = rpc(
        "account.move.line",
        "search_read",
        [("move_id", "=", exchange)],
        ["account_id", "debit", "credit"],
        load=False,
    )
    gain = sb.ids["accounts"][company]["income_currency_exchange"]
    assert sorted((x["account_id"], x["debit"], x["credit"]) for x in lines) == sorted(
        [
            (_read(rpc, "account.move.line", receivable, "account_id")["account_id"], 50.0, 0.0),
            (gain, 0.0, 50.0),
        ]
    )
    assert _read(rpc, "account.move", move, "payment_state")["payment_state"] == "paid"
    assert _read(rpc, "account.payment", payment, "is_reconciled")["is_reconciled"] is True


def test_unreconciling_reverses_the_exchange_difference(rpc, sb):
    """account_partial_reconcile.py unlink: the exchange entry is reversed ("Reversal of: ...")."""
    company = sb.company_ids[0]
    eur = sb.ids["currencies"]["EUR"]
    day = _today(sb)
    rpc(
        "res.currency.rate",
        "create",
        {
            "name": (day - dt.timedelta(days=10)).isoformat(),
            "currency_id": eur,
            "rate": 0.5,
            "company_id": company,
        },
    )
    move = _invoice(rpc, currency_id=eur, invoice_date=(day - dt.timedelta(days=5)).isoformat())
    rpc("account.move", "action_post", [move])
    rpc(
        "res.currency.rate",
        "create",
        {"name": day.isoformat(), "currency_id": eur, "rate": 0.4, "company_id": company},
    )
    payment = _pay(rpc, move)
    receivable = rpc(
        "account.move.line", "search", [("move_id", "=", move), ("display_type", "=", "payment_term")]
    )[0]
    (partial,) = _read(rpc, "account.move.line", receivable, "matched_credit_ids")["matched_credit_ids"]
    exchange = _read(rpc, "account.partial.reconcile", partial, "exchange_move_id")["exchange_move_id"]
    assert "exchange difference" in _error(rpc, "account.move", "button_draft", [exchange])
    rpc("account.payment", "action_draft", [payment])
    name = _read(rpc, "account.move", exchange, "name")["name"]
    reversal = rpc("account.move", "search", [("reversed_entry_id", "=", exchange)])
    assert (
        len(reversal) == 1 and _read(rpc, "account.move", reversal[0], "ref")["ref"] == f"Reversal of: {name}"
    )
    line = _read(
        rpc, "account.move.line", receivable, "amount_residual", "amount_residual_currency", "matching_number"
    )
    assert line == {
        "id": receivable,
        "amount_residual": 200.0,
        "amount_residual_currency": 100.0,
        "matching_number": False,
    }
    assert _read(rpc, "account.move", move, "payment_state")["payment_state"] == "not_paid"


def test_reconcile_refuses_lines_of_different_accounts(rpc, sb):
    """account_move_line.py _check_amls_exigibility_for_reconciliation."""
    move = _invoice(rpc)
    rpc("account.move", "action_post", [move])
    lines = rpc("account.move.line", "search", [("move_id", "=", move)])
    assert "Entries are not from the same account: " in _error(rpc, "account.move.line", "reconcile", lines)
    draft = _invoice(rpc)
    draft_line = rpc(
        "account.move.line", "search", [("move_id", "=", draft), ("display_type", "=", "payment_term")]
    )
    assert _error(rpc, "account.move.line", "reconcile", draft_line).endswith(
        "You can only reconcile posted entries."
    )


def test_a_reconciled_receivable_refuses_a_new_amount(rpc):
    """account_move_line.py _check_reconciliation through the invoice's line sync."""
    move = _invoice(rpc)
    rpc("account.move", "action_post", [move])
    _pay(rpc, move, amount=10)
    line = _read(rpc, "account.move", move, "invoice_line_ids")["invoice_line_ids"][0]
    assert "You cannot do this modification on a reconciled journal entry." in _error(
        rpc, "account.move.line", "write", [line], {"price_unit": 500}
    )
