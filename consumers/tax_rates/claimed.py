"""Which records of one side are already paired with another record (bindings of this connection).

A match by name or by rate and scope must not take a record the bridge has already paired with another
one: two Xero rates of 0 % for sales, or two Odoo taxes of 15 %, would otherwise both bind to the
first. The sides learn the store from the translator's `client(ctx, scope)` call, which comes just
before `find` in the same thread (a thread-local: translators are shared between worker threads).
Called without it (a direct `find`), nothing is excluded.
"""

from __future__ import annotations

import threading
from typing import Any

from bridge.store import bindings

_local = threading.local()


def remember(ctx: Any) -> None:
    _local.db = getattr(ctx, "db", None)


def taken(connection_id: str, entity: str, system: str) -> set:
    """Ids on `system` ("xero" or "odoo") that a binding of this entity pairs already."""
    db = getattr(_local, "db", None)
    if db is None:
        return set()
    with db.session() as session:
        rows = bindings.of_entity(session, connection_id, entity)
        return {
            (b.xero_id if system == "xero" else b.odoo_id)
            for b in rows
            if b.xero_id is not None and b.odoo_id is not None
        }
