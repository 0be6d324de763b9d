"""The guarantee suite's kit for attachments (consumers/attachments): an Odoo ir.attachment on a synced
customer invoice → a file on its Xero invoice, Odoo → Xero only.

Every attachment of a world hangs on one Odoo invoice that the bridge exported while the world was
prepared. The record "named" `name` is the PDF file `{name}.pdf`: Xero refuses a file name without a
supported extension (sandboxes/xero/resources/attachments.py, XeroAPI/Xero-Java#142). Xero's files are
read from the sandbox's store, not through the API, so that the tenant's 60 calls a minute are the
bridge's. The Accounting API cannot delete or rename a file (ACC 16.1.0 declares no DELETE on any
`…/Attachments` path; xero-facts §8), so a file renamed in Odoo is a second file in Xero and the first
one stays: `target_keeps_renamed_away`."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from bridge.cli.sandboxed import SandboxedBridge
from tests.support.documents import ready_for_documents
from tests.support.kits import XERO_API, Kit, odoo_admin
from tests.support.kits_invoice import KIT as INVOICE

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
INVOICE_REF = "Guarantee attachments' invoice"


@dataclass(frozen=True)
class Document:
    """The invoice a world's attachments go on: its Odoo move and the Xero invoice it is bound to."""

    move: int
    invoice_id: str


class AttachmentKit(Kit):
    entity = "attachment"
    xero_collection = "Invoices"  # the document the files go on (…/Invoices/{InvoiceID}/Attachments)
    xero_id_field = "AttachmentID"
    xero_category = None  # Xero sends no attachment webhooks (consumers/attachments/__init__.py)
    xero_create_method = "PUT"  # a new file (createInvoiceAttachmentByFileName); POST replaces one
    odoo_model = "ir.attachment"
    target_keeps_renamed_away = True

    def __init__(self) -> None:
        self._documents: WeakKeyDictionary[SandboxedBridge, Document] = WeakKeyDictionary()

    def document(self, world: SandboxedBridge) -> Document:
        return self._documents[world]

    def prepare(self, world: SandboxedBridge) -> None:
        """Documents' mappings, and one Odoo customer invoice exported by a worker of the set-up's own,
        which is stopped and forgotten afterwards (its outcomes are not the test's: world.stats())."""
        ready_for_documents(world)
        move = INVOICE.create_in_odoo(world, INVOICE_REF)
        world.start_worker()
        try:
            invoice_id = world.wait(
                lambda: INVOICE.bound(world, "odoo", str(move)), timeout=30, message="the invoice in Xero"
            )
            world.settle()
        finally:
            world.stop_workers()
            world.workers.clear()
        self._documents[world] = Document(move, invoice_id)

    @staticmethod
    def file_name(name: str) -> str:
        return f"{name}.pdf"

    # ------------------------------------------------------------------ acting as users

    def create_in_odoo(self, world: SandboxedBridge, name: str) -> int:
        """An Odoo user attaches a PDF to the invoice (the chatter's paperclip)."""
        values = {
            "name": self.file_name(name),
            "res_model": "account.move",
            "res_id": self.document(world).move,
            "datas": base64.b64encode(PDF).decode(),
        }
        (made,) = world.odoo.env("admin").create(self.odoo_model, [values])
        return made

    def rename(self, world: SandboxedBridge, source: str, record_id: str, name: str) -> None:
        assert source == "odoo", "attachments sync from Odoo only"
        world.odoo.env("admin").write(self.odoo_model, [int(record_id)], {"name": self.file_name(name)})

    # ------------------------------------------------------------------ reading either side

    def _xero_files(self, world: SandboxedBridge) -> list[dict]:
        """The files the Xero sandbox keeps on the invoice (keyed by the lower-case InvoiceID)."""
        org = world.xero.org()
        with org.lock:
            return list(org.attachments.get(f"Invoices/{self.document(world).invoice_id.lower()}", []))

    def ids(self, world: SandboxedBridge, side: str, name: str) -> list[str]:
        if side == "xero":
            return sorted(
                f["AttachmentID"] for f in self._xero_files(world) if f["FileName"] == self.file_name(name)
            )
        domain = [
            ("name", "=", self.file_name(name)),
            ("res_model", "=", "account.move"),
            ("res_id", "=", self.document(world).move),
        ]
        return sorted(str(r["id"]) for r in odoo_admin(world).search_read(self.odoo_model, domain, ["id"]))

    def version(self, world: SandboxedBridge, side: str, record_id: str) -> object:
        """Xero's file as kept, and which upload's bytes it holds: every upload stores a new bytes object,
        even of equal content. The version keeps that object, so its id() cannot be reused meanwhile."""
        if side != "xero":
            return super().version(world, side, record_id)
        (file,) = [f for f in self._xero_files(world) if f["AttachmentID"] == record_id]
        return {**file, "upload": id(file["_content"])}

    # ------------------------------------------------------------------ faults on the target side

    def lose_next_create_response(self, world: SandboxedBridge, target: str) -> Callable[[], bool]:
        """Xero keeps the next file uploaded to the invoice and drops the connection. The fault matches
        Flask's request.path (decoded) by glob (sandboxes/xero/faults.py), so any file name."""
        if target != "xero":
            return super().lose_next_create_response(world, target)
        fault = world.xero.inject_fault(
            "drop",
            method=self.xero_create_method,
            path=f"{XERO_API}/Invoices/{self.document(world).invoice_id}/Attachments/*",
            phase="after",
        )
        return lambda: fault.hits >= 1


KIT = AttachmentKit()
