"""Currencies: Xero Currencies ⇄ Odoo res.currency (consumers/currencies), end to end on the sandboxes.

The default world pairs the Xero organisation "Demo Company (NZ)" (base NZD) with the Odoo company
"My Company" (base USD): a base mismatch, which is one of the behaviours tested. Tests that need equal
bases give the Xero organisation a USD base, as an organisation created in the US would have."""

from __future__ import annotations

import dataclasses

import pytest

from bridge.cli.sandboxed import SandboxedBridge
from bridge.polling.scheduler import Plan
from bridge.store import bindings
from consumers.currencies import CurrencyBulk
from consumers.currencies.polling import OdooCurrencyChanges, XeroCurrencyChanges
from tests.support.documents import usd_organisation
from tests.support.kits import open_mismatches
from tests.support.kits_currency import odoo_can_activate_currencies
from tests.test_polling import pause_odoo_webhooks, scheduler, started


@pytest.fixture
def world(tmp_path):
    w = started(SandboxedBridge(home=str(tmp_path / "home")))
    yield w
    w.stop()


def xero_codes(world: SandboxedBridge) -> list[str]:
    org = world.xero.org()
    with org.lock:
        return sorted(org.currencies)


def odoo_active(world: SandboxedBridge, code: str) -> bool:
    admin = world.odoo.env("admin").with_context(active_test=False)
    (row,) = admin.search_read("res.currency", [("name", "=", code)], ["active"])
    return row["active"]


def odoo_currency_id(world: SandboxedBridge, code: str) -> int:
    admin = world.odoo.env("admin").with_context(active_test=False)
    return admin.search("res.currency", [("name", "=", code)])[0]


def binding(world: SandboxedBridge, code: str):
    with world.runtime.db.session() as session:
        found = bindings.by_xero(session, "demo", "currency", code)
        return found if found is not None and found.odoo_id else None


def xero_poll(world: SandboxedBridge):
    return scheduler(world, plan=Plan(hashed=[XeroCurrencyChanges()])).reconcile()


def bulk(world: SandboxedBridge) -> CurrencyBulk:
    ctx = world.context()
    return CurrencyBulk(ctx, "demo")


# ------------------------------------------------------------------------------------ Odoo → Xero


def test_a_currency_activated_in_odoo_is_added_to_xero(world):
    assert "GBP" not in xero_codes(world)
    world.odoo.env("admin").write("res.currency", [odoo_currency_id(world, "GBP")], {"active": True})
    assert world.wait(lambda: "GBP" in xero_codes(world)), "GBP never reached Xero"
    assert world.wait(lambda: binding(world, "GBP"))
    assert binding(world, "GBP").odoo_id == odoo_currency_id(world, "GBP")


def test_the_echo_of_an_added_currency_writes_nothing_back(world):
    world.odoo.env("admin").write("res.currency", [odoo_currency_id(world, "GBP")], {"active": True})
    assert world.wait(lambda: binding(world, "GBP"))
    world.settle()
    odoo_writes = odoo_write_date(world, "GBP")
    done = xero_poll(world)  # the poller's first read sees GBP: bound, so nothing is sent
    assert not done.failures, done.failures
    world.settle()
    assert [e.resource_id for r in done.results for e in r.events if e.resource_id == "GBP"] == []
    assert odoo_write_date(world, "GBP") == odoo_writes
    assert xero_codes(world).count("GBP") == 1


def odoo_write_date(world: SandboxedBridge, code: str):
    admin = world.odoo.env("admin").with_context(active_test=False)
    return admin.read("res.currency", [odoo_currency_id(world, code)], ["write_date"])[0]["write_date"]


def test_xero_refuses_a_currency_without_multi_currency_and_the_refusal_is_a_mismatch(world):
    org = world.xero.org()
    with org.lock:
        org.tenant = dataclasses.replace(org.tenant, multicurrency=False)
    world.odoo.env("admin").write("res.currency", [odoo_currency_id(world, "GBP")], {"active": True})
    assert world.wait(lambda: open_mismatches(world))
    (entry,) = open_mismatches(world)
    assert entry.entity == "currency" and "multi-currency" in entry.note
    assert "GBP" not in xero_codes(world)


