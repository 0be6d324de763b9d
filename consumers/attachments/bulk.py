"""Bulk export of attachments on the generic engine (consumers/framework/bulk.py): every file attached
to a record of a synced kind, each through the translator (which syncs its document first). Export only:
Xero's files do not come to Odoo."""

from __future__ import annotations

from datetime import datetime

from consumers.attachments.targets import MODELS
from consumers.framework.bulk import BulkSync


class AttachmentBulk(BulkSync):
    entity_name = "attachment"
    xero_collection = (
        "Attachments"  # per document only (…/{Guid}/Attachments): never listed (Odoo → Xero only)
    )
    odoo_model = "ir.attachment"

    def export_domain(self, since: datetime | None, after_id: int) -> list:
        return [
            ("res_model", "in", list(MODELS)), ("res_id", "!=", 0), ("type", "=", "binary"),
            *super().export_domain(since, after_id),
        ]  # fmt: skip
