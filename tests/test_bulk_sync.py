"""`bridge sync contact`: whole entities in batches, with forecast, resume and dry run."""

from __future__ import annotations

import time

import pytest

from bridge.cli.sandboxed import SandboxedBridge
from bridge.errors import TransientError
from bridge.store import bindings, mismatches
from bridge.store.mismatches import MismatchFilter
from bridge.xero.governor import RateLimited
from consumers.contacts.bulk import ContactBulk
from sandboxes.xero.faults import Fault


@pytest.fixture
def world(tmp_path):
    w = SandboxedBridge(home=str(tmp_path / "home"), workers=0).start()  # no real-time worker: bulk alone
    yield w
    w.stop()


def engine(world: SandboxedBridge) -> ContactBulk:
    ctx = world.context()
    return ContactBulk(ctx, "demo")


def make_partners(world: SandboxedBridge, count: int, broken: int | None = None) -> list[int]:
    rows = [
        {
            "name": f"Bulk Partner {i:04d}",
            "email": "not an email" if i == broken else f"p{i}@bulk.test",
            "is_company": True,
        }
        for i in range(count)
    ]
    return world.odoo.env("admin").create("res.partner", rows)


def xero_names(world: SandboxedBridge, prefix: str = "Bulk Partner") -> list[str]:
    org = world.xero.org()
    with org.lock:
        return sorted(c["Name"] for c in org.contacts.values() if c["Name"].startswith(prefix))


