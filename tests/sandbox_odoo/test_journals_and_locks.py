"""Journals, 18/19 lock dates and deleting numbered moves, per Odoo version, as Odoo's account module has
them. Sources (docstrings name file and function): 16.0, 17.0, 18.0 and 19.0 addons/account/models/
(official nightly builds, odoo-facts "S16"–"S19"): account_journal.py, company.py, account_move.py,
account_move_line.py, sequence_mixin.py; odoo/fields.py (Char size); odoo/service/model.py (SQL
constraint messages)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from sandboxes.odoo import OdooSandbox

from .conftest import JsonRpc

MakeSandbox = Callable[..., OdooSandbox]
BILLING_ONLY = ("base.group_user", "account.group_account_invoice")


def _today() -> dt.date:
    """The sandbox's today: the transaction's start in UTC (context_today without a tz)."""
    return dt.datetime.now(dt.UTC).date()


def _us(day: dt.date) -> str:
    return day.strftime("%m/%d/%Y")


def _end_of_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _error(rpc: JsonRpc, *call) -> str:
    with pytest.raises(RuntimeError) as err:
        rpc(*call)
    return str(err.value)


def _read(rpc: JsonRpc, model: str, rid: int, *fields: str) -> dict:
    return rpc(model, "read", [rid], list(fields), load=False)[0]


def _partner(rpc: JsonRpc) -> int:
    return rpc("res.partner", "create", {"name": "Acme", "is_company": True})


def _move(rpc: JsonRpc, move_type: str = "out_invoice", tax: bool = False, **extra) -> int:
    line = {"name": "Work", "quantity": 1, "price_unit": 100.0}
    if tax:
        use = "sale" if move_type.startswith("out") else "purchase"
        line["tax_ids"] = [(6, 0, rpc("account.tax", "search", [("type_tax_use", "=", use)])[:1])]
    return rpc(
        "account.move",
        "create",
        {"move_type": move_type, "partner_id": _partner(rpc), "invoice_line_ids": [(0, 0, line)], **extra},
    )


def _posted(rpc: JsonRpc, move_type: str = "out_invoice", **extra) -> int:
    move = _move(rpc, move_type, **extra)
    rpc("account.move", "action_post", [move])
    return move


def _lock(sb: OdooSandbox, **dates: dt.date | bool) -> None:
    sb.env("admin").write(
        "res.company",
        [sb.company_ids[0]],
        {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in dates.items()},
    )


@pytest.fixture(params=[18, 19])
def v18(request: pytest.FixtureRequest) -> int:
    return request.param


@pytest.fixture(params=[16, 17])
def v16(request: pytest.FixtureRequest) -> int:
    return request.param


def _admin(make_sandbox: MakeSandbox, version: int, **kw) -> tuple[OdooSandbox, JsonRpc]:
    sb = make_sandbox(version, **kw)
    return sb, JsonRpc(sb, sb.login, sb.password)


# -- 1. lock dates per version ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("version", "fields"),
    [
        (16, {"period_lock_date", "fiscalyear_lock_date", "tax_lock_date"}),
        (17, {"period_lock_date", "fiscalyear_lock_date", "tax_lock_date"}),
        (
            18,
            {
                "fiscalyear_lock_date",
                "tax_lock_date",
                "sale_lock_date",
                "purchase_lock_date",
                "hard_lock_date",
            },
        ),
        (
            19,
            {
                "fiscalyear_lock_date",
                "tax_lock_date",
                "sale_lock_date",
                "purchase_lock_date",
                "hard_lock_date",
            },
        ),
    ],
)
def test_the_company_lock_date_fields_per_version(make_sandbox, version, fields):
    """16/17 company.py: period, fiscal year and tax lock dates; 18/19 company.py LOCK_DATE_FIELDS: no
    period lock, sale/purchase/hard lock dates instead."""
    _sb, rpc = _admin(make_sandbox, version)
    described = rpc("res.company", "fields_get", [], attributes=["type"])
    assert {f for f in described if f.endswith("_lock_date")} == fields


def test_an_invoice_in_a_sale_locked_period_is_accounted_on_the_first_open_date(make_sandbox, v18):
    """18 account_move.py _post → _get_violated_lock_dates(journal) → _get_accounting_date: a sale
    document dated on or before the sale lock moves past it, to the end of that month, at most today."""
    sb, rpc = _admin(make_sandbox, v18)
    lock = _today() - dt.timedelta(days=40)
    _lock(sb, sale_lock_date=lock)
    move = _posted(rpc, invoice_date=(lock - dt.timedelta(days=5)).isoformat())
    expected = min(_today(), _end_of_month(lock + dt.timedelta(days=1)))
    assert _read(rpc, "account.move", move, "date")["date"] == expected.isoformat()


def test_the_purchase_lock_date_does_not_move_sale_documents(make_sandbox, v18):
    """18 company.py _get_violated_lock_dates: purchase=(journal.type == 'purchase'), so an invoice in a
    sale journal keeps its date."""
    sb, rpc = _admin(make_sandbox, v18)
    lock = _today() - dt.timedelta(days=40)
    _lock(sb, purchase_lock_date=lock)
    day = lock - dt.timedelta(days=5)
    move = _posted(rpc, invoice_date=day.isoformat())
    assert _read(rpc, "account.move", move, "date", "state") == {
        "id": move,
        "date": day.isoformat(),
        "state": "posted",
    }


def test_a_global_lock_from_today_on_refuses_posting_and_names_the_lock(make_sandbox, v18):
    """18 account_move.py _check_fiscal_lock_dates (write after _post): "You cannot add/modify entries prior
    to and inclusive of: <label> (<date>)." with company.py _format_lock_dates."""
    sb, rpc = _admin(make_sandbox, v18)
    _lock(sb, fiscalyear_lock_date=_today())
    move = _move(rpc)
    assert _error(rpc, "account.move", "action_post", [move]) == (
        "odoo.exceptions.UserError: You cannot add/modify entries prior to and inclusive of: "
        f"Global Lock Date ({_us(_today())})."
    )


