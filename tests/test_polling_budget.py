"""The polling budget (issue 11): a tenant's Xero pollers together stay within a share of its daily
limit (BRIDGE_POLL_BUDGET of XERO_DAY_LIMIT, xero-facts §2: 5,000 calls a day), each entity polled as
often as its records change, webhook-covered entities reconciled rarely, a full read skipped when
If-Modified-Since says nothing changed (xero-facts §5).

The day is simulated on fake time against a fake Xero that counts every call (a page is a call), with
one poller for every entity of the catalog that has a Xero model, built or still planned: the plan
must hold when the planned entities land too.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bridge.config import ConfigError, load_settings
from bridge.entities import Entity, catalog
from bridge.events import Event
from bridge.polling import budget, ledger
from bridge.polling.budget import Line, change_rate
from bridge.polling.scheduler import Plan, Scheduler
from bridge.polling.specs import Change, HashSpec, Scope, WatermarkSpec
from bridge.polling.stamps import parse_xero_updated
from bridge.store import connections
from bridge.store.models import Connection
from tests.support.processes import bridge_command

DAY = 86400.0
TENANT = "tenant-1"
# Xero endpoints with no If-Modified-Since (xero-facts §5): re-read in full and diffed.
FULL_READS = {"Currency": "Currencies", "TaxRate": "TaxRates", "ContactGroup": "ContactGroups"}


# ------------------------------------------------------------------------------- a fake Xero


class FakeXero:
    """Xero's list endpoints as the pollers use them, on fake time: If-Modified-Since by whole seconds
    against UpdatedDateUTC, page/pageSize paging, ContactGroups/{id} with its contacts. `calls`
    counts requests, as XeroClient.calls does."""

    def __init__(self) -> None:
        self.collections: dict[str, dict[str, dict]] = {}
        self.calls = 0

    def put(self, collection: str, record_id: str, at: datetime, **fields: Any) -> None:
        stamp = f"/Date({int(at.timestamp() * 1000)}+0000)/"
        self.collections.setdefault(collection, {})[record_id] = {
            "ID": record_id,
            "UpdatedDateUTC": stamp,
            **fields,
        }

    def get(self, path: str, params: dict | None = None, if_modified_since: datetime | None = None) -> dict:
        self.calls += 1
        collection, _, record_id = path.partition("/")
        rows = list(self.collections.get(collection, {}).values())
        if record_id:
            return {collection: [r for r in rows if r["ID"] == record_id]}
        if if_modified_since is not None:
            since = if_modified_since.replace(microsecond=0)
            rows = [r for r in rows if parse_xero_updated(r["UpdatedDateUTC"]) >= since]
        if params and "page" in params:
            size = params["pageSize"]
            rows = rows[(params["page"] - 1) * size : params["page"] * size]
        return {collection: rows}

    def paginate(
        self, collection: str, params=None, if_modified_since=None, page_size: int = 100
    ) -> Iterator[dict]:
        page = 1
        while True:
            items = self.get(
                collection, {**(params or {}), "page": page, "pageSize": page_size}, if_modified_since
            )
            yield from items[collection]
            if len(items[collection]) < page_size:
                return
            page += 1


class FakeClients:
    def __init__(self, xero: FakeXero) -> None:
        self.xero = xero

    def for_connection(self, connection_id: str, priority: str | None = None) -> FakeXero:
        return self.xero


# --------------------------------------------------------------- one poller per catalog entity


def _event(scope: Scope, entity: str, record_id: str, key: str, received_at: datetime) -> Event:
    return Event(
        source="xero",
        origin="poll",
        connection=scope.connection_id,
        entity=entity,
        resource_id=record_id,
        change_type="update",
        occurred_at=None,
        dedupe_key=f"poll|xero|{scope.tenant_id}|{entity}|{key}",
        tenant_id=scope.tenant_id,
        payload={"ID": record_id},
        received_at=received_at,
    )


class ChangedSince(WatermarkSpec):
    """An entity's Xero collection read with If-Modified-Since, page by page (like XeroContactChanges)."""

    source = "xero"

    def __init__(self, entity: str, collection: str) -> None:
        self.entity, self.collection = entity, collection

    def overlap(self, settings) -> float:
        return settings.polling.xero_overlap

    def changes(self, scope: Scope, since: datetime) -> Iterator[Change]:
        for row in scope.xero.paginate(self.collection, if_modified_since=since):
            modified = parse_xero_updated(row["UpdatedDateUTC"])
            yield Change(row["ID"], modified, row["UpdatedDateUTC"], row["ID"])

    def envelope(self, scope: Scope, change: Change, received_at: datetime) -> Event:
        return _event(
            scope, self.entity, change.resource_id, f"{change.resource_id}|{change.version}", received_at
        )


