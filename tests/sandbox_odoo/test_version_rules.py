"""Rules that differ between Odoo versions, read in each version's source (docstrings name file and
function): 16.0 Martel-IT/odoo-16-core (build 2023-03-01), 17.0 Clyde1030/odoo17, 18.0
AhmedElarabyy/odoo-18, 19.0 MohamedLotfy99/Odoo19-ez.

- 18/19 refuse edits of some fields of a posted move (account_move.py write()); 16/17 do not.
- Named SQL constraints answer with their message; a plain unique index with PostgreSQL's text.
- ``Char(size=N)`` cuts values to N characters.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sandboxes.odoo import OdooSandbox

from .conftest import JsonRpc

MakeSandbox = Callable[..., OdooSandbox]
READONLY = "odoo.exceptions.UserError: You cannot modify the following readonly fields on a posted move: "


def _error(rpc: JsonRpc, *call, **kw) -> str:
    with pytest.raises(RuntimeError) as err:
        rpc(*call, **kw)
    return str(err.value)


def _posted_invoice(make_sandbox: MakeSandbox, version: int) -> tuple[JsonRpc, int, int]:
    """A posted customer invoice of 100 and its partner."""
    sb = make_sandbox(version)
    rpc = JsonRpc(sb, sb.login, sb.password)
    partner = rpc("res.partner", "create", {"name": "Posted Customer"})
    move = rpc(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": partner,
            "invoice_line_ids": [(0, 0, {"name": "Service", "quantity": 1, "price_unit": 100.0})],
        },
    )
    rpc("account.move", "action_post", [move])
    return rpc, move, partner


def _total(rpc: JsonRpc, move: int) -> float:
    return rpc("account.move", "read", [move], ["amount_total"])[0]["amount_total"]


# --------------------------------------------------------------------------------------------------
# 1. Posted moves: 18/19 refuse their readonly fields over the API
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", [18, 19])
def test_18_and_19_refuse_new_invoice_lines_on_a_posted_move(make_sandbox, version):
    """18/19 account_move.py write(): "Disallow modifying readonly fields on a posted move" — a UserError
    naming the fields; the move is unchanged."""
    rpc, move, _partner = _posted_invoice(make_sandbox, version)
    line = {"invoice_line_ids": [(0, 0, {"name": "More", "quantity": 1, "price_unit": 5.0})]}
    assert _error(rpc, "account.move", "write", [move], line) == READONLY + "invoice_line_ids"
    assert _total(rpc, move) == 100.0


@pytest.mark.parametrize("version", [18, 19])
def test_18_and_19_name_the_refused_fields_in_the_order_written(make_sandbox, version):
    """18/19 write(): ``[val for val in vals if val in unmodifiable_fields]`` joined with ", "; other fields
    of the same write (ref) are not named."""
    rpc, move, partner = _posted_invoice(make_sandbox, version)
    other = rpc("res.partner", "create", {"name": "Someone Else"})
    vals = {"ref": "R1", "partner_id": other, "invoice_date": "2026-01-05", "currency_id": 1}
    assert (
        _error(rpc, "account.move", "write", [move], vals)
        == READONLY + "partner_id, invoice_date, currency_id"
    )
    row = rpc("account.move", "read", [move], ["partner_id", "ref"])[0]
    assert (row["partner_id"][0], row["ref"]) == (partner, False)


@pytest.mark.parametrize("version", [18, 19])
def test_18_and_19_refuse_a_readonly_field_even_with_its_current_value(make_sandbox, version):
    """18/19 write(): the check looks at the keys of vals, not at changes."""
    rpc, move, partner = _posted_invoice(make_sandbox, version)
    assert _error(rpc, "account.move", "write", [move], {"partner_id": partner}) == READONLY + "partner_id"


@pytest.mark.parametrize("version", [18, 19])
def test_18_and_19_keep_the_other_fields_of_a_posted_move_writable(make_sandbox, version):
    """18/19 write(): only invoice_line_ids, line_ids, invoice_date, date, partner_id,
    invoice_payment_term_id, currency_id, fiscal_position_id, invoice_cash_rounding_id are refused."""
    rpc, move, _partner = _posted_invoice(make_sandbox, version)
    assert rpc("account.move", "write", [move], {"ref": "PO-42", "narration": "Thanks"}) is True
    assert rpc("account.move", "read", [move], ["ref"])[0]["ref"] == "PO-42"


@pytest.mark.parametrize("version", [18, 19])
def test_skip_readonly_check_in_the_context_lets_18_and_19_write_a_posted_move(make_sandbox, version):
    """18/19 write(): ``if not self.env.context.get('skip_readonly_check') and …`` (set by Odoo's own
    bank statement code, and accepted from an RPC caller's context)."""
    rpc, move, _partner = _posted_invoice(make_sandbox, version)
    line = {"invoice_line_ids": [(0, 0, {"name": "More", "quantity": 1, "price_unit": 5.0})]}
    assert rpc("account.move", "write", [move], line, context={"skip_readonly_check": True}) is True
    assert _total(rpc, move) == 105.0


@pytest.mark.parametrize("version", [18, 19])
def test_18_and_19_allow_the_edit_after_a_reset_to_draft(make_sandbox, version):
    """18/19 write(): the check applies to moves posted after the write (``vals.get('state',
    move.state)``): button_draft, edit, action_post is the way to change a posted invoice."""
    rpc, move, _partner = _posted_invoice(make_sandbox, version)
    rpc("account.move", "button_draft", [move])
    line = {"invoice_line_ids": [(0, 0, {"name": "More", "quantity": 1, "price_unit": 5.0})]}
    assert rpc("account.move", "write", [move], line) is True
    rpc("account.move", "action_post", [move])
    row = rpc("account.move", "read", [move], ["state", "amount_total"])[0]
    assert (row["state"], row["amount_total"]) == ("posted", 105.0)


@pytest.mark.parametrize("version", [16, 17])
def test_16_and_17_let_the_api_edit_a_posted_move(make_sandbox, version):
    """16/17 account_move.py write() has no readonly-field check (their views make posted moves
    read-only): lines and partner of a posted invoice can be written."""
    rpc, move, _partner = _posted_invoice(make_sandbox, version)
    other = rpc("res.partner", "create", {"name": "Someone Else"})
    line = {"invoice_line_ids": [(0, 0, {"name": "More", "quantity": 1, "price_unit": 5.0})]}
    assert rpc("account.move", "write", [move], {**line, "partner_id": other}) is True
    row = rpc("account.move", "read", [move], ["state", "amount_total", "partner_id"])[0]
    assert (row["state"], row["amount_total"], row["partner_id"][0]) == ("posted", 105.0, other)


# --------------------------------------------------------------------------------------------------
# 2. Unique constraints: the constraint's message, or PostgreSQL's text for a plain index
# --------------------------------------------------------------------------------------------------
def test_a_named_unique_constraint_answers_with_its_message(make_sandbox, version):
    """res_bank.py unique_number (16–18 _sql_constraints, 19 models.Constraint), worded "The operation
    cannot be completed: <message>" by 16–18 odoo/service/model.py _as_validation_error
    (translate_sql_constraint) and 19 odoo/orm/models.py _sql_error_to_message (the constraint's message),
    prefixed in odoo/service/model.py retrying."""
    sb = make_sandbox(version)
    rpc = JsonRpc(sb, sb.login, sb.password)
    partner = rpc("res.partner", "create", {"name": "Holder"})
    rpc("res.partner.bank", "create", {"acc_number": "BE71 0961 2345 6769", "partner_id": partner})
    assert _error(
        rpc, "res.partner.bank", "create", {"acc_number": "be71096123456769", "partner_id": partner}
    ) == (
        "odoo.exceptions.ValidationError: The operation cannot be completed: "
        "The combination Account Number/Partner must be unique."
    )


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (16, "You can not have two users with the same login !"),
        (17, "You can not have two users with the same login!"),
        (18, "You can not have two users with the same login!"),
        (19, "You can not have two users with the same login!"),
    ],
)
def test_a_duplicate_login_answers_with_each_versions_message(make_sandbox, version, message):
    """res_users.py login_key: 16 "… same login !", 17/18 "… same login!", 19 models.Constraint _login_key."""
    sb = make_sandbox(version)
    rpc = JsonRpc(sb, sb.login, sb.password)
    assert _error(rpc, "res.users", "create", {"name": "Copy", "login": sb.login}) == (
        f"odoo.exceptions.ValidationError: The operation cannot be completed: {message}"
    )


