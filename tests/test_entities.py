"""The entity catalog: every part of the bridge sees every entity, from the one place it is declared."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

import pytest

from bridge import entities
from bridge.broker.topology import Topology
from bridge.entities import Entity
from bridge.odoo.setup import hooks
from bridge.polling.scheduler import default_plan
from consumers.framework.canonical import Canonical, merge
from consumers.registry import default_registry


@pytest.fixture
def catalog_with(monkeypatch):
    """The catalog as if installed packages declared `extra` as well."""

    def install(*extra: Entity) -> dict[str, Entity]:
        declared = entities.declared()
        monkeypatch.setattr(entities, "declared", lambda: [*declared, *extra])
        entities.catalog.cache_clear()
        return entities.catalog()

    yield install
    entities.catalog.cache_clear()


def test_contacts_and_groups_are_declared_by_their_packages_and_built():
    assert {e.name for e in entities.built()} >= {"contact", "contact_group"}
    assert entities.get("contact").depends_on == ("contact_group",)


def test_the_worker_has_a_translator_for_each_source_of_every_built_entity():
    registry = default_registry()
    for entity in entities.built():
        assert entity.sources and set(entity.sources) <= {"xero", "odoo"}
        for source in ("xero", "odoo"):
            translator = registry.get(source, entity.name)
            if source in entity.sources:
                assert translator is not None and translator.entity == entity.name, (entity.name, source)
            else:
                assert translator is None, (entity.name, source)


def test_the_scheduler_runs_every_pollers_and_deletions_an_entity_declares():
    plan = default_plan()
    polled = {(s.source, s.entity) for s in [*plan.watermark, *plan.hashed]}
    for entity in entities.built():
        for spec in entity.pollers() if entity.pollers else []:
            assert (spec.source, spec.entity) in polled
        for deletion in entity.deletions() if entity.deletions else []:
            assert deletion in plan.deletions
    assert ("odoo", "contact_group") in polled and ("xero", "contact") in polled


def test_odoo_setup_installs_the_rules_every_entity_asks_for():
    models = {h.model for h in hooks()}
    for entity in entities.built():
        assert {h.model for h in entity.odoo_hooks} <= models
    assert {"res.partner", "res.partner.category"} <= models


def test_webhooks_route_every_entitys_categories_and_models():
    for entity in entities.catalog().values():
        for category in entity.xero_categories:
            assert entities.xero_category_entity(category) == entity.name
        if entity.odoo_model and not entity.odoo_move_types:
            assert entities.odoo_entity(entity.odoo_model, {}) == entity.name
    assert entities.odoo_entity("account.move", {"move_type": "out_refund"}) == "credit_note"
    assert entities.odoo_entity("res.partner", {}) == "contact"


def test_every_entity_has_its_queue_in_the_topology():
    topology = Topology(namespace="t", retry_ladder=(1.0,), delivery_limit=3, native=True)
    queues = {q.name for q in topology.all_queues()}
    for entity in entities.catalog().values():
        assert f"t.to_odoo.{entity.group}" in queues and f"t.to_xero.{entity.group}" in queues


def test_bulk_sync_and_settings_offer_every_entity():
    from bridge.cli.settings import set_
    from bridge.cli.sync import sync

    sync_choices = next(p for p in sync.params if p.name == "entity").type.choices
    settings_choices = next(p for p in set_.params if p.name == "entity").type.choices
    for entity in entities.built():
        assert entity.name in sync_choices and entity.name in settings_choices
    assert "all" in sync_choices


def test_a_third_party_entity_joins_the_catalog_after_what_it_depends_on(catalog_with):
    extra = Entity("loyalty_card", "partners", "LoyaltyCard", "x.loyalty.card", depends_on=("contact",))
    names = list(catalog_with(extra))
    assert names.index("loyalty_card") > names.index("contact") > names.index("contact_group")
    assert entities.odoo_entity("x.loyalty.card", {}) == "loyalty_card"


def test_entities_that_depend_on_each_other_in_a_circle_are_refused(catalog_with):
    a = Entity("alpha", "partners", "A", "x.a", depends_on=("beta",))
    b = Entity("beta", "partners", "B", "x.b", depends_on=("alpha",))
    with pytest.raises(RuntimeError, match="circle"):
        catalog_with(a, b)


def test_an_entity_declared_twice_is_refused(catalog_with):
    with pytest.raises(RuntimeError, match="two packages"):
        catalog_with(replace(entities.get("contact")))


# ------------------------------------------------------------------------------ canonical forms


@dataclass(frozen=True)
class Line(Canonical):
    description: str
    amount: Decimal
    tags: tuple[str, ...] = ()
    note: str | None = None


def test_a_float_never_reaches_a_money_field_of_a_canonical_record():
    assert Line("Widgets", Decimal("19.99")).amount == Decimal("19.99")
    with pytest.raises(TypeError, match="amount"):
        Line("Widgets", 19.99)


def test_a_first_match_fills_blanks_and_keeps_what_the_source_lacks():
    target = Line("Widgets", Decimal("1.00"), ("b",), note="kept")
    merged = merge(Line("Widgets", Decimal("2.00"), ("a",)), target, last=None)
    assert merged == Line("Widgets", Decimal("2.00"), ("a", "b"), note="kept")


def test_only_what_the_source_cleared_since_the_last_sync_is_cleared():
    last = Line("Widgets", Decimal("1.00"), ("a", "b"), note="old").snapshot()
    incoming = Line("Widgets", Decimal("1.00"), ("a",))  # the source cleared the note and left b
    merged = merge(incoming, Line("Widgets", Decimal("1.00"), ("a", "b", "c"), note="old"), last)
    assert merged == Line("Widgets", Decimal("1.00"), ("a", "c"), note=None)