class ReadInFull(HashSpec):
    """An entity's Xero collection read in full and diffed; ContactGroups also reads each group (one
    call per group, like XeroGroupChanges)."""

    source = "xero"

    def __init__(
        self, entity: str, collection: str, per_record: bool = False, probe: str | None = None
    ) -> None:
        self.entity, self.collection, self.per_record = entity, collection, per_record
        self.modified_since = probe

    def records(self, scope: Scope) -> Iterator[tuple[str, Any, Any]]:
        rows = (
            scope.xero.paginate(self.collection)
            if self.modified_since
            else scope.xero.get(self.collection)[self.collection]
        )
        for row in rows:
            if self.per_record:
                row = scope.xero.get(f"{self.collection}/{row['ID']}")[self.collection][0]
            yield row["ID"], row, None

    def envelopes(self, scope, record_id, digest_, detail, previous, received_at) -> list[Event]:
        return [_event(scope, self.entity, record_id, f"{record_id}|{digest_[:16]}", received_at)]


def collection_of(entity: Entity) -> str:
    if entity.name == "bank_account":
        return "BankAccounts"  # Accounts where Type=="BANK": a collection of its own here
    return FULL_READS.get(entity.xero_model, entity.xero_model + "s")


def every_entity_poller() -> Plan:
    """A Xero poller for every entity of the catalog with a Xero model, built or planned, shaped as
    its endpoint allows (xero-facts §5)."""
    plan = Plan()
    for entity in catalog().values():
        if entity.xero_model is None:
            continue
        collection = collection_of(entity)
        if entity.xero_model in FULL_READS:
            plan.hashed.append(
                ReadInFull(entity.name, collection, per_record=entity.xero_model == "ContactGroup")
            )
        else:
            plan.watermark.append(ChangedSince(entity.name, collection))
    return plan


# ----------------------------------------------------------------------------------- fixtures


@pytest.fixture
def runtime(make_runtime):
    return make_runtime("memory", BRIDGE_BROKER_URL="memory://")


def connect(runtime) -> datetime:
    """A connection to TENANT (no Odoo: Odoo's pollers cost no Xero budget); when it was made."""
    with runtime.db.session() as session:
        connections.add(session, "Budget Co", TENANT, None, id="budget")
    with runtime.db.session() as session:
        return session.get(Connection, "budget").created_at


def scheduler(runtime, xero: FakeXero, plan: Plan, clock) -> Scheduler:
    return Scheduler(runtime, xero_clients=FakeClients(xero), plan=plan, keep_events=True, clock=clock)


def line(lines, entity: str) -> Line:
    return next(x for x in lines if x.entity == entity)


# -------------------------------------------------------------------------------- the setting


def test_the_budget_is_ten_percent_of_the_daily_limit_unless_set(tmp_path):
    home = {"BRIDGE_HOME": str(tmp_path)}
    assert budget.budget_of(load_settings(home)) == 500
    assert budget.budget_of(load_settings(home | {"BRIDGE_POLL_BUDGET": "25%"})) == 1250
    assert (
        budget.budget_of(load_settings(home | {"BRIDGE_POLL_BUDGET": "0.05", "XERO_DAY_LIMIT": "1000"})) == 50
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "'0' must be above 0 and at most 100%"),
        ("150%", "'150%' must be above 0 and at most 100%"),
        ("a tenth", "'a tenth' is not a share like 10% or 0.1"),
    ],
)
def test_a_bad_budget_stops_start_up_with_one_line_naming_it(tmp_path, value, problem):
    with pytest.raises(ConfigError) as raised:
        load_settings({"BRIDGE_HOME": str(tmp_path), "BRIDGE_POLL_BUDGET": value})
    assert str(raised.value) == f"BRIDGE_POLL_BUDGET: {problem}"


# -------------------------------------------------------------------------------- the planner


def test_change_rates_follow_the_group_and_the_webhooks_unless_the_entity_says():
    rates = {name: change_rate(entity) for name, entity in catalog().items()}
    assert rates["contact"] == rates["invoice"] == rates["credit_note"] == "webhooks"
    assert rates["quote"] == rates["purchase_order"] == rates["manual_journal"] == rates["payment"] == "often"
    assert rates["item"] == "daily"
    assert {rates[n] for n in ("currency", "tax_rate", "account", "bank_account", "contact_group")} == {
        "rare"
    }
    assert change_rate(Entity("x", "settings", "X", None, change_rate="often")) == "often"
    with pytest.raises(ValueError, match="unknown change_rate 'hourly'"):
        change_rate(Entity("x", "settings", "X", None, change_rate="hourly"))


