"""Bulk sync of a whole entity (the seed's one button per entity), for thousands of records.

Every entity gets it from its translators: an import reads Xero's pages (oldest change first) and
applies each record through the importer without a read per record; an export reads Odoo's records
page by page (by id, stable while records change) and applies each through the exporter. An entity
whose Xero endpoint takes batches overrides `export_pages` to write 50 at a time (contacts do).
Runs at the rate governor's BULK priority; keeps a checkpoint so an interrupted run resumes; forecasts
before it starts; `dry_run` writes nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bridge import entities
from bridge.errors import TransientError, classify
from bridge.events import Event
from bridge.polling.stamps import parse_xero_updated
from bridge.store import bindings, connections, leases, mismatches
from bridge.store import entity_settings as settings_store
from bridge.store.models import Watermark, utcnow
from bridge.xero.governor import BULK, RateLimited
from consumers.base import Context, Outcome

CHECKPOINT_SOURCE = "bulk"
PAGE = 200
LEASE_WAIT = 0.2  # seconds between tries for a record a worker holds
TRIES = 3  # tries of a record failing transiently before it goes to the mismatch log
RETRY_PAUSE = 0.5  # seconds before the second try (twice that before the third)
PATIENCE = 300.0  # seconds a record waits out a spent Xero rate limit before it is refused


@dataclass
class Forecast:
    records: int
    xero_calls: int
    calls_left_today: int | None
    minutes: float

    def describe(self) -> str:
        left = "unknown" if self.calls_left_today is None else f"{self.calls_left_today:,}"
        return (
            f"{self.records:,} record(s), about {self.xero_calls:,} Xero call(s) "
            f"(calls left today: {left}), about {self.minutes:.1f} min at the bulk share of the rate limit"
        )


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    refused: int = 0
    xero_calls: int = 0
    planned: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.created + self.updated + self.unchanged + self.skipped + self.refused

    def count(self, action: str) -> None:
        counter = action if action in ("created", "updated", "unchanged") else "skipped"
        setattr(self, counter, getattr(self, counter) + 1)


class _RunClients:
    """The worker's Xero client factory, but every connection's client is the bulk run's own."""

    def __init__(self, clients, run: BulkSync):
        self._clients, self._run = clients, run

    def for_connection(self, connection_id: str, priority: str = BULK):
        return self._run.xero()

    def __getattr__(self, name: str):
        return getattr(self._clients, name)