def test_advisers_are_bound_by_every_violated_lock_listed_oldest_first(make_sandbox, v18):
    """18 company.py _get_user_lock_date has no adviser exemption (exceptions are account.lock_exception
    records); _check_fiscal_lock_dates lists every violated lock, sorted, as an English list."""
    sb, rpc = _admin(make_sandbox, v18)  # admin is Billing Administrator (account.group_account_manager)
    move = _posted(rpc)
    day = dt.date.fromisoformat(_read(rpc, "account.move", move, "date")["date"])
    later = day + dt.timedelta(days=1)
    _lock(sb, fiscalyear_lock_date=later, sale_lock_date=day)
    assert _error(rpc, "account.move", "button_draft", [move]).endswith(
        "You cannot add/modify entries prior to and inclusive of: "
        f"Sales Lock Date ({_us(day)}) and Global Lock Date ({_us(later)})."
    )


def test_the_sale_lock_date_does_not_bind_a_vendor_bill(make_sandbox, v18):
    """18 _check_fiscal_lock_dates: sale=(journal.type == 'sale'), so a bill resets to draft."""
    sb, rpc = _admin(make_sandbox, v18)
    bill = _posted(rpc, "in_invoice", invoice_date=_today().isoformat())
    _lock(sb, sale_lock_date=_today())
    rpc("account.move", "button_draft", [bill])
    assert _read(rpc, "account.move", bill, "state")["state"] == "draft"


def test_a_taxed_line_under_the_tax_lock_names_the_lock(make_sandbox, v18):
    """18 account_move_line.py _check_tax_lock_date: the tax and hard locks, named."""
    sb, rpc = _admin(make_sandbox, v18)
    move = _posted(rpc, tax=True)
    day = dt.date.fromisoformat(_read(rpc, "account.move", move, "date")["date"])
    _lock(sb, tax_lock_date=day)
    line = _read(rpc, "account.move", move, "invoice_line_ids")["invoice_line_ids"][0]
    assert _error(rpc, "account.move.line", "unlink", [line]).endswith(
        "The operation is refused as it would impact an already issued tax statement. Please change the journal "
        f"entry date or the following lock dates to proceed: Tax Return Lock Date ({_us(day)})."
    )


def test_the_hard_lock_date_cannot_be_removed_or_moved_back(make_sandbox, v18):
    """18 company.py _validate_locks."""
    sb, rpc = _admin(make_sandbox, v18)
    lock = _today() - dt.timedelta(days=40)
    _lock(sb, hard_lock_date=lock)
    company = sb.company_ids[0]
    assert _error(rpc, "res.company", "write", [company], {"hard_lock_date": False}) == (
        "odoo.exceptions.UserError: The Hard Lock Date cannot be removed."
    )
    earlier = (lock - dt.timedelta(days=1)).isoformat()
    assert _error(rpc, "res.company", "write", [company], {"hard_lock_date": earlier}) == (
        "odoo.exceptions.UserError: A new Hard Lock Date must be posterior (or equal) to the previous one."
    )
    rpc("res.company", "write", [company], {"hard_lock_date": (lock + dt.timedelta(days=1)).isoformat()})


