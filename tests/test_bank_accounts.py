"""Bank accounts both ways: Xero BANK accounts ⇄ Odoo bank journals (consumers/bank_accounts).

Xero sends no webhook for accounts (xero-facts §1): Xero's changes come from its poller. Odoo makes
the journal's accounts and bank account itself (sandboxes/odoo/business/journals.py)."""

from __future__ import annotations

import uuid

import pytest

from bridge.broker.publisher import Outgoing
from bridge.cli.sandboxed import SandboxedBridge
from bridge.events import Event
from bridge.polling.deletions import DeletionSpec
from bridge.polling.scheduler import Plan, Scheduler
from bridge.store import bindings
from consumers.bank_accounts.bulk import BankAccountBulk
from consumers.bank_accounts.polling import OdooJournalChanges, XeroBankAccountChanges
from tests.test_accounts import xero_call
from tests.test_polling import pause_odoo_webhooks, started

JOURNAL = "account.journal"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = started(SandboxedBridge(home=str(tmp_path_factory.mktemp("banks") / "home")))
    # The Xero organisation's base currency is NZD, the Odoo company's USD: each side gets the other's,
    # so that bank accounts in either can be kept on both (what the currency entity would do).
    response = w.xero_api("PUT", "Currencies", json={"Currencies": [{"Code": "USD"}]})
    assert response.status_code == 200, response.text
    currencies = w.odoo.env("admin").with_context(active_test=False)
    currencies.write(
        "res.currency", currencies.search("res.currency", [("name", "=", "NZD")]), {"active": True}
    )
    yield w
    w.stop()


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def number() -> str:
    return f"06-0{uuid.uuid4().int % 10**4:04d}-{uuid.uuid4().int % 10**7:07d}-00"


def xero_banks(world: SandboxedBridge, **match) -> list[dict]:
    org = world.xero.org()
    with org.lock:
        return [
            dict(a)
            for a in org.accounts.values()
            if a.get("Type") == "BANK" and all(a.get(k) == v for k, v in match.items())
        ]


def journals(world: SandboxedBridge, **match) -> list[dict]:
    admin = world.odoo.env("admin").with_context(active_test=False)
    fields = ["name", "code", "type", "currency_id", "bank_acc_number", "bank_account_id", "active"]
    fields += ["default_account_id", "suspense_account_id", "write_date"]
    return admin.search_read(JOURNAL, [(k, "=", v) for k, v in match.items()], fields)


def xero_put(world: SandboxedBridge, **account) -> dict:
    response = xero_call(world, "PUT", "Accounts", json={"Accounts": [{"Type": "BANK", **account}]})
    assert response.status_code == 200, response.text
    return response.json()["Accounts"][0]


def xero_post(world: SandboxedBridge, account_id: str, **changes) -> dict:
    body = {"Accounts": [{"AccountID": account_id, **changes}]}
    response = xero_call(world, "POST", f"Accounts/{account_id}", json=body)
    assert response.status_code == 200, response.text
    return response.json()["Accounts"][0]


def poll_xero(world: SandboxedBridge):
    plan = Plan(watermark=[XeroBankAccountChanges()])
    done = Scheduler(world.runtime, keep_events=True, plan=plan).poll()
    assert not done.failures, done.failures
    return done


def binding(world: SandboxedBridge, xero_id: str | None = None, odoo_id: int | None = None):
    with world.runtime.db.session() as session:
        found = (
            bindings.by_xero(session, "demo", "bank_account", xero_id)
            if xero_id
            else bindings.by_odoo(session, "demo", "bank_account", odoo_id)
        )
        return found if found is not None and found.xero_id and found.odoo_id else None


def odoo_journal(world: SandboxedBridge, **vals) -> int:
    (journal,) = world.odoo.env("admin").create(JOURNAL, [{"type": "bank", **vals}])
    return journal


