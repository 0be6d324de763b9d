"""Bulk sync of invoices and bills on the generic engine (consumers/framework/bulk.py).
- Import: GET /Invoices paged (a paged answer carries the lines, xero-facts §5), oldest change first,
  each document through its translator, which syncs its contact, accounts, taxes and items first.
- Export: the company's out_invoice / in_invoice moves, by id, 50 new documents to a POST (Xero takes
  batches, xero-facts §5) after their contacts and items went across in batches of their own: a few
  hundredths of a Xero call per document. A document already bound, or one a crashed run began, goes
  through its translator one at a time (it compares, or finds what the crash left, before it writes)."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bridge import entities
from bridge.errors import PermanentError
from bridge.events import Event
from bridge.store import bindings
from bridge.xero.client import idempotency_key
from consumers.framework.bulk import PAGE, BulkSync, Report
from consumers.framework.dependencies import ensure_dependencies
from consumers.framework.scope import Scope, intend, scope_of
from consumers.invoices.canonical import CANCELLED, CREDIT_NOTES, INVOICES, Document, Kind
from consumers.invoices.odoo_side import LINE, MOVE, _id
from consumers.invoices.xero_side import PRICES

BATCH_SIZE = 50  # documents per POST (Xero's advice for batches, xero-facts §5)
DEPENDENCY_SPAN = 5  # pages of documents whose new contacts and items are sent together


@dataclass
class _New:
    """A document the batch creates: its change, scope, Odoo record, canonical form and Xero element."""

    event: Event
    scope: Scope
    record: dict
    document: Document
    element: dict


class InvoiceBulk(BulkSync):
    entity_name = "invoice"
    xero_collection = "Invoices"
    xero_params = dict(PRICES)
    odoo_model = MOVE

    kind: Kind = INVOICES
    _run_handles: tuple[Any, Any] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._synced: set[tuple[str, Any]] = set()  # dependencies known bound during this run

    def wanted(self, record: dict) -> bool:
        return self.kind.kind_of_type(record.get("Type")) is not None

    def export_domain(self, since: datetime | None, after_id: int) -> list:
        return [
            ("move_type", "in", list(self.kind.move_types.values())),
            *super().export_domain(since, after_id),
        ]

    def export_fields(self) -> list[str]:
        return ["id", "write_date", "name", "ref"]

    def export_calls(self, records: int) -> int:
        return max(1, -(-records // BATCH_SIZE))

    # ------------------------------------------------------------------------ batched export

    def export_pages(self, pages: Iterator[list[dict]], report: Report, dry_run: bool) -> None:
        if dry_run:
            super().export_pages(pages, report, dry_run)
            return
        while span := list(itertools.islice(pages, DEPENDENCY_SPAN)):
            self._contacts_and_items_first([row["id"] for page in span for row in page])
            for page in span:
                batch: list[_New] = []
                records = self._read(page)
                for row in page:
                    new = self._new_document(row, records.get(row["id"]), report)
                    if new is not None:
                        batch.append(new)
                    if len(batch) == BATCH_SIZE:
                        self._create(batch, report)
                        batch = []
                self._create(batch, report)
                self.save_checkpoint("export", str(page[-1]["id"]))

    def _contacts_and_items_first(self, move_ids: list[int]) -> None:
        """The documents' contacts and products that Xero does not have yet, through their own
        entities' batched exports (with this run's client, so their calls count here too)."""
        moves = self.odoo.with_archived().read(MOVE, move_ids, ["commercial_partner_id", "partner_id"])
        partners = {_id(m.get("commercial_partner_id")) or _id(m.get("partner_id")) for m in moves}
        lines = self.odoo.with_archived().search_read(
            LINE, [("move_id", "in", move_ids), ("product_id", "!=", False)], ["product_id"]
        )
        products = {_id(line.get("product_id")) for line in lines}
        for entity, ids in (("contact", partners - {None}), ("item", products - {None})):
            with self.ctx.db.session() as session:
                unbound = sorted(
                    i
                    for i in ids
                    if not bindings.is_pair(bindings.by_odoo(session, self.connection_id, entity, i))
                )
            if unbound:
                self._export_dependency(entity, unbound)

    def _export_dependency(self, entity: str, ids: list[int]) -> None:
        run = entities.get(entity).bulk(self.ctx, self.connection_id)
        run._xero = self.xero()  # one client, one count of calls
        if not run.policy.allows("odoo"):
            return  # each document's own translator says why it cannot go
        resume_at = run.checkpoint("export")  # that entity's own export may be half done: keep its place
        pages = (
            run.odoo.with_archived().search_read(
                run.odoo_model, [("id", "in", ids[start : start + PAGE])], run.export_fields(), order="id asc"
            )
            for start in range(0, len(ids), PAGE)
        )
        try:
            run.export_pages(pages, Report(), dry_run=False)
        finally:
            run.save_checkpoint("export", resume_at)

    def _read(self, page: list[dict]) -> dict[int, dict]:
        """The page's documents with their lines, in three Odoo reads."""
        with self.ctx.db.session() as session:
            fresh = [
                row["id"]
                for row in page
                if bindings.by_odoo(session, self.connection_id, self.entity.name, row["id"]) is None
            ]
        if not fresh:
            return {}
        translator = self.translators["odoo"]
        event = self.event("odoo", str(fresh[0]), None)
        handle, _ = self._handles(scope_of(self.run_ctx, event, self.entity.name))
        return translator.src.fetch_many(handle, fresh)

    def _new_document(self, row: dict, record: dict | None, report: Report) -> _New | None:
        """The document ready for a batch, or None once it went through its translator (bound
        already, begun by a crashed run, cancelled, out of scope) or was refused. `record`: the
        document as read with its page (None: not read, so the translator reads it)."""
        translator = self.translators["odoo"]
        src, tgt = translator.src, translator.tgt
        event = self.event("odoo", str(row["id"]), row.get("write_date"))
        try:
            scope = scope_of(self.run_ctx, event, self.entity.name, odoo_id=row["id"])
            if scope.binding is not None or scope.pending is not None or not scope.policy.may_create():
                self.apply_one("odoo", str(row["id"]), row.get("write_date"), None, report, False)
                return None
            handle, xero = self._handles(scope)
            if record is None or not src.in_scope(handle, scope, record):
                self.apply_one("odoo", str(row["id"]), row.get("write_date"), None, report, False)
                return None
            document = src.canonical(handle, record)
            if document.status == CANCELLED:
                report.skipped += 1  # a cancelled document never synced stays in Odoo only
                self.progress(1)
                return None
            needed = [d for d in src.dependencies(record, document) if d not in self._synced]
            ensure_dependencies(self.run_ctx, event, scope, needed)
            self._synced.update(needed)  # bound now: the run's other documents need not ask again
            element = tgt.element(xero, document, None, row["id"], scope)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
            self.refused(event, exc, row.get("name"))
            report.refused += 1
            self.progress(1)
            return None
        return _New(event, scope, record, document, element)

    def _handles(self, scope: Scope) -> tuple[Any, Any]:
        """The run's Odoo and Xero handles (one connection, one company): their caches of taxes,
        currencies and Xero's chart serve every document."""
        if self._run_handles is None:
            translator = self.translators["odoo"]
            self._run_handles = (
                translator.src.client(self.run_ctx, scope),
                translator.tgt.client(self.run_ctx, scope),
            )
        return self._run_handles

    def _create(self, batch: list[_New], report: Report) -> None:
        """One POST for the batch. Each document's intent is noted first, so a crash after Xero saved
        them leaves what its translator needs to find them instead of making them twice."""
        if not batch:
            return
        translator = self.translators["odoo"]
        src, tgt = translator.src, translator.tgt
        for new in batch:
            intend(self.run_ctx, new.scope, "odoo", new.record["id"], new.document.snapshot())
        body = json.dumps([new.element for new in batch], sort_keys=True, default=str)
        # The key names this batch's content: a retried batch reuses it, another batch never does.
        key = idempotency_key(
            "bulk", self.connection_id, self.kind.collection, hashlib.sha256(body.encode()).hexdigest()[:32]
        )
        results = self.xero().save(
            self.kind.collection, [new.element for new in batch], key=key, method="POST", params=PRICES
        )
        for new, result in zip(batch, results, strict=True):
            name = src.name(new.record)
            try:
                if not result.ok:
                    raise PermanentError(
                        "Xero ValidationException: " + "; ".join(result.errors),
                        details={"messages": result.errors},
                    )
                own_key = idempotency_key(
                    self.connection_id, MOVE, new.record["id"], new.document.digest()[:16], "bulk"
                )
                written = tgt.to_the_cent(
                    self._handles(new.scope)[1], new.scope, new.document, result.record, own_key
                )
                self.commit(translator.created(new.record, written, new.document, name))
            except Exception as exc:  # noqa: BLE001 - the mismatch log says why; the run goes on
                self.refused(new.event, exc, name)
                report.refused += 1
            else:
                report.created += 1
            self.progress(1)


class CreditNoteBulk(InvoiceBulk):
    entity_name = "credit_note"
    xero_collection = "CreditNotes"
    kind = CREDIT_NOTES