def test_a_hard_lock_is_refused_while_draft_entries_remain_before_it(make_sandbox, v18):
    """18 company.py _validate_locks: RedirectWarning on draft entries up to the new hard lock date."""
    sb, rpc = _admin(make_sandbox, v18)
    _move(rpc, invoice_date=_today().isoformat())
    assert _error(
        rpc, "res.company", "write", [sb.company_ids[0]], {"hard_lock_date": _today().isoformat()}
    ) == (
        "odoo.exceptions.RedirectWarning: There are still draft entries in the period you want to hard lock. "
        "You should either post or delete them."
    )


def test_a_fiscal_year_lock_is_refused_while_unposted_entries_remain_before_it(make_sandbox, v16):
    """16/17 company.py _validate_fiscalyear_lock (18 only checks bank statement lines for this lock)."""
    sb, rpc = _admin(make_sandbox, v16)
    _move(rpc, invoice_date=_today().isoformat())
    company = sb.company_ids[0]
    assert _error(rpc, "res.company", "write", [company], {"fiscalyear_lock_date": _today().isoformat()}) == (
        "odoo.exceptions.RedirectWarning: There are still unposted entries in the period you want to lock. "
        "You should either post or delete them."
    )


# -- 2. journals -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("version", "types"),
    [
        (16, ["sale", "purchase", "cash", "bank", "general"]),
        (17, ["sale", "purchase", "cash", "bank", "general"]),
        (18, ["sale", "purchase", "cash", "bank", "general", "credit"]),
        (19, ["sale", "purchase", "cash", "bank", "general", "credit"]),
    ],
)
def test_the_journal_types_per_version(make_sandbox, version, types):
    """account_journal.py type: 18 adds ('credit', 'Credit Card')."""
    _sb, rpc = _admin(make_sandbox, version)
    described = rpc("account.journal", "fields_get", ["type"], attributes=["selection"])
    assert sorted(key for key, _label in described["type"]["selection"]) == sorted(types)


def test_a_bank_journal_gets_a_liquidity_account_the_suspense_account_and_its_bank_account(
    make_sandbox, version
):
    """account_journal.py create → _fill_missing_values (16/17) / _create_default_account (18+): a new
    asset_cash account after the company's bank prefix (1014 in the generic chart), named and in the
    currency of the journal; _compute_suspense_account_id: the company's; set_bank_account: the
    company's bank account for bank_acc_number, in the journal's currency."""
    sb, rpc = _admin(make_sandbox, version)
    company = sb.company_ids[0]
    eur = sb.ids["currencies"]["EUR"]
    journal = rpc(
        "account.journal",
        "create",
        {
            "name": "Business EUR",
            "type": "bank",
            "code": "BEUR",
            "currency_id": eur,
            "bank_acc_number": "NL91 ABNA 0417",
        },
    )
    row = _read(
        rpc,
        "account.journal",
        journal,
        "default_account_id",
        "suspense_account_id",
        "bank_account_id",
        "bank_acc_number",
    )
    account = _read(
        rpc, "account.account", row["default_account_id"], "code", "name", "account_type", "currency_id"
    )
    assert account == {
        "id": row["default_account_id"],
        "code": "101405",  # 101401–101404 are the chart's bank, outstanding and suspense accounts
        "name": "Business EUR",
        "account_type": "asset_cash",
        "currency_id": eur,
    }
    assert row["suspense_account_id"] == sb.ids["accounts"][company]["suspense"]
    assert row["bank_acc_number"] == "NL91 ABNA 0417"
    bank = _read(
        rpc, "res.partner.bank", row["bank_account_id"], "partner_id", "currency_id", "sanitized_acc_number"
    )
    company_partner = _read(rpc, "res.company", company, "partner_id")["partner_id"]
    assert bank == {
        "id": row["bank_account_id"],
        "partner_id": company_partner,
        "currency_id": eur,
        "sanitized_acc_number": "NL91ABNA0417",
    }


