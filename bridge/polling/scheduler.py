"""`bridge scheduler`: every poller for every active connection, on a schedule.

Jobs:
- Xero pollers (every spec whose source is Xero) run each on its own interval, from the polling
  budget's plan (budget.py): all of a tenant's together stay within BRIDGE_POLL_BUDGET of its daily
  limit, documents without webhooks more often than master data, webhook-covered entities rarely.
  A watermark spec re-reads BRIDGE_RECONCILE_LOOKBACK behind its watermark once per that lookback; a
  hash spec with an If-Modified-Since probe reads in full only when something changed (and once per
  lookback). What each round cost and when it ran are kept in the store (ledger.py): a restart does
  not re-run them all. Webhook health is judged after each Xero watermark round that has webhooks;
- Odoo poll (BRIDGE_POLL_INTERVAL, 5 min; Odoo calls cost no Xero budget): each Odoo WatermarkSpec;
- Odoo reconcile (BRIDGE_RECONCILE_INTERVAL, hourly): the Odoo specs again with a wide lookback
  behind the watermark (a long Odoo transaction, a webhook read before its transaction committed on
  Odoo 17/18 — odoo-facts §2.1), Odoo hash specs, and the id-set diff that finds Odoo records deleted;
- outbox (default every 5 s, Odoo 16 only): drain the outbox the setup's rules fill (odoo-facts §2.3).
`poll()` and `reconcile()` run every spec of both sources at once (`bridge scheduler --once`, tests);
their Xero rounds are counted in the ledger too.
A failing job or connection is logged and retried next time; it never stops the others.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bridge.errors import BridgeError
from bridge.odoo.client import OdooClient
from bridge.odoo.outbox import drain_outbox
from bridge.polling import budget, health, ledger
from bridge.polling.deletions import DeletionSpec, run_deletions
from bridge.polling.runner import PollResult, run_hash, run_watermark
from bridge.polling.specs import HashSpec, Scope, WatermarkSpec
from bridge.routing import ConnectionDirectory
from bridge.runtime import Runtime
from bridge.store import connections as connection_store
from bridge.store.models import utcnow
from bridge.xero.governor import BULK

log = logging.getLogger(__name__)

TICK = 15.0  # seconds between looks at which Xero pollers are due
SOURCES = ("xero", "odoo")


@dataclass
class Plan:
    """What the scheduler runs: what the entities declare (default_plan), or a test's choice."""

    watermark: list[WatermarkSpec] = field(default_factory=list)
    hashed: list[HashSpec] = field(default_factory=list)
    deletions: list[DeletionSpec] = field(default_factory=list)


def default_plan() -> Plan:
    """Every built entity's pollers and deletion specs (bridge/entities.py), dependencies first."""
    from bridge.entities import built

    plan = Plan()
    for entity in built():
        for spec in entity.pollers() if entity.pollers else []:
            (plan.hashed if isinstance(spec, HashSpec) else plan.watermark).append(spec)
        plan.deletions.extend(entity.deletions() if entity.deletions else [])
    return plan


@dataclass
class Round:
    """What one round did, and what failed (job, connection, error)."""

    results: list[PollResult] = field(default_factory=list)
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)
    outbox: int = 0

    def sent(self) -> int:
        return sum(r.sent for r in self.results)


