"""Attachments Odoo → Xero (consumers/attachments): a file attached in Odoo to a synced invoice or contact
reaches its Xero document once, typed by its name, shown online on a customer invoice; Xero's limits are
mismatches naming the file. The world is the invoices' (tests/test_invoices.py): USD organisation,
accounts and taxes bound by hand."""

from __future__ import annotations

import base64
from dataclasses import replace

import requests

from bridge.events import Event
from bridge.store import bindings, mismatches
from bridge.store.mismatches import MismatchFilter
from consumers.attachments.bulk import AttachmentBulk
from consumers.attachments.translator import AttachmentExport
from tests import test_invoices as invoices

world = invoices.world  # module-scoped here too: this module gets its own
keeps_to_xeros_spec = invoices.keeps_to_xeros_spec

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# ------------------------------------------------------------------------------------------ helpers


def attach(world, model: str, res_id: int, name: str, content: bytes) -> int:
    """An Odoo user attaching a file to a record (the chatter's paperclip)."""
    values = {"name": name, "res_model": model, "res_id": res_id, "datas": base64.b64encode(content).decode()}
    (made,) = world.odoo.env("admin").create("ir.attachment", [values])
    return made


def bound_invoice(world, buyer: str) -> tuple[int, str]:
    """A customer invoice made in Odoo and synced: (Odoo move id, Xero InvoiceID)."""
    move = invoices.odoo_invoice(world, buyer, [("Work", 1, 100.0, "400000", "sale")])
    return move, invoices.exported(world, move)["InvoiceID"]


def xero_files(world, collection: str, guid: str) -> list[dict]:
    """The files Xero keeps on a document, read from the sandbox (the tenant's API budget is the bridge's)."""
    org = world.xero.org()
    with org.lock:
        return list(org.attachments.get(f"{collection}/{guid.lower()}", []))


def sent(world, collection: str, guid: str, name: str) -> dict:
    def found():
        return next((f for f in xero_files(world, collection, guid) if f["FileName"] == name), None)

    return world.wait(found, timeout=30, message=f"{name} on Xero {collection}/{guid}")


def open_entries(world) -> list:
    with world.runtime.db.session() as session:
        return [
            m for m in mismatches.find(session, MismatchFilter(status="open")) if m.entity == "attachment"
        ]


def mismatch_naming(world, text: str):
    (entry,) = world.wait(lambda: [m for m in open_entries(world) if text in m.note], timeout=30)
    return entry


def settled_aside(world, entry) -> None:
    """An expected mismatch, set aside so that later tests see only their own."""
    with world.runtime.db.session() as session:
        mismatches.set_status(session, entry.id, "ignored", note="test: expected")


