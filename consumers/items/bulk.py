"""Bulk sync of items: the generic engine (consumers/framework/bulk.py), with two Items specifics.
- Import: GET /Items is one call for every item — Items are not paged (xero-facts §5: `page` is not
  among its parameters): the engine reads it once (`xero_paged = False`), oldest change first.
- Export: batches of 50 — POST /Items upserts by Code (xero-facts §8; up to 500 per call, 50–100
  recommended, §4), so a batch needs no read first and one retried after an interruption updates
  instead of duplicating. A product whose account or tax is not bound yet goes through the translator
  alone, which syncs its dependencies first."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator

from bridge.errors import PermanentError
from bridge.store import bindings
from bridge.xero.client import BATCH_SIZE, idempotency_key
from consumers.framework.bulk import BulkSync, Report
from consumers.items.odoo_side import PRODUCT, OdooHandle, OdooProducts
from consumers.items.refs import Refs
from consumers.items.xero_side import PRICES, XeroHandle, XeroItems


class ItemBulk(BulkSync):
    entity_name = "item"
    xero_collection = "Items"
    xero_params = dict(PRICES)
    xero_paged = False  # GET /Items answers every item at once (xero-facts §5: no `page`)
    odoo_model = PRODUCT

    # ------------------------------------------------------------------ export

    def export_fields(self) -> list[str]:
        return self.handle.product_fields

    def export_calls(self, records: int) -> int:
        return 1 + math.ceil(records / BATCH_SIZE)  # the chart, then one call per 50

    @property
    def handle(self) -> OdooHandle:
        if not hasattr(self, "_handle"):
            refs = Refs(self.run_ctx, self.connection_id, self.xero)
            self._handle = OdooHandle(self.odoo, refs, self.company_id)
        return self._handle

    def export_pages(self, pages: Iterator[list[dict]], report: Report, dry_run: bool) -> None:
        handle = self.handle
        source, target = OdooProducts(), XeroItems()
        xero = XeroHandle(self.xero(), handle.refs)
        pending: list[tuple[dict, object, object, dict]] = []

        def flush() -> None:
            if not pending:
                return
            elements = [element for _, _, _, element in pending]
            body = json.dumps(elements, sort_keys=True, default=str)
            # The key names this batch's content: a retried batch reuses it, another batch never does.
            key = idempotency_key(
                "bulk", self.connection_id, "items", hashlib.sha256(body.encode()).hexdigest()[:32]
            )
            results = self.xero().save("Items", elements, key=key, method="POST", params=PRICES)
            saved = []
            for (row, canon, binding, _), result in zip(pending, results, strict=True):
                if result.ok:
                    saved.append((row, canon, binding, result.record))
                    continue
                event = self.event("odoo", str(row["id"]), row.get("write_date"))
                error = PermanentError("Xero ValidationException: " + "; ".join(result.errors))
                self.refused(event, error, row.get("name"))  # the mismatch log says why
                report.refused += 1
            with self.ctx.db.session() as session:  # one transaction per batch
                for row, canon, binding, record in saved:
                    bindings.bind(
                        session, self.connection_id, self.entity.name, xero_id=record["ItemID"],
                        odoo_id=row["id"], content_hash=canon.digest(),
                        xero_version=str(record.get("UpdatedDateUTC")), odoo_version=row.get("write_date"),
                        snapshot={"odoo": canon.snapshot(), "xero": canon.snapshot()},
                    )  # fmt: skip
                    report.count("updated" if binding is not None else "created")
            self.save_checkpoint("export", str(pending[-1][0]["id"]))
            self.progress(len(pending))
            pending.clear()

        for page in pages:
            with self.ctx.db.session() as session:
                bound = {
                    p["id"]: bindings.by_odoo(session, self.connection_id, self.entity.name, p["id"])
                    for p in page
                }
                for binding in bound.values():
                    if binding is not None:
                        session.expunge(binding)
            for row in page:
                binding = bound[row["id"]]
                paired = binding is not None and binding.xero_id and binding.odoo_id
                if dry_run:
                    self.apply_one("odoo", str(row["id"]), row.get("write_date"), row, report, dry_run)
                    continue
                canon = source.canonical(handle, row)
                if paired and binding.content_hash == canon.digest():
                    report.unchanged += 1
                    self.progress(1)
                    continue
                if not paired and binding is None and not row.get("active", True):
                    report.skipped += 1  # an archived product Xero never had
                    self.progress(1)
                    continue
                if not (self.policy.may_update() if paired else self.policy.may_create()):
                    report.skipped += 1
                    self.progress(1)
                    continue
                try:
                    element = target.element(xero, canon)
                except PermanentError:  # a dependency not bound yet: the translator syncs it first
                    self.apply_one("odoo", str(row["id"]), row.get("write_date"), None, report, dry_run)
                    continue
                if paired:
                    element["ItemID"] = binding.xero_id
                pending.append((row, canon, binding if paired else None, element))
                if len(pending) == BATCH_SIZE:
                    flush()
        flush()
