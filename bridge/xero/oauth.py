"""Connecting Xero: the authorization-code flow (authlib), custom connections, and the organisations
a consent covers. The `state` parameter is signed and time-limited, so no server-side session is needed."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

import requests
from authlib.integrations.requests_client import OAuth2Session
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from bridge.broker.publisher import Outgoing, Publisher
from bridge.config import XeroSettings
from bridge.errors import PermanentError
from bridge.store import Database, parked
from bridge.store.models import Connection
from bridge.xero.tokens import TokenKeeper, token_record

log = logging.getLogger(__name__)
STATE_MAX_AGE = 600  # seconds a person has to approve the consent


@dataclass(frozen=True)
class Organisation:
    tenant_id: str
    name: str
    tenant_type: str


class XeroConnector:
    def __init__(self, settings: XeroSettings, keeper: TokenKeeper, db: Database, secret: bytes):
        self.settings = settings
        self.keeper = keeper
        self.db = db
        self._states = URLSafeTimedSerializer(secret, salt="xero-oauth-state")

    def _session(self, **kwargs) -> OAuth2Session:
        return OAuth2Session(
            self.settings.client_id,
            self.settings.client_secret,
            scope=self.settings.scopes,
            redirect_uri=self.settings.redirect_uri,
            token_endpoint_auth_method="client_secret_basic",
            **kwargs,
        )

    def authorization_url(self) -> str:
        if not self.settings.client_id or not self.settings.client_secret:
            raise PermanentError("set XERO_CLIENT_ID and XERO_CLIENT_SECRET first")
        state = self._states.dumps({"nonce": uuid.uuid4().hex})
        url, _ = self._session().create_authorization_url(self.settings.authorize_url, state=state)
        return url

    def complete(self, callback_url: str, state: str) -> tuple[str, list[Organisation]]:
        """Exchange the code of a callback; store the tokens; return the token set and its organisations."""
        try:
            self._states.loads(state, max_age=STATE_MAX_AGE)
        except SignatureExpired:
            raise PermanentError(
                "the Xero consent took too long: start again with `bridge xero connect`"
            ) from None
        except BadSignature:
            raise PermanentError("the callback's state is not one this bridge issued") from None
        token = self._session(state=state).fetch_token(
            self.settings.token_url, authorization_response=callback_url
        )
        return self._store(dict(token), kind="oauth")

    def connect_custom(self) -> tuple[str, list[Organisation]]:
        """A custom connection: client credentials, one organisation, no refresh token (xero-facts §7)."""
        scopes = " ".join(
            s
            for s in self.settings.scopes.split()
            if s not in ("openid", "profile", "email", "offline_access")
        )
        response = requests.post(
            self.settings.token_url,
            data={"grant_type": "client_credentials", "scope": scopes},
            auth=(self.settings.client_id or "", self.settings.client_secret or ""),
            timeout=15,
        )
        if response.status_code != 200:
            raise PermanentError(f"Xero refused the client credentials ({response.status_code})")
        return self._store(response.json() | {"scope": scopes}, kind="custom")

    def _store(self, token: dict, kind: str) -> tuple[str, list[Organisation]]:
        response = requests.get(
            self.settings.connections_url,
            headers={"Authorization": f"Bearer {token['access_token']}", "Accept": "application/json"},
            timeout=15,
        )
        if response.status_code != 200:
            raise PermanentError(f"Xero connections answered {response.status_code}")
        organisations = [
            Organisation(
                c["tenantId"], c.get("tenantName") or c["tenantId"], c.get("tenantType", "ORGANISATION")
            )
            for c in response.json()
        ]
        auth_event = next((c.get("authEventId") for c in response.json() if c.get("authEventId")), None)
        token_set = self._token_set_for(organisations) or f"xero-{(auth_event or uuid.uuid4().hex)[:36]}"
        record = token_record(token, kind=kind, clock=self.keeper.clock)
        record["tenants"] = [o.__dict__ for o in organisations]
        self.keeper.save(token_set, record)
        log.info("Xero token set %s stored for %d organisation(s)", token_set, len(organisations))
        return token_set, organisations

    def _token_set_for(self, organisations: list[Organisation]) -> str | None:
        """Reconnecting replaces the token set the connections already use."""
        tenant_ids = [o.tenant_id for o in organisations]
        with self.db.session() as session:
            return session.execute(
                select(Connection.xero_token_set).where(
                    Connection.xero_tenant_id.in_(tenant_ids), Connection.xero_token_set.is_not(None)
                )
            ).scalar()

    def activate(
        self, token_set: str, organisations: list[Organisation], publisher: Publisher | None
    ) -> list[str]:
        """Point the connections of these organisations at the token set, reactivate them, and send
        their parked events again. Returns the connection ids touched."""
        tenant_ids = [o.tenant_id for o in organisations]
        with self.db.session() as session:
            rows = list(
                session.execute(select(Connection).where(Connection.xero_tenant_id.in_(tenant_ids))).scalars()
            )
            ids = [r.id for r in rows]
            session.execute(
                update(Connection)
                .where(Connection.id.in_(ids))
                .values(xero_token_set=token_set, status="active", status_note=None)
            )
        if publisher is not None and ids:
            unpark(self.db, publisher, ids)
        return ids


def unpark(db: Database, publisher: Publisher, connection_ids: list[str]) -> int:
    """Publish the parked events of these connections again (removed only once confirmed)."""
    with db.session() as session:
        rows = parked.take(session, connection_ids)
        if rows:
            publisher.publish([Outgoing(routing_key=r.routing_key, body=r.body) for r in rows])
    if rows:
        log.info("sent %d parked event(s) again for %s", len(rows), ", ".join(connection_ids))
    return len(rows)