def lines_of(settings, **costs: float) -> list[Line]:
    polling = settings.polling
    return [
        Line(
            "c",
            name,
            name,
            change_rate(catalog()[name]),
            cost,
            True,
            budget.RATES[change_rate(catalog()[name])].floor(polling),
        )
        for name, cost in costs.items()
    ]


def test_many_pollers_share_the_budget_documents_first_master_data_rarely(tmp_path):
    settings = load_settings({"BRIDGE_HOME": str(tmp_path)})
    names = [e.name for e in catalog().values() if e.xero_model]
    assert len(names) >= 10  # every 5 minutes, these would cost 288 calls a day each
    lines = lines_of(settings, **{n: 1.0 for n in names} | {"contact_group": 6.0})

    plan = budget.plan(lines, budget.budget_of(settings))

    assert plan.total <= 500 * (1 - budget.HEADROOM)
    assert plan.total > 500 * (1 - budget.HEADROOM) - len(names)  # the budget is used, not wasted
    by = {x.entity: x for x in plan.lines}
    assert by["quote"].interval < by["item"].interval < by["currency"].interval
    assert by["quote"].interval == pytest.approx(by["currency"].interval / 24, abs=1)
    assert by["contact"].interval >= settings.polling.reconcile_interval  # webhooks bring its changes
    assert all(x.interval >= x.floor >= settings.polling.interval for x in plan.lines)


def test_with_budget_to_spare_every_poller_runs_at_its_floor(tmp_path):
    settings = load_settings({"BRIDGE_HOME": str(tmp_path), "BRIDGE_POLL_BUDGET": "100%"})
    plan = budget.plan(lines_of(settings, quote=1, item=1, currency=1, contact=1), budget.budget_of(settings))

    assert {x.entity: x.interval for x in plan.lines} == {
        "quote": 300,
        "item": 900,
        "currency": 3600,
        "contact": 3600,
    }


def test_a_poller_that_reads_pages_costs_its_pages_and_slows_every_poller(tmp_path):
    settings = load_settings({"BRIDGE_HOME": str(tmp_path), "BRIDGE_POLL_BUDGET": "2%"})
    cheap = budget.plan(lines_of(settings, quote=1, currency=1, tax_rate=1), budget.budget_of(settings))
    paged = budget.plan(lines_of(settings, quote=1, currency=1, tax_rate=12), budget.budget_of(settings))

    assert line(paged.lines, "tax_rate").per_day == pytest.approx(
        12 * DAY / line(paged.lines, "tax_rate").interval
    )
    assert line(paged.lines, "quote").interval > line(cheap.lines, "quote").interval
    assert paged.total <= 100 * (1 - budget.HEADROOM)


def test_the_ledger_keeps_a_moving_average_of_what_rounds_really_cost(runtime):
    spec = ReadInFull("contact_group", "ContactGroups", per_record=True)
    at = datetime(2026, 12, 1, tzinfo=UTC)
    with runtime.db.session() as session:
        ledger.record(session, "budget", spec, at, 11, full=True)
    with runtime.db.session() as session:
        entry = ledger.record(session, "budget", spec, at + timedelta(hours=1), 1)
    assert entry.calls == pytest.approx(0.7 * 11 + 0.3 * 1)
    assert (entry.last_calls, entry.rounds, entry.ran_at, entry.full_at) == (
        1,
        2,
        at + timedelta(hours=1),
        at,
    )
    with runtime.db.session() as session:
        from bridge.polling import hashes

        assert hashes.seen(session, "budget", "xero", "contact_group") == {}  # not a record of the spec


# ---------------------------------------------------------------------------- a day of polling


