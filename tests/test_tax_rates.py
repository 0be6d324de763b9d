"""Tax rates: Xero TaxRates ⇄ Odoo account.tax (consumers/tax_rates), end to end on the sandboxes.

Xero sends no webhooks for tax rates (xero-facts §1): Xero's side comes through the TaxRates hash
poller, whose first read also pairs Xero's system rates (NZ: OUTPUT2, INPUT2, NONE, ZERORATED,
EXEMPTOUTPUT) with Odoo's taxes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bridge.cli.sandboxed import SandboxedBridge
from bridge.polling.scheduler import Plan
from bridge.store import bindings
from consumers.tax_rates import TaxRateBulk
from consumers.tax_rates.canonical import Component, TaxRate, effective
from consumers.tax_rates.odoo_side import OdooTaxes
from consumers.tax_rates.polling import OdooTaxChanges, XeroTaxRateChanges
from tests.support.kits import open_mismatches
from tests.test_polling import pause_odoo_webhooks, scheduler, started

TAX = "account.tax"


@pytest.fixture
def world(tmp_path):
    """A world of its own: for tests that pause webhooks or read the mismatch log whole."""
    w = started(SandboxedBridge(home=str(tmp_path / "home")))
    yield w
    w.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One world for the tests that touch only records of their own names."""
    w = started(SandboxedBridge(home=str(tmp_path_factory.mktemp("shared") / "home")))
    yield w
    w.stop()


@pytest.fixture(scope="module")
def quiet(tmp_path_factory):
    """One world with no worker, for bulk runs alone."""
    w = started(SandboxedBridge(home=str(tmp_path_factory.mktemp("quiet") / "home"), workers=0))
    yield w
    w.stop()


def mismatches_of(world: SandboxedBridge, name: str) -> list:
    return [m for m in open_mismatches(world) if name in (m.record_name or "") or name in m.note]


def admin(world: SandboxedBridge):
    return world.odoo.env("admin").with_context(active_test=False)


def odoo_taxes(
    world: SandboxedBridge, name: str, fields=("name", "amount", "type_tax_use", "active")
) -> list:
    return admin(world).search_read(TAX, [("name", "=", name)], ["amount_type", *fields])


def xero_rates(world: SandboxedBridge, name: str) -> list[dict]:
    org = world.xero.org()
    with org.lock:
        return [dict(t) for t in org.tax_rates.values() if t["Name"] == name]


def xero_rate(world: SandboxedBridge, tax_type: str) -> dict:
    org = world.xero.org()
    with org.lock:
        return dict(org.tax_rates[tax_type])


def put_rate(world: SandboxedBridge, name: str, components: list[dict], report: str = "OUTPUT") -> str:
    element = {"Name": name, "ReportTaxType": report, "TaxComponents": components}
    response = world.xero_api("PUT", "TaxRates", json={"TaxRates": [element]})
    assert response.status_code == 200, response.text
    return response.json()["TaxRates"][0]["TaxType"]


def post_rate(world: SandboxedBridge, element: dict) -> None:
    response = world.xero_api("POST", "TaxRates", json={"TaxRates": [element]})
    assert response.status_code == 200, response.text


def poll_xero(world: SandboxedBridge):
    done = scheduler(world, plan=Plan(hashed=[XeroTaxRateChanges()])).reconcile()
    assert not done.failures, done.failures
    return done


def bound(world: SandboxedBridge, xero_id: str | None = None, odoo_id: int | None = None):
    with world.runtime.db.session() as session:
        if xero_id is not None:
            found = bindings.by_xero(session, "demo", "tax_rate", xero_id)
        else:
            found = bindings.by_odoo(session, "demo", "tax_rate", odoo_id)
        return found if found is not None and found.xero_id and found.odoo_id else None


def create_tax(world: SandboxedBridge, name: str, amount: float, use: str = "sale") -> int:
    (tax,) = world.odoo.env("admin").create(TAX, [{"name": name, "amount": amount, "type_tax_use": use}])
    return tax


def bulk(world: SandboxedBridge) -> TaxRateBulk:
    ctx = world.context()
    return TaxRateBulk(ctx, "demo")


# ------------------------------------------------------------------------------------ Odoo → Xero


def test_a_tax_created_in_odoo_becomes_a_xero_rate_with_its_rate_and_scope(shared):
    world = shared
    create_tax(world, "Levy 7.5%", 7.5, "purchase")
    assert world.wait(lambda: xero_rates(world, "Levy 7.5%")), "the tax never reached Xero"
    (rate,) = xero_rates(world, "Levy 7.5%")
    assert rate["TaxType"].startswith("TAX") and rate["ReportTaxType"] == "INPUT"
    assert [(c["Name"], Decimal(str(c["Rate"]))) for c in rate["TaxComponents"]] == [
        ("Levy 7.5%", Decimal("7.5"))
    ]


