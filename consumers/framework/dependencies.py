"""Dependencies first (the seed: "the system will find all dependencies for that record and
automatically create them"): a record that refers to an unbound record of another entity (a
contact's group; later an invoice's contact, items, accounts, taxes, currency) has that record synced
first, in the same apply, through the other entity's own translator and binding.

A connection whose settings disable an entity's export (the seed's "disable export of accounts &
taxes", bridge/store/entity_settings.py) never has Odoo create such a record in Xero: an Odoo record
that depends on an unmapped one is a mismatch naming it, to be mapped (`bridge mapping`) and replayed."""

from __future__ import annotations

from functools import cache
from typing import Any

from bridge import entities
from bridge.errors import PERMANENT, BridgeError, PermanentError
from bridge.events import Event
from bridge.store import bindings, entity_settings
from consumers.base import BindingUpdate, Context
from consumers.framework.scope import Scope


@cache
def _translator(entity: str, source: str):
    declared = entities.get(entity)
    if declared.translators is None:
        return None
    return next((t for t in declared.translators() if t.source == source), None)


def ensure_dependencies(ctx: Context, event: Event, scope: Scope, refs: list[tuple[str, Any]]) -> None:
    """Sync every referenced record that has no binding yet. One that cannot be synced makes this
    event a mismatch naming it; one the settings leave out (direction) is left out, not an error."""
    for entity, ref in dict.fromkeys(refs):
        with ctx.db.session() as session:
            find = bindings.by_xero if event.source == "xero" else bindings.by_odoo
            bound = find(session, scope.connection_id, entity, ref)
            if bound is not None and bound.xero_id is not None and bound.odoo_id is not None:
                continue
            policy = entity_settings.get(session, scope.connection_id, entity, entities.get(entity).defaults)
        translator = _translator(entity, event.source)
        if translator is None:
            raise PermanentError(f"depends on {entity} {ref}, which the bridge cannot sync yet")
        if event.source == "odoo" and policy.export_disabled:
            raise PermanentError(
                f"depends on {entity} {ref}{_named(ctx, scope, translator, ref)}, which is not mapped to "
                f"Xero, and this connection does not export {entity} records (export of accounts & "
                f"taxes is disabled): map it (bridge mapping set {entity} XERO_REF id:{ref}), then replay",
                details={"unmapped": {"entity": entity, "odoo_id": ref}},
            )
        dependency = Event(
            source=event.source,
            origin="dependency",
            connection=scope.connection_id,
            entity=entity,
            resource_id=str(ref),
            change_type="update",
            occurred_at=None,
            dedupe_key=f"dependency|{event.dedupe_key}|{entity}|{ref}",
            tenant_id=scope.tenant_id,
            company_id=scope.company_id,
            attempt=event.attempt,
            correlation_id=event.correlation_id,
        )
        try:
            outcome = translator.apply(dependency, ctx)
        except BridgeError as exc:
            if exc.kind == PERMANENT:
                raise PermanentError(
                    f"depends on {entity} {ref}, which cannot be synced: {exc.note}", details=exc.details
                ) from None
            raise
        if outcome.binding is not None:
            commit_binding(ctx, scope.connection_id, entity, outcome.binding)


def _named(ctx: Context, scope: Scope, translator: Any, ref: Any) -> str:
    """("Sales") — the record's name, when it can be read; the message names the record either way."""
    try:
        record = translator.src.fetch(translator.src.client(ctx, scope), ref)
    except Exception:  # noqa: BLE001 - the name is a courtesy; the id names the record already
        return ""
    name = translator.src.name(record) if record is not None else None
    return f" ({name})" if name else ""


def commit_binding(ctx: Context, connection_id: str, entity: str, b: BindingUpdate) -> None:
    """Keep a binding a translator reported, in its own transaction."""
    with ctx.db.session() as session:
        bindings.bind(
            session, connection_id, entity, xero_id=b.xero_id, odoo_id=b.odoo_id, content_hash=b.content_hash,
            xero_version=b.xero_version, odoo_version=b.odoo_version, snapshot=b.snapshot,
        )  # fmt: skip