def test_a_bank_journal_created_in_odoo_becomes_a_xero_bank_account_with_its_number(world):
    name, account_number = unique("Cheque Account"), number()
    odoo_journal(world, name=name, code="CHQ1", bank_acc_number=account_number)

    assert world.wait(lambda: xero_banks(world, Name=name))
    (made,) = xero_banks(world, Name=name)
    assert (made["BankAccountNumber"], made["Code"], made["CurrencyCode"], made["BankAccountType"]) == (
        account_number, "CHQ1", "USD", "BANK",
    )  # fmt: skip


def test_a_xero_bank_account_becomes_a_bank_journal_with_its_accounts_and_bank_account(world):
    name, account_number = unique("Savings"), number()
    made = xero_put(world, Name=name, Code="SAVINGS01", BankAccountNumber=account_number)
    world.settle()
    assert journals(world, name=name) == []  # no webhook for accounts

    poll_xero(world)

    assert world.wait(lambda: [j for j in journals(world, name=name) if j["bank_acc_number"]])
    (journal,) = journals(world, name=name)
    assert journal["code"] == "SAVIN"  # Odoo cuts a journal code to 5 characters
    assert journal["bank_acc_number"] == account_number
    assert journal["default_account_id"] and journal["suspense_account_id"] and journal["bank_account_id"]
    assert world.wait(lambda: binding(world, xero_id=made["AccountID"])).odoo_id == journal["id"]


def test_the_cut_code_comes_back_as_no_change_and_xero_keeps_its_long_code(world):
    name = unique("Term Deposit")
    made = xero_put(world, Name=name, Code="TERMDEP1", BankAccountNumber=number())
    poll_xero(world)
    assert world.wait(lambda: binding(world, xero_id=made["AccountID"]))
    world.settle()
    odoo_id = binding(world, xero_id=made["AccountID"]).odoo_id
    before = journals(world, id=odoo_id)[0]["write_date"]

    world.odoo.env("admin").write(JOURNAL, [odoo_id], {"name": name + " NZ"})  # an Odoo change goes back

    assert world.wait(lambda: xero_banks(world, Name=name + " NZ"))
    (account,) = xero_banks(world, Name=name + " NZ")
    assert account["Code"] == "TERMDEP1"
    assert journals(world, id=odoo_id)[0]["write_date"] >= before


def test_a_number_changed_in_xero_moves_the_journal_to_the_companys_bank_account_of_that_number(world):
    name = unique("Operating")
    made = xero_put(world, Name=name, BankAccountNumber=number())
    poll_xero(world)
    assert world.wait(lambda: binding(world, xero_id=made["AccountID"]))
    world.settle()
    new_number = number()

    xero_post(world, made["AccountID"], BankAccountNumber=new_number)
    poll_xero(world)

    assert world.wait(lambda: journals(world, name=name)[0]["bank_acc_number"] == new_number)


def test_a_xero_bank_account_archived_archives_the_journal_and_back(world):
    name = unique("Closed Account")
    made = xero_put(world, Name=name, BankAccountNumber=number())
    poll_xero(world)
    assert world.wait(lambda: journals(world, name=name))
    world.settle()

    xero_post(world, made["AccountID"], Status="ARCHIVED")
    poll_xero(world)
    assert world.wait(lambda: journals(world, name=name)[0]["active"] is False)
    world.settle()

    world.odoo.env("admin").write(JOURNAL, [journals(world, name=name)[0]["id"]], {"active": True})
    assert world.wait(lambda: xero_banks(world, Name=name)[0]["Status"] == "ACTIVE")


def test_the_echo_of_a_journal_the_bridge_made_writes_nothing_to_xero(world):
    name = unique("Echo Bank")
    made = xero_put(world, Name=name, Code="ECHO", BankAccountNumber=number())
    stamp = made_stamp(world, made)
    poll_xero(world)
    odoo_id = world.wait(lambda: binding(world, xero_id=made["AccountID"])).odoo_id
    before = world.stats().get("unchanged", 0)
    # Odoo's notification of the journal the bridge wrote (its webhook rule leaves the bridge's own
    # writes out; a user's unrelated write would bring the same state)
    echo = Event(
        source="odoo", origin="poll", connection="demo", company_id=world.odoo.company_ids[0],
        entity="bank_account", resource_id=str(odoo_id), change_type="update", occurred_at=None,
        dedupe_key=f"test|echo|{uuid.uuid4().hex}",
    )  # fmt: skip
    world.runtime.publisher.publish([Outgoing.of(echo)])
    world.wait(lambda: world.stats().get("unchanged", 0) > before)
    world.settle()

    assert made_stamp(world, made) == stamp
    assert journals(world, id=odoo_id)[0]["name"] == name


