"""What the bridge syncs: the entity catalog every part reads (worker, scheduler, `bridge sync`,
`bridge odoo setup`, webhook routing, settings, status).

An entity is declared once, in its own package under consumers/ (`ENTITY = Entity(...)`), and found
through the entry point group `xero_odoo_bridge.entities`: the project registers its consumers/
packages there (consumers:entities finds every subpackage that declares an ENTITY), and a third party
adds an entity by registering its own. Adding an entity means adding its package and its tests.

Entities not built yet are listed in PLANNED with their queue group and models only, so their events
already route (and land in the mismatch log as "no translator … yet", replayable once they exist);
a declared entity replaces its planned line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points
from typing import Any

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "xero_odoo_bridge.entities"


@dataclass(frozen=True)
class Entity:
    """One entity: its models on either side, its queue group, and — when it is built — its parts.

    The parts are factories so that reading the catalog (ingest does, for every webhook) never
    builds translators or clients.
    """

    name: str
    group: str  # queue group: entities of a group share a queue per direction
    xero_model: str | None  # the Xero resource (Contact), as the mismatch log names it
    odoo_model: str | None
    xero_categories: tuple[str, ...] = ()  # Xero webhook eventCategory values that mean this entity
    odoo_models: tuple[str, ...] = ()  # further Odoo models whose changes are this entity's
    odoo_move_types: tuple[str, ...] = ()  # account.move: the move types that are this entity
    depends_on: tuple[str, ...] = ()  # entities a record of this one refers to (synced first)
    odoo_hooks: tuple[Any, ...] = ()  # bridge.odoo.setup.Hook: what the Odoo automation rules watch
    translators: Callable[[], list] | None = None  # consumers.base.Translator, one per source
    # The systems whose changes it syncs: both, or one for a one-way entity (attachments Odoo → Xero,
    # manual journals Xero → Odoo), which ships a translator for that source only.
    sources: tuple[str, ...] = ("xero", "odoo")
    pollers: Callable[[], list] | None = None  # bridge.polling specs (watermark / hash)
    deletions: Callable[[], list] | None = None  # bridge.polling.deletions.DeletionSpec
    bulk: Callable[..., Any] | None = None  # (ctx, connection_id, progress) → a bulk sync engine
    defaults: Mapping[str, Any] = field(default_factory=dict)  # default settings (direction, mode, …)
    # How often its records change, for the polling budget: "often", "daily", "rare" or "webhooks";
    # None derives it from the group and the webhooks (bridge/polling/budget.py change_rate).
    change_rate: str | None = None

    @property
    def built(self) -> bool:
        return self.translators is not None


# Planned entities: routing only (xero-facts §1 for the webhook categories, odoo-facts §3.10 for
# account.move's move types). Each is replaced by its package's declaration when it is built.
PLANNED: tuple[Entity, ...] = (
    Entity("currency", "settings", "Currency", "res.currency"),
    Entity("tax_rate", "settings", "TaxRate", "account.tax"),
    Entity("account", "settings", "Account", "account.account"),
    Entity("bank_account", "settings", "Account", "account.journal"),
    Entity("item", "products", "Item", "product.product", odoo_models=("product.template",)),
    Entity("stock_adjustment", "products", None, "stock.quant"),
    Entity("quote", "documents", "Quote", "sale.order"),
    Entity("purchase_order", "documents", "PurchaseOrder", "purchase.order"),
    Entity("invoice", "documents", "Invoice", "account.move", ("INVOICE",), (), ("out_invoice", "in_invoice")),
    Entity("credit_note", "documents", "CreditNote", "account.move", ("CREDITNOTE",), (), ("out_refund", "in_refund")),
    Entity("manual_journal", "documents", "ManualJournal", "account.move", (), (), ("entry",)),
    Entity("attachment", "documents", "Attachment", "ir.attachment"),
    Entity("payment", "payments", "Payment", "account.payment"),
    Entity("allocation", "payments", "Allocation", None),
)  # fmt: skip

DIRECTIONS: tuple[str, ...] = ("to_odoo", "to_xero")
# Queue groups are fixed: they are the broker topology (deploy/ declares the same queues).
GROUPS: tuple[str, ...] = ("settings", "partners", "products", "documents", "payments")


def declared() -> list[Entity]:
    """The entities installed packages declare, through the entry point group."""
    found: list[Entity] = []
    for point in entry_points(group=ENTRY_POINT_GROUP):
        loaded = point.load()
        items = loaded() if callable(loaded) else loaded
        found.extend(items if isinstance(items, (list, tuple)) else [items])
    return found


@cache
def catalog() -> dict[str, Entity]:
    """Every entity by name, in dependency order (an entity after the ones it depends on)."""
    entities = {e.name: e for e in PLANNED}
    names = set()
    for entity in declared():
        if entity.name in names:
            raise RuntimeError(f"two packages declare the entity {entity.name!r}")
        if entity.group not in GROUPS:
            raise RuntimeError(f"entity {entity.name!r}: unknown queue group {entity.group!r}")
        names.add(entity.name)
        entities[entity.name] = entity
    return {name: entities[name] for name in dependency_order(entities)}


def dependency_order(entities: Mapping[str, Entity]) -> list[str]:
    """Names ordered so that each comes after what it depends on; a cycle is an error."""
    ordered: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise RuntimeError("entities depend on each other in a circle: " + " → ".join((*path, name)))
        state[name] = "visiting"
        for dependency in entities[name].depends_on:
            if dependency not in entities:
                raise RuntimeError(f"entity {name!r} depends on unknown entity {dependency!r}")
            visit(dependency, (*path, name))
        state[name] = "done"
        ordered.append(name)

    for name in entities:
        visit(name, ())
    return ordered


def built() -> list[Entity]:
    return [e for e in catalog().values() if e.built]


def get(name: str) -> Entity:
    return catalog()[name]


def xero_category_entity(category: str) -> str | None:
    return next((e.name for e in catalog().values() if category in e.xero_categories), None)


def odoo_entity(model: str, payload: dict) -> str | None:
    """Which entity an Odoo webhook body is about (account.move: by its move_type, the first such
    entity when the body carries none)."""
    candidates = [e for e in catalog().values() if model == e.odoo_model or model in e.odoo_models]
    move_type = payload.get("move_type")
    for entity in candidates:
        if not entity.odoo_move_types or move_type is None or move_type in entity.odoo_move_types:
            return entity.name
    return None


def target_of(source: str) -> str:
    return "odoo" if source == "xero" else "xero"


def routing_key(source: str, entity: str) -> str:
    """to_<target>.<group>.<entity>: what the topic exchange routes on."""
    return f"to_{target_of(source)}.{catalog()[entity].group}.{entity}"
