"""Settings per connection and entity (the seed's options): direction, mode, conflict policy, overwrite,
and whether Odoo may export the entity's records to Xero at all.

"import" is Xero → Odoo and "export" Odoo → Xero, as the commercial connectors call them. A change the
settings refuse is skipped and counted, not an error.

The seed's per-connection "disable export of accounts & taxes" turns export off for MASTER_DATA
(`export_disabled` on each): Odoo then never creates (nor changes) accounts, taxes or bank accounts in
Xero — they are mapped to Xero's (`bridge mapping`), and a record that depends on an unmapped one is a
mismatch naming it (consumers/framework/dependencies.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bridge.store.models import EntitySetting

DIRECTIONS = ("both", "import", "export", "off")
MODES = ("create-and-update", "create", "update")
POLICIES = ("newest-wins", "xero-wins", "odoo-wins")
# What "disable export of accounts & taxes" covers (the issue: accounts, taxes and bank accounts).
MASTER_DATA = ("account", "tax_rate", "bank_account")
# The direction left when export is disabled.
_WITHOUT_EXPORT = {"both": "import", "export": "off", "import": "import", "off": "off"}


@dataclass(frozen=True)
class EntityPolicy:
    direction: str = "both"  # in effect: without "export" when export_disabled
    mode: str = "create-and-update"
    conflict_policy: str = "newest-wins"
    overwrite_on_match: bool = False
    export_disabled: bool = False

    def allows(self, source: str) -> bool:
        """May a change that started in `source` ("xero" or "odoo") be applied to the other side?"""
        if source == "odoo" and self.export_disabled:
            return False
        wanted = "import" if source == "xero" else "export"
        return self.direction in ("both", wanted)

    def may_create(self) -> bool:
        return self.mode in ("create-and-update", "create")

    def may_update(self) -> bool:
        return self.mode in ("create-and-update", "update")


def _policy(row: EntitySetting) -> EntityPolicy:
    disabled = bool(row.export_disabled)
    direction = _WITHOUT_EXPORT[row.direction] if disabled else row.direction
    return EntityPolicy(direction, row.mode, row.conflict_policy, row.overwrite_on_match, disabled)


def get(
    session: Session, connection_id: str, entity: str, defaults: Mapping[str, object] | None = None
) -> EntityPolicy:
    """The connection's settings for the entity; `defaults` are the entity's own (its declaration)."""
    row = session.get(EntitySetting, (connection_id, entity))
    if row is None:
        return EntityPolicy(**(defaults or {}))
    return _policy(row)


def put(
    session: Session,
    connection_id: str,
    entity: str,
    defaults: Mapping[str, object] | None = None,
    **changes,
) -> EntityPolicy:
    """Change some settings; the others keep their value, or — the first time — the entity's
    `defaults` (its declaration), else the bridge's."""
    for key, allowed in (("direction", DIRECTIONS), ("mode", MODES), ("conflict_policy", POLICIES)):
        if changes.get(key) is not None and changes[key] not in allowed:
            raise ValueError(f"{key} must be one of {', '.join(allowed)}")
    row = session.get(EntitySetting, (connection_id, entity))
    if row is None:
        row = EntitySetting(connection_id=connection_id, entity=entity)
        session.add(row)
    initial = EntityPolicy(**(defaults or {}))
    for key in ("direction", "mode", "conflict_policy", "overwrite_on_match", "export_disabled"):
        value = changes.get(key)
        if value is not None:
            setattr(row, key, value)
        elif getattr(row, key) is None:
            setattr(row, key, getattr(initial, key))
    session.flush()
    return _policy(row)


def set_master_data_export(
    session: Session,
    connection_id: str,
    enabled: bool,
    defaults: Mapping[str, Mapping[str, object]] | None = None,
) -> None:
    """The seed's "disable export of accounts & taxes" (enabled=False), or its reverse. `defaults`:
    each entity's declared defaults, by name, for a setting row made now."""
    for entity in MASTER_DATA:
        put(session, connection_id, entity, (defaults or {}).get(entity), export_disabled=not enabled)


def master_data_export(session: Session, connection_id: str) -> bool:
    """Whether the connection exports accounts, taxes and bank accounts (False once disabled)."""
    return not any(get(session, connection_id, entity).export_disabled for entity in MASTER_DATA)