def test_a_unique_index_that_is_no_constraint_answers_with_postgresqls_text(make_sandbox, version):
    """ir_model.py creates ir_model_data_module_name_uniq_index with create_unique_index (16–18) or
    models.UniqueIndex (19): not in _sql_constraints nor in pg_constraint, so 16–18
    _as_validation_error append ``exc.args[0]`` and 19 _sql_error_to_message_generic finds no columns and
    falls back to exception_to_unicode — psycopg2's message without its "ERROR:  " severity."""
    sb = make_sandbox(version)
    rpc = JsonRpc(sb, sb.login, sb.password)
    xid = {"module": "xero_bridge", "name": "dup", "model": "res.partner", "res_id": 3}
    rpc("ir.model.data", "create", xid)
    assert _error(rpc, "ir.model.data", "create", xid) == (
        "odoo.exceptions.ValidationError: The operation cannot be completed: duplicate key value violates "
        'unique constraint "ir_model_data_module_name_uniq_index"\n'
        "DETAIL:  Key (module, name)=(xero_bridge, dup) already exists.\n"
    )


def test_a_duplicate_caught_at_commit_answers_with_the_constraints_message(make_sandbox):
    """Two transactions insert the same currency rate day: the second INSERT waits for the first and fails
    at its end, as a unique index does; the message is the constraint's (res_currency.py
    unique_name_per_day)."""
    sb = make_sandbox(17)
    eur = sb.ids["currencies"]["EUR"]
    rate = {"name": "2026-10-01", "currency_id": eur, "rate": 0.9}
    with pytest.raises(Exception) as err, sb.transaction("admin") as env:
        env.create("res.currency.rate", [rate])
        sb.env("admin").create("res.currency.rate", [rate])
    assert (type(err.value).__name__, str(err.value)) == (
        "ValidationError",
        "The operation cannot be completed: Only one currency rate per day allowed!",
    )