def test_a_day_of_polling_every_entity_of_a_tenant_stays_within_the_budget_and_finds_each_change_in_time(
    runtime,
):
    created = connect(runtime)
    start = created.replace(microsecond=0) + timedelta(seconds=2)
    xero = FakeXero()
    before = created - timedelta(days=30)
    for i in range(250):
        xero.put("Contacts", f"contact-{i}", before)
    for i in range(4):
        xero.put("ContactGroups", f"group-{i}", before, Name=f"Group {i}")
    for code in ("NZD", "USD", "EUR"):
        xero.put("Currencies", code, before)
    for i in range(12):
        xero.put("TaxRates", f"tax-{i}", before, Rate=i)
    plan = every_entity_poller()
    clock = {"now": start}
    runner = scheduler(runtime, xero, plan, lambda: clock["now"])

    # Changes through the day, more where records change more; a burst of 150 contacts at 10:00.
    rng = random.Random(11)
    per_rate = {"often": 12, "daily": 4, "rare": 2, "webhooks": 6}
    changes: list[tuple[datetime, str, str, str]] = []
    for entity in catalog().values():
        if entity.xero_model is None:
            continue
        collection = collection_of(entity)
        existing = sorted(xero.collections.get(collection, {}))
        for n in range(per_rate[change_rate(entity)]):
            record = existing[n % len(existing)] if existing and n % 2 else f"{entity.name}-new-{n}"
            at = start + timedelta(seconds=rng.uniform(60, DAY - 12 * 3600))
            changes.append((at, entity.name, collection, record))
    changes += [(start + timedelta(hours=10), "contact", "Contacts", f"contact-{i}") for i in range(150)]
    changes.sort()
    pending = list(changes)

    found: dict[tuple[str, str], list[datetime]] = {}
    intervals: dict[str, float] = {}
    end = start + timedelta(seconds=DAY)
    at = start
    ticks = 0
    while at < end:
        ticks += 1
        assert ticks < 1000, f"the scheduler ticked {ticks} times by {at}: its pollers are never done"
        while pending and pending[0][0] <= at:
            when, entity, collection, record = pending.pop(0)
            xero.put(collection, record, when, Name=f"changed at {when.isoformat()}")
        clock["now"] = at
        done = runner.tick(at)
        assert not done.failures, done.failures
        for result in done.results:
            for event in result.events:
                found.setdefault((event.entity, event.resource_id), []).append(at)
        for tenant_plan in runner.budget().values():
            for x in tenant_plan.lines:
                intervals[x.entity] = max(intervals.get(x.entity, 0.0), x.interval)
        upcoming = [runner.next_due(at), end] + ([pending[0][0]] if pending else [])
        at = max(min(upcoming), at + timedelta(seconds=1))

    allowed = 500
    assert xero.calls <= allowed, f"{xero.calls} Xero calls in a day, the budget is {allowed}"
    assert xero.calls > allowed / 2  # the plan uses its budget to be timely
    assert len(intervals) == len(plan.watermark) + len(plan.hashed)
    for when, entity, _, record in changes:
        after = [t for t in found.get((entity, record), []) if t >= when]
        assert after, f"{entity} {record} changed at {when} was never found"
        late = (min(after) - when).total_seconds()
        assert late <= intervals[entity] + 1, (
            f"{entity} {record} found {late:.0f}s late (interval {intervals[entity]:g}s)"
        )
    assert intervals["quote"] < intervals["item"] < intervals["currency"]
    assert intervals["contact"] >= 3600


def test_a_restarted_scheduler_does_not_poll_again_before_the_interval(runtime):
    created = connect(runtime)
    at = created.replace(microsecond=0) + timedelta(seconds=2)
    xero = FakeXero()
    plan = Plan(watermark=[ChangedSince("quote", "Quotes"), ChangedSince("contact", "Contacts")])
    first = scheduler(runtime, xero, plan, lambda: at)
    assert len(first.tick(at).results) == 2

    restarted = scheduler(runtime, xero, plan, lambda: at)
    quote = restarted.budget()[TENANT].interval("budget", "quote:ChangedSince")

    assert restarted.tick(at + timedelta(seconds=quote - 1)).results == []
    assert restarted.next_due(at) == at + timedelta(seconds=quote)
    assert [r.spec for r in restarted.tick(at + timedelta(seconds=quote)).results] == ["xero:quote"]
    assert xero.calls == 3


def test_a_full_read_is_skipped_while_if_modified_since_finds_nothing_changed(runtime):
    created = connect(runtime)
    at = created.replace(microsecond=0) + timedelta(seconds=2)
    xero = FakeXero()
    for i in range(250):
        xero.put("Accounts", f"account-{i}", created - timedelta(days=3))
    spec = ReadInFull("account", "Accounts", probe="Accounts")
    runner = scheduler(runtime, xero, Plan(hashed=[spec]), lambda: at)
    interval = runner.budget()[TENANT].interval("budget", "account:ReadInFull")

    def round_at(seconds: float) -> tuple[int, list]:
        before = xero.calls
        done = runner.tick(at + timedelta(seconds=seconds))
        assert not done.failures, done.failures
        return xero.calls - before, [e.resource_id for r in done.results for e in r.events]

    assert round_at(0) == (3, [])  # the first full read, three pages: the baseline
    assert round_at(interval) == (1, [])  # If-Modified-Since: nothing changed, no full read
    xero.put("Accounts", "account-7", at + timedelta(seconds=interval + 5), Name="Renamed")
    assert round_at(2 * interval) == (1 + 3, ["account-7"])  # something changed: read in full
    later = 2 * interval + DAY  # a record removed from the list may not show in If-Modified-Since
    assert round_at(later) == (3, [])  # so a full read once a day all the same