class BulkSync:
    """One entity, one connection. Subclasses may set the class attributes and override the hooks."""

    xero_collection: str  # "Contacts"
    xero_params: dict = {}  # extra list parameters (includeArchived, …)
    xero_ordered = True  # the list takes `order=UpdatedDateUTC ASC` and If-Modified-Since
    xero_paged = True  # the list takes page/pageSize; False: one call answers everything (Items, Accounts)
    odoo_model: str

    def __init__(self, ctx: Context, connection_id: str, progress: Callable[[int], None] | None = None):
        self.ctx = ctx
        self.entity = entities.get(self.entity_name)
        with ctx.db.session() as session:
            connection = connections.get(session, connection_id)
            if connection is None:
                raise ValueError(f"no connection {connection_id}")
            self.connection_id = connection.id
            self.tenant_id = connection.xero_tenant_id
            self.company_id = connection.odoo_company_id
            self.policy = settings_store.get(session, connection.id, self.entity.name, self.entity.defaults)
        self.progress = progress or (lambda n: None)
        self.odoo = ctx.services["odoo"].in_company(self.company_id)
        self.translators = {t.source: t for t in self.entity.translators()}
        self._xero = None
        # Translators applied by the run use its client: BULK priority, and its calls are counted.
        self.run_ctx = Context(
            ctx.settings, ctx.db, {**ctx.services, "xero": _RunClients(ctx.services["xero"], self)}
        )

    entity_name: str

    # ------------------------------------------------------------------------ checkpoints

    def _checkpoint_key(self, direction: str) -> tuple[str, str, str]:
        return (self.connection_id, CHECKPOINT_SOURCE, f"{self.entity.name}:{direction}")

    def checkpoint(self, direction: str) -> str | None:
        with self.ctx.db.session() as session:
            row = session.get(Watermark, self._checkpoint_key(direction))
            return row.value if row else None

    def save_checkpoint(self, direction: str, value: str | None) -> None:
        with self.ctx.db.session() as session:
            row = session.get(Watermark, self._checkpoint_key(direction))
            if value is None:
                if row is not None:
                    session.delete(row)
                return
            if row is None:
                connection_id, source, entity = self._checkpoint_key(direction)
                session.add(Watermark(connection_id=connection_id, source=source, entity=entity, value=value))
            else:
                row.value, row.updated_at = value, utcnow()

    # ------------------------------------------------------------------------ forecasts

    def one_way(self, direction: str) -> str | None:
        """Why this entity has no such run (it syncs from the other system only), else None."""
        source = "odoo" if direction == "export" else "xero"
        if source in self.entity.sources:
            return None
        return f"nothing: {self.entity.name} syncs from {'Odoo' if source == 'xero' else 'Xero'} only"

    def forecast(self, direction: str, since: datetime | None = None, restart: bool = False) -> Forecast:
        if self.one_way(direction):
            return self._forecast(0, 0)
        if direction == "export":
            after = 0 if restart else int(self.checkpoint("export") or 0)
            records = self.odoo.with_archived().call(
                self.odoo_model, "search_count", self.export_domain(since, after)
            )
            return self._forecast(records, self.export_calls(records))
        if not self.xero_paged:
            return self._forecast(sum(1 for _ in self.xero_list(dict(self.xero_params), since)), 1)
        client = self.xero()
        params = {**self.xero_params, "page": 1, "pageSize": 100}
        first = client.get(self.xero_collection, params, since if self.xero_ordered else None)
        items = first.get(self.xero_collection) or []
        records = (first.get("pagination") or {}).get("itemCount", len(items))
        return self._forecast(records, 1 + math.ceil(records / 100))

    def wanted(self, record: dict) -> bool:
        """Whether a listed Xero record is this entity's (Accounts lists BANK ones, bank_account's)."""
        return True

    def xero_list(self, params: dict, since: datetime | None) -> Iterator[dict]:
        """The Xero records to import, page by page or from the one answer of an unpaged list."""
        client, since = self.xero(), since if self.xero_ordered else None
        if self.xero_paged:
            rows = client.paginate(self.xero_collection, params, if_modified_since=since)
        else:
            rows = iter(client.get(self.xero_collection, params, since).get(self.xero_collection) or [])
        return (row for row in rows if self.wanted(row))

    def export_calls(self, records: int) -> int:
        """Xero calls an export of `records` takes: a find and a write each, unless batched."""
        return 2 * records

    def _forecast(self, records: int, calls: int) -> Forecast:
        xero = self.ctx.services["xero"]
        state = xero.governor.state(self.tenant_id)
        per_minute = max(1.0, xero.settings.xero.minute_limit * xero.settings.xero.bulk_share)
        return Forecast(records, calls, state["day_remaining"], calls / per_minute)

    def xero(self):
        """The run's one Xero client, at BULK priority (its call count is the report's)."""
        if self._xero is None:
            self._xero = self.ctx.services["xero"].for_connection(self.connection_id, priority=BULK)
            # Lists a side may keep for the run (run_list): a bulk run is the only writer it waits
            # for, so a whole-collection read need not be repeated per record. Real-time clients
            # have no such cache and always read fresh.
            self._xero.run_cache = {}
        return self._xero

    # ------------------------------------------------------------------------ export

    def export_domain(self, since: datetime | None, after_id: int) -> list:
        """The records an export sends: by default every record of the company (or shared)."""
        domain = [("company_id", "in", [self.company_id, False]), ("id", ">", after_id)]
        if since is not None:
            domain.append(("write_date", ">=", since.strftime("%Y-%m-%d %H:%M:%S")))
        return domain

    def export_fields(self) -> list[str]:
        return ["id", "write_date", "name"]

    def odoo_pages(self, since: datetime | None, start_after: int) -> Iterator[list[dict]]:
        """Pages ordered by id, each starting after the last id seen: stable while records change."""
        after = start_after
        while True:
            rows = self.odoo.with_archived().search_read(
                self.odoo_model,
                self.export_domain(since, after),
                self.export_fields(),
                limit=PAGE,
                order="id asc",
            )
            if not rows:
                return
            yield rows
            after = rows[-1]["id"]

    def export(self, since: datetime | None = None, dry_run: bool = False, restart: bool = False) -> Report:
        report = Report()
        if self.one_way("export"):
            report.planned.append(self.one_way("export"))
            return report
        if not self.policy.allows("odoo"):
            report.planned.append(f"nothing: {self.entity.name} direction is {self.policy.direction}")
            return report
        start_after = 0 if restart else int(self.checkpoint("export") or 0)
        client = self.xero()
        calls_before = client.calls
        self.export_pages(self.odoo_pages(since, start_after), report, dry_run)
        report.xero_calls = client.calls - calls_before
        if not dry_run:
            self.save_checkpoint("export", None)  # finished: the next run starts from the beginning
        return report

    def export_pages(self, pages: Iterator[list[dict]], report: Report, dry_run: bool) -> None:
        """Each record through the exporter (one at a time); the checkpoint after each page."""
        for page in pages:
            for row in page:
                self.apply_one(
                    "odoo", str(row["id"]), row.get("write_date"), row if dry_run else None, report, dry_run
                )
            if not dry_run:
                self.save_checkpoint("export", str(page[-1]["id"]))

    # ------------------------------------------------------------------------ import

    def import_(self, since: datetime | None = None, dry_run: bool = False, restart: bool = False) -> Report:
        """Oldest change first, so the checkpoint (the last UpdatedDateUTC done) lets a run resume;
        records of that same second come again and are found unchanged by their hash."""
        report = Report()
        if self.one_way("import"):
            report.planned.append(self.one_way("import"))
            return report
        if not self.policy.allows("xero"):
            report.planned.append(f"nothing: {self.entity.name} direction is {self.policy.direction}")
            return report
        client = self.xero()
        calls = client.calls
        checkpoint = None if restart else self.checkpoint("import")
        start = since
        if checkpoint:
            resumed = datetime.fromisoformat(checkpoint)
            start = max(start, resumed) if start else resumed
        params = dict(self.xero_params)
        if self.xero_ordered:
            params["order"] = "UpdatedDateUTC ASC"
        for done, record in enumerate(self.xero_list(params, start), start=1):
            if not dry_run and self.xero_ordered and done % 100 == 0:
                stamp = parse_xero_updated(record.get("UpdatedDateUTC"))
                if stamp is not None:
                    self.save_checkpoint("import", stamp.isoformat())
            xero_id = self.translators["xero"].src.record_id(record)
            self.apply_one("xero", xero_id, record.get("UpdatedDateUTC"), record, report, dry_run)
        report.xero_calls = client.calls - calls
        if not dry_run:
            self.save_checkpoint("import", None)
        return report

    # ------------------------------------------------------------------------ one record

    def event(self, source: str, resource_id: str, version: Any) -> Event:
        side = self.translators[source].src
        return Event(
            source=source, origin="bulk", connection=self.connection_id, tenant_id=self.tenant_id,
            company_id=self.company_id, entity=self.entity.name, resource_id=resource_id,
            change_type="update", occurred_at=None,
            dedupe_key=f"bulk|{source}|{side.model}|{resource_id}|{version}",
        )  # fmt: skip

    def apply_one(
        self, source: str, resource_id: str, version: Any, record: dict | None, report: Report, dry_run: bool
    ) -> None:
        """One record through its translator; a failure goes to the mismatch log, the run goes on."""
        event = self.event(source, resource_id, version)
        if dry_run:
            with self.ctx.db.session() as session:
                find = bindings.by_xero if source == "xero" else bindings.by_odoo
                bound = find(
                    session,
                    self.connection_id,
                    self.entity.name,
                    self.translators[source].src.parse_id(resource_id),
                )
                paired = bound is not None and bound.xero_id is not None and bound.odoo_id is not None
            target = "Odoo" if source == "xero" else "Xero"
            what = repr((record or {}).get("Name") or (record or {}).get("name") or f"#{resource_id}")
            verb = "update" if paired else "create or link"
            report.planned.append(f"{verb} {target} {self.entity.name} for {what}")
            report.skipped += 1
            self.progress(1)
            return
        try:
            outcome = self.apply_patiently(event, source, record)
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the run
            self.refused(event, exc, (record or {}).get("Name"))
            report.refused += 1
            self.progress(1)
            return
        report.count(outcome.action)
        self.progress(1)

    def apply_patiently(self, event: Event, source: str, record: dict | None) -> Outcome:
        """Applies one record as a worker would over its retries: a transient failure is tried again
        (up to TRIES times, a moment apart), and a spent Xero rate limit is waited out when it frees
        within PATIENCE — a bulk run on a busy tenant must not refuse records a minute would let in."""
        waited = 0.0
        while True:
            try:
                with self.leased(event):
                    outcome = self.translators[source].apply(event, self.run_ctx, record=record)
                    self.commit(outcome)
                return outcome
            except RateLimited as exc:
                wait = max(exc.retry_after or 1.0, 0.1)
                if waited + wait > PATIENCE:
                    raise
                time.sleep(wait)
                waited += wait
            except TransientError:
                if event.attempt + 1 >= TRIES:
                    raise
                time.sleep(RETRY_PAUSE * (event.attempt + 1))
                event = event.retried()

    @contextmanager
    def leased(self, event: Event) -> Iterator[None]:
        """The record's lease, as a worker takes it (consumers/worker.py): a bulk run and a worker
        applying the same record at once would both write it. A record a worker holds is waited for."""
        holder, seconds = f"bulk-{self.connection_id}-{id(self)}", self.ctx.settings.lease_seconds
        deadline = time.monotonic() + seconds
        while True:
            with self.ctx.db.session() as session:
                if leases.acquire(session, event.record_key, holder, seconds):
                    break
            if time.monotonic() > deadline:
                raise TransientError(f"{event.entity} {event.resource_id} stayed busy for {seconds:g} s")
            time.sleep(LEASE_WAIT)
        try:
            yield
        finally:
            with self.ctx.db.session() as session:
                leases.release(session, event.record_key, holder)

    def commit(self, outcome: Outcome) -> None:
        if outcome.binding is None:
            return
        b = outcome.binding
        with self.ctx.db.session() as session:
            bindings.bind(
                session, self.connection_id, self.entity.name, xero_id=b.xero_id, odoo_id=b.odoo_id,
                content_hash=b.content_hash, xero_version=b.xero_version, odoo_version=b.odoo_version,
                snapshot=b.snapshot,
            )  # fmt: skip

    def refused(self, event: Event, exc: BaseException, name: str | None) -> None:
        error = classify(exc)
        with self.ctx.db.session() as session:
            mismatches.record(
                session, event=event.to_dict(), kind=error.kind if error.kind != "unknown" else "dead_letter",
                note=error.note, details=error.details, source=event.source, source_model=event.source_model,
                entity=self.entity.name, target=event.target, attempts=1, record_name=name,
            )  # fmt: skip