def test_a_tax_renamed_and_rerated_in_odoo_changes_its_xero_rate(shared):
    world = shared
    tax = create_tax(world, "Levy A", 5.0)
    assert world.wait(lambda: bound(world, odoo_id=tax))
    tax_type = bound(world, odoo_id=tax).xero_id
    world.odoo.env("admin").write(TAX, [tax], {"name": "Levy B", "amount": 6.25})
    assert world.wait(lambda: xero_rate(world, tax_type)["Name"] == "Levy B")
    assert world.wait(lambda: xero_rate(world, tax_type)["EffectiveRate"] == 6.25)
    assert xero_rates(world, "Levy A") == []


def test_a_tax_archived_in_odoo_deletes_its_xero_rate(shared):
    world = shared
    tax = create_tax(world, "Levy Gone", 3.0)
    assert world.wait(lambda: bound(world, odoo_id=tax))
    tax_type = bound(world, odoo_id=tax).xero_id
    world.odoo.env("admin").write(TAX, [tax], {"active": False})
    assert world.wait(lambda: xero_rate(world, tax_type)["Status"] == "DELETED")
    assert mismatches_of(world, "Levy Gone") == []


def test_a_group_tax_in_odoo_becomes_a_xero_rate_with_a_compound_component(shared):
    world = shared
    env = world.odoo.env("admin")
    (base,) = env.create(
        TAX, [{"name": "PST", "amount": 7.0, "type_tax_use": "none", "include_base_amount": True}]
    )
    (on_top,) = env.create(TAX, [{"name": "QST", "amount": 9.975, "type_tax_use": "none", "sequence": 2}])
    env.create(TAX, [{"name": "PST+QST", "amount_type": "group", "type_tax_use": "sale",
                      "children_tax_ids": [(6, 0, [base, on_top])]}])  # fmt: skip
    assert world.wait(lambda: xero_rates(world, "PST+QST")), "the group never reached Xero"
    (rate,) = xero_rates(world, "PST+QST")
    parts = [(c["Name"], Decimal(str(c["Rate"])), c["IsCompound"]) for c in rate["TaxComponents"]]
    assert parts == [("PST", Decimal("7"), False), ("QST", Decimal("9.975"), True)]
    assert Decimal(str(rate["EffectiveRate"])) == Decimal("17.67325")  # 7 + 9.975 × 1.07


def test_the_echo_of_an_exported_tax_writes_nothing_back(shared):
    world = shared
    tax = create_tax(world, "Levy Echo", 4.0)
    assert world.wait(lambda: bound(world, odoo_id=tax))
    world.settle()
    before = admin(world).read(TAX, [tax], ["write_date", "name"])
    tax_type = bound(world, odoo_id=tax).xero_id
    xero_before = xero_rate(world, tax_type)
    poll_xero(world)
    world.settle()
    assert admin(world).read(TAX, [tax], ["write_date", "name"]) == before
    assert xero_rate(world, tax_type) == xero_before


def test_the_odoo_poller_finds_a_tax_created_with_no_webhook(world):
    pause_odoo_webhooks(world)
    create_tax(world, "Levy Quiet", 2.5)
    world.settle()
    assert xero_rates(world, "Levy Quiet") == []
    done = scheduler(world, plan=Plan(watermark=[OdooTaxChanges()])).poll()
    assert not done.failures, done.failures
    assert world.wait(lambda: xero_rates(world, "Levy Quiet")), "the poll did not bring the tax"


# ------------------------------------------------------------------------------------ Xero → Odoo


def test_a_rate_created_in_xero_is_found_by_the_poller_and_created_in_odoo_excluded_from_the_price(shared):
    world = shared
    put_rate(world, "Duty 12%", [{"Name": "Duty", "Rate": 12}], report="INPUT")
    poll_xero(world)
    assert world.wait(lambda: odoo_taxes(world, "Duty 12%")), "the rate never reached Odoo"
    (tax,) = odoo_taxes(world, "Duty 12%", ("amount", "type_tax_use", "price_include", "active"))
    assert (tax["amount_type"], tax["amount"], tax["type_tax_use"]) == ("percent", 12.0, "purchase")
    assert tax["price_include"] is False and tax["active"] is True


