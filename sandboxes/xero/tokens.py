"""JWTs like Xero's: access tokens and id_tokens signed RS256 (xero-facts §7: the access token is a JWT),
with the claims clients read (authentication_event_id, xero_userid, scope, exp). One key per process; the
public half is served as JWKS."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

KEY_ID = "xero-sandbox-1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@functools.lru_cache(maxsize=1)
def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def encode(claims: dict[str, Any]) -> str:
    header = {"alg": "RS256", "kid": KEY_ID, "typ": "JWT"}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = _key().sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}"


def at_hash(access_token: str) -> str:
    """OIDC at_hash: left half of SHA-256 of the access token."""
    return _b64(hashlib.sha256(access_token.encode()).digest()[:16])


def jwks() -> dict[str, Any]:
    numbers = _key().public_key().public_numbers()
    return {
        "keys": [
            {
                "kty": "RSA",
                "use": "sig",
                "alg": "RS256",
                "kid": KEY_ID,
                "n": _int_b64(numbers.n),
                "e": _int_b64(numbers.e),
            }
        ]
    }
