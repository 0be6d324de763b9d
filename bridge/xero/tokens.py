"""Xero OAuth 2.0 tokens: stored encrypted, refreshed by one process at a time.

Xero's refresh tokens rotate on every refresh and the old one is honoured for 30 minutes only
(xero-facts §7). Two workers refreshing at once would each spend the same refresh token; the
loser would, after the grace period, hold a dead one. So a refresh happens inside a store
transaction that holds the token set's row lock: a second process waits on that lock, then finds
a fresh access token and uses it instead of refreshing again. The new tokens are committed before
the access token is used. `invalid_grant` marks every connection of the token set
"reconnect_needed": its events are parked (nothing lost) until `bridge xero connect` is run again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import requests
from sqlalchemy import update

from bridge.config import XeroSettings
from bridge.errors import ConnectionBlocked, PermanentError, TransientError
from bridge.store import Database
from bridge.store.credentials import Vault
from bridge.store.models import Connection, Credential

log = logging.getLogger(__name__)

KIND = "xero_oauth"
EARLY_REFRESH = 60.0  # refresh an access token this many seconds before Xero would refuse it


class ReconnectNeeded(ConnectionBlocked):
    """The token set cannot be refreshed any more: a person must connect Xero again."""


def token_record(
    response: dict, *, kind: str, clock: Callable[[], float], previous: dict | None = None
) -> dict:
    """What the vault keeps of a token endpoint answer."""
    record = dict(previous or {})
    record.update(
        {
            "kind": kind,
            "access_token": response["access_token"],
            "expires_at": clock() + float(response.get("expires_in", 1800)),
            "scope": response.get("scope", record.get("scope")),
        }
    )
    if "refresh_token" in response:
        record["refresh_token"] = response["refresh_token"]
    return record


class TokenKeeper:
    def __init__(
        self,
        db: Database,
        vault: Vault,
        settings: XeroSettings,
        http: requests.Session | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.db = db
        self.vault = vault
        self.settings = settings
        self.http = http or requests.Session()
        self.clock = clock

    def save(self, token_set: str, record: dict) -> None:
        with self.db.session() as session:
            self.vault.put(session, token_set, KIND, record, expires_at=record.get("expires_at"))

    def load(self, token_set: str) -> dict | None:
        with self.db.session() as session:
            return self.vault.get(session, token_set, KIND)

    def access_token(self, token_set: str) -> str:
        """A token good for at least a minute; refreshed here if it is not."""
        record = self.load(token_set)
        if record is None:
            raise ReconnectNeeded(f"no Xero tokens for {token_set}: run `bridge xero connect`")
        if record.get("reconnect_needed"):
            raise ReconnectNeeded(f"Xero token set {token_set} needs reconnecting: run `bridge xero connect`")
        if record["expires_at"] - EARLY_REFRESH > self.clock():
            return record["access_token"]
        return self.refresh(token_set, stale=record["access_token"])

    def refresh(self, token_set: str, stale: str | None = None) -> str:
        """Refresh under the token set's lock, unless another process already did since `stale` was read."""
        with self.db.session() as session:
            # Takes the row lock (PostgreSQL) / the write lock (SQLite) before reading.
            session.execute(
                update(Credential)
                .where(Credential.connection_id == token_set, Credential.kind == KIND)
                .values(version=Credential.version)
            )
            record = self.vault.get(session, token_set, KIND)
            if record is None or record.get("reconnect_needed"):
                raise ReconnectNeeded(
                    f"Xero token set {token_set} needs reconnecting: run `bridge xero connect`"
                )
            fresh = record["expires_at"] - EARLY_REFRESH > self.clock()
            if fresh and record["access_token"] != stale:
                return record["access_token"]  # another process refreshed while we waited
            response = self._call_token_endpoint(record)
            if response.status_code == 400 and _oauth_error(response) == "invalid_grant":
                record["reconnect_needed"] = True
                self.vault.put(session, token_set, KIND, record)
                note = "Xero refused the refresh token (invalid_grant): reconnect with `bridge xero connect`"
                session.execute(
                    update(Connection)
                    .where(Connection.xero_token_set == token_set)
                    .values(status="reconnect_needed", status_note=note)
                )
                log.error("Xero token set %s: %s", token_set, note)
                # commit the mark before raising: the context manager would roll it back
                session.commit()
                raise ReconnectNeeded(note)
            if response.status_code >= 500 or response.status_code == 429:
                raise TransientError(f"Xero token endpoint answered {response.status_code}")
            if response.status_code != 200:
                raise PermanentError(
                    f"Xero token endpoint answered {response.status_code}: {_oauth_error(response) or 'error'}"
                )
            new = token_record(
                response.json(), kind=record.get("kind", "oauth"), clock=self.clock, previous=record
            )
            self.vault.put(session, token_set, KIND, new, expires_at=new["expires_at"])
            log.info("Xero token set %s refreshed", token_set)
            return new["access_token"]

    def _call_token_endpoint(self, record: dict) -> requests.Response:
        auth = (self.settings.client_id or "", self.settings.client_secret or "")
        if record.get("kind") == "custom":
            data = {"grant_type": "client_credentials"}
            if record.get("scope"):
                data["scope"] = record["scope"]
        else:
            data = {"grant_type": "refresh_token", "refresh_token": record["refresh_token"]}
        try:
            return self.http.post(self.settings.token_url, data=data, auth=auth, timeout=15)
        except (requests.ConnectionError, requests.Timeout) as exc:
            # The answer may be lost after Xero rotated the token: the old one stays good for 30 min,
            # so the next try with it gets the same new pair (xero-facts §7, grace period).
            raise TransientError(f"Xero token endpoint unreachable: {type(exc).__name__}") from None


def _oauth_error(response: requests.Response) -> str | None:
    try:
        return response.json().get("error")
    except ValueError:
        return None