def made_stamp(world: SandboxedBridge, made: dict):
    org = world.xero.org()
    with org.lock:
        return org.accounts[made["AccountID"]]["_updated"]


def test_an_odoo_journal_not_of_type_bank_is_not_this_entitys(world):
    cash, bank = unique("Petty Cash"), unique("Float Account")
    odoo_journal(world, name=cash, type="cash", code="PCSH")
    odoo_journal(world, name=bank, code="FLT", bank_acc_number=number())

    assert world.wait(lambda: xero_banks(world, Name=bank))
    world.settle()
    assert xero_banks(world, Name=cash) == []


def test_a_journal_deleted_in_odoo_deletes_the_unused_xero_bank_account(world):
    name = unique("Short Lived")
    journal = odoo_journal(world, name=name, code="SHL", bank_acc_number=number())
    assert world.wait(lambda: binding(world, odoo_id=journal))
    world.settle()
    pause_odoo_webhooks(world)
    try:
        world.odoo.env("admin").unlink(JOURNAL, [journal])
        Scheduler(world.runtime, plan=Plan(deletions=[DeletionSpec("bank_account", JOURNAL)])).reconcile()
        assert world.wait(lambda: xero_banks(world, Name=name) == [])
    finally:
        admin = world.odoo.env("admin").with_context(active_test=False)
        rules = admin.search("base.automation", [("name", "like", "Xero bridge: ")])
        admin.write("base.automation", rules, {"active": True})


def test_bulk_import_and_export_bring_each_side_the_others_bank_accounts(world):
    pause_odoo_webhooks(world)
    try:
        in_odoo = unique("Bulk Odoo Bank")
        odoo_journal(world, name=in_odoo, code="BLK", bank_acc_number=number())
    finally:
        admin = world.odoo.env("admin").with_context(active_test=False)
        admin.write(
            "base.automation",
            admin.search("base.automation", [("name", "like", "Xero bridge: ")]),
            {"active": True},
        )
    in_xero = unique("Bulk Xero Bank")
    xero_put(world, Name=in_xero, BankAccountNumber=number())
    ctx = world.context()

    imported = BankAccountBulk(ctx, "demo").import_()
    exported = BankAccountBulk(ctx, "demo").export()

    assert journals(world, name=in_xero) and xero_banks(world, Name=in_odoo)
    assert imported.refused == 0
    # Xero requires BankAccountNumber on a BANK account: the seed's journal without one is refused.
    numberless = [
        j
        for j in journals(world, type="bank", company_id=world.odoo.company_ids[0])
        if not j["bank_acc_number"] and not binding(world, odoo_id=j["id"])
    ]
    assert exported.refused == len(numberless) == 1
    again = BankAccountBulk(ctx, "demo").import_()
    assert again.created == again.updated == 0


def test_a_journal_change_with_its_webhook_lost_reaches_xero_after_a_poll(world):
    name = unique("Quiet Bank")
    pause_odoo_webhooks(world)
    try:
        odoo_journal(world, name=name, code="QBK", bank_acc_number=number())
        world.settle()
        assert xero_banks(world, Name=name) == []
        Scheduler(world.runtime, plan=Plan(watermark=[OdooJournalChanges()])).poll()
        assert world.wait(lambda: xero_banks(world, Name=name))
    finally:
        admin = world.odoo.env("admin").with_context(active_test=False)
        admin.write(
            "base.automation",
            admin.search("base.automation", [("name", "like", "Xero bridge: ")]),
            {"active": True},
        )