class Scheduler:
    def __init__(
        self,
        runtime: Runtime,
        xero_clients=None,
        odoo: OdooClient | None = None,
        handles: Callable[[str, str], bool] | None = None,
        plan: Plan | None = None,
        keep_events: bool = False,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.runtime = runtime
        self.db = runtime.db
        self.settings = runtime.settings
        self._xero_clients = xero_clients
        self._odoo = odoo
        self.handles = handles or (lambda source, entity: True)
        self.plan = plan or default_plan()
        self.keep_events = keep_events
        self.clock = clock  # when a round starts, as the ledger records it (a test's fake time)
        self._verdict_at: datetime | None = None
        self.directory = ConnectionDirectory(self.db, self.settings.tenant_cache_seconds)
        self._stop = threading.Event()

    # ------------------------------------------------------------------------- clients

    @property
    def xero_clients(self):
        if self._xero_clients is None:
            from bridge.xero.factory import XeroClients

            self._xero_clients = XeroClients(self.settings, self.db)
        return self._xero_clients

    def odoo(self) -> OdooClient | None:
        """The bridge's Odoo client, connected on first use; None when Odoo is not configured."""
        if self._odoo is None and self.settings.odoo.url:
            self._odoo = OdooClient.connect(self.settings.odoo)
        return self._odoo

    def scopes(self) -> list[Scope]:
        with self.db.session() as session:
            rows = [c for c in connection_store.all_connections(session) if c.status == "active"]
            specs = [(c.id, c.xero_tenant_id, c.odoo_company_id, c.created_at) for c in rows]
        scopes = []
        for connection_id, tenant, company, created in specs:
            scopes.append(
                Scope(
                    connection_id,
                    tenant,
                    company,
                    created,
                    odoo_shared=len(specs) == 1,  # as webhooks route records of no company
                    xero_factory=self._xero_factory(connection_id) if tenant else None,
                    odoo_factory=self._odoo_factory(company) if company is not None else None,
                )
            )
        return scopes

    def _xero_factory(self, connection_id: str):
        return lambda: self.xero_clients.for_connection(connection_id, priority=BULK)

    def _odoo_factory(self, company: int):
        def build() -> OdooClient:
            root = self.odoo()
            if root is None:
                raise RuntimeError("Odoo is not configured (ODOO_URL)")
            return root.in_company(company).with_archived()

        return build

    def _handled(self, event) -> bool:
        return self.handles(event.source, event.entity)

    def _usable(self, scope: Scope, source: str) -> bool:
        if source == "xero":
            return scope.xero_factory is not None
        return scope.odoo_factory is not None and bool(self.settings.odoo.url)

    # ---------------------------------------------------------------------------- jobs

    def _attempt(self, round_: Round, job: str, scope: Scope, action: Callable[[], PollResult]) -> bool:
        try:
            round_.results.append(action())
            return True
        except BridgeError as exc:
            log.warning("%s for connection %s failed: %s", job, scope.connection_id, exc.note)
            round_.failures.append((job, scope.connection_id, exc.note))
        except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others
            log.exception("%s for connection %s failed", job, scope.connection_id)
            round_.failures.append((job, scope.connection_id, f"{type(exc).__name__}: {exc}"))
        return False

    def _counted(
        self,
        round_: Round,
        job: str,
        scope: Scope,
        spec,
        at: datetime,
        action: Callable[[], PollResult],
        wide: bool,
    ) -> bool:
        """Run a spec's round; a Xero one's calls go to the ledger (spent even when the round fails).
        `wide`: a wide re-read (watermark) or a full read unless its probe skipped it (hash)."""
        before = scope.xero_calls()
        done = self._attempt(round_, job, scope, action)
        if spec.source == "xero":
            full = done and wide and not round_.results[-1].skipped
            with self.db.session() as session:
                ledger.record(session, scope.connection_id, spec, at, scope.xero_calls() - before, full)
        return done

    def _watermark(
        self,
        round_: Round,
        scope: Scope,
        spec: WatermarkSpec,
        at: datetime,
        lookback: float,
        wide: bool = False,
    ) -> bool:
        def action() -> PollResult:
            return run_watermark(
                spec, scope, self.db, self.runtime.publisher, self.settings, lookback, self.keep_events
            )

        return self._counted(round_, f"poll {spec.source}:{spec.entity}", scope, spec, at, action, wide)

    def _hash(self, round_: Round, scope: Scope, spec: HashSpec, at: datetime, probe_since=None) -> bool:
        def action() -> PollResult:
            return run_hash(
                spec,
                scope,
                self.db,
                self.runtime.publisher,
                self.keep_events,
                accept=self._handled,
                probe_since=probe_since,
            )

        return self._counted(round_, f"reconcile {spec.source}:{spec.entity}", scope, spec, at, action, True)

    def _hash_handled(self, spec: HashSpec) -> bool:
        return any(self.handles(*e) for e in spec.emits or ((spec.source, spec.entity),))

    def _verdicts(self, round_: Round, scope: Scope, webhook_sources: Iterable[str]) -> None:
        for source in sorted(set(webhook_sources)):
            alarm = health.check(self.db, source, scope.connection_id, self.settings.polling.webhook_silence)
            if alarm:
                round_.alarms.append(alarm)

    def poll(self, lookback: float = 0.0, round_: Round | None = None, sources=SOURCES) -> Round:
        """Every watermark spec of these sources for every active connection, then the webhook verdicts."""
        round_ = round_ or Round()
        at = self.clock()
        wide = lookback >= self.settings.polling.reconcile_lookback
        for scope in self.scopes():
            webhook_sources = set()
            for spec in self.plan.watermark:
                if spec.source not in sources or not self.handles(spec.source, spec.entity):
                    continue
                if not self._usable(scope, spec.source):
                    continue
                if self._watermark(round_, scope, spec, at, lookback, wide) and spec.webhook_source:
                    webhook_sources.add(spec.webhook_source)
            self._verdicts(round_, scope, webhook_sources)
        return round_

    def reconcile(self, round_: Round | None = None, sources=SOURCES) -> Round:
        """The slow pass: a wide re-read, full reads compared by hash, and deleted Odoo records."""
        round_ = self.poll(self.settings.polling.reconcile_lookback, round_, sources)
        at = self.clock()
        for scope in self.scopes():
            for spec in self.plan.hashed:
                if spec.source in sources and self._hash_handled(spec) and self._usable(scope, spec.source):
                    self._hash(round_, scope, spec, at)
            if "odoo" not in sources:
                continue
            for deletion in self.plan.deletions:
                if not self.handles("odoo", deletion.entity) or not self._usable(scope, "odoo"):
                    continue
                self._attempt(
                    round_,
                    f"deletions odoo:{deletion.entity}",
                    scope,
                    lambda d=deletion, scope=scope: run_deletions(
                        d, scope, self.db, self.runtime.publisher, self.keep_events
                    ),
                )
        return round_

    # ------------------------------------------------------------------ the Xero budget

    def xero_specs(self) -> list[WatermarkSpec | HashSpec]:
        """The Xero specs that run: every one some translator handles."""
        watermark = [
            s for s in self.plan.watermark if s.source == "xero" and self.handles(s.source, s.entity)
        ]
        return [*watermark, *(s for s in self.plan.hashed if s.source == "xero" and self._hash_handled(s))]

    def budget(self, scopes: list[Scope] | None = None) -> dict[str, budget.Plan]:
        """Per tenant, the plan of its Xero pollers (budget.py)."""
        scopes = self.scopes() if scopes is None else scopes
        targets = [(s.connection_id, s.tenant_id) for s in scopes if self._usable(s, "xero")]
        return budget.tenant_plans(self.db, self.settings, targets, self.xero_specs())

    def _schedule(self, scopes: list[Scope]) -> list[tuple[Scope, object, float, ledger.Entry]]:
        """(scope, spec, interval, ledger entry) of every Xero poller of every connection."""
        plans = self.budget(scopes)
        schedule = []
        with self.db.session() as session:
            for scope in scopes:
                if not self._usable(scope, "xero"):
                    continue
                entries = ledger.load_all(session, scope.connection_id)
                for spec in self.xero_specs():
                    key = ledger.key_of(spec)
                    interval = plans[scope.tenant_id].interval(scope.connection_id, key)
                    schedule.append((scope, spec, interval, entries.get((spec.source, key), ledger.Entry())))
        return schedule

    def next_due(self, at: datetime | None = None) -> datetime | None:
        """When the next Xero poller is due (`at` or earlier: now); None when there is none."""
        at = at or self.clock()
        times = [
            at if e.ran_at is None else e.ran_at + timedelta(seconds=interval)
            for _, _, interval, e in self._schedule(self.scopes())
        ]
        return min(times, default=None)

    def tick(self, at: datetime | None = None) -> Round:
        """Run every Xero poller whose planned interval has passed since its last round; then the
        webhook verdicts, after a round that has webhooks and otherwise every BRIDGE_POLL_INTERVAL (a
        webhook that came back clears the alarm without waiting for the next reconciliation)."""
        round_ = Round()
        at = at or self.clock()
        lookback = self.settings.polling.reconcile_lookback
        ran: set[str] = set()
        watched: dict[str, tuple[Scope, set[str]]] = {}
        for scope, spec, interval, entry in self._schedule(self.scopes()):
            if getattr(spec, "webhook_source", None):
                watched.setdefault(scope.connection_id, (scope, set()))[1].add(spec.webhook_source)
            if entry.ran_at is not None and (at - entry.ran_at).total_seconds() < interval:
                continue
            since_full = None if entry.full_at is None else (at - entry.full_at).total_seconds()
            if isinstance(spec, HashSpec):
                probe = None
                if spec.modified_since and since_full is not None and since_full < lookback:
                    probe = entry.full_at - timedelta(seconds=self.settings.polling.xero_overlap)
                self._hash(round_, scope, spec, at, probe)
                continue
            wide = since_full is None or since_full >= lookback
            if (
                self._watermark(round_, scope, spec, at, lookback if wide else 0.0, wide)
                and spec.webhook_source
            ):
                ran.add(scope.connection_id)
        quiet = (
            self._verdict_at is None
            or (at - self._verdict_at).total_seconds() >= self.settings.polling.interval
        )
        for connection_id, (scope, sources) in watched.items():
            if connection_id in ran or quiet:
                self._verdicts(round_, scope, sources)
        if quiet:
            self._verdict_at = at
        return round_

    def outbox_needed(self) -> bool:
        odoo = self.odoo()
        return odoo is not None and odoo.version < 17

    def drain_outbox(self) -> int:
        """Odoo 16: publish and remove every outbox row there is now (bridge/odoo/outbox.py)."""
        odoo = self.odoo()
        total = 0
        while True:
            drained = drain_outbox(odoo, self.runtime.publisher, self.directory)
            total += drained
            if drained < 500:
                return total

    def run_once(self) -> Round:
        """One of everything: the outbox (Odoo 16), a poll and a reconciliation."""
        round_ = Round()
        try:
            if self.outbox_needed():
                round_.outbox = self.drain_outbox()
        except Exception as exc:  # noqa: BLE001 - reported in the round; the pollers still run
            log.exception("draining the Odoo outbox failed")
            round_.failures.append(("outbox", "-", f"{type(exc).__name__}: {exc}"))
        return self.reconcile(round_)

    # ---------------------------------------------------------------------------- loop

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        """Run the jobs on their intervals until stop()."""
        polling = self.settings.polling
        jobs: list[tuple[str, float, Callable[[], object]]] = [
            ("xero pollers", min(TICK, polling.interval), self.tick),
            ("odoo poll", polling.interval, lambda: self.poll(sources=("odoo",))),
            ("odoo reconcile", polling.reconcile_interval, lambda: self.reconcile(sources=("odoo",))),
        ]
        try:
            if self.outbox_needed():
                jobs.insert(0, ("outbox", polling.outbox_interval, self.drain_outbox))
        except Exception:  # noqa: BLE001 - Odoo down at start: the pollers retry it every round
            log.exception("could not reach Odoo to learn its version; the outbox is not drained")
        due = {name: 0.0 for name, _, _ in jobs}
        due["odoo poll"] = time.monotonic() + polling.interval  # the first reconciliation polls too
        log.info("scheduler running: %s", ", ".join(f"{n} every {i:g}s" for n, i, _ in jobs))
        self.log_budget()
        while not self._stop.is_set():
            for name, interval, job in jobs:
                if self._stop.is_set() or time.monotonic() < due[name]:
                    continue
                try:
                    job()
                except Exception:  # noqa: BLE001 - next time, then
                    log.exception("scheduler job %s failed", name)
                due[name] = time.monotonic() + interval
            self._stop.wait(max(0.05, min(due.values()) - time.monotonic()))

    def log_budget(self) -> None:
        try:
            for tenant, plan in self.budget().items():
                log.info(
                    "polling budget of Xero tenant %s: %.0f of %.0f calls a day (%s)",
                    tenant,
                    plan.total,
                    plan.budget,
                    ", ".join(f"{line.entity} every {line.interval:g}s" for line in plan.lines),
                )
        except Exception:  # noqa: BLE001 - only a log line
            log.exception("could not plan the polling budget")
