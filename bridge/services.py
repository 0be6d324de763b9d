"""The API clients a worker hands its translators, built once per process."""

from __future__ import annotations

import threading

from bridge.config import Settings
from bridge.odoo.client import OdooClient
from bridge.store import Database
from bridge.xero.factory import XeroClients


class LazyOdoo:
    """Connects to Odoo on first use (a worker may start before Odoo answers), then reuses the client."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client: OdooClient | None = None
        self._lock = threading.Lock()

    @property
    def client(self) -> OdooClient:
        with self._lock:
            if self._client is None:
                self._client = OdooClient.connect(self.settings.odoo)
            return self._client

    def in_company(self, company_id: int) -> OdooClient:
        return self.client.in_company(company_id)

    def in_companies(self, company_ids: list[int]) -> OdooClient:
        return self.client.in_companies(company_ids)

    def __getattr__(self, name: str):
        return getattr(self.client, name)


def build_services(settings: Settings, db: Database, clock=None, sleep=None) -> dict:
    return {"xero": XeroClients(settings, db, clock=clock, sleep=sleep), "odoo": LazyOdoo(settings)}
