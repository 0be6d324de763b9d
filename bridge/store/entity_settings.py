"""Settings per connection and entity (the seed's options): direction, mode, conflict policy, overwrite.

"import" is Xero → Odoo and "export" Odoo → Xero, as the commercial connectors call them. A change the
settings refuse is skipped and counted, not an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bridge.store.models import EntitySetting

DIRECTIONS = ("both", "import", "export", "off")
MODES = ("create-and-update", "create", "update")
POLICIES = ("newest-wins", "xero-wins", "odoo-wins")


@dataclass(frozen=True)
class EntityPolicy:
    direction: str = "both"
    mode: str = "create-and-update"
    conflict_policy: str = "newest-wins"
    overwrite_on_match: bool = False

    def allows(self, source: str) -> bool:
        """May a change that started in `source` ("xero" or "odoo") be applied to the other side?"""
        wanted = "import" if source == "xero" else "export"
        return self.direction in ("both", wanted)

    def may_create(self) -> bool:
        return self.mode in ("create-and-update", "create")

    def may_update(self) -> bool:
        return self.mode in ("create-and-update", "update")


def get(
    session: Session, connection_id: str, entity: str, defaults: Mapping[str, object] | None = None
) -> EntityPolicy:
    """The connection's settings for the entity; `defaults` are the entity's own (its declaration)."""
    row = session.get(EntitySetting, (connection_id, entity))
    if row is None:
        return EntityPolicy(**(defaults or {}))
    return EntityPolicy(row.direction, row.mode, row.conflict_policy, row.overwrite_on_match)


def put(session: Session, connection_id: str, entity: str, **changes) -> EntityPolicy:
    for key, allowed in (("direction", DIRECTIONS), ("mode", MODES), ("conflict_policy", POLICIES)):
        if changes.get(key) is not None and changes[key] not in allowed:
            raise ValueError(f"{key} must be one of {', '.join(allowed)}")
    row = session.get(EntitySetting, (connection_id, entity))
    if row is None:
        row = EntitySetting(connection_id=connection_id, entity=entity)
        session.add(row)
    defaults = EntityPolicy()
    for key in ("direction", "mode", "conflict_policy", "overwrite_on_match"):
        value = changes.get(key)
        if value is not None:
            setattr(row, key, value)
        elif getattr(row, key) is None:
            setattr(row, key, getattr(defaults, key))
    session.flush()
    return EntityPolicy(row.direction, row.mode, row.conflict_policy, row.overwrite_on_match)