def test_a_bank_journal_links_the_companys_existing_bank_account(make_sandbox, version):
    """account_journal.py set_bank_account: searched by sanitized number and the company's partner."""
    sb, rpc = _admin(make_sandbox, version)
    company_partner = _read(rpc, "res.company", sb.company_ids[0], "partner_id")["partner_id"]
    bank = rpc("res.partner.bank", "create", {"acc_number": "NL91ABNA0417", "partner_id": company_partner})
    journal = rpc(
        "account.journal",
        "create",
        {"name": "Main", "type": "bank", "code": "MAIN", "bank_acc_number": "nl91 abna 0417"},
    )
    assert _read(rpc, "account.journal", journal, "bank_account_id")["bank_account_id"] == bank
    assert rpc("res.partner.bank", "search_count", [("partner_id", "=", company_partner)]) == 1


def test_a_bank_journal_gets_manual_payment_methods(make_sandbox, version):
    """account_journal.py _compute_inbound/outbound_payment_method_line_ids (bank/cash; 18+ credit)."""
    _sb, rpc = _admin(make_sandbox, version)
    journal = rpc("account.journal", "create", {"name": "Savings", "type": "bank", "code": "SAV"})
    lines = rpc(
        "account.payment.method.line", "search_read", [("journal_id", "=", journal)], ["name", "payment_type"]
    )
    assert sorted((line["name"], line["payment_type"]) for line in lines) == [
        ("Manual", "inbound"),
        ("Manual", "outbound"),
    ]


def test_a_bank_journal_without_a_code_gets_the_next_free_bank_code(make_sandbox, version):
    """16 _fill_missing_values / 17+ _compute_code → get_next_bank_cash_default_code (19
    _get_next_journal_default_code): BNK<n>, the first n free (BNK1 is the chart's)."""
    _sb, rpc = _admin(make_sandbox, version)
    journal = rpc("account.journal", "create", {"name": "Savings", "type": "bank"})
    assert _read(rpc, "account.journal", journal, "code")["code"] == "BNK2"


def test_only_19_generates_a_code_for_a_sales_journal(make_sandbox, version):
    """19 _compute_code covers every type (INV<n> for sale); before, a sale journal needs its code (NOT NULL)."""
    _sb, rpc = _admin(make_sandbox, version)
    if version >= 19:
        journal = rpc("account.journal", "create", {"name": "Web Sales", "type": "sale"})
        assert _read(rpc, "account.journal", journal, "code")["code"] == "INV1"
    else:
        assert "a mandatory field is not set" in _error(
            rpc, "account.journal", "create", {"name": "Web Sales", "type": "sale"}
        )


def test_a_journal_code_longer_than_five_characters_is_cut(make_sandbox, version):
    """account_journal.py code = fields.Char(size=5); odoo/fields.py Char.convert_to_cache keeps
    value[:size] without an error."""
    _sb, rpc = _admin(make_sandbox, version)
    journal = rpc("account.journal", "create", {"name": "Operating", "type": "bank", "code": "OPERATING"})
    assert _read(rpc, "account.journal", journal, "code")["code"] == "OPERA"


def test_journal_codes_are_unique_per_company(make_sandbox, version):
    """account_journal.py _sql_constraints code_company_uniq, worded by odoo/service/model.py (16–18
    _as_validation_error, 19 _sql_error_to_message); another company may use the code."""
    sb, rpc = _admin(make_sandbox, version)
    rpc("account.journal", "create", {"name": "Bank 2", "type": "bank", "code": "SAME"})
    assert _error(rpc, "account.journal", "create", {"name": "Bank 3", "type": "bank", "code": "SAME"}) == (
        "odoo.exceptions.ValidationError: The operation cannot be completed: Journal codes must be unique per company."
    )
    other = rpc(
        "account.journal",
        "create",
        {"name": "Bank 3", "type": "bank", "code": "SAME", "company_id": sb.company_ids[1]},
        context={"allowed_company_ids": sb.company_ids},
    )
    assert _read(rpc, "account.journal", other, "code")["code"] == "SAME"


