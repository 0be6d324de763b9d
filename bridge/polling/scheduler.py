"""`bridge scheduler`: every poller for every active connection, on a schedule.

Jobs (intervals from PollSettings):
- poll (default every 5 min): each WatermarkSpec from its watermark; then the webhook health
  verdict (health.py), logged at ERROR while webhooks look dead;
- reconcile (default hourly): the same specs again with a wide lookback behind the watermark (a
  webhook lost while the bridge or its broker was down, a long Odoo transaction, a webhook read
  before its transaction committed on Odoo 17/18 — odoo-facts §2.1), the hash-compare specs, and
  the id-set diff that finds Odoo records deleted;
- outbox (default every 5 s, Odoo 16 only): drain the outbox the setup's rules fill (odoo-facts §2.3).
A failing job or connection is logged and retried next time; it never stops the others.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bridge.errors import BridgeError
from bridge.odoo.client import OdooClient
from bridge.odoo.outbox import drain_outbox
from bridge.polling import health
from bridge.polling.deletions import DeletionSpec, run_deletions
from bridge.polling.runner import PollResult, run_hash, run_watermark
from bridge.polling.specs import HashSpec, Scope, WatermarkSpec
from bridge.routing import ConnectionDirectory
from bridge.runtime import Runtime
from bridge.store import connections as connection_store
from bridge.xero.governor import BULK

log = logging.getLogger(__name__)


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
    ):
        self.runtime = runtime
        self.db = runtime.db
        self.settings = runtime.settings
        self._xero_clients = xero_clients
        self._odoo = odoo
        self.handles = handles or (lambda source, entity: True)
        self.plan = plan or default_plan()
        self.keep_events = keep_events
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

    def poll(self, lookback: float = 0.0, round_: Round | None = None) -> Round:
        """Every watermark spec for every active connection, then the webhook verdicts."""
        round_ = round_ or Round()
        for scope in self.scopes():
            webhook_sources = set()
            for spec in self.plan.watermark:
                if not self.handles(spec.source, spec.entity) or not self._usable(scope, spec.source):
                    continue
                job = f"poll {spec.source}:{spec.entity}"

                def action(spec=spec, scope=scope) -> PollResult:
                    return run_watermark(
                        spec,
                        scope,
                        self.db,
                        self.runtime.publisher,
                        self.settings,
                        lookback,
                        self.keep_events,
                    )

                if self._attempt(round_, job, scope, action) and spec.webhook_source:
                    webhook_sources.add(spec.webhook_source)
            for source in sorted(webhook_sources):
                alarm = health.check(
                    self.db, source, scope.connection_id, self.settings.polling.webhook_silence
                )
                if alarm:
                    round_.alarms.append(alarm)
        return round_

    def reconcile(self, round_: Round | None = None) -> Round:
        """The slow pass: a wide re-read, full reads compared by hash, and deleted Odoo records."""
        round_ = self.poll(self.settings.polling.reconcile_lookback, round_)
        for scope in self.scopes():
            for spec in self.plan.hashed:
                emits = spec.emits or ((spec.source, spec.entity),)
                if not any(self.handles(*e) for e in emits) or not self._usable(scope, spec.source):
                    continue
                self._attempt(
                    round_,
                    f"reconcile {spec.source}:{spec.entity}",
                    scope,
                    lambda spec=spec, scope=scope: run_hash(
                        spec,
                        scope,
                        self.db,
                        self.runtime.publisher,
                        self.keep_events,
                        accept=self._handled,
                    ),
                )
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
            ("poll", polling.interval, self.poll),
            ("reconcile", polling.reconcile_interval, self.reconcile),
        ]
        try:
            if self.outbox_needed():
                jobs.insert(0, ("outbox", polling.outbox_interval, self.drain_outbox))
        except Exception:  # noqa: BLE001 - Odoo down at start: the pollers retry it every round
            log.exception("could not reach Odoo to learn its version; the outbox is not drained")
        due = {name: 0.0 for name, _, _ in jobs}
        due["poll"] = time.monotonic() + polling.interval  # the first reconciliation polls too
        log.info("scheduler running: %s", ", ".join(f"{n} every {i:g}s" for n, i, _ in jobs))
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
