"""Bulk sync of a whole entity (the seed's one button per entity), for thousands of records.

Streams pages (memory flat in the number of records); exports to Xero in batches of 50 with
per-element results (Xero's POST upserts by ContactNumber, so a batch needs no read first, and a
batch retried after an interruption updates instead of duplicating); imports Xero's pages without a
read per record; runs at the rate governor's BULK priority, behind real-time events; keeps a checkpoint
so an interrupted run resumes where it stopped; forecasts before it starts; `dry_run` writes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from bridge.events import Event, now
from bridge.store import bindings, mismatches
from bridge.store import entity_settings as settings_store
from bridge.store.models import Watermark, utcnow
from bridge.xero.client import BATCH_SIZE, idempotency_key
from bridge.xero.governor import BULK
from consumers.base import Context
from consumers.contacts.canonical import PARTNER_FIELDS, name_key, to_xero
from consumers.contacts.common import comparable, xero_updated
from consumers.contacts.exporter import contact_number
from consumers.contacts.importer import ContactImporter
from consumers.contacts.lookups import OdooLookups

CHECKPOINT_SOURCE = "bulk"


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


class ContactBulkSync:
    entity = "contact"

    def __init__(self, ctx: Context, connection_id: str, progress: Callable[[int], None] | None = None):
        from bridge.store import connections

        self.ctx = ctx
        with ctx.db.session() as session:
            connection = connections.get(session, connection_id)
            if connection is None:
                raise ValueError(f"no connection {connection_id}")
            self.connection_id = connection.id
            self.tenant_id = connection.xero_tenant_id
            self.company_id = connection.odoo_company_id
            self.policy = settings_store.get(session, connection.id, self.entity)
        self.progress = progress or (lambda n: None)
        self.odoo = ctx.services["odoo"].in_company(self.company_id)

    # ------------------------------------------------------------------------ checkpoints

    def _checkpoint_key(self, direction: str) -> tuple[str, str, str]:
        return (self.connection_id, CHECKPOINT_SOURCE, f"{self.entity}:{direction}")

    def checkpoint(self, direction: str) -> str | None:
        with self.ctx.db.session() as session:
            row = session.get(Watermark, self._checkpoint_key(direction))
            return row.value if row else None

    def _save_checkpoint(self, direction: str, value: str | None) -> None:
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

    # ------------------------------------------------------------------------ export

    def _export_domain(self, since: datetime | None, after_id: int) -> list:
        domain = [
            ("parent_id", "=", False),
            ("company_id", "in", [self.company_id, False]),
            ("id", ">", after_id),
        ]
        if since is not None:
            domain.append(("write_date", ">=", since.strftime("%Y-%m-%d %H:%M:%S")))
        return domain

    def forecast_export(self, since: datetime | None = None, restart: bool = False) -> Forecast:
        after = 0 if restart else int(self.checkpoint("export") or 0)
        records = self.odoo.with_archived().call(
            "res.partner", "search_count", self._export_domain(since, after)
        )
        calls = 1 + math.ceil(records / BATCH_SIZE)  # the groups read, then one call per 50 (+ memberships)
        return self._forecast(records, calls)

    def _forecast(self, records: int, calls: int) -> Forecast:
        xero = self.ctx.services["xero"]
        state = xero.governor.state(self.tenant_id)
        per_minute = max(1.0, xero.settings.xero.minute_limit * xero.settings.xero.bulk_share)
        return Forecast(records, calls, state["day_remaining"], calls / per_minute)

    def _pages(self, domain_for: Callable[[int], list], page_size: int) -> Iterator[list[dict]]:
        """Pages ordered by id, each page starting after the last id seen: stable while records change."""
        lookups = OdooLookups(self.odoo)
        after = 0
        fields = [f for f in PARTNER_FIELDS if f in set(lookups.partner_fields())]
        while True:
            rows = self.odoo.with_archived().search_read(
                "res.partner", domain_for(after), fields, limit=page_size, order="id asc"
            )
            if not rows:
                return
            yield rows
            after = rows[-1]["id"]

    def export(self, since: datetime | None = None, dry_run: bool = False, restart: bool = False) -> Report:
        from bridge.xero.batch import BatchItem, export_batch

        report = Report()
        if not self.policy.allows("odoo"):
            report.planned.append(f"nothing: contacts direction is {self.policy.direction}")
            return report
        start_after = 0 if restart else int(self.checkpoint("export") or 0)
        client = self.ctx.services["xero"].for_connection(self.connection_id, priority=BULK)
        lookups = OdooLookups(self.odoo)
        has_mobile = self.odoo.version < 19
        pending: list[BatchItem] = []
        calls_before = client.calls
        groups = self._ensure_groups(client, lookups) if not dry_run else {}

        def flush() -> None:
            if not pending:
                return
            key = idempotency_key(
                "bulk", self.connection_id, "contacts", pending[0].odoo_id, pending[-1].odoo_id
            )
            outcome = export_batch(
                client, self.ctx.db, self.connection_id, self.entity, "Contacts", list(pending), key
            )
            with self.ctx.db.session() as session:  # bound records: remember what was written
                for item, result in zip(pending, outcome.results, strict=True):
                    if result.ok:
                        bound = bindings.by_odoo(session, self.connection_id, self.entity, item.odoo_id)
                        bound.content_hash = item.event.payload["digest"]
            report.created += sum(
                1
                for i, r in zip(pending, outcome.results, strict=True)
                if r.ok and not i.event.payload.get("bound")
            )
            report.updated += sum(
                1
                for i, r in zip(pending, outcome.results, strict=True)
                if r.ok and i.event.payload.get("bound")
            )
            report.refused += outcome.refused
            self._add_to_groups(client, pending, outcome.results, groups)
            report.xero_calls = client.calls - calls_before
            self._save_checkpoint("export", str(pending[-1].odoo_id))
            self.progress(len(pending))
            pending.clear()

        def domain(after: int) -> list:
            return self._export_domain(since, max(after, start_after))

        for page in self._pages(domain, page_size=200):
            children = self._children(page)
            with self.ctx.db.session() as session:
                bound = {
                    p["id"]: bindings.by_odoo(session, self.connection_id, self.entity, p["id"]) for p in page
                }
            for partner in page:
                canon = comparable(
                    lookups.canonical(partner | {"child_ids": []}, children.get(partner["id"], [])),
                    has_mobile,
                )
                binding = bound[partner["id"]]
                if binding is not None and binding.content_hash == canon.digest():
                    report.unchanged += 1
                    self.progress(1)
                    continue
                if (
                    binding is None
                    and not self.policy.may_create()
                    or binding is not None
                    and not self.policy.may_update()
                ):
                    report.skipped += 1
                    self.progress(1)
                    continue
                if dry_run:
                    verb = "update" if binding is not None else "create or link by name"
                    report.planned.append(
                        f"{verb} Xero contact for Odoo partner #{partner['id']} {canon.name!r}"
                    )
                    report.skipped += 1
                    self.progress(1)
                    continue
                element = to_xero(canon)
                if not has_mobile:
                    element["Phones"] = [p for p in element["Phones"] if p["PhoneType"] != "MOBILE"]
                if binding is not None and binding.xero_id:
                    element["ContactID"] = binding.xero_id
                else:
                    element["ContactNumber"] = contact_number(self.company_id, partner["id"])
                event = Event(
                    source="odoo", origin="bulk", connection=self.connection_id, entity=self.entity,
                    resource_id=str(partner["id"]), change_type="update", occurred_at=now(),
                    dedupe_key=f"bulk|odoo|res.partner|{partner['id']}|{partner.get('write_date')}",
                    company_id=self.company_id, payload={"digest": canon.digest(), "bound": binding is not None, "groups": list(canon.groups)},
                )  # fmt: skip
                pending.append(BatchItem(partner["id"], element, event, canon.name))
                if len(pending) == BATCH_SIZE:
                    flush()
        flush()
        report.xero_calls = client.calls - calls_before
        if not dry_run:
            self._save_checkpoint("export", None)  # finished: the next run starts from the beginning
        return report

    def _ensure_groups(self, client, lookups: OdooLookups) -> dict[str, str]:
        """Dependencies first: every Odoo tag exists as a Xero contact group before any contact is sent
        (one call for all the missing ones). Returns group name key → ContactGroupID."""
        existing = {
            name_key(g["Name"]): g["ContactGroupID"]
            for g in client.get("ContactGroups").get("ContactGroups") or []
        }
        missing = sorted({name_key(n) for n in lookups.tag_names()} - set(existing))
        if missing:
            names = {name_key(n): n for n in lookups.tag_names()}
            key = idempotency_key("bulk", self.connection_id, "groups", *missing)
            for result in client.save(
                "ContactGroups", [{"Name": names[m]} for m in missing], key=key, method="PUT"
            ):
                if result.ok:
                    existing[name_key(result.record["Name"])] = result.record["ContactGroupID"]
        return existing

    def _add_to_groups(self, client, items, results, groups: dict[str, str]) -> None:
        """Memberships of a batch: one call per group present in it (xero-facts §8 "Contact groups")."""
        members: dict[str, list[str]] = {}
        for item, result in zip(items, results, strict=True):
            if result.ok:
                for group in item.event.payload.get("groups") or []:
                    if group in groups:
                        members.setdefault(groups[group], []).append(result.record["ContactID"])
        for group_id, contact_ids in members.items():
            client.request(
                "PUT",
                f"ContactGroups/{group_id}/Contacts",
                json={"Contacts": [{"ContactID": c} for c in contact_ids]},
                idempotency=idempotency_key("bulk-members", group_id, *contact_ids[:3], len(contact_ids)),
            )

    def _children(self, page: list[dict]) -> dict[int, list[dict]]:
        """Contact persons of a whole page in one read."""
        ids = [p["id"] for p in page]
        rows = self.odoo.search_read(
            "res.partner",
            [("parent_id", "in", ids), ("type", "=", "contact")],
            ["name", "email", "type", "is_company", "parent_id"],
        )
        children: dict[int, list[dict]] = {}
        for row in rows:
            parent = row["parent_id"][0] if isinstance(row["parent_id"], list) else row["parent_id"]
            children.setdefault(parent, []).append(row)
        return children

    # ------------------------------------------------------------------------ import

    def forecast_import(self, since: datetime | None = None) -> Forecast:
        client = self.ctx.services["xero"].for_connection(self.connection_id, priority=BULK)
        first = client.get("Contacts", {"page": 1, "pageSize": 100, "includeArchived": "true"}, since)
        records = (first.get("pagination") or {}).get("itemCount", len(first.get("Contacts") or []))
        return self._forecast(records, 1 + math.ceil(records / 100))

    def import_(self, since: datetime | None = None, dry_run: bool = False, restart: bool = False) -> Report:
        """Oldest change first, so the checkpoint (the last UpdatedDateUTC done) lets a run resume;
        records of that same second come again and are found unchanged by their hash."""
        report = Report()
        if not self.policy.allows("xero"):
            report.planned.append(f"nothing: contacts direction is {self.policy.direction}")
            return report
        client = self.ctx.services["xero"].for_connection(self.connection_id, priority=BULK)
        importer = ContactImporter()
        calls = client.calls
        checkpoint = None if restart else self.checkpoint("import")
        start = since
        if checkpoint:
            resumed = datetime.fromisoformat(checkpoint)
            start = max(start, resumed) if start else resumed
        done_in_page = 0
        params = {"includeArchived": "true", "order": "UpdatedDateUTC ASC"}
        for contact in client.paginate("Contacts", params, if_modified_since=start):
            done_in_page += 1
            if not dry_run and done_in_page % 100 == 0:
                stamp = xero_updated(contact)
                if stamp is not None:
                    self._save_checkpoint("import", stamp.isoformat())
            contact_id = contact["ContactID"]
            if dry_run:
                with self.ctx.db.session() as session:
                    bound = bindings.by_xero(session, self.connection_id, self.entity, contact_id)
                report.planned.append(
                    f"{'update' if bound else 'create or link'} Odoo partner for {contact['Name']!r}"
                )
                report.skipped += 1
                self.progress(1)
                continue
            event = Event(
                source="xero", origin="bulk", connection=self.connection_id, tenant_id=self.tenant_id,
                entity=self.entity, resource_id=contact_id, change_type="update", occurred_at=now(),
                dedupe_key=f"bulk|xero|Contact|{contact_id}|{contact.get('UpdatedDateUTC')}",
            )  # fmt: skip
            try:
                outcome = importer.apply(event, self.ctx, contact=contact)
            except Exception as exc:  # noqa: BLE001 - one bad record must not stop the run
                from bridge.errors import classify

                error = classify(exc)
                with self.ctx.db.session() as session:
                    mismatches.record(
                        session, event=event.to_dict(), kind=error.kind if error.kind != "unknown" else "dead_letter",
                        note=error.note, details=error.details, source="xero", source_model="Contact",
                        entity=self.entity, target="odoo", attempts=1, record_name=contact.get("Name"),
                    )  # fmt: skip
                report.refused += 1
                self.progress(1)
                continue
            if outcome.binding is not None:
                with self.ctx.db.session() as session:
                    b = outcome.binding
                    bindings.bind(session, self.connection_id, self.entity, xero_id=b.xero_id, odoo_id=b.odoo_id,
                                  content_hash=b.content_hash, xero_version=b.xero_version, odoo_version=b.odoo_version)  # fmt: skip
            counter = outcome.action if outcome.action in ("created", "updated", "unchanged") else "skipped"
            setattr(report, counter, getattr(report, counter) + 1)
            self.progress(1)
        report.xero_calls = client.calls - calls
        if not dry_run:
            self._save_checkpoint("import", None)
        return report
