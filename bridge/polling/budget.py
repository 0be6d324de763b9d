"""The polling budget: how often each Xero poller of a tenant runs, so that all of them together stay
within a share of the tenant's daily limit (BRIDGE_POLL_BUDGET of XERO_DAY_LIMIT, 10 % of 5,000).

Why: Xero allows 5,000 calls a day per tenant (xero-facts §2); one poller every 5 minutes is 288 calls
a day, so ten of them would leave little for the real work (webhooks' reads, the workers' writes).
Odoo calls cost no Xero budget: Odoo's pollers keep their fixed intervals.

How: every entity has a change rate (`change_rate`: its declaration's, else derived from its queue group
and its webhooks) and every rate a weight, its relative polling frequency, and a floor, the shortest
interval it may run at. Each poller costs what its rounds were measured to cost (ledger.py: pages
included, a moving average), or its spec's estimate before its first round. The planner finds the
shortest intervals, one common scale divided by each weight and never under the floor, whose calls a
day fit in the budget less a headroom; the headroom absorbs the extra pages a burst of changes brings
(a watermark round reads one page more per 100 changed records, however often it runs).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

DAY = 86400.0
HEADROOM = 0.1  # of the budget, left to the pages that bursts of changes add to the planned rounds


@dataclass(frozen=True)
class Rate:
    """How often an entity's records change: its pollers' relative frequency and shortest interval."""

    name: str
    weight: float  # relative polling frequency: an "often" poller runs 24 times as often as a "rare" one
    floor_polls: float = 0.0  # the floor, in BRIDGE_POLL_INTERVAL units (0: BRIDGE_RECONCILE_INTERVAL)

    def floor(self, polling) -> float:
        if not self.floor_polls:
            return max(polling.interval, polling.reconcile_interval)
        return polling.interval * self.floor_polls


RATES: dict[str, Rate] = {
    # documents and payments with no webhook: quotes, orders, journals, payments (xero-facts §1)
    "often": Rate("often", 24.0, 1),
    # items: prices and stock settings change more often than the chart of accounts
    "daily": Rate("daily", 4.0, 3),
    # currencies, tax rates, accounts, bank accounts, contact groups
    "rare": Rate("rare", 1.0, 12),
    # contacts, invoices, credit notes: their webhooks bring every change; polling only reconciles
    "webhooks": Rate("webhooks", 1.0, 0),
}


def change_rate(entity) -> str:
    """An entity's rate (bridge.entities.Entity): its own `change_rate`, else derived: webhook-covered
    entities reconcile rarely, documents and payments change often, products daily, the rest rarely."""
    if entity is None:
        return "rare"
    declared = getattr(entity, "change_rate", None)
    if declared:
        if declared not in RATES:
            raise ValueError(
                f"entity {entity.name!r}: unknown change_rate {declared!r} (one of {', '.join(RATES)})"
            )
        return declared
    if entity.xero_categories:
        return "webhooks"
    if entity.group in ("documents", "payments"):
        return "often"
    if entity.group == "products":
        return "daily"
    return "rare"


@dataclass(frozen=True)
class Line:
    """One Xero poller of one connection in the plan."""

    connection_id: str
    entity: str
    spec: str  # ledger.key_of(spec)
    rate: str
    calls: float  # Xero calls per round
    measured: bool  # `calls` is what its rounds cost, not the spec's estimate
    floor: float
    interval: float = 0.0  # seconds between rounds, once planned

    @property
    def per_day(self) -> float:
        return self.calls * DAY / self.interval if self.interval else 0.0

    @property
    def weight(self) -> float:
        return RATES[self.rate].weight


@dataclass(frozen=True)
class Plan:
    """The intervals of a tenant's Xero pollers, and what they cost a day against the budget."""

    budget: float  # Xero calls a day the pollers may use
    lines: tuple[Line, ...] = field(default_factory=tuple)

    @property
    def total(self) -> float:
        return sum(line.per_day for line in self.lines)

    def interval(self, connection_id: str, spec_key: str) -> float:
        for line in self.lines:
            if line.connection_id == connection_id and line.spec == spec_key:
                return line.interval
        raise KeyError((connection_id, spec_key))


def day_cost(lines: Iterable[Line], scale: float) -> float:
    return sum(line.calls * DAY / max(line.floor, scale / line.weight) for line in lines)


def plan(lines: Iterable[Line], budget: float, headroom: float = HEADROOM) -> Plan:
    """Intervals max(floor, scale / weight) with the smallest scale whose rounds cost at most the budget
    less its headroom; each interval rounded up to the second (rounding only lowers the cost)."""
    lines = [replace(line, calls=max(1.0, line.calls)) for line in lines]
    target = budget * (1 - headroom)
    if not lines:
        return Plan(budget)
    low, high = 0.0, max(line.weight * line.calls for line in lines) * DAY * len(lines) / max(target, 1e-9)
    if day_cost(lines, low) > target:
        for _ in range(100):
            middle = (low + high) / 2
            low, high = (middle, high) if day_cost(lines, middle) > target else (low, middle)
        scale = high
    else:
        scale = low  # every poller at its floor fits
    planned = tuple(
        replace(line, interval=float(math.ceil(max(line.floor, scale / line.weight)))) for line in lines
    )
    return Plan(budget, planned)


def budget_of(settings) -> float:
    """Xero calls a day all pollers of one tenant may use."""
    return settings.xero.day_limit * settings.polling.budget_share


def lines_for(connection_id: str, specs: Iterable, entries: dict, settings, entities: dict) -> list[Line]:
    """The plan's lines for one connection's Xero specs; `entries` is ledger.load_all's answer."""
    from bridge.polling.ledger import key_of

    lines = []
    for spec in specs:
        key = key_of(spec)
        entry = entries.get((spec.source, key))
        measured = entry is not None and entry.calls is not None
        rate = change_rate(entities.get(spec.entity))
        lines.append(
            Line(
                connection_id,
                spec.entity,
                key,
                rate,
                float(entry.calls if measured else spec.estimated_calls()),
                measured,
                RATES[rate].floor(settings.polling),
            )
        )
    return lines


def planned_lines(connection_id: str, specs: Iterable, settings, entities: dict) -> list[Line]:
    """Stand-ins for the entities with a Xero model and no Xero poller yet (PLANNED in
    bridge/entities.py, or built without one): one call a round, as most Xero reads will cost."""
    polled = {spec.entity for spec in specs}
    lines = []
    for entity in entities.values():
        if entity.xero_model and entity.name not in polled:
            rate = change_rate(entity)
            floor = RATES[rate].floor(settings.polling)
            lines.append(Line(connection_id, entity.name, f"{entity.name}:planned", rate, 1.0, False, floor))
    return lines


def tenant_plans(
    db, settings, connections: Iterable[tuple[str, str]], specs: list, with_planned: bool = False
) -> dict[str, Plan]:
    """Per Xero tenant, the plan of every Xero spec of every connection to it ((connection id, tenant));
    `with_planned`: as it will be once every entity with a Xero model polls Xero too (a forecast)."""
    from bridge.entities import catalog
    from bridge.polling import ledger

    entities = catalog()
    by_tenant: dict[str, list[Line]] = {}
    with db.session() as session:
        for connection_id, tenant in connections:
            entries = ledger.load_all(session, connection_id)
            lines = lines_for(connection_id, specs, entries, settings, entities)
            if with_planned:
                lines += planned_lines(connection_id, specs, settings, entities)
            by_tenant.setdefault(tenant, []).extend(lines)
    return {tenant: plan(lines, budget_of(settings)) for tenant, lines in by_tenant.items()}
