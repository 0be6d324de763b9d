"""Chart of accounts both ways: Xero Accounts (not BANK) ⇄ Odoo account.account (consumers/accounts).

Xero sends no webhook for accounts (xero-facts §1): Xero's changes come from the poller
(If-Modified-Since). Odoo's come from its webhook rule (17) or its write_date poller. One world is
shared by the module's tests; each uses accounts of its own."""

from __future__ import annotations

import time
import uuid

import pytest

from bridge.broker.publisher import Outgoing
from bridge.cli.sandboxed import SandboxedBridge
from bridge.events import Event, now
from bridge.polling.scheduler import Plan, Scheduler
from bridge.store import bindings, entity_settings, mismatches
from bridge.store.mismatches import MismatchFilter
from consumers.accounts.bulk import AccountBulk
from consumers.accounts.polling import OdooAccountChanges, XeroAccountChanges
from consumers.accounts.settings import inventory_account, set_inventory_account
from tests.test_polling import pause_odoo_webhooks, started

MODEL = "account.account"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = started(SandboxedBridge(home=str(tmp_path_factory.mktemp("accounts") / "home")))
    yield w
    w.stop()


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def code() -> str:
    return uuid.uuid4().hex[:6].upper()


# ------------------------------------------------------------------------------------ helpers


def xero_accounts(world: SandboxedBridge, **match) -> list[dict]:
    """Read from the sandbox directly (reads in a loop would spend the tenant's API budget)."""
    org = world.xero.org()
    with org.lock:
        return [dict(a) for a in org.accounts.values() if all(a.get(k) == v for k, v in match.items())]


def odoo_accounts(world: SandboxedBridge, **match) -> list[dict]:
    admin = world.odoo.env("admin").with_context(active_test=False)
    fields = ["code", "name", "account_type", "note", "tax_ids", "write_date"]
    fields += ["active"] if world.odoo_version >= 19 else ["deprecated"]
    return admin.search_read(MODEL, [(k, "=", v) for k, v in match.items()], fields)


def xero_call(world: SandboxedBridge, method: str, path: str, **kwargs):
    """A user's call to Xero. The user shares the tenant's 60 calls a minute with the bridge: a 429 is
    waited out as Retry-After says (at most twice), as Xero asks of every app."""
    for _ in range(3):
        response = world.xero_api(method, path, **kwargs)
        if response.status_code != 429:
            return response
        time.sleep(min(float(response.headers.get("Retry-After", "1")), 30))
    return response


def xero_put(world: SandboxedBridge, **account) -> dict:
    response = xero_call(world, "PUT", "Accounts", json={"Accounts": [account]})
    assert response.status_code == 200, response.text
    return response.json()["Accounts"][0]


def xero_post(world: SandboxedBridge, account_id: str, **changes) -> dict:
    body = {"Accounts": [{"AccountID": account_id, **changes}]}
    response = xero_call(world, "POST", f"Accounts/{account_id}", json=body)
    assert response.status_code == 200, response.text
    return response.json()["Accounts"][0]


def odoo_create(world: SandboxedBridge, **vals) -> int:
    (account_id,) = world.odoo.env("admin").create(MODEL, [vals])
    return account_id


def poll_xero(world: SandboxedBridge):
    """One round of the Xero accounts poller (what `bridge scheduler` runs every interval)."""
    done = Scheduler(world.runtime, keep_events=True, plan=Plan(watermark=[XeroAccountChanges()])).poll()
    assert not done.failures, done.failures
    return done


def poll_odoo(world: SandboxedBridge):
    done = Scheduler(world.runtime, keep_events=True, plan=Plan(watermark=[OdooAccountChanges()])).poll()
    assert not done.failures, done.failures
    return done


def binding(world: SandboxedBridge, xero_id: str | None = None, odoo_id: int | None = None):
    with world.runtime.db.session() as session:
        found = (
            bindings.by_xero(session, "demo", "account", xero_id)
            if xero_id
            else bindings.by_odoo(session, "demo", "account", odoo_id)
        )
        return found if found is not None and found.xero_id and found.odoo_id else None


def open_mismatches(world: SandboxedBridge) -> list:
    with world.runtime.db.session() as session:
        found = mismatches.find(session, MismatchFilter(status="open", entity="account"))
        return [(m.note, m.source_id) for m in found]


def synced_from_odoo(world: SandboxedBridge, name: str, **vals) -> tuple[int, dict]:
    account_id = odoo_create(world, name=name, code=vals.pop("code", code()), **vals)
    assert world.wait(lambda: xero_accounts(world, Name=name)), f"{name} never reached Xero"
    assert world.wait(lambda: binding(world, odoo_id=account_id))
    world.settle()
    return account_id, xero_accounts(world, Name=name)[0]


