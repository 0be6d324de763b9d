"""Posted moves' numbers under concurrency and duplicate names, per Odoo version, as Odoo's account module
has them (official nightly builds, odoo-facts "S16"–"S19"):

- 16 sequence_mixin.py ``_get_last_sequence(lock=True)`` locks the row holding the journal's last number
  (``UPDATE … SET write_date = write_date``): a concurrent poster waits, gets a SerializationFailure and
  is retried by odoo/service/model.py ``retrying``; a journal's first number has no row to lock and 16
  has no unique index (account_move.py ``_check_unique_sequence_number`` is a Python constraint).
- 17 ``_set_next_sequence`` (the name written in a savepoint, UniqueViolation → next number) and 18/19
  ``_locked_increment`` (the same loop) on the unique index ``account_move_unique_name`` (name,
  journal_id) WHERE state = 'posted' AND name != '/': the second poster waits for the first one's
  transaction, then takes the next number in the same call.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any

import pytest

from sandboxes.odoo import OdooSandbox, dispatch

from .conftest import JsonRpc, XmlRpc

MakeSandbox = Callable[..., OdooSandbox]
INDEX_MESSAGE = "The operation cannot be completed: Another entry with the same name already exists."


@pytest.fixture(params=[17, 18, 19])
def v17plus(request: pytest.FixtureRequest) -> int:
    return request.param


def _number(n: int) -> str:
    return f"INV/{dt.datetime.now(dt.UTC).year}/{n:05d}"


def _invoice(rpc: Any, name: str = "Acme") -> int:
    """A draft customer invoice for a partner of its own (one partner per invoice: posting bumps the
    partner's customer_rank, a row lock that would serialize the postings by itself)."""
    partner = rpc("res.partner", "create", {"name": name})
    line = {"name": "Work", "quantity": 1, "price_unit": 100.0}
    return rpc(
        "account.move",
        "create",
        {"move_type": "out_invoice", "partner_id": partner, "invoice_line_ids": [(0, 0, line)]},
    )


def _names(rpc: Any, *ids: int) -> list[str]:
    return [row["name"] for row in rpc("account.move", "read", list(ids), ["name"])]


def _post_in_thread(rpc: Any, move: int, out: dict) -> threading.Thread:
    def run() -> None:
        try:
            out[move] = rpc("account.move", "action_post", [move])
        except Exception as exc:  # noqa: BLE001 - reported to the test
            out[move] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _retries(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "tries left" in r.getMessage()]


def test_a_bridge_post_waits_for_a_users_open_posting_then_takes_the_next_number(
    make_sandbox: MakeSandbox, version: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A user posts in Odoo (transaction still open) while the bridge posts over XML-RPC in the same
    journal: the bridge's call blocks until the user's commit, then succeeds with the next number. 16
    gets there through a SerializationFailure and the server's retry, 17+ without a retry."""
    sb = make_sandbox(version)
    admin, bridge = XmlRpc(sb, sb.login, sb.password), XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    first = _invoice(admin, "First")
    admin("account.move", "action_post", [first])  # 16 locks the row of the last number
    users, bridges = _invoice(admin, "User's"), _invoice(admin, "Bridge's")
    out: dict = {}
    caplog.set_level(logging.INFO, logger="odoo.service.model")
    with sb.transaction("admin") as env:
        dispatch.call_positional(env, "account.move", "action_post", [[users]], {})
        worker = _post_in_thread(bridge, bridges, out)
        worker.join(0.5)
        assert worker.is_alive()  # waiting for the user's transaction
        assert _names(admin, users) == ["/"]
    worker.join(10)
    assert out == {bridges: False}
    assert _names(admin, first, users, bridges) == [_number(1), _number(2), _number(3)]
    assert bool(_retries(caplog)) is (version == 16)


def test_two_connections_posting_at_once_get_distinct_consecutive_numbers(
    make_sandbox: MakeSandbox, version: int
) -> None:
    """The reported race: two RPC connections post invoices of one journal at the same moment (both
    calls held before their commit). No number is shared; on 16 only once the journal has a number."""
    sb = make_sandbox(version)
    admin = JsonRpc(sb, sb.login, sb.password)
    bridge = XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    first = [_invoice(admin, "First")] if version == 16 else []
    if first:
        admin("account.move", "action_post", first)
    a, b = _invoice(admin, "A"), _invoice(admin, "B")
    out: dict = {}
    with sb.commits_paused():
        workers = [_post_in_thread(admin, a, out)]
        workers[0].join(0.5)  # at its commit point, its number taken
        workers.append(_post_in_thread(bridge, b, out))
        workers[1].join(0.5)
        assert [w.is_alive() for w in workers] == [True, True]
    for worker in workers:
        worker.join(10)
    assert out == {a: False, b: False}
    start = len(first) + 1
    assert sorted(_names(admin, a, b)) == [_number(start), _number(start + 1)]


def test_16_two_first_postings_of_a_journal_both_get_its_first_number(make_sandbox: MakeSandbox) -> None:
    """Odoo 16's own gap, kept: with no numbered move in the journal there is no row to lock, and the
    Python constraint _check_unique_sequence_number only sees its transaction's snapshot."""
    sb = make_sandbox(16)
    admin = JsonRpc(sb, sb.login, sb.password)
    bridge = XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    a, b = _invoice(admin, "A"), _invoice(admin, "B")
    out: dict = {}
    with sb.commits_paused():
        workers = [_post_in_thread(admin, a, out), _post_in_thread(bridge, b, out)]
        for worker in workers:
            worker.join(0.5)
    for worker in workers:
        worker.join(10)
    assert out == {a: False, b: False}
    assert _names(admin, a, b) == [_number(1), _number(1)]


def test_a_rolled_back_posting_gives_its_number_to_the_waiting_one(
    make_sandbox: MakeSandbox, v17plus: int
) -> None:
    sb = make_sandbox(v17plus)
    admin, bridge = XmlRpc(sb, sb.login, sb.password), XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    users, bridges = _invoice(admin, "User's"), _invoice(admin, "Bridge's")
    out: dict = {}
    with pytest.raises(RuntimeError, match="changed my mind"), sb.transaction("admin") as env:
        dispatch.call_positional(env, "account.move", "action_post", [[users]], {})
        worker = _post_in_thread(bridge, bridges, out)
        worker.join(0.5)
        assert worker.is_alive()
        raise RuntimeError("changed my mind")
    worker.join(10)
    assert out == {bridges: False}
    assert _names(admin, users, bridges) == ["/", _number(1)]


@pytest.mark.parametrize("how", ["write", "post"])
def test_an_existing_number_on_another_posted_move_is_refused_with_the_versions_message(
    make_sandbox: MakeSandbox, version: int, how: str
) -> None:
    """Renaming a posted move to a number of its journal, or posting a draft that was given one (a draft
    may carry it: 17+'s index covers posted moves only). 16: the Python constraint's message; 17/18:
    _as_validation_error with the _sql_constraints message; 19: the UniqueIndex message, same text."""
    sb = make_sandbox(version)
    admin = JsonRpc(sb, sb.login, sb.password)
    taken, other = _invoice(admin, "Taken"), _invoice(admin, "Other")
    admin("account.move", "action_post", [taken])
    if how == "write":
        admin("account.move", "action_post", [other])
        call = ("account.move", "write", [other], {"name": _number(1)})
    else:
        assert admin("account.move", "write", [other], {"name": _number(1)}) is True
        call = ("account.move", "action_post", [other])
    error = admin.call_raw(*call)["error"]["data"]
    assert error["name"] == "odoo.exceptions.ValidationError"
    if version == 16:
        assert error["message"] == (
            "Posted journal entry must have an unique sequence number per company.\n"
            f"Problematic numbers: {_number(1)}\n"
        )
    else:
        assert error["message"] == INDEX_MESSAGE
    assert _names(admin, taken, other) == [_number(1), _number(2) if how == "write" else _number(1)]


def test_each_journal_numbers_on_its_own(make_sandbox: MakeSandbox, version: int) -> None:
    """_get_last_sequence_domain filters on journal_id: the second company's INV journal starts at 1."""
    sb = make_sandbox(version)
    admin = XmlRpc(sb, sb.login, sb.password)
    mine = _invoice(admin)
    admin("account.move", "action_post", [mine])
    partner = admin("res.partner", "create", {"name": "Elsewhere", "company_id": sb.company_ids[1]})
    theirs = admin(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": partner,
            "invoice_line_ids": [(0, 0, {"name": "Work", "quantity": 1, "price_unit": 10.0})],
        },
        context={"allowed_company_ids": [sb.company_ids[1]]},
    )
    admin("account.move", "action_post", [theirs], context={"allowed_company_ids": [sb.company_ids[1]]})
    rows = admin(
        "account.move",
        "read",
        [mine, theirs],
        ["name", "journal_id"],
        context={"allowed_company_ids": sb.company_ids},
    )
    assert [row["name"] for row in rows] == [_number(1), _number(1)]
    assert rows[0]["journal_id"] != rows[1]["journal_id"]
