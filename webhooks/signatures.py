"""Webhook authenticity checks, constant-time."""

from __future__ import annotations

import base64
import hashlib
import hmac


def xero_signature(key: str, raw_body: bytes) -> str:
    """base64(HMAC-SHA256(webhook key, raw body)): the x-xero-signature header (xero-facts §1)."""
    return base64.b64encode(hmac.new(key.encode(), raw_body, hashlib.sha256).digest()).decode()


def verify_xero(key: str | None, raw_body: bytes, header: str | None) -> bool:
    if not key or not header:
        return False
    return hmac.compare_digest(xero_signature(key, raw_body).encode(), header.strip().encode())


def verify_token(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def bridge_signature(secret: str, raw_body: bytes) -> str:
    """X-Bridge-Signature: hex HMAC-SHA256 of the raw body, for senders that can sign."""
    return hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()


def verify_bridge_signature(secret: str, raw_body: bytes, header: str) -> bool:
    value = header.strip().removeprefix("sha256=")
    return hmac.compare_digest(bridge_signature(secret, raw_body).encode(), value.encode())