def test_a_credit_card_journal_uses_a_credit_card_account(make_sandbox, v18):
    """18 account_journal.py _fill_missing_values: the company's first liability_credit_card account,
    else a new one (_prepare_credit_account_vals); _compute_code: CCD<n>."""
    _sb, rpc = _admin(make_sandbox, v18)
    journal = rpc("account.journal", "create", {"name": "Amex", "type": "credit"})
    row = _read(rpc, "account.journal", journal, "code", "default_account_id")
    account = _read(rpc, "account.account", row["default_account_id"], "account_type", "name")
    assert (row["code"], account["account_type"], account["name"]) == (
        "CCD1",
        "liability_credit_card",
        "Amex",
    )
    second = rpc("account.journal", "create", {"name": "Visa", "type": "credit"})
    assert (
        _read(rpc, "account.journal", second, "default_account_id")["default_account_id"]
        == row["default_account_id"]
    )


def test_a_bank_journal_refuses_a_bank_account_held_by_someone_else(make_sandbox, version):
    """account_journal.py write(): "The partners of the journal's company and the related bank account
    mismatch."; on create the constraint _check_bank_account answers."""
    sb, rpc = _admin(make_sandbox, version)
    customer_bank = rpc("res.partner.bank", "create", {"acc_number": "123456", "partner_id": _partner(rpc)})
    bnk1 = sb.ids["journals"][sb.company_ids[0]]["BNK1"]
    assert _error(rpc, "account.journal", "write", [bnk1], {"bank_account_id": customer_bank}) == (
        "odoo.exceptions.UserError: The partners of the journal's company and the related bank account mismatch."
    )
    assert (
        _error(
            rpc,
            "account.journal",
            "create",
            {"name": "X", "type": "bank", "code": "X", "bank_account_id": customer_bank},
        )
        == "odoo.exceptions.ValidationError: The holder of a journal's bank account must be the company (My Company)."
    )


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (16, "You cannot edit the journal of an account move if it has been posted once."),
        (17, "You cannot edit the journal of an account move if it has been posted once."),
        (
            18,
            "You cannot edit the journal of an account move if it has been posted once, unless the name is removed "
            'or set to "/". This might create a gap in the sequence.',
        ),
        (
            19,
            "You cannot edit the journal of an account move if it has been posted once, unless the name is removed "
            'or set to "/". This might create a gap in the sequence.',
        ),
    ],
)
def test_the_journal_of_a_once_posted_move_is_locked(make_sandbox, version, message):
    """account_move.py write(): 16/17 always; 18/19 unless the same write clears the name."""
    _sb, rpc = _admin(make_sandbox, version)
    move = _posted(rpc)
    rpc("account.move", "button_draft", [move])
    other = rpc("account.journal", "create", {"name": "Web Sales", "type": "sale", "code": "WEB"})
    assert (
        _error(rpc, "account.move", "write", [move], {"journal_id": other})
        == f"odoo.exceptions.UserError: {message}"
    )
    if version >= 18:
        rpc("account.move", "write", [move], {"journal_id": other, "name": "/"})
        assert _read(rpc, "account.move", move, "journal_id")["journal_id"] == other


# -- 3. deleting numbered moves --------------------------------------------------------------------
def test_a_billing_user_cannot_delete_a_numbered_move_before_the_last(make_sandbox, version):
    """account_move.py _unlink_forbid_parts_of_chain (16–19): a user without Billing Administrator may
    delete a numbered move only from the end of its sequence (sequence_mixin.py _is_end_of_seq_chain)."""
    sb, admin = _admin(make_sandbox, version, bridge_groups=BILLING_ONLY)
    billing = JsonRpc(sb, sb.bridge_login, sb.bridge_password)
    first, last = _posted(admin), _posted(admin)
    admin("account.move", "button_draft", [first, last])
    assert _error(billing, "account.move", "unlink", [first]) == (
        "odoo.exceptions.UserError: You cannot delete this entry, as it has already consumed a sequence number and "
        "is not the last one in the chain. You should probably revert it instead."
    )
    billing("account.move", "unlink", [last])
    billing("account.move", "unlink", [first])  # now the last of its sequence
    assert admin("account.move", "search_count", [("id", "in", [first, last])]) == 0


def test_a_billing_administrator_may_delete_inside_the_sequence(make_sandbox, version):
    """account_move.py _unlink_forbid_parts_of_chain: account.group_account_manager is exempt."""
    _sb, admin = _admin(make_sandbox, version)
    first, _last = _posted(admin), _posted(admin)
    admin("account.move", "button_draft", [first])
    admin("account.move", "unlink", [first])
    assert admin("account.move", "search_count", [("id", "=", first)]) == 0