# ------------------------------------------------------------------------------------ Odoo → Xero


def test_an_account_created_in_odoo_appears_in_xero_with_its_code_type_and_description(world):
    name = unique("Shop Fittings")
    number = code()
    odoo_create(world, name=name, code=number, account_type="asset_fixed", note="Shelving\nand racks")

    assert world.wait(lambda: xero_accounts(world, Name=name))
    (made,) = xero_accounts(world, Name=name)
    assert (made["Code"], made["Type"], made["Description"], made["Status"]) == (
        number, "FIXED", "Shelving\nand racks", "ACTIVE",
    )  # fmt: skip


def test_a_rename_in_odoo_keeps_the_xero_type_of_the_same_kind(world):
    """Xero OVERHEADS and Odoo expense are one kind: a rename does not make it EXPENSE."""
    number = code()
    made = xero_put(world, Code=number, Name=unique("Rent"), Type="OVERHEADS")
    poll_xero(world)
    assert world.wait(lambda: binding(world, xero_id=made["AccountID"]))
    odoo_id = binding(world, xero_id=made["AccountID"]).odoo_id
    assert odoo_accounts(world, id=odoo_id)[0]["account_type"] == "expense"
    world.settle()

    renamed = unique("Office Rent")
    world.odoo.env("admin").write(MODEL, [odoo_id], {"name": renamed})

    assert world.wait(lambda: xero_accounts(world, Name=renamed))
    assert xero_accounts(world, Name=renamed)[0]["Type"] == "OVERHEADS"


def test_an_account_archived_in_odoo_is_archived_in_xero(world):
    name = unique("Old Stationery")
    account_id, _ = synced_from_odoo(world, name, account_type="expense")
    world.odoo.env("admin").write(MODEL, [account_id], {"deprecated": True})

    assert world.wait(lambda: xero_accounts(world, Name=name)[0]["Status"] == "ARCHIVED")


def test_the_echo_of_a_write_in_xero_writes_nothing_back(world):
    name = unique("Echo Fees")
    account_id, made = synced_from_odoo(world, name, account_type="income")
    odoo_before = odoo_accounts(world, id=account_id)[0]["write_date"]

    poll_xero(world)  # the Xero account the bridge created comes back as a change
    world.settle()

    assert xero_accounts(world, Name=name)[0]["_updated"] == made["_updated"]
    assert odoo_accounts(world, id=account_id)[0]["write_date"] == odoo_before
    assert open_mismatches(world) == []


def test_an_odoo_account_with_a_code_xero_cannot_take_is_a_mismatch_with_xeros_message(world):
    name = unique("Long Code")
    account_id = odoo_create(world, name=name, code="12345678901", account_type="expense")

    assert world.wait(lambda: [m for m in open_mismatches(world) if m[1] == str(account_id)])
    (note,) = [n for n, source in open_mismatches(world) if source == str(account_id)]
    assert "10 characters" in note
    assert xero_accounts(world, Name=name) == []


# ------------------------------------------------------------------------------------ Xero → Odoo


def test_an_account_created_in_xero_reaches_odoo_through_the_poller(world):
    name = unique("Consulting Income")
    number = code()
    made = xero_put(world, Code=number, Name=name, Type="OTHERINCOME", Description="Advice")
    world.settle()
    assert odoo_accounts(world, name=name) == []  # no webhook for accounts: nothing brought it yet

    done = poll_xero(world)

    events = [e for r in done.results for e in r.events]
    assert [(e.entity, e.resource_id, e.origin) for e in events] == [("account", made["AccountID"], "poll")]
    assert world.wait(lambda: odoo_accounts(world, name=name))
    (account,) = odoo_accounts(world, name=name)
    assert (account["code"], account["account_type"], account["note"]) == (number, "income_other", "Advice")


def test_an_account_archived_in_xero_is_deprecated_in_odoo_after_a_poll(world):
    name = unique("Old Travel")
    made = xero_put(world, Code=code(), Name=name, Type="EXPENSE")
    poll_xero(world)
    assert world.wait(lambda: odoo_accounts(world, name=name))
    world.settle()

    xero_post(world, made["AccountID"], Status="ARCHIVED")
    poll_xero(world)

    assert world.wait(lambda: odoo_accounts(world, name=name)[0]["deprecated"] is True)


