"""A tax rate in neutral form: name, rate, components, scope, status.

Xero: TaxRates{Name, TaxComponents[{Name, Rate, IsCompound}], ReportTaxType, CanApplyTo…, Status}
(xero_accounting.yaml TaxRate/TaxComponent). Odoo: account.tax{name, amount_type percent|group,
amount, children_tax_ids, include_base_amount, type_tax_use, active} (odoo-facts §3.2).

Rates are percentages to 4 decimals (Xero "decimal to 4dp"; Odoo account.tax.amount digits (16, 4)),
rounded as Odoo rounds (float_round HALF-UP). A rate of one component has no components in canonical
form (an Odoo percent tax has no component name); two or more are Odoo's group taxes. A compound
component is taxed on the amount plus the simple components (Xero IsCompound); in Odoo that is
`include_base_amount` on each earlier (simple) child, so children are kept simple first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from bridge.money import float_round
from consumers.framework.canonical import Canonical, ordered

SCOPES = ("sale", "purchase", "none")
# Xero's user-made rates are TAX001, TAX002, … (xero-facts §8 Tax rates); every other TaxType is a
# system rate (OUTPUT2, INPUT2, NONE, …) that the API cannot change.
USER_TAX_TYPE = re.compile(r"^TAX\d{3,}$")


def rate4(value: object) -> Decimal:
    return float_round(value or 0, precision_digits=4)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Component:
    compound: bool  # first field: ordered() puts the simple components first, as Odoo needs them
    name: str
    rate: Decimal


@dataclass(frozen=True)
class TaxRate(Canonical):
    name: str
    rate: Decimal  # the effective rate, in percent
    scope: str = "none"  # Odoo type_tax_use
    active: bool = True
    # Two or more components, simple ones first; the source's composition wins (never merged as a set).
    components: tuple[Component, ...] = field(default=(), metadata={"merge": False})
    system: bool = field(default=False, metadata={"hash": False})  # a Xero system rate: read-only


def effective(components: tuple[Component, ...]) -> Decimal:
    """Simple components add up; a compound one is taxed on the amount plus them (as Xero's
    EffectiveRate; Odoo's group with include_base_amount on the simple children computes the same)."""
    simple = sum((c.rate for c in components if not c.compound), Decimal(0))
    total = simple + sum((c.rate * (1 + simple / 100) for c in components if c.compound), Decimal(0))
    return rate4(total)


def components_of(parts: list[Component]) -> tuple[Component, ...]:
    return ordered(parts) if len(parts) > 1 else ()
