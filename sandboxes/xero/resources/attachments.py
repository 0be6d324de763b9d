"""Attachments (xero-facts §8 "Attachments: size limit"): raw bytes, at most 10 MB per file and 10 files
per document; IncludeOnline only on sales invoices and credit notes; POST or PUT with the same FileName
replaces the file; no DELETE.

Xero takes the MimeType from the file name, not from the upload's Content-Type: its own SDK uploads with
`application/octet-stream` and Xero answered `"MimeType": "application/pdf"` for `inv-0032.pdf`, and serves
the download as `application/pdf` (XeroAPI/xero-python
tests/accounting/api/cassettes/test_invoice_attachment_upload_and_download.yaml; "xero ignores the user
provided mime type and the actual file content, and guess the mime type from the file name only",
freakboy3742/pyxero#321). A name without a supported extension is refused (XeroAPI/Xero-Java#142: a file
named `filename` got "The file couldn't be uploaded because it isn't a supported file type.")."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import quote

from flask import Response

from ..errors import not_found, simple_validation, validation_exception
from .base import (
    Ctx,
    Router,
    envelope,
    is_uuid,
)

# Supported extensions: Xero's announcement of attachments (community.xero.com/developer/discussion/3095073:
# bmp csv doc docx gif jpeg jpg odf pdf png ppt pptx rar rtf tif tiff txt xls xlsx zip) and the later
# additions integrators list for Xero documents (support.approvalmax.com "Attaching files to Xero Bills":
# eml msg ods odt key keynote numbers pages 7z zipx). MimeTypes: `image/jpg` for .jpg as ACC's attachment
# examples show, `application/pdf`, `image/png`, `image/gif` likewise; the others are the IANA types.
MIME_TYPES = {
    "bmp": "image/bmp",
    "csv": "text/csv",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "gif": "image/gif",
    "jpeg": "image/jpeg",
    "jpg": "image/jpg",
    "odf": "application/vnd.oasis.opendocument.formula",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "pdf": "application/pdf",
    "png": "image/png",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "rar": "application/x-rar-compressed",
    "rtf": "application/rtf",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "txt": "text/plain",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "eml": "message/rfc822",
    "msg": "application/vnd.ms-outlook",
    "key": "application/octet-stream",
    "keynote": "application/octet-stream",
    "numbers": "application/octet-stream",
    "pages": "application/octet-stream",
    "7z": "application/x-7z-compressed",
    "zipx": "application/octet-stream",
}
UNSUPPORTED_TYPE = "The file couldn't be uploaded because it isn't a supported file type."
MAX_BYTES = 10 * 1024 * 1024
MAX_PER_DOCUMENT = 10
_BAD_NAME = re.compile(r'[<>:"/\\|?*+\x00]')  # ⚠ R26
_OWNERS = {
    "Invoices": ("invoices", "InvoiceID"),
    "CreditNotes": ("credit_notes", "CreditNoteID"),
    "Contacts": ("contacts", "ContactID"),
    "Accounts": ("accounts", "AccountID"),
    "ManualJournals": ("manual_journals", "ManualJournalID"),
    "PurchaseOrders": ("purchase_orders", "PurchaseOrderID"),
    "Quotes": ("quotes", "QuoteID"),
}


def _owner(ctx: Ctx, endpoint: str, guid: str) -> dict[str, Any] | None:
    coll, _ = _OWNERS[endpoint]
    if not is_uuid(guid):
        return None
    return getattr(ctx.org, coll).get(guid.lower())


def mime_type(file_name: str) -> str | None:
    """The MimeType Xero gives a file of this name, None when its extension is not supported."""
    stem, dot, extension = file_name.rpartition(".")
    return MIME_TYPES.get(extension.lower()) if dot and stem else None


def _meta(ctx: Ctx, endpoint: str, guid: str, att: dict[str, Any]) -> dict[str, Any]:
    return {
        "AttachmentID": att["AttachmentID"],
        "FileName": att["FileName"],
        "Url": f"{ctx.api_base}/{endpoint}/{guid}/Attachments/{quote(att['FileName'])}",
        "MimeType": att["MimeType"],
        "ContentLength": len(att["_content"]),
        "IncludeOnline": att["IncludeOnline"],
    }


def _register_endpoint(router: Router, endpoint: str) -> None:
    base = f"/{endpoint}/{{guid}}/Attachments"

    @router.add("GET", base, "attachments")
    def list_attachments(ctx: Ctx, guid: str) -> Response:
        with ctx.org.lock:
            if _owner(ctx, endpoint, guid) is None:
                return not_found()
            files = ctx.org.attachments.get(f"{endpoint}/{guid.lower()}", [])
            return envelope("Attachments", [_meta(ctx, endpoint, guid, a) for a in files], ctx.clock)

    @router.add("GET", base + "/{name}", "attachments")
    def get_attachment(ctx: Ctx, guid: str, name: str) -> Response:
        with ctx.org.lock:
            files = ctx.org.attachments.get(f"{endpoint}/{guid.lower()}", [])
            att = next((a for a in files if a["AttachmentID"] == name.lower() or a["FileName"] == name), None)
            if att is None:
                return not_found()
            return Response(att["_content"], mimetype=att["MimeType"])

    def upload(ctx: Ctx, guid: str, name: str) -> Response:
        org = ctx.org
        with org.lock:
            owner = _owner(ctx, endpoint, guid)
            if owner is None:
                return not_found()
            if len(ctx.body) > MAX_BYTES:
                return Response("The attachment exceeds the 10 MB limit.", status=413, mimetype="text/plain")
            if not ctx.body:
                return simple_validation("The attachment is empty.")
            if _BAD_NAME.search(name):
                return simple_validation(f"The file name {name} contains characters that are not allowed.")
            mime = mime_type(name)
            if mime is None:
                element = {
                    "AttachmentID": "00000000-0000-0000-0000-000000000000",
                    "FileName": name,
                    "MimeType": "application/octet-stream",
                    "ContentLength": len(ctx.body),
                    "ValidationErrors": [{"Message": UNSUPPORTED_TYPE}],
                }
                return validation_exception([element])
            include_online = (
                ctx.args.get("IncludeOnline", ctx.args.get("includeOnline", "false")).lower() == "true"
            )
            if include_online and owner.get("Type") not in ("ACCREC", "ACCRECCREDIT"):
                return simple_validation("IncludeOnline is only allowed on sales invoices and credit notes.")
            key = f"{endpoint}/{guid.lower()}"
            files = org.attachments.setdefault(key, [])
            same = next((a for a in files if a["FileName"] == name), None)
            if same is None and len(files) >= MAX_PER_DOCUMENT:
                return simple_validation(f"A document can have at most {MAX_PER_DOCUMENT} attachments.")
            att = same or {"AttachmentID": str(uuid.uuid4()), "FileName": name}
            att.update(
                {
                    "MimeType": mime,
                    "IncludeOnline": include_online,
                    "_content": ctx.body,
                }
            )
            if same is None:
                files.append(att)
            owner["HasAttachments"] = True
            # Xero's envelope, as for every other answer (the SDK's recorded upload, cassette above).
            return envelope("Attachments", [_meta(ctx, endpoint, guid, att)], ctx.clock)

    router.add("PUT", base + "/{name}", "attachments")(upload)
    router.add("POST", base + "/{name}", "attachments")(upload)


def register(router: Router) -> None:
    for endpoint in _OWNERS:
        _register_endpoint(router, endpoint)
