"""How a failure to apply an event is classified, and the other system's own words for it.

transient → wait on the retry ladder; permanent → mismatch log at once; unknown → retry, then
dead-letter. Notes carry what Xero or Odoo said, parsed, so an operator reads the real reason.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests

TRANSIENT, PERMANENT, UNKNOWN, BLOCKED = "transient", "permanent", "unknown", "blocked"

# Odoo errors that a later try can clear (odoo-facts §1.5, §1.6).
ODOO_TRANSIENT_NAMES = {
    "psycopg2.errors.SerializationFailure",
    "psycopg2.errors.LockNotAvailable",
    "psycopg2.errors.DeadlockDetected",
    "psycopg2.extensions.TransactionRollbackError",
    "odoo.exceptions.ConcurrencyError",
    "odoo.exceptions.LockError",
}


class BridgeError(Exception):
    kind = UNKNOWN

    def __init__(self, note: str, *, details: dict | None = None, retry_after: float | None = None):
        super().__init__(note)
        self.note = note
        self.details = details or {}
        self.retry_after = retry_after


class TransientError(BridgeError):
    """Worth another try later: timeouts, 5xx, 429, locks, a record not yet visible."""

    kind = TRANSIENT


class PermanentError(BridgeError):
    """Will fail the same way until someone changes data or settings: validation errors and the like."""

    kind = PERMANENT


class ConnectionBlocked(BridgeError):
    """The connection cannot act until a person does something (reconnect Xero): park its events."""

    kind = BLOCKED


class NotYetVisible(TransientError):
    """Odoo 17/18 post their webhook before commit: the record may not be readable yet (odoo-facts §2.1)."""


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def xero_error_note(response: requests.Response) -> tuple[str, dict]:
    """Xero's error body → one line, plus the parsed details (xero-facts §6)."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()[:500]
        return f"Xero {response.status_code}: {text or response.reason}", {"status": response.status_code}
    if isinstance(body, dict) and body.get("Type") == "ValidationException":
        messages = [
            error.get("Message", "")
            for element in body.get("Elements") or []
            for error in element.get("ValidationErrors") or []
        ]
        note = "; ".join(m for m in messages if m) or body.get("Message", "validation failed")
        return f"Xero ValidationException: {note}", {"status": response.status_code, "messages": messages}
    if isinstance(body, dict):
        detail = body.get("Detail") or body.get("Message") or body.get("error") or body.get("Title")
        return f"Xero {response.status_code}: {detail}", {"status": response.status_code, "body": body}
    return f"Xero {response.status_code}: {json.dumps(body)[:500]}", {"status": response.status_code}


def odoo_error_note(error: dict) -> tuple[str, str]:
    """An Odoo JSON-RPC `error` object (or JSON-2 body) → (exception name, one-line message)."""
    data = error.get("data") if isinstance(error.get("data"), dict) else error
    name = data.get("name") or "odoo.error"
    message = data.get("message") or error.get("message") or "Odoo Server Error"
    return name, f"Odoo {name.rsplit('.', 1)[-1]}: {message}"


def from_odoo_error(error: dict) -> BridgeError:
    """An Odoo error (JSON-RPC `error`, or JSON-2 body) → transient for locks and serialization
    failures (Odoo itself gave up retrying them, odoo-facts §1.6), permanent for business errors."""
    name, note = odoo_error_note(error)
    if name in ODOO_TRANSIENT_NAMES:
        return TransientError(note, details={"name": name})
    if name.startswith("odoo.exceptions.") and name.rsplit(".", 1)[-1] in (
        "UserError",
        "ValidationError",
        "AccessError",
        "MissingError",
        "RedirectWarning",
    ):
        return PermanentError(note, details={"name": name})
    return BridgeError(note, details={"name": name})


def from_http_response(response: requests.Response, system: str) -> BridgeError:
    """The error an unsuccessful HTTP response stands for."""
    status = response.status_code
    if system == "xero":
        note, details = xero_error_note(response)
    else:
        note, details = f"{system} {status}: {response.text.strip()[:500]}", {"status": status}
    if status == 429 or status >= 500:
        return TransientError(
            note, details=details, retry_after=parse_retry_after(response.headers.get("Retry-After"))
        )
    if status in (400, 403, 404, 409, 422):
        return PermanentError(note, details=details)
    return BridgeError(note, details=details)


def classify(exc: BaseException) -> BridgeError:
    """Any exception a translator raised → a BridgeError with a kind and a note."""
    if isinstance(exc, BridgeError):
        return exc
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return from_http_response(exc.response, "xero" if "xero" in (exc.response.url or "") else "http")
    if isinstance(exc, (requests.ConnectionError, requests.Timeout, TimeoutError, ConnectionError)):
        return TransientError(f"{type(exc).__name__}: {exc}")
    return BridgeError(f"{type(exc).__name__}: {exc}")
