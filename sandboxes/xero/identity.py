"""Xero Identity: authorize/consent, token endpoint, connections (xero-facts §7).

Tokens are opaque random strings. Refresh tokens rotate on every use; the previous one is honoured for a
grace period and then returns invalid_grant; unused refresh tokens expire (xero-facts §7 "Lifetimes").
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import Response

from . import tokens
from .clock import Clock
from .errors import json_response, oauth_error
from .formats import iso_utc
from .settings import DEFAULT_CUSTOM_SCOPES, AppCredentials, Lifetimes, Tenant, known_scopes

SANDBOX_USER_ID = "5a1d0b9e-0c3f-4e7a-9b2d-8f6e4c3a2b10"


@dataclass
class Grant:
    """One consent (or one custom connection): the scopes and tenants a token family may use."""

    client_id: str
    scopes: frozenset[str]
    user_id: str | None  # None for client_credentials
    auth_event_id: str
    custom_tenant_id: str | None = None


@dataclass
class AccessToken:
    token: str
    grant: Grant
    expires_at: float


@dataclass
class RefreshToken:
    token: str
    grant: Grant
    issued_at: float
    used_at: float | None = None
    successor: dict[str, Any] | None = None


@dataclass
class AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    scopes: frozenset[str]
    tenant_ids: list[str]
    expires_at: float
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    nonce: str | None = None
    used: bool = False


@dataclass
class Connection:
    id: str
    tenant: Tenant
    user_id: str
    client_id: str
    auth_event_id: str
    created: float
    updated: float
    active: bool = True

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "authEventId": self.auth_event_id,
            "tenantId": self.tenant.tenant_id,
            "tenantType": self.tenant.tenant_type,
            "tenantName": self.tenant.name,
            "createdDateUtc": iso_utc(self.created, millis=True),
            "updatedDateUtc": iso_utc(self.updated, millis=True),
        }


@dataclass
class IdentityService:
    credentials: AppCredentials
    tenants: dict[str, Tenant]
    clock: Clock
    lifetimes: Lifetimes = field(default_factory=Lifetimes)
    custom_connection_tenant: str | None = None
    custom_connection_scopes: frozenset[str] = DEFAULT_CUSTOM_SCOPES
    user_id: str = SANDBOX_USER_ID
    granular_only: bool = True
    issuer: str = "https://identity.xero.com"  # the sandbox sets its own URL on start

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self.codes: dict[str, AuthCode] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.connections: dict[str, Connection] = {}

    # -- used by tests and the demo ---------------------------------------------------------------
    def issue_tokens(
        self, scopes: str | list[str] | frozenset[str], tenant_ids: list[str] | None = None
    ) -> dict[str, Any]:
        """Runs a consent and code exchange in-process and returns the token response (tests' shortcut)."""
        granted = scope_set(scopes)
        if not granted <= known_scopes(self.granular_only):
            raise ValueError(
                f"scopes this app may not request: {sorted(granted - known_scopes(self.granular_only))}"
            )
        tenant_ids = tenant_ids if tenant_ids is not None else list(self.tenants)
        with self._lock:
            grant = self._consent(granted, tenant_ids)
            return self._token_response(grant)

    def expire_access_tokens(self) -> None:
        with self._lock:
            for tok in self.access_tokens.values():
                tok.expires_at = min(tok.expires_at, self.clock() - 1)

    def expire_refresh_tokens(self) -> None:
        with self._lock:
            for tok in self.refresh_tokens.values():
                tok.issued_at = min(tok.issued_at, self.clock() - self.lifetimes.refresh_token_unused - 1)
                if tok.used_at is not None:
                    tok.used_at = min(tok.used_at, self.clock() - self.lifetimes.refresh_grace - 1)

    # -- consent and codes -------------------------------------------------------------------------
    def _consent(self, scopes: frozenset[str], tenant_ids: list[str]) -> Grant:
        now = self.clock()
        auth_event_id = str(uuid.uuid4())
        for tid in tenant_ids:
            existing = self._connection_for(self.user_id, tid)
            if existing:
                existing.updated = now
                existing.auth_event_id = auth_event_id
                existing.active = True
            else:
                conn = Connection(
                    str(uuid.uuid4()),
                    self.tenants[tid],
                    self.user_id,
                    self.credentials.client_id,
                    auth_event_id,
                    now,
                    now,
                )
                self.connections[conn.id] = conn
        return Grant(self.credentials.client_id, scopes, self.user_id, auth_event_id)

    def _connection_for(self, user_id: str, tenant_id: str) -> Connection | None:
        for conn in self.connections.values():
            if conn.user_id == user_id and conn.tenant.tenant_id == tenant_id:
                return conn
        return None

    def create_code(
        self,
        redirect_uri: str,
        scopes: frozenset[str],
        tenant_ids: list[str],
        challenge: str | None,
        method: str | None,
        nonce: str | None = None,
    ) -> str:
        code = secrets.token_urlsafe(32)
        with self._lock:
            self.codes[code] = AuthCode(
                code,
                self.credentials.client_id,
                redirect_uri,
                scopes,
                tenant_ids,
                self.clock() + self.lifetimes.auth_code,
                challenge,
                method,
                nonce,
            )
        return code

    def _token_response(self, grant: Grant, nonce: str | None = None) -> dict[str, Any]:
        now = int(self.clock())
        expires = now + int(self.lifetimes.access_token)
        claims: dict[str, Any] = {
            "nbf": now,
            "exp": expires,
            "iss": self.issuer,
            "aud": f"{self.issuer}/resources",
            "client_id": grant.client_id,
            "auth_time": now,
            "jti": uuid.uuid4().hex,
            "authentication_event_id": grant.auth_event_id,
            "scope": sorted(grant.scopes),
        }
        if grant.user_id is not None:
            claims.update(
                {
                    "sub": grant.user_id.replace("-", ""),
                    "xero_userid": grant.user_id,
                    "global_session_id": grant.auth_event_id.replace("-", ""),
                    "amr": ["pwd"],
                }
            )
        access = AccessToken(tokens.encode(claims), grant, float(expires))
        self.access_tokens[access.token] = access
        body: dict[str, Any] = {
            "access_token": access.token,
            "expires_in": int(self.lifetimes.access_token),
            "token_type": "Bearer",
            "scope": " ".join(sorted(grant.scopes)),
        }
        if "openid" in grant.scopes and grant.user_id is not None:
            body["id_token"] = tokens.encode(self._id_claims(grant, now, access.token, nonce))
        if "offline_access" in grant.scopes and grant.user_id is not None:
            refresh = RefreshToken(secrets.token_urlsafe(48), grant, now)
            self.refresh_tokens[refresh.token] = refresh
            body["refresh_token"] = refresh.token
        return body

    def _id_claims(self, grant: Grant, now: int, access_token: str, nonce: str | None) -> dict[str, Any]:
        """id_token claims as Xero issues them (openid; email/profile add the user's details)."""
        claims: dict[str, Any] = {
            "nbf": now,
            "iat": now,
            "exp": now + int(self.lifetimes.auth_code),
            "iss": self.issuer,
            "aud": grant.client_id,
            "sub": (grant.user_id or "").replace("-", ""),
            "auth_time": now,
            "xero_userid": grant.user_id,
            "global_session_id": grant.auth_event_id.replace("-", ""),
            "at_hash": tokens.at_hash(access_token),
            "sid": grant.auth_event_id.replace("-", ""),
        }
        if "email" in grant.scopes:
            claims.update(
                {"email": "sandbox.user@example.com", "preferred_username": "sandbox.user@example.com"}
            )
        if "profile" in grant.scopes:
            claims.update({"given_name": "Sandbox", "family_name": "User"})
        if nonce:
            claims["nonce"] = nonce
        return claims

    # -- token endpoint ----------------------------------------------------------------------------
    def client_authenticated(self, form: dict[str, str], auth_header: str | None) -> bool:
        """RFC 6749 §2.3.1: the client authenticates with HTTP Basic (`client_secret_basic`) or with
        client_id and client_secret form fields (`client_secret_post`), never both in one request.
        Xero takes either: its own SDK refreshes with the form fields, and Xero answered 200 to exactly
        that in the SDK's recorded tests (XeroAPI/xero-python
        tests/test_api_client/cassettes/test_token_api_refresh_token.yaml; xero_python/api_client/oauth2.py
        TokenApi.refresh_token)."""
        basic = _basic_client(auth_header)
        if basic is not None and "client_secret" in form:
            return False
        client = basic if basic is not None else (form.get("client_id"), form.get("client_secret"))
        return client == (self.credentials.client_id, self.credentials.client_secret)

    def token(self, form: dict[str, str], auth_header: str | None) -> Response:
        grant_type = form.get("grant_type", "")
        pkce_public = (
            _basic_client(auth_header) is None
            and "client_secret" not in form
            and grant_type == "authorization_code"
            and form.get("code_verifier")
        )
        if pkce_public:
            if form.get("client_id") != self.credentials.client_id:
                return oauth_error("invalid_client", status=400)
        elif not self.client_authenticated(form, auth_header):
            return oauth_error("invalid_client", status=400)
        with self._lock:
            if grant_type == "authorization_code":
                return self._exchange_code(form)
            if grant_type == "refresh_token":
                return self._refresh(form.get("refresh_token", ""))
            if grant_type == "client_credentials":
                return self._client_credentials(form.get("scope"))
        return oauth_error("unsupported_grant_type")

    def _exchange_code(self, form: dict[str, str]) -> Response:
        code = self.codes.get(form.get("code", ""))
        now = self.clock()
        if code is None or code.used or code.expires_at < now:
            return oauth_error("invalid_grant")
        if form.get("redirect_uri") != code.redirect_uri:
            return oauth_error("invalid_grant", "redirect_uri does not match")
        if code.code_challenge:
            verifier = form.get("code_verifier", "")
            if code.code_challenge_method == "S256":
                digest = hashlib.sha256(verifier.encode()).digest()
                computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            else:
                computed = verifier
            if not verifier or not secrets.compare_digest(computed, code.code_challenge):
                return oauth_error("invalid_grant", "code_verifier does not match")
        code.used = True
        grant = self._consent(code.scopes, code.tenant_ids)
        return json_response(self._token_response(grant, code.nonce))

    def _refresh(self, token: str) -> Response:
        """Rotation with a grace period (xero-facts §7): a reused token within the grace period returns
        the pair its first use returned; later, or once expired unused, invalid_grant."""
        now = self.clock()
        old = self.refresh_tokens.get(token)
        if old is None:
            return oauth_error("invalid_grant")
        if old.used_at is not None:
            if now - old.used_at <= self.lifetimes.refresh_grace and old.successor is not None:
                return json_response(old.successor)
            return oauth_error("invalid_grant")
        if now - old.issued_at > self.lifetimes.refresh_token_unused:
            return oauth_error("invalid_grant")
        if not self._grant_has_connection(old.grant):
            return oauth_error("invalid_grant")
        body = self._token_response(old.grant)
        old.used_at = now
        old.successor = body
        return json_response(body)

    def _grant_has_connection(self, grant: Grant) -> bool:
        return any(c.active and c.user_id == grant.user_id for c in self.connections.values())

    def _client_credentials(self, scope: str | None) -> Response:
        """Custom connection (xero-facts §7 "Custom connections"): bound to one organisation."""
        if not self.custom_connection_tenant:
            return oauth_error("unauthorized_client", "this app has no custom connection")
        requested = scope_set(scope or " ".join(self.custom_connection_scopes))
        if not requested <= self.custom_connection_scopes:
            return oauth_error("invalid_scope")
        grant = Grant(
            self.credentials.client_id, requested, None, str(uuid.uuid4()), self.custom_connection_tenant
        )
        return json_response(self._token_response(grant))

    def revoke(self, form: dict[str, str], auth_header: str | None) -> Response:
        """POST /connect/revocation with a refresh token: the token stops working and, as reported for
        Xero (xero-facts §7 ⚠ R26), the user's connections to this app are removed."""
        if not self.client_authenticated(form, auth_header):  # RFC 7009 §2.1: as at the token endpoint
            return oauth_error("invalid_client")
        with self._lock:
            token = self.refresh_tokens.pop(form.get("token", ""), None)
            if token is not None:
                for conn in self.connections.values():
                    if conn.user_id == token.grant.user_id:
                        conn.active = False
        return Response(status=200)

    # -- checks used by the API pipeline ----------------------------------------------------------
    def authenticate(self, header: str | None) -> tuple[AccessToken | None, str | None]:
        """The access token behind an Authorization header, or the 401 Detail (xero-facts §6)."""
        if not header or not header.startswith("Bearer "):
            return None, "AuthenticationUnsuccessful"
        with self._lock:
            tok = self.access_tokens.get(header[7:].strip())
            if tok is None:
                return None, "AuthenticationUnsuccessful"
            if tok.expires_at <= self.clock():
                return None, "TokenExpired"
            return tok, None

    def tenant_for(self, tok: AccessToken, tenant_header: str | None) -> str | None:
        """The tenant a call may act on, or None (→ 403). Custom connections need no header."""
        with self._lock:
            if tok.grant.custom_tenant_id:
                if tenant_header in (None, "", tok.grant.custom_tenant_id):
                    return tok.grant.custom_tenant_id
                return None
            if not tenant_header:
                return None
            conn = self._connection_for(tok.grant.user_id or "", tenant_header.strip().lower())
            return conn.tenant.tenant_id if conn and conn.active else None

    def connections_for(self, tok: AccessToken, auth_event_id: str | None) -> list[dict[str, Any]]:
        with self._lock:
            if tok.grant.custom_tenant_id:
                tenant = self.tenants[tok.grant.custom_tenant_id]
                now = tok.expires_at - self.lifetimes.access_token
                conn = Connection(
                    tok.grant.auth_event_id,
                    tenant,
                    "",
                    tok.grant.client_id,
                    tok.grant.auth_event_id,
                    now,
                    now,
                )
                return [conn.as_json()]
            rows = [
                c
                for c in self.connections.values()
                if c.active
                and c.user_id == tok.grant.user_id
                and (auth_event_id is None or c.auth_event_id == auth_event_id)
            ]
            return [c.as_json() for c in sorted(rows, key=lambda c: c.created)]

    def disconnect(self, tok: AccessToken, connection_id: str) -> bool:
        with self._lock:
            conn = self.connections.get(connection_id)
            if conn is None or not conn.active or conn.user_id != tok.grant.user_id:
                return False
            conn.active = False
            return True


def scope_set(scopes: str | list[str] | frozenset[str]) -> frozenset[str]:
    if isinstance(scopes, str):
        return frozenset(scopes.split())
    return frozenset(scopes)


def _basic_client(header: str | None) -> tuple[str, str] | None:
    if not header or not header.startswith("Basic "):
        return None
    try:
        raw = base64.b64decode(header[6:].strip()).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    cid, _, secret = raw.partition(":")
    return cid, secret
