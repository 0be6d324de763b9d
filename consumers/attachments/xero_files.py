"""Xero's attachment calls on one document (ACC 16.1.0, `/{Collection}/{Guid}/Attachments`).

- List: GET …/Attachments → `{"Attachments": [{AttachmentID, FileName, MimeType, ContentLength,
  IncludeOnline}]}` (schema Attachment).
- Download: GET …/Attachments/{FileName}, with the required `contentType` header (parameter
  ContentType: "The mime type of the attachment file you are retrieving").
- Upload: PUT …/Attachments/{FileName} creates (createInvoiceAttachmentByFileName), POST replaces the
  file of that name (updateInvoiceAttachmentByFileName); the body is the file's bytes as
  `application/octet-stream` (requestBody "Byte array of file in body of request"), as Xero's own SDK
  sends it: Xero types the file by its name, not by the upload's Content-Type (XeroAPI/xero-python
  cassette test_invoice_attachment_upload_and_download; freakboy3742/pyxero#321).
- There is no DELETE on any attachment path of ACC 16.1.0: the API cannot remove a file (xero-facts §8).
"""

from __future__ import annotations

from urllib.parse import quote

from bridge.xero.client import XeroClient


def attachments_path(collection: str, document_id: str, file_name: str | None = None) -> str:
    base = f"{collection}/{document_id}/Attachments"
    return base if file_name is None else f"{base}/{quote(file_name, safe='')}"


def listed(client: XeroClient, collection: str, document_id: str) -> list[dict]:
    return client.get(attachments_path(collection, document_id)).get("Attachments") or []


def download(client: XeroClient, collection: str, document_id: str, file: dict) -> bytes:
    response = client.request(
        "GET",
        attachments_path(collection, document_id, file["FileName"]),
        headers={"Accept": "*/*", "contentType": file.get("MimeType") or "application/octet-stream"},
    )
    return response.content


def upload(
    client: XeroClient,
    method: str,
    collection: str,
    document_id: str,
    file_name: str,
    content: bytes,
    *,
    include_online: bool,
    key: str,
) -> dict:
    """PUT (a new file) or POST (replacing the file of that name); the attachment as Xero kept it."""
    params = {"IncludeOnline": "true"} if include_online else None
    response = client.request(
        method,
        attachments_path(collection, document_id, file_name),
        params=params,
        content=content,
        idempotency=key,
    )
    (kept,) = client.json_of(response).get("Attachments") or [{}]
    return kept