def test_bridge_status_shows_each_pollers_interval_and_calls_a_day_against_the_budget(runtime):
    connect(runtime)

    shown = json.loads(bridge_command(runtime, "status", "--json").stdout)["polling"][TENANT]
    text = bridge_command(runtime, "status").stdout

    assert shown["budget_per_day"] == 500
    assert 0 < shown["total_per_day"] <= 500
    assert {p["entity"] for p in shown["pollers"]} >= {"contact", "contact_group"}
    contact = next(p for p in shown["pollers"] if p["entity"] == "contact")
    assert contact["change_rate"] == "webhooks" and contact["interval_s"] >= 3600
    assert contact["calls_per_day"] == pytest.approx(
        contact["calls_per_round"] * DAY / contact["interval_s"], abs=0.1
    )
    forecast = shown["forecast"]  # once every entity with a Xero model polls Xero
    assert forecast["pollers"] == len([e for e in catalog().values() if e.xero_model])
    assert forecast["total_per_day"] <= 500
    rates = forecast["interval_s_by_rate"]
    assert rates["often"] < rates["daily"] < rates["rare"]
    assert f"polling Xero {TENANT}: " in text and "of 500 calls a day" in text
    assert "with every planned entity polled too" in text
    assert "poll contact " in text and "calls/day" in text


# ------------------------------------------------------------------------- against the sandboxes


def test_a_change_whose_webhook_is_lost_reaches_odoo_at_its_planned_round_and_not_before(tmp_path):
    from bridge.cli.sandboxed import SandboxedBridge
    from bridge.store.models import utcnow
    from consumers.contacts.polling import XeroContactChanges
    from tests.test_polling import (
        create_in_xero,
        disable_xero_webhooks,
        group_hash_specs,
        odoo_partners,
        started,
    )

    world = started(SandboxedBridge(home=str(tmp_path / "home")))
    try:
        disable_xero_webhooks(world)
        world.xero_api(
            "PUT", "ContactGroups", json={"ContactGroups": [{"Name": "Trade"}, {"Name": "Retail"}]}
        )
        plan = Plan(watermark=[XeroContactChanges()], hashed=group_hash_specs(world))
        runner = Scheduler(world.runtime, plan=plan, keep_events=True)
        at = utcnow()
        first = runner.tick(at)
        assert not first.failures, first.failures
        assert sorted(r.spec for r in first.results) == ["xero:contact", "xero:contact_group"]
        tenant, tenant_plan = next(iter(runner.budget().items()))
        groups = line(tenant_plan.lines, "contact_group")
        assert (groups.calls, groups.measured) == (3, True)  # the list, then each of the two groups

        create_in_xero(world, {"Name": "Budgeted Ltd"})
        interval = tenant_plan.interval("demo", "contact:XeroContactChanges")
        assert interval >= world.runtime.settings.polling.reconcile_interval  # its webhooks bring changes
        assert runner.tick(at + timedelta(seconds=interval - 1)).results == []  # not due yet
        assert odoo_partners(world, "Budgeted Ltd") == []

        done = runner.tick(at + timedelta(seconds=interval))

        assert "xero:contact" in [r.spec for r in done.results]
        assert world.wait(lambda: odoo_partners(world, "Budgeted Ltd")), "the planned round did not bring it"
    finally:
        world.stop()


def test_the_scheduler_loop_runs_the_xero_pollers_through_the_plan(tmp_path):
    import threading

    from bridge.cli.sandboxed import SandboxedBridge
    from tests.test_polling import started

    world = started(SandboxedBridge(home=str(tmp_path / "home")))
    runner = Scheduler(world.runtime)
    loop = threading.Thread(target=runner.run, name="scheduler", daemon=True)
    try:
        expected = {(s.source, ledger.key_of(s)) for s in runner.xero_specs()}
        assert ("xero", "contact:XeroContactChanges") in expected
        loop.start()

        def ran() -> dict:
            with world.runtime.db.session() as session:
                return ledger.load_all(session, "demo")

        assert world.wait(lambda: set(ran()) >= expected), "the loop did not run every Xero poller"
        assert all(entry.calls is not None and entry.calls >= 1 for entry in ran().values())
    finally:
        runner.stop()
        loop.join(timeout=30)
        world.stop()
    assert not loop.is_alive(), "the scheduler did not stop"
