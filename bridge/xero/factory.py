"""Xero clients per connection, built from one set of shared parts (keeper, governor, HTTP pool)."""

from __future__ import annotations

import time

import requests

from bridge.config import Settings
from bridge.errors import PermanentError
from bridge.store import Database
from bridge.store import connections as connection_store
from bridge.store.credentials import Vault, load_or_create_key
from bridge.xero.client import XeroClient
from bridge.xero.governor import REALTIME, RateGovernor
from bridge.xero.tokens import ReconnectNeeded, TokenKeeper


class XeroClients:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        keeper: TokenKeeper | None = None,
        governor=None,
        clock=None,
        sleep=None,
    ):
        """`clock`/`sleep` replace time.time/time.sleep (a scaled clock for benches against a scaled sandbox)."""
        self.settings = settings
        self.db = db
        self.http = requests.Session()
        clock = clock or time.time
        if keeper is None:
            vault = Vault(load_or_create_key(settings.secret_key, settings.home))
            keeper = TokenKeeper(db, vault, settings.xero, http=self.http, clock=clock)
        self.keeper = keeper
        self.governor = governor or RateGovernor(db, settings.xero, clock=clock, sleep=sleep or time.sleep)

    def for_connection(self, connection_id: str, priority: str = REALTIME) -> XeroClient:
        with self.db.session() as session:
            connection = connection_store.get(session, connection_id)
            if connection is None:
                raise PermanentError(f"no connection {connection_id}")
            if connection.status == "reconnect_needed":
                raise ReconnectNeeded(
                    connection.status_note or f"connection {connection_id} needs reconnecting"
                )
            if not connection.xero_token_set:
                raise ReconnectNeeded(
                    f"connection {connection_id} has no Xero tokens: run `bridge xero connect`"
                )
            token_set, tenant = connection.xero_token_set, connection.xero_tenant_id
        return XeroClient(
            self.settings.xero,
            self.keeper,
            self.governor,
            token_set,
            tenant,
            priority=priority,
            http=self.http,
        )
