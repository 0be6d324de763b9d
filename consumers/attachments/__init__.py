"""Attachments: an Odoo ir.attachment on a record the bridge syncs → a file on its Xero document, Odoo →
Xero only (issue 12: "Attachments Odoo → Xero for invoices, bills, credit notes, contacts, quotes and
purchase orders").

Decisions (each with its source):
- Where: consumers/attachments/targets.py, one line per document entity (Odoo model, entity, Xero
  collection); a record not bound yet is synced first through its own entity (dependencies.py), and one
  whose entity the bridge cannot sync is a mismatch naming it.
- Once: idempotent by file name and content (the binding keeps document, name, Odoo's checksum and the
  sha256); before an upload Xero's file list is read, so a crash after an upload never sends it twice
  (consumers/attachments/translator.py).
- Xero's limits (xero-facts §8): at most 10 MB a file and 10 files a document → a mismatch naming the
  file and the limit. The type is Xero's, from the file name (sandboxes/xero/resources/attachments.py).
- IncludeOnline for customer invoices and credit notes (the two uploads ACC 16.1.0 gives the parameter).
- Deletions do nothing: Xero's API cannot delete an attachment (no DELETE in ACC 16.1.0).
- Odoo notifies creation, renames and moves (trigger fields name, res_model, res_id); the payload carries
  res_model, res_id and the checksum, never the file. A file's content replaced in place (datas written
  over RPC) is not watched — `datas` as a trigger field would put the base64 file into every webhook
  payload (bridge/odoo/setup.py sends the trigger fields) — and reaches Xero with the next bulk export.
- No Xero → Odoo: Xero sends no attachment webhooks; the default direction is export.
"""

from __future__ import annotations

from bridge.entities import Entity
from bridge.odoo.setup import Hook
from consumers.attachments.targets import ATTACHABLE

NAME = "attachment"
TRIGGERS = ("name", "res_model", "res_id")
PAYLOAD = ("write_date", "company_id", "checksum")


def _translators() -> list:
    from consumers.attachments.translator import AttachmentExport

    return [AttachmentExport()]


def _bulk(ctx, connection_id: str, progress=None):
    from consumers.attachments.bulk import AttachmentBulk

    return AttachmentBulk(ctx, connection_id, progress)


ENTITY = Entity(
    name=NAME,
    group="documents",
    xero_model="Attachment",
    odoo_model="ir.attachment",
    depends_on=tuple(dict.fromkeys(line.entity for line in ATTACHABLE)),
    odoo_hooks=(Hook("ir.attachment", TRIGGERS, PAYLOAD),),
    translators=_translators,
    sources=("odoo",),
    bulk=_bulk,
    defaults={"direction": "export"},
)
