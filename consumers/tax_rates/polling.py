"""Tax rates' change detection: Xero TaxRates read in full and compared by hash (no webhook, no
If-Modified-Since: xero-facts §1, §5), Odoo account.tax by write_date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bridge.events import Event
from bridge.polling.specs import HashSpec, OdooWriteDateSpec, Scope


class OdooTaxChanges(OdooWriteDateSpec):
    """account.tax by write_date in the connection's company, archived ones too (a group's child is
    redirected to its group by the translator)."""

    entity = "tax_rate"
    model = "account.tax"
    fields = ("write_date", "name", "amount", "active", "type_tax_use")


class XeroTaxRateChanges(HashSpec):
    """Xero TaxRates in one call a round, each rate's content hashed: a rate new, changed or deleted is
    an event. The first read sends every rate the bridge has not paired yet (so the system rates are
    bound to Odoo's taxes, or created there)."""

    source = "xero"
    entity = "tax_rate"

    def records(self, scope: Scope) -> Iterator[tuple[str, Any, Any]]:
        for rate in scope.xero.get("TaxRates").get("TaxRates") or []:
            content = {k: rate.get(k) for k in ("Name", "Status", "ReportTaxType", "TaxComponents")}
            yield rate["TaxType"], content, None

    def envelopes(
        self, scope: Scope, record_id: str, digest: str, detail: Any, previous: Any, received_at: datetime
    ) -> list[Event]:
        return [_event(scope, record_id, f"{record_id}|{digest[:16]}", received_at)]

    def first_round_envelopes(
        self, scope: Scope, record_id: str, digest: str, detail: Any, binding: Any, received_at: datetime
    ) -> list[Event]:
        if binding is not None and binding.odoo_id is not None:
            return []
        return [_event(scope, record_id, f"{record_id}|{digest[:16]}", received_at)]


def _event(scope: Scope, tax_type: str, key: str, received_at: datetime) -> Event:
    return Event(
        source="xero",
        origin="poll",
        connection=scope.connection_id,
        entity="tax_rate",
        resource_id=tax_type,
        change_type="update",
        occurred_at=None,
        dedupe_key=f"poll|xero|{scope.tenant_id}|TaxRate|{key}",
        tenant_id=scope.tenant_id,
        payload={"TaxType": tax_type},
        received_at=received_at,
    )