def notify(world, attachment: int, **fields) -> None:
    """Odoo's "Send Webhook Notification" body for an attachment, posted to the bridge."""
    response = requests.post(
        f"{world.url}/webhooks/odoo/{world.settings.odoo_webhook_token}",
        params={"event": "write"},
        json={
            "_model": "ir.attachment",
            "_id": attachment,
            "_action": "Send Webhook Notification(#1)",
            **fields,
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text


def payload(world, attachment: int) -> dict:
    fields = ["name", "res_model", "res_id", "checksum", "company_id", "write_date"]
    (row,) = world.odoo.env("admin").read("ir.attachment", [attachment], fields, load=None)
    return {k: (str(v) if k == "write_date" else v) for k, v in row.items() if k != "id"}


def quietly(world, make):
    """Make records with Odoo's automation rules off: they reach the bridge only when a test says so."""
    restore = invoices.without_webhooks(world)
    try:
        return make()
    finally:
        restore()


# ---------------------------------------------------------------------------------- Odoo → Xero


def test_a_pdf_attached_to_a_bound_odoo_invoice_reaches_xero_typed_and_shown_online(world):
    move, invoice_id = bound_invoice(world, "Attaching Buyer Ltd")
    attach(world, "account.move", move, "terms.pdf", PDF)
    file = sent(world, "Invoices", invoice_id, "terms.pdf")
    assert (file["MimeType"], file["IncludeOnline"], file["_content"]) == ("application/pdf", True, PDF)
    assert invoices.xero_doc(world, invoice_id)["HasAttachments"] is True


def test_a_bills_attachment_is_not_shown_online(world):
    bill = invoices.odoo_invoice(
        world, "Attaching Supplier Co", [("Paper", 1, 10.0, "600000", "purchase")], move_type="in_invoice",
        ref="SUP-ATT-1",
    )  # fmt: skip
    bill_id = invoices.exported(world, bill)["InvoiceID"]
    attach(world, "account.move", bill, "receipt.png", b"\x89PNG\r\n\x1a\n fake image")
    file = sent(world, "Invoices", bill_id, "receipt.png")
    assert (file["MimeType"], file["IncludeOnline"]) == ("image/png", False)


def test_an_attachment_on_a_synced_contact_reaches_its_xero_contact(world):
    partner = invoices.partner(world, "Attached Contact Ltd")

    def contact_id():
        with world.runtime.db.session() as session:
            found = bindings.by_odoo(session, "demo", "contact", partner)
            return found.xero_id if bindings.is_pair(found) else None

    xero_contact = world.wait(contact_id, timeout=30)
    attach(world, "res.partner", partner, "w9 form.pdf", PDF)
    file = sent(world, "Contacts", xero_contact, "w9 form.pdf")
    assert (file["MimeType"], file["IncludeOnline"], file["_content"]) == ("application/pdf", False, PDF)


def test_an_attachment_on_an_invoice_not_synced_yet_syncs_the_invoice_first(world):
    move = quietly(
        world, lambda: invoices.odoo_invoice(world, "Late Buyer Ltd", [("Late", 1, 5.0, "400000", "sale")])
    )
    assert invoices.binding_of(world, odoo_id=move) is None
    attach(world, "account.move", move, "late.pdf", PDF)
    doc = invoices.exported(world, move)
    assert sent(world, "Invoices", doc["InvoiceID"], "late.pdf")["_content"] == PDF


# ---------------------------------------------------------------------------------- once


def test_the_same_event_twice_uploads_the_file_once(world):
    move, invoice_id = bound_invoice(world, "Twice Buyer Ltd")
    attachment = quietly(world, lambda: attach(world, "account.move", move, "twice.pdf", PDF))
    body = payload(world, attachment)
    notify(world, attachment, **body)
    first = sent(world, "Invoices", invoice_id, "twice.pdf")["_content"]
    world.settle()
    duplicates = world.stats().get("duplicate", 0)
    notify(world, attachment, **body)
    world.wait(lambda: world.stats().get("duplicate", 0) > duplicates, timeout=30)
    (file,) = xero_files(world, "Invoices", invoice_id)
    assert file["_content"] is first  # the bytes of the first upload: none came since


def test_a_later_event_for_a_file_already_sent_writes_nothing(world):
    move, invoice_id = bound_invoice(world, "Repeat Buyer Ltd")
    attachment = attach(world, "account.move", move, "repeat.pdf", PDF)
    first = sent(world, "Invoices", invoice_id, "repeat.pdf")["_content"]
    world.settle()
    unchanged = world.stats().get("unchanged", 0)
    body = payload(world, attachment)
    del body["write_date"]  # a notification that names no change: a new event each time
    notify(world, attachment, **body)
    world.wait(lambda: world.stats().get("unchanged", 0) > unchanged, timeout=30)
    (file,) = xero_files(world, "Invoices", invoice_id)
    assert file["_content"] is first
    assert open_entries(world) == []


def test_a_crash_after_the_upload_and_before_the_binding_is_kept_does_not_upload_twice(world):
    move, invoice_id = bound_invoice(world, "Crash Buyer Ltd")
    attachment = quietly(world, lambda: attach(world, "account.move", move, "crash.pdf", PDF))
    event = Event(
        source="odoo", origin="webhook", connection="demo", entity="attachment", resource_id=str(attachment),
        change_type="update", occurred_at=None, dedupe_key=f"test|crash|{attachment}",
        company_id=world.odoo.company_ids[0],
    )  # fmt: skip
    ctx = invoices.context(world)
    # Applied here as a worker would, which waits its turn for the tenant's minute (the module's tests
    # share it) rather than failing: the governor waits up to a Xero minute instead of 1 s.
    ctx.services["xero"].governor.realtime_max_wait = 60.0
    first = AttachmentExport().apply(event, ctx)  # uploaded; the worker dies before committing this
    assert first.action == "created"
    uploaded = sent(world, "Invoices", invoice_id, "crash.pdf")["_content"]
    again = AttachmentExport().apply(replace(event, attempt=1), ctx)
    assert (again.action, again.binding.xero_id) == ("unchanged", first.binding.xero_id)
    (file,) = xero_files(world, "Invoices", invoice_id)
    assert file["_content"] is uploaded


def test_deleting_an_attachment_in_odoo_leaves_xeros_file_which_the_api_cannot_delete(world):
    move, invoice_id = bound_invoice(world, "Deleting Attacher Ltd")
    attachment = attach(world, "account.move", move, "gone.pdf", PDF)
    sent(world, "Invoices", invoice_id, "gone.pdf")
    world.settle()
    world.odoo.env("admin").unlink("ir.attachment", [attachment])
    world.settle()
    assert [f["FileName"] for f in xero_files(world, "Invoices", invoice_id)] == ["gone.pdf"]
    assert open_entries(world) == []


# ---------------------------------------------------------------------------------- Xero's limits


def test_an_11_mb_file_is_a_mismatch_naming_it_and_the_limit(world):
    move, invoice_id = bound_invoice(world, "Big File Buyer Ltd")
    attach(world, "account.move", move, "scan-11mb.pdf", b"%PDF" + b"0" * (11 * 1024 * 1024))
    entry = mismatch_naming(world, "scan-11mb.pdf")
    assert "at most 10 MB" in entry.note and entry.kind == "permanent"
    assert xero_files(world, "Invoices", invoice_id) == []
    settled_aside(world, entry)


def test_an_eleventh_file_on_a_document_is_a_mismatch_naming_it_and_the_limit(world):
    move, invoice_id = bound_invoice(world, "Many Files Buyer Ltd")
    for number in range(1, 11):  # a Xero user attaches ten files
        response = invoices.as_user(
            world, "PUT", f"Invoices/{invoice_id}/Attachments/note-{number}.txt", data=b"note %d" % number
        )
        assert response.status_code == 200, response.text
    attach(world, "account.move", move, "eleventh.pdf", PDF)
    entry = mismatch_naming(world, "eleventh.pdf")
    assert "at most 10 attachments" in entry.note
    assert len(xero_files(world, "Invoices", invoice_id)) == 10
    settled_aside(world, entry)


def test_a_different_file_of_the_same_name_in_xero_is_never_overwritten(world):
    move, invoice_id = bound_invoice(world, "Same Name Buyer Ltd")
    response = invoices.as_user(
        world, "PUT", f"Invoices/{invoice_id}/Attachments/contract.pdf", data=b"%PDF xero's"
    )
    assert response.status_code == 200, response.text
    attach(world, "account.move", move, "contract.pdf", PDF)
    entry = mismatch_naming(world, "contract.pdf")
    assert "one file per name" in entry.note
    assert xero_files(world, "Invoices", invoice_id)[0]["_content"] == b"%PDF xero's"
    settled_aside(world, entry)


# ---------------------------------------------------------------------------------- bulk


def test_bulk_export_sends_files_attached_while_the_bridge_was_not_listening(world):
    move, invoice_id = bound_invoice(world, "Bulk Attacher Ltd")
    world.settle()
    # Odoo's rules stay off until the bulk run is done: a notification Odoo sends late (on a loaded
    # machine) must not bring the files first.
    restore = invoices.without_webhooks(world)
    try:
        for n in (1, 2):
            attach(world, "account.move", move, f"bulk-{n}.pdf", PDF)
        first = AttachmentBulk(invoices.context(world), "demo").export()
    finally:
        restore()
    assert first.created >= 2, (first, [m.note for m in open_entries(world)])
    assert sorted(f["FileName"] for f in xero_files(world, "Invoices", invoice_id)) == [
        "bulk-1.pdf",
        "bulk-2.pdf",
    ]
    second = AttachmentBulk(invoices.context(world), "demo").export()
    assert second.created == 0 and second.updated == 0, second
