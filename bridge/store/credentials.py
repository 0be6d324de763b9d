"""Secrets stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256), never in clear in the database."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.store.models import Credential, utcnow


class SecretKeyError(Exception):
    pass


def load_or_create_key(configured: str | None, home: Path) -> bytes:
    """The configured key, else a key kept in BRIDGE_HOME (created once, readable by its owner only)."""
    if configured:
        key = configured.encode()
    else:
        path = home / "secret.key"
        if not path.exists():
            home.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key())
        key = path.read_bytes().strip()
    try:
        Fernet(key)
    except ValueError:
        raise SecretKeyError(
            "BRIDGE_SECRET_KEY: not a Fernet key (32 url-safe base64-encoded bytes)"
        ) from None
    return key


class Vault:
    def __init__(self, key: bytes):
        self._fernet = Fernet(key)

    def __repr__(self) -> str:
        return "Vault(<key hidden>)"

    def put(
        self, session: Session, connection_id: str, kind: str, secret: dict, expires_at: float | None = None
    ):
        token = self._fernet.encrypt(json.dumps(secret).encode())
        row = session.get(Credential, (connection_id, kind), with_for_update=True)
        if row is None:
            session.add(
                Credential(connection_id=connection_id, kind=kind, ciphertext=token, expires_at=expires_at)
            )
        else:
            row.ciphertext, row.expires_at, row.version, row.updated_at = (
                token,
                expires_at,
                row.version + 1,
                utcnow(),
            )
        session.flush()

    def get(self, session: Session, connection_id: str, kind: str, for_update: bool = False) -> dict | None:
        query = select(Credential).where(Credential.connection_id == connection_id, Credential.kind == kind)
        row = session.execute(query.with_for_update() if for_update else query).scalar()
        if row is None:
            return None
        try:
            return json.loads(self._fernet.decrypt(row.ciphertext))
        except InvalidToken:
            raise SecretKeyError(
                f"credential {kind} of {connection_id} cannot be decrypted with this key"
            ) from None