def test_a_bank_account_in_xero_is_not_this_entitys(world):
    name, other = unique("Savings"), unique("Interest Received")
    xero_put(world, Code=code(), Name=name, Type="BANK", BankAccountNumber="12-3456-7890123-00")
    xero_put(world, Code=code(), Name=other, Type="REVENUE")

    done = poll_xero(world)

    assert [e.payload["Name"] for r in done.results for e in r.events] == [other]
    assert world.wait(lambda: odoo_accounts(world, name=other))
    assert odoo_accounts(world, name=name) == []


# ------------------------------------------------------------------------------------ system accounts


def test_xeros_receivable_system_account_is_bound_to_odoos_receivable_account_and_not_written(world):
    (debtors,) = xero_accounts(world, SystemAccount="DEBTORS")
    (receivable,) = odoo_accounts(
        world, account_type="asset_receivable", company_id=world.odoo.company_ids[0]
    )
    event = Event(
        source="xero", origin="poll", connection="demo", tenant_id=world.xero.tenants[0].tenant_id,
        entity="account", resource_id=debtors["AccountID"], change_type="update", occurred_at=now(),
        dedupe_key=f"test|debtors|{uuid.uuid4().hex}",
    )  # fmt: skip
    world.runtime.publisher.publish([Outgoing.of(event)])

    assert world.wait(lambda: binding(world, xero_id=debtors["AccountID"]))
    assert binding(world, xero_id=debtors["AccountID"]).odoo_id == receivable["id"]
    world.settle()
    assert odoo_accounts(world, id=receivable["id"])[0]["name"] == receivable["name"]  # not renamed
    assert odoo_accounts(world, id=receivable["id"])[0]["code"] == receivable["code"]
    assert xero_accounts(world, SystemAccount="DEBTORS")[0]["_updated"] == debtors["_updated"]


# ------------------------------------------------------------------------------------ conflicts


def test_both_sides_renamed_since_the_last_sync_the_policy_decides_and_the_loser_is_kept(world):
    number = code()
    made = xero_put(world, Code=number, Name=unique("Freight"), Type="DIRECTCOSTS")
    poll_xero(world)
    assert world.wait(lambda: binding(world, xero_id=made["AccountID"]))
    odoo_id = binding(world, xero_id=made["AccountID"]).odoo_id
    world.settle()
    with world.runtime.db.session() as session:
        entity_settings.put(session, "demo", "account", conflict_policy="xero-wins")
    try:
        pause_odoo_webhooks_for_accounts(world)
        odoo_name, xero_name = unique("Freight Odoo"), unique("Freight Xero")
        world.odoo.env("admin").write(MODEL, [odoo_id], {"name": odoo_name})
        xero_post(world, made["AccountID"], Name=xero_name)

        poll_xero(world)

        assert world.wait(lambda: odoo_accounts(world, id=odoo_id)[0]["name"] == xero_name)
        with world.runtime.db.session() as session:
            conflicts = [
                m for m in mismatches.find(session, MismatchFilter(status="resolved", entity="account"))
                if m.kind == "conflict"
            ]  # fmt: skip
            assert [c.details["overwritten"]["name"] for c in conflicts] == [odoo_name]
    finally:
        resume_odoo_webhooks(world)
        with world.runtime.db.session() as session:
            entity_settings.put(session, "demo", "account", conflict_policy="newest-wins")


def pause_odoo_webhooks_for_accounts(world: SandboxedBridge) -> None:
    pause_odoo_webhooks(world)


def resume_odoo_webhooks(world: SandboxedBridge) -> None:
    admin = world.odoo.env("admin").with_context(active_test=False)
    rules = admin.search("base.automation", [("name", "like", "Xero bridge: ")])
    admin.write("base.automation", rules, {"active": True})


# ------------------------------------------------------------------------------------ deletions


def test_an_unused_account_deleted_in_odoo_is_deleted_in_xero(world):
    name = unique("Temporary")
    account_id, made = synced_from_odoo(world, name, account_type="expense")
    world.odoo.env("admin").unlink(MODEL, [account_id])

    done = Scheduler(world.runtime, keep_events=True, plan=Plan(deletions=default_deletions())).reconcile()

    assert not done.failures
    assert world.wait(lambda: xero_accounts(world, Name=name) == [])


def test_an_account_with_transactions_deleted_in_odoo_is_archived_in_xero(world):
    name = unique("Used Expenses")
    account_id, made = synced_from_odoo(world, name, account_type="expense")
    contact = xero_call(world, "PUT", "Contacts", json={"Contacts": [{"Name": unique("Supplier")}]})
    invoice = {
        "Type": "ACCPAY", "Contact": {"ContactID": contact.json()["Contacts"][0]["ContactID"]},
        "LineItems": [{"Description": "Paper", "Quantity": 1, "UnitAmount": 10, "AccountCode": made["Code"]}],
    }  # fmt: skip
    response = xero_call(world, "PUT", "Invoices", json={"Invoices": [invoice]})
    assert response.status_code == 200, response.text
    world.odoo.env("admin").unlink(MODEL, [account_id])

    Scheduler(world.runtime, keep_events=True, plan=Plan(deletions=default_deletions())).reconcile()

    assert world.wait(lambda: xero_accounts(world, Name=name)[0]["Status"] == "ARCHIVED")


