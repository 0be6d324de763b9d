"""Which connection a webhook event belongs to, cached briefly so ingest does not hit the store per event."""

from __future__ import annotations

import threading
import time

from bridge.store import Database
from bridge.store import connections as connection_store


class ConnectionDirectory:
    """tenant id → connection id and Odoo company → connection id, refreshed every `ttl` seconds
    and at once when an unknown tenant or company shows up (a connection added a moment ago)."""

    def __init__(self, db: Database, ttl: float):
        self.db = db
        self.ttl = ttl
        self._lock = threading.Lock()
        self._loaded_at = -1e9
        self._by_tenant: dict[str, str] = {}
        self._by_company: dict[int, str] = {}
        self._all: list[str] = []

    def _refresh(self, force: bool = False) -> None:
        with self._lock:
            now = time.monotonic()
            if not force and now - self._loaded_at < self.ttl:
                return
            if force and now - self._loaded_at < 0.5:
                return  # a flood of unknown tenants must not turn into a flood of queries
            with self.db.session() as session:
                rows = connection_store.all_connections(session)
            self._by_tenant = {r.xero_tenant_id: r.id for r in rows if r.xero_tenant_id}
            self._by_company = {r.odoo_company_id: r.id for r in rows if r.odoo_company_id is not None}
            self._all = [r.id for r in rows]
            self._loaded_at = now

    def for_tenant(self, tenant_id: str) -> str | None:
        self._refresh()
        if tenant_id not in self._by_tenant:
            self._refresh(force=True)
        return self._by_tenant.get(tenant_id)

    def for_company(self, company_id: int | None) -> tuple[bool, str | None]:
        """(routable, connection). A record without company goes to the only connection if there is one,
        else is left for the consumer to resolve from the record itself."""
        self._refresh()
        if company_id is None:
            return True, self._all[0] if len(self._all) == 1 else None
        if company_id not in self._by_company:
            self._refresh(force=True)
        connection = self._by_company.get(company_id)
        return connection is not None, connection
