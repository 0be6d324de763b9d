"""Xero TaxRates ⇄ Odoo account.tax: name, rate, components (Odoo group taxes), compound components
(include_base_amount on the earlier children), sale/purchase scope (Xero ReportTaxType / CanApplyTo…
⇄ type_tax_use), status (ACTIVE ⇄ active; an Odoo tax archived or deleted deletes the Xero rate,
Xero's only way: POST Status DELETED), and taxes created in Odoo excluded from the price on every
version (16/17 price_include, 18+ price_include_override).

Xero's system rates (OUTPUT2, INPUT2, NONE, …: every TaxType but TAX###) cannot be changed through
the API: they are bound to Odoo taxes (by name, else rate and scope), never written; an Odoo change
of a bound system rate's rate, scope, status or components is a mismatch that says so (a name that
differs is left as it is). Xero sends no webhooks for tax rates (xero-facts §1): its changes come
from the TaxRates hash poller. `find` on either side is what `bridge mapping auto` matches with.
"""

from __future__ import annotations

from datetime import datetime

from bridge.entities import Entity
from bridge.odoo.setup import Hook
from consumers.framework.translator import SyncTranslator
from consumers.tax_rates.odoo_side import TAX, OdooTaxes
from consumers.tax_rates.xero_side import XeroTaxRates

NAME = "tax_rate"
TRIGGERS = (
    "name",
    "amount",
    "amount_type",
    "type_tax_use",
    "active",
    "children_tax_ids",
    "include_base_amount",
)


def _translators() -> list:
    xero, odoo = XeroTaxRates(), OdooTaxes()
    return [SyncTranslator(NAME, xero, odoo), SyncTranslator(NAME, odoo, xero)]


def _pollers() -> list:
    from consumers.tax_rates.polling import OdooTaxChanges, XeroTaxRateChanges

    return [OdooTaxChanges(), XeroTaxRateChanges()]


def _deletions() -> list:
    from bridge.polling.deletions import DeletionSpec

    return [DeletionSpec(NAME, TAX)]


ENTITY = Entity(
    name=NAME,
    group="settings",
    xero_model="TaxRate",
    odoo_model=TAX,
    odoo_hooks=(Hook(TAX, TRIGGERS),),
    translators=_translators,
    pollers=_pollers,
    deletions=_deletions,
    bulk=lambda ctx, connection_id, progress=None: TaxRateBulk(ctx, connection_id, progress),
)


from consumers.framework.bulk import BulkSync  # noqa: E402 - the engine needs the module's Sides first


class TaxRateBulk(BulkSync):
    entity_name = NAME
    xero_collection = "TaxRates"
    xero_ordered = False  # no paging, order or If-Modified-Since on TaxRates (xero-facts §5)
    xero_paged = False
    odoo_model = TAX

    def export_domain(self, since: datetime | None, after_id: int) -> list:
        """The company's taxes, not a group's children (they travel with their group)."""
        domain = [("company_id", "=", self.company_id), ("id", ">", after_id), ("type_tax_use", "!=", "none")]
        if since is not None:
            domain.append(("write_date", ">=", since.strftime("%Y-%m-%d %H:%M:%S")))
        return domain