def default_deletions() -> list:
    from bridge.polling.deletions import DeletionSpec

    return [DeletionSpec("account", MODEL)]


# ------------------------------------------------------------------------------------ inventory


def test_a_xero_inventory_account_imported_becomes_the_connections_inventory_account(world):
    with_no_inventory_account(world)
    made = xero_put(world, Code=code(), Name=unique("Stock on Hand"), Type="INVENTORY")
    poll_xero(world)
    assert world.wait(lambda: binding(world, xero_id=made["AccountID"]))

    odoo_id = binding(world, xero_id=made["AccountID"]).odoo_id
    assert odoo_accounts(world, id=odoo_id)[0]["account_type"] == "asset_current"
    assert inventory_account(world.runtime.db, "demo") == odoo_id


def test_the_odoo_inventory_account_is_created_in_xero_as_an_inventory_account(world):
    name = unique("Warehouse Stock")
    pause_odoo_webhooks(world)
    try:
        account_id = odoo_create(world, name=name, code=code(), account_type="asset_current")
        set_inventory_account(world.runtime.db, "demo", account_id)
        poll_odoo(world)
        # The module's tests share one tenant at Xero's real clock: its 60 calls a minute may be spent, and
        # the export then waits for the next minute (xero-facts §2).
        assert world.wait(lambda: xero_accounts(world, Name=name), timeout=70)
        assert xero_accounts(world, Name=name)[0]["Type"] == "INVENTORY"
    finally:
        resume_odoo_webhooks(world)
        with_no_inventory_account(world)


def with_no_inventory_account(world: SandboxedBridge) -> None:
    set_inventory_account(world.runtime.db, "demo", None)


# ------------------------------------------------------------------------------------ find


def test_two_odoo_accounts_with_the_xero_accounts_name_are_a_mismatch_naming_both(world):

    name = unique("Duplicate Name")
    pause_odoo_webhooks(world)
    try:
        first = odoo_create(world, name=name, code=code(), account_type="expense")
        second = odoo_create(world, name=name, code=code(), account_type="expense")
    finally:
        resume_odoo_webhooks(world)
    made = xero_put(world, Code=code(), Name=name, Type="EXPENSE")

    poll_xero(world)

    assert world.wait(lambda: [m for m in open_mismatches(world) if m[1] == made["AccountID"]])
    (note,) = [n for n, source in open_mismatches(world) if source == made["AccountID"]]
    assert f"#{first}" in note and f"#{second}" in note
    assert len(odoo_accounts(world, name=name)) == 2


# ------------------------------------------------------------------------------------ bulk


def test_bulk_import_brings_the_chart_and_a_second_run_changes_nothing(world):
    names = [unique("Bulk Import") for _ in range(3)]
    for name in names:
        xero_put(world, Code=code(), Name=name, Type="EXPENSE")
    ctx = world.context()

    first = AccountBulk(ctx, "demo").import_()

    assert all(len(odoo_accounts(world, name=n)) == 1 for n in names)
    assert first.created >= 3  # and the seed's accounts Odoo lacked (the shared world has others too)
    second = AccountBulk(ctx, "demo").import_()
    assert second.created == 0 and second.updated == 0
    assert second.xero_calls == 1  # the whole chart in one read


def test_bulk_export_resumes_after_its_checkpoint(world):
    pause_odoo_webhooks(world)
    try:
        ids = [
            odoo_create(world, name=unique("Bulk Export"), code=code(), account_type="income")
            for _ in range(3)
        ]
    finally:
        resume_odoo_webhooks(world)
    ctx = world.context()
    run = AccountBulk(ctx, "demo")
    run.save_checkpoint("export", str(ids[0]))  # a run interrupted after the first of them

    report = run.export()

    names = {a["name"]: a["id"] for a in odoo_accounts(world) if a["id"] in ids}
    in_xero = {n for n in names if xero_accounts(world, Name=n)}
    assert in_xero == {n for n, i in names.items() if i != ids[0]}
    assert report.refused == 0
    assert run.checkpoint("export") is None
    # the chart is read once for the run's matching, then one PUT per account (Xero takes one a call)
    assert report.created == 2 and report.xero_calls == 1 + 2, report
