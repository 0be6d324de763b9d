"""Accounts and bank journals on every Odoo version (17 is tests/test_accounts.py and
tests/test_bank_accounts.py): 16/17 `company_id` + `deprecated`, 18 `company_ids` + `deprecated`,
19 `company_ids` + `active` (odoo-facts §3.3); journals' codes cut to 5 and generated per version
(sandboxes/odoo/business/journals.py). Through the pollers, which every version has (16 has no
webhook action). One world per version, shared by its tests."""

from __future__ import annotations

import pytest

from bridge.cli.sandboxed import SandboxedBridge
from bridge.polling.scheduler import Plan, Scheduler
from consumers.bank_accounts.polling import OdooJournalChanges, XeroBankAccountChanges
from tests.test_accounts import (
    MODEL,
    binding,
    code,
    poll_odoo,
    poll_xero,
    unique,
    xero_accounts,
    xero_post,
    xero_put,
)
from tests.test_bank_accounts import journals, number
from tests.test_polling import started


@pytest.fixture(scope="module", params=[16, 18, 19], ids=lambda v: f"odoo{v}")
def world(request, tmp_path_factory):
    w = started(
        SandboxedBridge(
            home=str(tmp_path_factory.mktemp(f"v{request.param}") / "home"), odoo_version=request.param
        )
    )
    yield w
    w.stop()


def test_an_account_syncs_both_ways_with_the_versions_company_and_archive_fields(world):
    version = world.odoo_version
    admin = world.odoo.env("admin")
    name = unique("Versioned")
    company = {"company_ids": [(6, 0, [world.odoo.company_ids[0]])]} if version >= 18 else {}
    admin.create(MODEL, [{"name": name, "code": code(), "account_type": "expense", **company}])
    poll_odoo(world)
    assert world.wait(lambda: xero_accounts(world, Name=name)), f"Odoo {version}: never reached Xero"

    made = xero_put(world, Code=code(), Name=unique("From Xero"), Type="SALES")
    poll_xero(world)
    assert world.wait(lambda: binding(world, xero_id=made["AccountID"]))
    odoo_id = binding(world, xero_id=made["AccountID"]).odoo_id
    fields = ["account_type", "company_ids" if version >= 18 else "company_id"]
    (row,) = admin.with_context(active_test=False).read(MODEL, [odoo_id], fields)
    assert row["account_type"] == "income"
    assert (row["company_ids"] if version >= 18 else [row["company_id"][0]]) == [world.odoo.company_ids[0]]
    world.settle()

    xero_post(world, made["AccountID"], Status="ARCHIVED")
    poll_xero(world)
    field, archived = ("active", False) if version >= 19 else ("deprecated", True)
    assert world.wait(
        lambda: admin.with_context(active_test=False).read(MODEL, [odoo_id], [field])[0][field] == archived
    )


def test_a_bank_account_syncs_both_ways_as_a_bank_journal(world):
    admin = world.odoo.env("admin").with_context(active_test=False)
    admin.write("res.currency", admin.search("res.currency", [("name", "=", "NZD")]), {"active": True})
    nzd = admin.search("res.currency", [("name", "=", "NZD")])[0]
    name, account_number = unique("Versioned Bank"), number()
    admin.create(
        "account.journal",
        [
            {
                "name": name,
                "type": "bank",
                "code": "VBANK1",
                "bank_acc_number": account_number,
                "currency_id": nzd,
            }
        ],
    )
    Scheduler(world.runtime, plan=Plan(watermark=[OdooJournalChanges()])).poll()
    assert world.wait(lambda: [a for a in xero_accounts(world, Name=name, Type="BANK")])
    (made,) = xero_accounts(world, Name=name)
    assert (made["Code"], made["BankAccountNumber"], made["CurrencyCode"]) == ("VBANK", account_number, "NZD")

    from_xero = unique("Xero Bank")
    xero_put(world, Type="BANK", Name=from_xero, BankAccountNumber=number())
    Scheduler(world.runtime, plan=Plan(watermark=[XeroBankAccountChanges()])).poll()
    assert world.wait(lambda: [j for j in journals(world, name=from_xero) if j["bank_account_id"]])
    (journal,) = journals(world, name=from_xero)
    assert journal["code"] and journal["bank_account_id"] and journal["default_account_id"]