def test_a_currency_archived_in_odoo_is_a_mismatch_saying_xero_cannot_remove_it(world):
    admin = world.odoo.env("admin")
    gbp = odoo_currency_id(world, "GBP")
    admin.write("res.currency", [gbp], {"active": True})
    assert world.wait(lambda: binding(world, "GBP"))
    admin.write("res.currency", [gbp], {"active": False})
    assert world.wait(lambda: open_mismatches(world))
    (entry,) = open_mismatches(world)
    assert "cannot remove or disable a currency" in entry.note
    assert "GBP" in xero_codes(world)  # Xero keeps it: its API has no delete


def test_the_odoo_poller_finds_a_currency_activated_with_no_webhook(world):
    pause_odoo_webhooks(world)
    world.odoo.env("admin").write("res.currency", [odoo_currency_id(world, "GBP")], {"active": True})
    world.settle()
    assert "GBP" not in xero_codes(world)
    done = scheduler(world, plan=Plan(watermark=[OdooCurrencyChanges()])).poll()
    assert not done.failures, done.failures
    assert world.wait(lambda: "GBP" in xero_codes(world)), "the poll did not bring GBP"


# ------------------------------------------------------------------------------------ base currency


def test_different_base_currencies_are_one_mismatch_per_connection_naming_both(world):
    done = xero_poll(world)  # the first read: NZD (Xero's base) is sent once
    assert not done.failures, done.failures
    assert world.wait(lambda: open_mismatches(world))
    world.settle()
    (entry,) = open_mismatches(world)
    assert entry.connection_id == "demo" and entry.entity == "currency"
    assert "base currencies differ" in entry.note and "NZD" in entry.note and "USD" in entry.note
    assert not odoo_active(world, "NZD")  # never activated, never made the base
    assert [r.sent for r in xero_poll(world).results] == [0]  # recorded: not reported again


def test_equal_base_currencies_are_bound_and_nothing_is_written(world):
    usd_organisation(world)
    before = odoo_write_date(world, "USD")
    done = xero_poll(world)
    assert not done.failures, done.failures
    assert world.wait(lambda: binding(world, "USD"))
    world.settle()
    assert open_mismatches(world) == []
    assert odoo_write_date(world, "USD") == before
    assert xero_codes(world) == ["USD"]


# ------------------------------------------------------------------------------------ Xero → Odoo


def test_a_currency_added_in_xero_is_found_by_the_poller_and_activated_in_odoo(world):
    if not odoo_can_activate_currencies(world):
        pytest.skip("the Odoo sandbox lets only Settings write res.currency (Odoo: account managers too)")
    usd_organisation(world)
    assert world.xero_api("PUT", "Currencies", json={"Currencies": [{"Code": "GBP"}]}).status_code == 200
    done = xero_poll(world)
    assert not done.failures, done.failures
    assert world.wait(lambda: odoo_active(world, "GBP")), "GBP was not activated in Odoo"
    assert world.wait(lambda: binding(world, "GBP"))


def test_a_currency_added_in_xero_and_already_active_in_odoo_is_bound_without_a_write(world):
    usd_organisation(world)
    assert world.xero_api("PUT", "Currencies", json={"Currencies": [{"Code": "EUR"}]}).status_code == 200
    before = odoo_write_date(world, "EUR")
    xero_poll(world)
    assert world.wait(lambda: binding(world, "EUR"))
    assert binding(world, "EUR").odoo_id == odoo_currency_id(world, "EUR")
    assert odoo_write_date(world, "EUR") == before
    assert open_mismatches(world) == []


# ------------------------------------------------------------------------------------ bulk


def test_a_bulk_export_adds_odoos_active_currencies_but_never_the_base_and_resumes(world):
    usd_organisation(world)
    sync = bulk(world)
    eur = odoo_currency_id(world, "EUR")
    sync.save_checkpoint("export", str(eur))  # an earlier run did everything up to EUR
    report = sync.export()
    assert report.created == 1 and "EUR" not in xero_codes(world)  # AUD only: after the checkpoint
    assert sync.checkpoint("export") is None
    report = bulk(world).export()
    assert xero_codes(world) == ["AUD", "EUR", "USD"]
    assert report.created == 1 and report.unchanged == 1  # EUR new, AUD already there; USD is the base


def test_a_bulk_import_binds_xeros_currencies(world):
    usd_organisation(world)
    assert world.xero_api("PUT", "Currencies", json={"Currencies": [{"Code": "EUR"}]}).status_code == 200
    report = bulk(world).import_()
    assert report.unchanged == 2, report  # USD and EUR: both active in Odoo already
    assert binding(world, "EUR") and binding(world, "USD")
    assert open_mismatches(world) == []
