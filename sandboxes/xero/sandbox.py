"""XeroSandbox: the whole fake Xero in one object, usable in-process (tests, demo) or from the CLI."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from werkzeug.serving import BaseWSGIServer, make_server

from .app import API_PREFIX, create_app
from .clock import Clock
from .faults import Fault, FaultInjector
from .idempotency import IdempotencyStore
from .identity import IdentityService
from .ratelimit import RateLimiter
from .resources import build_router
from .settings import AppCredentials, Lifetimes, Limits, Tenant, default_tenants
from .spec import SpecValidator, openapi_core_available, resolve_spec_dir
from .store import Organisation
from .webhooks import DEFAULT_RETRY_DELAYS, Subscription, WebhookDispatcher

log = logging.getLogger(__name__)

FULL_SCOPES = (
    "openid profile email offline_access accounting.settings accounting.contacts accounting.invoices "
    "accounting.payments accounting.banktransactions accounting.manualjournals accounting.attachments"
)
_DEFAULT = object()


class IgnoredField(NamedTuple):
    """One field the sandbox dropped from a request body, as Xero ignores it."""

    method: str
    path: str  # the operation's path, e.g. /api.xro/2.0/Invoices
    pointer: str  # JSON pointer into the body, e.g. /Invoices/0/HasAttachments
    reason: str  # "read-only" or "unknown"


class XeroSandbox:
    """A strict stand-in for Xero's identity, connections and accounting APIs, plus webhooks.

    The clock drives every time rule (tokens, rate windows, idempotency, webhook retries); pass a
    ManualClock or ShiftedClock to move time in tests."""

    def __init__(
        self,
        *,
        tenants: Iterable[Tenant] | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        webhook_key: str | None = None,
        redirect_uris: Sequence[str] = (),
        limits: Limits | None = None,
        lifetimes: Lifetimes | None = None,
        clock: Clock = time.time,
        spec_dir: str | os.PathLike[str] | None = None,
        auto_approve: bool = False,
        granular_only: bool = True,
        custom_connection_tenant: Any = _DEFAULT,
        webhook_retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        webhook_batch_window: float = 0.05,
        resource_base_url: str | None = None,
    ) -> None:
        self.tenants = list(tenants) if tenants is not None else default_tenants()
        if not self.tenants:
            raise ValueError("the sandbox needs at least one organisation")
        self.clock = clock
        defaults = AppCredentials()
        self.credentials = AppCredentials(
            client_id or defaults.client_id,
            client_secret or defaults.client_secret,
            webhook_key or defaults.webhook_key,
            list(redirect_uris),
        )
        self.limits = limits or Limits()
        self.lifetimes = lifetimes or Lifetimes()
        self.auto_approve = auto_approve
        tenant_map = {t.tenant_id: t for t in self.tenants}
        custom = (
            self.tenants[0].tenant_id if custom_connection_tenant is _DEFAULT else custom_connection_tenant
        )
        if custom is not None and custom not in tenant_map:
            raise ValueError("custom_connection_tenant must be one of the sandbox's tenants")
        self.identity = IdentityService(
            self.credentials, tenant_map, clock, self.lifetimes, custom, granular_only=granular_only
        )
        self.orgs = {t.tenant_id: Organisation(t, clock) for t in self.tenants}
        self.limiter = RateLimiter(self.limits, clock)
        self.idempotency = IdempotencyStore(clock, self.lifetimes.idempotency)
        self.faults = FaultInjector()
        self.router = build_router()
        self.spec_violations: list[str] = []
        self.ignored_fields: list[IgnoredField] = []
        self._violations_lock = threading.Lock()
        self.spec_dir = resolve_spec_dir(spec_dir)
        self.validator: SpecValidator | None = None
        self.validation_note = self._load_validator(spec_dir)
        self.webhooks = WebhookDispatcher(
            clock,
            self.credentials.webhook_key,
            webhook_retry_delays,
            webhook_batch_window,
            on_payload=self._check_webhook_payload,
        )
        self._resource_base = resource_base_url
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # -- spec --------------------------------------------------------------------------------------
    def _load_validator(self, requested: Any) -> str:
        if self.spec_dir is None:
            where = requested if requested is not None else os.environ.get("XERO_OPENAPI_DIR")
            return (
                f"OpenAPI validation is OFF: no xero_accounting.yaml found (spec dir: {where or 'not set'})"
            )
        if not openapi_core_available():
            return "OpenAPI validation is OFF: openapi-core is not installed (pip install '.[test]')"
        self.validator = SpecValidator(self.spec_dir)
        return f"OpenAPI validation is ON ({self.spec_dir})"

    def record_violation(self, message: str) -> None:
        log.error("xero sandbox spec violation: %s", message)
        with self._violations_lock:
            self.spec_violations.append(message)

    def record_ignored(self, method: str, path: str, pointer: str, reason: str) -> None:
        """A field of a request body that Xero ignores ("read-only" or "unknown") and the sandbox dropped.
        Xero answers such a request as if the field were absent; a test that wants its client to send
        only writable, known fields asserts `ignored_fields == []`."""
        log.info("xero sandbox ignored a %s field: %s %s %s", reason, method, path, pointer)
        with self._violations_lock:
            self.ignored_fields.append(IgnoredField(method, path, pointer, reason))

    def _check_webhook_payload(self, payload: dict[str, Any]) -> None:
        if self.validator is not None:
            for err in self.validator.webhook_payload_errors(payload):
                self.record_violation(f"webhook payload: {err}")

    # -- server ------------------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serves over real HTTP in a background thread; returns and sets `url`."""
        if self._server is not None:
            return self.url
        if self.validator is None:
            log.warning("xero sandbox: %s", self.validation_note)
        self._server = make_server(host, port, create_app(self), threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self.identity.issuer = self.url + "/identity"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="xero-sandbox-http", daemon=True
        )
        self._thread.start()
        self.webhooks.start()
        return self.url

    def stop(self) -> None:
        self.webhooks.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> XeroSandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- URLs --------------------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        return self.url + API_PREFIX

    @property
    def token_url(self) -> str:
        return self.url + "/identity/connect/token"

    @property
    def revocation_url(self) -> str:
        return self.url + "/identity/connect/revocation"

    @property
    def authorize_url(self) -> str:
        return self.url + "/identity/connect/authorize"

    @property
    def connections_url(self) -> str:
        return self.url + "/connections"

    @property
    def resource_base_url(self) -> str:
        """Base of webhook resourceUrl values: the sandbox's own API unless set otherwise."""
        return self._resource_base or self.api_url

    def describe(self) -> dict[str, Any]:
        return {
            "api_url": self.api_url,
            "token_url": self.token_url,
            "authorize_url": self.authorize_url,
            "connections_url": self.connections_url,
            "client_id": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
            "webhook_key": self.credentials.webhook_key,
            "tenants": [{"tenant_id": t.tenant_id, "name": t.name} for t in self.tenants],
            "custom_connection_tenant": self.identity.custom_connection_tenant,
            "validation": self.validation_note,
        }

    # -- helpers for tests and the demo -----------------------------------------------------------
    def issue_tokens(self, scopes: str = FULL_SCOPES, tenant_ids: list[str] | None = None) -> dict[str, Any]:
        """Consent + code exchange without HTTP: the token response (access and refresh token)."""
        return self.identity.issue_tokens(scopes, tenant_ids)

    def token_for(self, tenant_id: str | None = None, scopes: str = FULL_SCOPES) -> str:
        """An access token connected to `tenant_id` (default: every tenant)."""
        tenants = [tenant_id] if tenant_id else None
        return self.issue_tokens(scopes, tenants)["access_token"]

    def reset_data(self) -> None:
        """Fresh organisations (seed data only), rate windows, idempotency keys and faults; tokens,
        connections and webhook subscriptions stay. For suites that share one sandbox across tests."""
        self.orgs = {t.tenant_id: Organisation(t, self.clock) for t in self.tenants}
        self.limiter = RateLimiter(self.limits, self.clock)
        self.idempotency = IdempotencyStore(self.clock, self.lifetimes.idempotency)
        self.faults.clear()

    def expire_access_tokens(self) -> None:
        """Every access token issued so far answers 401 TokenExpired from now on."""
        self.identity.expire_access_tokens()

    def expire_refresh_tokens(self) -> None:
        """Every refresh token issued so far answers invalid_grant from now on (as after 60 unused days)."""
        self.identity.expire_refresh_tokens()

    def org(self, tenant_id: str | None = None) -> Organisation:
        return self.orgs[tenant_id or self.tenants[0].tenant_id]

    def add_webhook_subscription(self, url: str, key: str | None = None) -> Subscription:
        """Subscribes `url` (runs intent-to-receive now); key defaults to the app's webhook key."""
        return self.webhooks.subscribe(url, key)

    def wait_for_webhooks(self, timeout: float = 5.0) -> bool:
        """Blocks until deliveries due now are done; True when nothing is left to deliver."""
        return self.webhooks.flush(timeout)

    def inject_fault(
        self,
        kind: str,
        *,
        method: str = "*",
        path: str = "*",
        times: int = 1,
        status: int = 503,
        delay: float = 0.0,
        phase: str = "before",
        body: str = "Service Unavailable",
    ) -> Fault:
        """Scripts a fault: kind "status" (5xx), "latency" (delay seconds) or "drop" (socket closed);
        phase "after" applies the change first, so the client loses the response of a saved write."""
        return self.faults.add(Fault(kind, method, path, times, status, body, delay, phase))

    def clear_faults(self) -> None:
        self.faults.clear()
