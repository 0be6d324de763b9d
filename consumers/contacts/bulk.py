"""Bulk sync of contacts: the generic engine (consumers/framework/bulk.py), with exports in batches
of 50 — Xero's POST upserts by ContactNumber (xero-facts §8), so a batch needs no read first, and a
batch retried after an interruption updates instead of duplicating — and memberships per batch."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from datetime import datetime
from functools import cached_property

from bridge.store import bindings
from bridge.xero.batch import BatchItem, export_batch
from bridge.xero.client import BATCH_SIZE, idempotency_key
from consumers.contacts.canonical import PARTNER_FIELDS, comparable, name_key
from consumers.contacts.lookups import OdooLookups
from consumers.contacts.xero_side import XeroContacts, contact_number
from consumers.framework.bulk import BulkSync, Report


class ContactBulk(BulkSync):
    entity_name = "contact"
    xero_collection = "Contacts"
    xero_params = {"includeArchived": "true"}
    odoo_model = "res.partner"

    def export_domain(self, since: datetime | None, after_id: int) -> list:
        """The company's (and shared) top-level contacts — not users' or companies' own partners."""
        excluded = sorted(self.lookups.excluded_partner_ids())
        return [
            ("parent_id", "=", False),
            ("id", "not in", excluded),
            *super().export_domain(since, after_id),
        ]

    def export_fields(self) -> list[str]:
        return [f for f in PARTNER_FIELDS if f in set(self.lookups.partner_fields())]

    @cached_property
    def lookups(self) -> OdooLookups:
        """One per run: users' and companies' partners, countries and tags are read once, not per page."""
        return OdooLookups(self.odoo)

    def export_calls(self, records: int) -> int:
        return 1 + math.ceil(records / BATCH_SIZE)  # the groups read, then one call per 50 (+ memberships)

    def export_pages(self, pages: Iterator[list[dict]], report: Report, dry_run: bool) -> None:
        client = self.xero()
        lookups = self.lookups
        if not dry_run:  # dependencies first: every tag is a contact group before a contact is sent
            from consumers.contact_groups import GroupBulk

            groups_run = GroupBulk(self.ctx, self.connection_id)
            groups_run._xero = client  # one client, one count of calls
            groups_run.export()
        groups = {
            name_key(g["Name"]): g["ContactGroupID"]
            for g in client.get("ContactGroups").get("ContactGroups") or []
        }
        side = XeroContacts()
        pending: list[tuple[BatchItem, object, object]] = []

        def flush() -> None:
            if not pending:
                return
            items = [item for item, _, _ in pending]
            body = json.dumps([i.element for i in items], sort_keys=True, default=str)
            # The key names this batch's content: a retried batch reuses it, another batch never does.
            key = idempotency_key(
                "bulk", self.connection_id, "contacts", hashlib.sha256(body.encode()).hexdigest()[:32]
            )
            outcome = export_batch(
                client, self.ctx.db, self.connection_id, self.entity.name, "Contacts", items, key
            )
            # Memberships before the hashes: a run interrupted in between sends them again.
            self._add_to_groups(client, pending, outcome.results, groups)
            with self.ctx.db.session() as session:
                for (item, canon, binding), result in zip(pending, outcome.results, strict=True):
                    if not result.ok:
                        continue
                    bindings.bind(
                        session, self.connection_id, self.entity.name, xero_id=result.record["ContactID"],
                        odoo_id=item.odoo_id, content_hash=canon.digest(),
                        xero_version=str(result.record.get("UpdatedDateUTC")),
                        snapshot={"odoo": canon.snapshot(), "xero": canon.snapshot()},
                    )  # fmt: skip
                    report.count("updated" if binding is not None else "created")
            report.refused += outcome.refused
            self.save_checkpoint("export", str(items[-1].odoo_id))
            self.progress(len(pending))
            pending.clear()

        for page in pages:
            children = self._children(page)
            with self.ctx.db.session() as session:
                bound = {
                    p["id"]: bindings.by_odoo(session, self.connection_id, self.entity.name, p["id"])
                    for p in page
                }
                for binding in bound.values():
                    if binding is not None:
                        session.expunge(binding)
            for partner in page:
                canon = comparable(
                    lookups.canonical(partner | {"child_ids": []}, children.get(partner["id"], [])),
                    lookups.has_mobile,
                )
                binding = bound[partner["id"]]
                if binding is not None and binding.content_hash == canon.digest():
                    report.unchanged += 1
                    self.progress(1)
                    continue
                if not (self.policy.may_update() if binding is not None else self.policy.may_create()):
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
                element = side.element(canon, lookups.has_mobile)
                if binding is not None and binding.xero_id:
                    element["ContactID"] = binding.xero_id
                else:
                    element["ContactNumber"] = contact_number(self.company_id, partner["id"])
                event = self.event("odoo", str(partner["id"]), partner.get("write_date"))
                pending.append((BatchItem(partner["id"], element, event, canon.name), canon, binding))
                if len(pending) == BATCH_SIZE:
                    flush()
        flush()

    def _add_to_groups(self, client, pending, results, groups: dict[str, str]) -> None:
        """Memberships of a batch: one call per group present in it (xero-facts §8 "Contact groups")."""
        members: dict[str, list[str]] = {}
        for (_, canon, _), result in zip(pending, results, strict=True):
            if result.ok:
                for group in canon.groups:
                    if group in groups:
                        members.setdefault(groups[group], []).append(result.record["ContactID"])
        for group_id, contact_ids in members.items():
            client.request(
                "PUT",
                f"ContactGroups/{group_id}/Contacts",
                json={"Contacts": [{"ContactID": c} for c in contact_ids]},
                idempotency=idempotency_key("bulk-members", group_id, *sorted(contact_ids)),
            )

    def _children(self, page: list[dict]) -> dict[int, list[dict]]:
        """Contact persons of a whole page in one read."""
        rows = self.odoo.search_read(
            "res.partner",
            [("parent_id", "in", [p["id"] for p in page]), ("type", "=", "contact")],
            ["name", "email", "type", "is_company", "parent_id"],
        )
        children: dict[int, list[dict]] = {}
        for row in rows:
            parent = row["parent_id"][0] if isinstance(row["parent_id"], list) else row["parent_id"]
            children.setdefault(parent, []).append(row)
        return children