def test_an_export_writes_batches_of_50_and_maps_each_result_back(world):
    ids = make_partners(world, 120, broken=77)
    sync = engine(world)
    # the 120 only: not the partners of Odoo's users (OdooBot, admin, the bridge) or of its companies
    forecast = sync.forecast("export")
    assert forecast.records == 120 and forecast.xero_calls == 1 + -(-forecast.records // 50)
    report = sync.export()
    assert (report.created, report.refused) == (forecast.records - 1, 1)
    assert report.xero_calls == forecast.xero_calls  # the groups read, then one call per 50 records
    assert len(xero_names(world)) == 119
    with world.runtime.db.session() as session:
        assert bindings.by_odoo(session, "demo", "contact", ids[0]).xero_id
        (entry,) = mismatches.find(session, MismatchFilter())
        assert entry.source_id == str(ids[77]) and "Email" in entry.note


def test_a_second_export_finds_everything_unchanged_and_calls_xero_not_at_all(world):
    make_partners(world, 60)
    engine(world).export()
    again = engine(world).export()
    assert (again.created, again.updated, again.xero_calls) == (
        0,
        0,
        1,
    ) and again.unchanged >= 60  # groups read


def test_an_interrupted_export_resumes_after_its_checkpoint_without_duplicates(world):
    make_partners(world, 150)
    first = engine(world)
    total = first.forecast("export").records
    done: list[int] = []

    def progress(n: int) -> None:  # Xero goes down for good once the first batch is in
        done.append(n)
        if sum(done) == 50:
            world.xero.inject_fault(
                "status", method="POST", path="/api.xro/2.0/Contacts", times=1000, status=503
            )

    first.progress = progress
    with pytest.raises(TransientError):
        first.export()
    exported = len(xero_names(world, ""))
    assert exported == 50 and first.checkpoint("export") is not None
    world.xero.clear_faults()
    resumed = engine(world)
    assert resumed.forecast("export").records == total - 50  # only what is left
    report = resumed.export()
    assert report.created == total - 50
    names = xero_names(world, "")
    assert len(names) == total and len(set(names)) == total  # nothing twice
    assert resumed.checkpoint("export") is None


def test_a_dry_run_lists_what_it_would_do_and_writes_nothing(world):
    ids = make_partners(world, 5)
    report = engine(world).export(dry_run=True)
    assert all(p.startswith("create or link") for p in report.planned)
    assert all(any(f"#{i} " in p for p in report.planned) for i in ids)
    assert xero_names(world) == []
    with world.runtime.db.session() as session:
        assert bindings.by_odoo(session, "demo", "contact", 1) is None


def test_an_import_reads_xeros_pages_without_a_call_per_record(world):
    contacts = [{"Name": f"Imported {i:03d}", "EmailAddress": f"i{i}@import.test"} for i in range(30)]
    assert world.xero_api("PUT", "Contacts", json={"Contacts": contacts}).status_code == 200
    report = engine(world).import_()
    assert report.created == 30
    assert report.xero_calls == 1  # one page of up to 100
    found = world.odoo.env("admin").search("res.partner", [("name", "like", "Imported ")])
    assert len(found) == 30


@pytest.mark.parametrize(
    "failure",
    [TransientError("Odoo answered 503 Service Unavailable"), RateLimited("tenant busy", retry_after=0.3)],
    ids=["transient", "rate-limited"],
)
def test_a_record_failing_for_a_moment_is_tried_again_not_refused(world, monkeypatch, failure):
    contacts = [{"Name": f"Patient {i}", "EmailAddress": f"w{i}@import.test"} for i in range(3)]
    assert world.xero_api("PUT", "Contacts", json={"Contacts": contacts}).status_code == 200
    run = engine(world)
    translator, failed = run.translators["xero"], []
    real_apply = translator.apply

    def fails_once(event, ctx, record=None):
        if not failed:
            failed.append(event.resource_id)
            raise failure
        return real_apply(event, ctx, record=record)

    monkeypatch.setattr(translator, "apply", fails_once)
    report = run.import_()
    assert (report.created, report.refused) == (3, 0), report
    with world.runtime.db.session() as session:
        assert mismatches.find(session, MismatchFilter()) == []
        assert bindings.by_xero(session, "demo", "contact", failed[0]).odoo_id


def test_an_export_creates_the_groups_first_and_adds_each_batchs_members_in_one_call_per_group(world):
    admin = world.odoo.env("admin")
    (tag,) = admin.create("res.partner.category", [{"name": "Wholesale"}])
    ids = make_partners(world, 60)
    admin.write("res.partner", ids[:55], {"category_id": [(6, 0, [tag])]})
    report = engine(world).export()
    org = world.xero.org()
    with org.lock:
        (group,) = [g for g in org.contact_groups.values() if g["Name"] == "Wholesale"]
        assert len(group["_members"]) == 55
    # the group first (a look for it by name, its creation), one read of the groups, two batches,
    # one membership call per batch
    assert report.xero_calls == 2 + 1 + 2 + 2


def test_an_interrupted_import_resumes_from_its_checkpoint(world):
    contacts = [{"Name": f"Resumed {i:03d}"} for i in range(250)]
    for start in (0, 100, 200):  # a second apart: If-Modified-Since works to the second
        response = world.xero_api("PUT", "Contacts", json={"Contacts": contacts[start : start + 100]})
        assert response.status_code == 200
        time.sleep(1.1)
    first = engine(world)
    seen: list[int] = []

    def progress(n: int) -> None:  # Xero goes away after the second page
        seen.append(n)
        if sum(seen) == 200:
            world.xero.inject_fault(
                "status", method="GET", path="/api.xro/2.0/Contacts", times=1000, status=503
            )

    first.progress = progress
    with pytest.raises(TransientError):
        first.import_()
    assert first.checkpoint("import") is not None
    world.xero.clear_faults()
    report = engine(world).import_()
    assert report.created == 50 and report.unchanged <= 100  # from the checkpoint's second on, not all again
    found = world.odoo.env("admin").search("res.partner", [("name", "like", "Resumed ")])
    assert len(found) == 250


def test_a_second_export_of_the_same_records_changed_gets_its_own_idempotency_key(world):
    ids = make_partners(world, 3)
    assert engine(world).export().created == 3
    world.odoo.env("admin").write("res.partner", ids[1], {"name": "Bulk Partner Renamed"})
    report = engine(world).export()  # same first and last id, another body: Xero refuses a reused key
    assert (report.updated, report.refused) == (1, 0)
    assert "Bulk Partner Renamed" in xero_names(world, "Bulk Partner R")


def test_memberships_interrupted_after_their_batch_are_sent_by_the_next_run(world):
    admin = world.odoo.env("admin")
    (tag,) = admin.create("res.partner.category", [{"name": "Interrupted"}])
    ids = make_partners(world, 3)
    admin.write("res.partner", ids, {"category_id": [(6, 0, [tag])]})
    world.xero.faults.add(Fault("status", method="PUT", path="*/ContactGroups/*/Contacts", times=50))
    with pytest.raises(TransientError):
        engine(world).export()
    world.xero.faults.clear()
    engine(world).export()
    org = world.xero.org()
    with org.lock:
        (group,) = [g for g in org.contact_groups.values() if g["Name"] == "Interrupted"]
        assert len(group["_members"]) == 3


def test_a_bulk_import_matching_a_partner_by_email_fills_its_blanks_and_erases_nothing(world):
    admin = world.odoo.env("admin")
    country = admin.search("res.country", [("code", "=", "NZ")])[0]
    partner = admin.create(
        "res.partner",
        {"name": "Matched By Email Ltd", "email": "ap@matched.test", "is_company": True, "vat": "NZ-9",
         "street": "1 Wharf Rd", "country_id": country},
    )  # fmt: skip
    contact = {"Name": "Matched By Email Ltd", "EmailAddress": "ap@matched.test", "AccountNumber": "MBE1"}
    assert world.xero_api("PUT", "Contacts", json={"Contacts": [contact]}).status_code == 200
    report = engine(world).import_()
    assert report.updated == 1
    (after,) = admin.read("res.partner", [partner], ["vat", "street", "country_id", "ref"])
    assert (after["vat"], after["street"], after["country_id"][0], after["ref"]) == (
        "NZ-9",
        "1 Wharf Rd",
        country,
        "MBE1",
    )


def test_sync_all_dry_run_prints_each_entitys_plan_in_dependency_order(world):
    from click.testing import CliRunner

    from bridge.cli import main

    admin = world.odoo.env("admin")
    admin.create("res.partner.category", [{"name": "Planned Tag"}])
    make_partners(world, 2)
    world.xero_api("PUT", "Contacts", json={"Contacts": [{"Name": "Planned From Xero"}]})
    result = CliRunner().invoke(main, ["sync", "all", "--dry-run"], env=world.environ)
    assert result.exit_code == 0, result.output
    out = result.output
    groups, contacts = out.index("contact_group: "), out.index("contact: ")
    assert groups < contacts  # dependencies first
    assert "would create or link Odoo contact for 'Planned From Xero'" in out
    assert "would create or link Xero contact_group for 'Planned Tag'" in out
    assert "would create or link by name Xero contact for Odoo partner" in out
    assert xero_names(world) == []  # a dry run writes nothing
