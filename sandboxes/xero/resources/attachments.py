"""Attachments (xero-facts §8 "Attachments: size limit"): raw bytes, at most 10 MB per file and 10 files
per document; IncludeOnline only on sales invoices and credit notes; POST or PUT with the same FileName
replaces the file; no DELETE."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import quote

from flask import Response

from ..errors import json_response, not_found, simple_validation
from .base import (
    Ctx,
    Router,
    envelope,
    is_uuid,
)

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
                    "MimeType": ctx.content_type.split(";")[0] or "application/octet-stream",
                    "IncludeOnline": include_online,
                    "_content": ctx.body,
                }
            )
            if same is None:
                files.append(att)
            owner["HasAttachments"] = True
            return json_response({"Attachments": [_meta(ctx, endpoint, guid, att)]})

    router.add("PUT", base + "/{name}", "attachments")(upload)
    router.add("POST", base + "/{name}", "attachments")(upload)


def register(router: Router) -> None:
    for endpoint in _OWNERS:
        _register_endpoint(router, endpoint)
