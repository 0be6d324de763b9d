"""The bridge's own state on SQLAlchemy: SQLite by default, PostgreSQL in production."""

from bridge.store.db import Database

__all__ = ["Database"]
