"""The bridge's Xero side wired to an in-process Xero sandbox, for tests; and Xero's OpenAPI files,
which every Xero sandbox a test starts validates against (tests/conftest.py sees to it)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bridge.cli.sandboxed import default_xero_spec_dir
from bridge.config import Settings, load_settings
from bridge.store import Database, connections
from bridge.store.credentials import Vault, load_or_create_key
from bridge.xero.factory import XeroClients
from bridge.xero.governor import RateGovernor
from bridge.xero.oauth import XeroConnector
from bridge.xero.tokens import TokenKeeper, token_record
from sandboxes.xero import XeroSandbox

REQUIRE_SHARED = os.environ.get("BRIDGE_REQUIRE_SHARED") == "1"


def spec_dir() -> Path:
    """Xero's OpenAPI folder (XERO_OPENAPI_DIR, else ../shared/xero/openapi beside the repository).
    Without it the test skips with the reason, or fails when BRIDGE_REQUIRE_SHARED=1 (as CI sets)."""
    found = default_xero_spec_dir()
    if found is None:
        without_spec(
            "Xero's OpenAPI files (xero_accounting.yaml) are not in XERO_OPENAPI_DIR nor in ../shared/xero/openapi"
        )
    return found


def without_spec(reason: str) -> None:
    message = f"{reason}; tests that talk to the Xero sandbox need its OpenAPI validation"
    if REQUIRE_SHARED:
        pytest.fail(message + " (BRIDGE_REQUIRE_SHARED=1)")
    pytest.skip(message)


def xero_environ(
    sandbox: XeroSandbox, home: str, redirect: str = "http://127.0.0.1:8000/oauth/xero/callback"
) -> dict:
    return {
        "BRIDGE_HOME": home,
        "XERO_API_URL": sandbox.api_url,
        "XERO_TOKEN_URL": sandbox.token_url,
        "XERO_AUTHORIZE_URL": sandbox.authorize_url,
        "XERO_CONNECTIONS_URL": sandbox.connections_url,
        "XERO_CLIENT_ID": sandbox.credentials.client_id,
        "XERO_CLIENT_SECRET": sandbox.credentials.client_secret,
        "XERO_REDIRECT_URI": redirect,
    }


@dataclass
class XeroSide:
    sandbox: XeroSandbox
    settings: Settings
    db: Database
    keeper: TokenKeeper
    governor: RateGovernor
    clients: XeroClients

    @classmethod
    def build(
        cls, sandbox: XeroSandbox, home: str, database_url: str, clock=time.time, sleep=time.sleep, **env
    ):
        settings = load_settings({**xero_environ(sandbox, home), "BRIDGE_DATABASE_URL": database_url, **env})
        db = Database(settings.database_url)
        db.migrate()
        keeper = TokenKeeper(db, Vault(load_or_create_key(None, settings.home)), settings.xero, clock=clock)
        governor = RateGovernor(db, settings.xero, clock=clock, sleep=sleep)
        return cls(sandbox, settings, db, keeper, governor, XeroClients(settings, db, keeper, governor))

    def connector(self) -> XeroConnector:
        return XeroConnector(
            self.settings.xero, self.keeper, self.db, load_or_create_key(None, self.settings.home)
        )

    def connect(self, connection_id: str = "demo", tenant_index: int = 0, company: int = 1) -> str:
        """A consented token set (the sandbox's in-process shortcut) and a connection that uses it."""
        tenant = self.sandbox.tenants[tenant_index].tenant_id
        token_set = f"xero-test-{connection_id}"
        record = token_record(self.sandbox.issue_tokens(), kind="oauth", clock=self.keeper.clock)
        record["tenants"] = [
            {"tenant_id": t.tenant_id, "name": t.name, "tenant_type": "ORGANISATION"}
            for t in self.sandbox.tenants
        ]
        self.keeper.save(token_set, record)
        with self.db.session() as session:
            connection = connections.add(session, connection_id, tenant, company, id=connection_id)
            connection.xero_token_set = token_set
        return token_set