def test_a_rate_renamed_then_deleted_in_xero_is_renamed_then_archived_in_odoo(shared):
    world = shared
    tax_type = put_rate(world, "Duty X", [{"Name": "Duty", "Rate": 8}])
    poll_xero(world)
    assert world.wait(lambda: bound(world, xero_id=tax_type))
    post_rate(world, {"TaxType": tax_type, "Name": "Duty Y"})
    poll_xero(world)
    assert world.wait(lambda: odoo_taxes(world, "Duty Y")), "the rename never reached Odoo"
    post_rate(world, {"TaxType": tax_type, "Status": "DELETED"})
    poll_xero(world)
    assert world.wait(lambda: odoo_taxes(world, "Duty Y")[0]["active"] is False)
    assert odoo_taxes(world, "Duty X") == []


def test_a_xero_rate_with_a_compound_component_becomes_an_odoo_group(shared):
    world = shared
    put_rate(world, "GST+PST", [{"Name": "GST", "Rate": 5}, {"Name": "PST", "Rate": 8, "IsCompound": True}])
    poll_xero(world)
    assert world.wait(lambda: odoo_taxes(world, "GST+PST")), "the rate never reached Odoo"
    (group,) = odoo_taxes(world, "GST+PST", ("children_tax_ids", "type_tax_use"))
    assert group["amount_type"] == "group" and group["type_tax_use"] == "sale"
    children = admin(world).read(
        TAX, group["children_tax_ids"], ["name", "amount", "include_base_amount", "type_tax_use"]
    )
    got = sorted((c["name"], c["amount"], c["include_base_amount"], c["type_tax_use"]) for c in children)
    assert got == [("GST+PST - GST", 5.0, True, "none"), ("GST+PST - PST", 8.0, False, "none")]


@pytest.fixture(params=[16, 17, 18, 19], ids=lambda v: f"odoo{v}")
def odoo(request):
    """An Odoo of each version, and the bridge's client acting in its first company."""
    from bridge.config import OdooSettings
    from bridge.odoo.client import OdooClient
    from sandboxes.odoo import OdooSandbox

    sandbox = OdooSandbox(version=request.param).start()
    settings = OdooSettings(
        url=sandbox.url, db=sandbox.db_name, username=sandbox.bridge_login, api_key=sandbox.bridge_api_key
    )
    yield OdooClient.connect(settings).in_company(sandbox.company_ids[0])
    sandbox.stop()


def test_a_tax_made_from_xero_is_excluded_from_the_price_on_every_version(odoo):
    """16/17 store price_include; 18+ compute it from price_include_override (odoo-facts §3.2)."""
    made = OdooTaxes().create(odoo, None, TaxRate("Duty V", Decimal("3.0000"), "sale"), "TAX901", "k")
    fields = ["price_include", "price_include_override"] if odoo.version >= 18 else ["price_include"]
    (tax,) = odoo.read(TAX, [made["id"]], fields)
    assert tax["price_include"] is False
    if odoo.version >= 18:
        assert tax["price_include_override"] == "tax_excluded"


def test_a_rate_with_a_compound_component_reads_back_the_same_from_odoo_on_every_version(odoo):
    parts = (Component(False, "GST", Decimal("5.0000")), Component(True, "PST", Decimal("8.0000")))
    rate = TaxRate("GST+PST", effective(parts), "sale", True, parts)
    side = OdooTaxes()
    made = side.create(odoo, None, rate, "TAX902", "k")
    assert side.canonical(odoo, made) == rate and rate.rate == Decimal("13.4000")


# ------------------------------------------------------------------------------------ system rates


def test_xeros_system_rates_are_bound_to_odoos_taxes_of_the_same_rate_and_scope_never_written(world):
    output2 = xero_rate(world, "OUTPUT2")
    company = world.odoo.company_ids[0]
    (sale15,) = admin(world).search_read(
        TAX, [("name", "=", "15%"), ("type_tax_use", "=", "sale"), ("company_id", "=", company)], ["name"]
    )
    poll_xero(world)
    assert world.wait(lambda: bound(world, xero_id="OUTPUT2"))
    world.settle()
    assert bound(world, xero_id="OUTPUT2").odoo_id == sale15["id"]
    assert xero_rate(world, "OUTPUT2") == output2  # a system rate is never written
    assert admin(world).read(TAX, [sale15["id"]], ["name"])[0]["name"] == "15%"  # nor renames the Odoo tax


def test_an_odoo_change_to_a_bound_system_rate_is_a_mismatch_naming_it(world):
    poll_xero(world)
    assert world.wait(lambda: bound(world, xero_id="OUTPUT2"))
    world.settle()
    tax = bound(world, xero_id="OUTPUT2").odoo_id
    world.odoo.env("admin").write(TAX, [tax], {"amount": 12.5})
    assert world.wait(lambda: open_mismatches(world))
    (entry,) = open_mismatches(world)
    assert "system tax rate OUTPUT2" in entry.note and "read-only" in entry.note
    assert xero_rate(world, "OUTPUT2")["EffectiveRate"] == 15.0


