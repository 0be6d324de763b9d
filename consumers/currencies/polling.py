"""Currencies' change detection: Xero Currencies read in full and compared by hash (no webhook, no
If-Modified-Since: xero-facts §1, §5), Odoo res.currency by write_date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bridge.events import Event
from bridge.polling.specs import HashSpec, OdooWriteDateSpec, Scope


class OdooCurrencyChanges(OdooWriteDateSpec):
    """res.currency by write_date, archived ones included. Currencies belong to no company: polled
    only when the connection is the only one (as webhooks route such records)."""

    entity = "currency"
    model = "res.currency"
    fields = ("write_date", "name", "active")
    company_field = None


class XeroCurrencyChanges(HashSpec):
    """The organisation's currency list, one call a round; a code new (or gone) is an event. The first
    read sends every currency the bridge has not paired yet (the base currency among them, so a base
    mismatch is reported once per connection)."""

    source = "xero"
    entity = "currency"

    def records(self, scope: Scope) -> Iterator[tuple[str, Any, Any]]:
        for currency in scope.xero.get("Currencies").get("Currencies") or []:
            code = currency["Code"]
            yield code, {"Code": code}, {"Code": code}

    def envelopes(
        self, scope: Scope, record_id: str, digest: str, detail: Any, previous: Any, received_at: datetime
    ) -> list[Event]:
        change = "update" if detail is not None else "delete"
        return [_event(scope, record_id, change, f"{record_id}|{change}|{digest[:16]}", received_at)]

    def first_round_envelopes(
        self, scope: Scope, record_id: str, digest: str, detail: Any, binding: Any, received_at: datetime
    ) -> list[Event]:
        if binding is not None and binding.odoo_id is not None:
            return []
        return [_event(scope, record_id, "update", f"{record_id}|first|{digest[:16]}", received_at)]


def _event(scope: Scope, code: str, change: str, key: str, received_at: datetime) -> Event:
    return Event(
        source="xero",
        origin="poll",
        connection=scope.connection_id,
        entity="currency",
        resource_id=code,
        change_type=change,
        occurred_at=None,
        dedupe_key=f"poll|xero|{scope.tenant_id}|Currency|{key}",
        tenant_id=scope.tenant_id,
        payload={"Code": code},
        received_at=received_at,
    )