# --------------------------------------------------------------------------------------------------
# 3. Char(size=N)
# --------------------------------------------------------------------------------------------------
def test_a_sized_char_is_cut_on_create_and_on_write(make_sandbox, version):
    """account_journal.py code = fields.Char(size=5): 16/17 odoo/fields.py Char.convert_to_cache /
    convert_to_column, 18 _String.convert_to_cache, 19 odoo/orm/fields_textual.py _String.convert_to_cache
    keep ``value[:self.size]``, without an error."""
    sb = make_sandbox(version)
    rpc = JsonRpc(sb, sb.login, sb.password)
    journal = rpc("account.journal", "create", {"name": "Misc 2", "type": "general", "code": "MISCELLANEOUS"})
    assert rpc("account.journal", "read", [journal], ["code"])[0]["code"] == "MISCE"
    rpc("account.journal", "write", [journal], {"code": "OTHERCODE"})
    assert rpc("account.journal", "read", [journal], ["code"])[0]["code"] == "OTHER"


def test_sizes_odoo_declares_on_synced_models(make_sandbox, version):
    """res_currency.py name size=3, res_country.py code size=2, account_account.py code size=64,
    account_journal.py code size=5 (16–19); fields_get reports ``size`` (Char._description_size)."""
    sb = make_sandbox(version)
    rpc = JsonRpc(sb, sb.login, sb.password)
    sizes = {
        (model, field): rpc(model, "fields_get", [field], attributes=["size"])[field].get("size")
        for model, field in [
            ("res.currency", "name"),
            ("res.country", "code"),
            ("account.account", "code"),
            ("account.journal", "code"),
            ("res.partner", "name"),
        ]
    }
    assert sizes == {
        ("res.currency", "name"): 3,
        ("res.country", "code"): 2,
        ("account.account", "code"): 64,
        ("account.journal", "code"): 5,
        ("res.partner", "name"): None,
    }