def test_an_ambiguous_match_is_a_mismatch_naming_the_candidates(world):
    pause_odoo_webhooks(world)  # two Odoo taxes of 11 % for purchases the bridge has not heard of
    first = create_tax(world, "Odd A", 11.0, "purchase")
    second = create_tax(world, "Odd B", 11.0, "purchase")
    put_rate(world, "Odd C", [{"Name": "Odd", "Rate": 11}], report="INPUT")
    poll_xero(world)
    assert world.wait(lambda: [m for m in open_mismatches(world) if "ambiguous" in m.note])
    (entry,) = [m for m in open_mismatches(world) if "ambiguous" in m.note]
    assert f"#{first}" in entry.note and f"#{second}" in entry.note
    assert odoo_taxes(world, "Odd C") == []


# ------------------------------------------------------------------------------------ conflicts


def conflicts(world: SandboxedBridge) -> list:
    from bridge.store import mismatches
    from bridge.store.mismatches import MismatchFilter

    with world.runtime.db.session() as session:
        return [m for m in mismatches.find(session, MismatchFilter(status=None)) if m.kind == "conflict"]


def test_a_rate_renamed_on_both_sides_goes_to_odoo_under_newest_wins_and_the_conflict_is_logged(world):
    """Xero's TaxRates carry no UpdatedDateUTC (xero_accounting.yaml TaxRate): under newest-wins the
    side with a modification time, Odoo, wins (consumers/framework/conflicts.py xero_wins)."""
    tax = create_tax(world, "Clash", 2.0)
    assert world.wait(lambda: bound(world, odoo_id=tax))
    tax_type = bound(world, odoo_id=tax).xero_id
    poll_xero(world)  # the poller's first read: its baseline
    world.settle()
    pause_odoo_webhooks(world)
    world.odoo.env("admin").write(TAX, [tax], {"name": "Clash Odoo"})
    post_rate(world, {"TaxType": tax_type, "Name": "Clash Xero"})
    poll_xero(world)  # Xero's rename arrives first: both renamed it since the last sync
    assert world.wait(lambda: conflicts(world)), "no conflict was logged"
    (entry,) = conflicts(world)
    assert entry.status == "resolved" and "Odoo's change was kept" in entry.note
    assert entry.details["overwritten"]["name"] == "Clash Xero"
    assert odoo_taxes(world, "Clash Odoo")  # kept
    done = scheduler(world, plan=Plan(watermark=[OdooTaxChanges()])).poll()  # Odoo's change goes next
    assert not done.failures, done.failures
    assert world.wait(lambda: xero_rate(world, tax_type)["Name"] == "Clash Odoo")


# ------------------------------------------------------------------------------------ the sandbox


def test_the_xero_sandbox_derives_can_apply_to_from_the_report_tax_type(shared):
    """OpenAPI getTaxRates example: INPUT2 ("INPUT") cannot apply to revenue, OUTPUT2 ("OUTPUT") cannot
    apply to expenses; CanApplyTo… are read-only."""
    purchase = xero_rate(shared, put_rate(shared, "Apply In", [{"Name": "T", "Rate": 1}], report="INPUT"))
    sale = xero_rate(shared, put_rate(shared, "Apply Out", [{"Name": "T", "Rate": 1}], report="OUTPUT"))
    assert (purchase["CanApplyToRevenue"], purchase["CanApplyToExpenses"]) == (False, True)
    assert (sale["CanApplyToRevenue"], sale["CanApplyToExpenses"]) == (True, False)


# ------------------------------------------------------------------------------------ bulk


def test_a_bulk_export_resumes_after_its_checkpoint(quiet):
    world = quiet
    taxes = [create_tax(world, f"Bulk Levy {n}", 1.0 + n) for n in range(3)]
    sync = bulk(world)
    sync.save_checkpoint("export", str(taxes[0]))  # an earlier run got as far as the first
    report = sync.export()
    assert report.created == 2 and xero_rates(world, "Bulk Levy 0") == []
    assert sync.checkpoint("export") is None
    report = bulk(world).export()
    assert all(xero_rates(world, f"Bulk Levy {n}") for n in range(3))
    assert report.created == 1


def test_a_bulk_import_creates_xeros_rates_in_odoo(quiet):
    world = quiet
    put_rate(world, "Bulk Duty", [{"Name": "Duty", "Rate": 4}])
    report = bulk(world).import_()
    assert report.refused == 0, open_mismatches(world)
    assert odoo_taxes(world, "Bulk Duty") and bound(world, xero_id="OUTPUT2")
    again = bulk(world).import_()
    assert again.created == 0 and again.updated == 0
