"""Small per-connection values an operator sets (the inventory account, the import categories).

Kept in the store's key table (the one bulk checkpoints use) under source "setting", so they need no
table of their own and travel with the connection's other state."""

from __future__ import annotations

from typing import Any

from bridge.store.models import Watermark, utcnow

SOURCE = "setting"


def get_value(db: Any, connection_id: str, key: str) -> str | None:
    """The value stored under `key` for the connection, or None."""
    with db.session() as session:
        row = session.get(Watermark, (connection_id, SOURCE, key))
        return row.value if row is not None and row.value else None


def set_value(db: Any, connection_id: str, key: str, value: str | None) -> None:
    """Store `value` under `key` (None removes it)."""
    with db.session() as session:
        row = session.get(Watermark, (connection_id, SOURCE, key))
        if value is None:
            if row is not None:
                session.delete(row)
            return
        if row is None:
            session.add(Watermark(connection_id=connection_id, source=SOURCE, entity=key, value=value))
        else:
            row.value, row.updated_at = value, utcnow()


def get_id(db: Any, connection_id: str, key: str) -> int | None:
    """A stored record id (an Odoo id), or None."""
    value = get_value(db, connection_id, key)
    return int(value) if value else None


def set_id(db: Any, connection_id: str, key: str, record_id: int | None) -> None:
    set_value(db, connection_id, key, None if record_id is None else str(record_id))
