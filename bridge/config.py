"""Settings from environment variables, optionally from a file of the same variables.

Validated with marshmallow at start-up: a bad value stops start-up with one line naming the key
and the problem (`ConfigError`). Environment variables win over the file (`BRIDGE_CONFIG`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from marshmallow import Schema, ValidationError, validate
from marshmallow import fields as mf

DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


class ConfigError(Exception):
    """A setting is missing or wrong; str() is one line naming the key and the problem."""


def parse_duration(text: str) -> float:
    """'10s', '1m', '250ms', '6h' or a bare number of seconds → seconds."""
    match = DURATION_RE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration like 10s, 1m, 6h")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


class Ladder(mf.Field):
    """A comma-separated list of increasing durations: the retry ladder."""

    def _deserialize(self, value, attr, data, **kwargs) -> tuple[float, ...]:
        try:
            steps = tuple(parse_duration(part) for part in str(value).split(",") if part.strip())
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        if not steps:
            raise ValidationError("needs at least one delay")
        if any(b < a for a, b in zip(steps, steps[1:], strict=False)):
            raise ValidationError("delays must not decrease")
        return steps


class Share(mf.Field):
    """A share of a whole: '10%' or 0.1, above 0 and at most all of it."""

    def _deserialize(self, value, attr, data, **kwargs) -> float:
        text = str(value).strip()
        try:
            share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise ValidationError(f"{text!r} is not a share like 10% or 0.1") from None
        if not 0 < share <= 1:
            raise ValidationError(f"{text!r} must be above 0 and at most 100%")
        return share


class Duration(mf.Field):
    def _deserialize(self, value, attr, data, **kwargs) -> float:
        try:
            return parse_duration(str(value))
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def _url_with_scheme(*schemes: str):
    def check(value: str) -> None:
        scheme = value.split(":", 1)[0].lower()
        if not any(scheme == s or scheme.startswith(s + "+") for s in schemes):
            raise ValidationError(f"must start with one of {', '.join(s + ':' for s in schemes)}")

    return check


class SettingsSchema(Schema):
    BRIDGE_HOME = mf.String(load_default=".bridge")
    BRIDGE_DATABASE_URL = mf.String(
        load_default=None, allow_none=True, validate=_url_with_scheme("sqlite", "postgresql")
    )
    BRIDGE_BROKER_URL = mf.String(
        load_default=None, allow_none=True, validate=_url_with_scheme("embedded", "amqp", "pyamqp", "memory")
    )
    BRIDGE_SECRET_KEY = mf.String(load_default=None, allow_none=True)
    BRIDGE_NAMESPACE = mf.String(
        load_default="bridge",
        validate=validate.Regexp(r"^[a-z][a-z0-9_-]{0,31}$", error="lowercase letters, digits, - and _ only"),
    )
    XERO_WEBHOOK_KEY = mf.String(load_default=None, allow_none=True)
    BRIDGE_ODOO_WEBHOOK_TOKEN = mf.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=16, error="must be at least 16 characters"),
    )
    BRIDGE_ODOO_WEBHOOK_SECRET = mf.String(load_default=None, allow_none=True)
    BRIDGE_MAX_BODY_BYTES = mf.Integer(load_default=1_048_576, validate=validate.Range(min=1024))
    BRIDGE_PUBLISH_TIMEOUT = Duration(load_default=2.0)
    BRIDGE_RETRY_LADDER = Ladder(load_default=(10.0, 60.0, 600.0, 3600.0, 21600.0))
    BRIDGE_DELIVERY_LIMIT = mf.Integer(load_default=10, validate=validate.Range(min=1, max=1000))
    BRIDGE_PREFETCH = mf.Integer(load_default=50, validate=validate.Range(min=1, max=10_000))
    BRIDGE_LEASE_SECONDS = Duration(load_default=120.0)
    BRIDGE_TENANT_CACHE_SECONDS = Duration(load_default=10.0)
    XERO_API_URL = mf.URL(load_default="https://api.xero.com/api.xro/2.0", require_tld=False)
    XERO_CONNECTIONS_URL = mf.URL(load_default="https://api.xero.com/connections", require_tld=False)
    XERO_TOKEN_URL = mf.URL(load_default="https://identity.xero.com/connect/token", require_tld=False)
    XERO_AUTHORIZE_URL = mf.URL(
        load_default="https://login.xero.com/identity/connect/authorize", require_tld=False
    )
    XERO_CLIENT_ID = mf.String(load_default=None, allow_none=True)
    XERO_CLIENT_SECRET = mf.String(load_default=None, allow_none=True)
    XERO_REDIRECT_URI = mf.URL(load_default="http://127.0.0.1:8000/oauth/xero/callback", require_tld=False)
    # The granular scope set apps created since March 2026 get (xero-facts §7).
    XERO_SCOPES = mf.String(
        load_default=(
            "openid profile email offline_access accounting.settings accounting.contacts accounting.invoices "
            "accounting.payments accounting.banktransactions accounting.manualjournals accounting.attachments"
        )
    )
    XERO_MINUTE_LIMIT = mf.Integer(load_default=60, validate=validate.Range(min=1))
    XERO_CONCURRENT_LIMIT = mf.Integer(load_default=5, validate=validate.Range(min=1))
    XERO_DAY_LIMIT = mf.Integer(load_default=5000, validate=validate.Range(min=1))
    XERO_BULK_SHARE = mf.Float(load_default=0.8, validate=validate.Range(min=0.1, max=1.0))
    XERO_REALTIME_MAX_WAIT = Duration(load_default=1.0)
    ODOO_URL = mf.URL(load_default=None, allow_none=True, require_tld=False)
    ODOO_DB = mf.String(load_default=None, allow_none=True)
    ODOO_USERNAME = mf.String(load_default=None, allow_none=True)
    ODOO_API_KEY = mf.String(load_default=None, allow_none=True)  # a password is accepted too
    ODOO_PROTOCOL = mf.String(
        load_default="auto", validate=validate.OneOf(("auto", "json2", "jsonrpc", "xmlrpc"))
    )
    # Change detection without webhooks (`bridge scheduler`, bridge/polling/)
    BRIDGE_POLL_INTERVAL = Duration(load_default=300.0)
    BRIDGE_RECONCILE_INTERVAL = Duration(load_default=3600.0)
    BRIDGE_RECONCILE_LOOKBACK = Duration(load_default=86400.0)
    BRIDGE_OUTBOX_INTERVAL = Duration(load_default=5.0)
    BRIDGE_POLL_OVERLAP = Duration(load_default=120.0)  # Odoo: write_date is the transaction start
    BRIDGE_XERO_POLL_OVERLAP = Duration(load_default=5.0)  # Xero: If-Modified-Since is per second
    BRIDGE_WEBHOOK_SILENCE = Duration(load_default=900.0)
    # All Xero pollers of a tenant together: at most this share of XERO_DAY_LIMIT (bridge/polling/budget.py)
    BRIDGE_POLL_BUDGET = Share(load_default=0.1)
    BRIDGE_LOG_LEVEL = mf.String(
        load_default="INFO", validate=validate.OneOf(("DEBUG", "INFO", "WARNING", "ERROR"))
    )


@dataclass(frozen=True)
class XeroSettings:
    api_url: str = "https://api.xero.com/api.xro/2.0"
    connections_url: str = "https://api.xero.com/connections"
    token_url: str = "https://identity.xero.com/connect/token"
    authorize_url: str = "https://login.xero.com/identity/connect/authorize"
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    redirect_uri: str = "http://127.0.0.1:8000/oauth/xero/callback"
    scopes: str = "openid profile email offline_access accounting.settings accounting.contacts"
    minute_limit: int = 60
    concurrent_limit: int = 5
    day_limit: int = 5000
    bulk_share: float = 0.8  # bulk work may use this share of a tenant's minute budget; real time the rest
    # a real-time call (a worker's) waits this long at most for a slot; past it the event is delayed
    realtime_max_wait: float = 1.0


@dataclass(frozen=True)
class OdooSettings:
    url: str | None = None
    db: str | None = None
    username: str | None = None
    api_key: str | None = field(default=None, repr=False)
    protocol: str = "auto"  # auto: JSON-2 on Odoo 19+ (API key), JSON-RPC before


@dataclass(frozen=True)
class PollSettings:
    """`bridge scheduler`: how often to poll and reconcile, and how far back each poll looks again.

    Xero pollers run on the budget's plan (bridge/polling/budget.py): `interval` is the shortest any
    of them runs at (and Odoo's poll interval), `reconcile_interval` the shortest for an entity whose
    webhooks already bring its changes (and Odoo's reconciliation)."""

    interval: float = 300.0
    reconcile_interval: float = 3600.0
    budget_share: float = 0.1  # all Xero pollers of a tenant: at most this share of its daily limit
    reconcile_lookback: float = 86400.0  # a reconciliation re-reads this far behind the watermark
    outbox_interval: float = 5.0  # Odoo 16 outbox drain
    odoo_overlap: float = 120.0  # odoo-facts §4: poll from the watermark minus a few minutes
    xero_overlap: float = 5.0  # xero-facts §5: a few seconds
    webhook_silence: float = 900.0  # a change this old with no webhook since: webhooks look dead


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    broker_url: str
    secret_key: str | None = field(repr=False)
    xero_webhook_key: str | None = field(repr=False)
    odoo_webhook_token: str | None = field(repr=False)
    odoo_webhook_secret: str | None = field(repr=False)
    max_body_bytes: int = 1_048_576
    publish_timeout: float = 2.0
    retry_ladder: tuple[float, ...] = (10, 60, 600, 3600, 21600)
    delivery_limit: int = 10
    prefetch: int = 50
    lease_seconds: float = 120
    tenant_cache_seconds: float = 10
    log_level: str = "INFO"
    namespace: str = "bridge"
    xero: XeroSettings = field(default_factory=XeroSettings)
    odoo: OdooSettings = field(default_factory=OdooSettings)
    polling: PollSettings = field(default_factory=PollSettings)

    @property
    def embedded_broker(self) -> bool:
        return self.broker_url.startswith(("embedded", "memory"))

    def secrets(self) -> list[str]:
        """Values that must never reach a log line or an error message."""
        values = (
            self.secret_key,
            self.xero_webhook_key,
            self.odoo_webhook_token,
            self.odoo_webhook_secret,
            self.xero.client_secret,
            self.odoo.api_key,
        )
        return [v for v in values if v]

    def replace(self, **changes: object) -> Settings:
        current = {f.name: getattr(self, f.name) for f in fields(self)}
        current.update(changes)
        return Settings(**current)


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments ignored; optional quotes stripped."""
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise ConfigError(f"{path}:{number}: expected KEY=VALUE")
        key, value = (part.strip() for part in line.split("=", 1))
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.removeprefix("export ").strip()] = value
    return values


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read, validate and resolve the settings; raise ConfigError with one line on the first problem."""
    environ = os.environ if environ is None else environ
    raw: dict[str, str] = {}
    config_file = environ.get("BRIDGE_CONFIG")
    if config_file:
        path = Path(config_file)
        if not path.is_file():
            raise ConfigError(f"BRIDGE_CONFIG: no such file {config_file}")
        raw.update(read_env_file(path))
    known = set(SettingsSchema().fields)
    raw.update({k: v for k, v in environ.items() if k in known})
    raw = {k: v for k, v in raw.items() if k in known and v != ""}
    try:
        data = SettingsSchema().load(raw)
    except ValidationError as exc:
        key, problems = sorted(exc.normalized_messages().items())[0]
        problem = problems[0] if isinstance(problems, list) else problems
        raise ConfigError(f"{key}: {problem}") from None
    home = Path(data["BRIDGE_HOME"])
    return Settings(
        home=home,
        database_url=data["BRIDGE_DATABASE_URL"] or f"sqlite:///{(home / 'bridge.db').resolve()}",
        broker_url=data["BRIDGE_BROKER_URL"] or f"embedded+sqlite:///{(home / 'broker.db').resolve()}",
        secret_key=data["BRIDGE_SECRET_KEY"],
        xero_webhook_key=data["XERO_WEBHOOK_KEY"],
        odoo_webhook_token=data["BRIDGE_ODOO_WEBHOOK_TOKEN"],
        odoo_webhook_secret=data["BRIDGE_ODOO_WEBHOOK_SECRET"],
        max_body_bytes=data["BRIDGE_MAX_BODY_BYTES"],
        publish_timeout=data["BRIDGE_PUBLISH_TIMEOUT"],
        retry_ladder=data["BRIDGE_RETRY_LADDER"],
        delivery_limit=data["BRIDGE_DELIVERY_LIMIT"],
        prefetch=data["BRIDGE_PREFETCH"],
        lease_seconds=data["BRIDGE_LEASE_SECONDS"],
        tenant_cache_seconds=data["BRIDGE_TENANT_CACHE_SECONDS"],
        log_level=data["BRIDGE_LOG_LEVEL"],
        namespace=data["BRIDGE_NAMESPACE"],
        xero=XeroSettings(
            api_url=data["XERO_API_URL"].rstrip("/"),
            connections_url=data["XERO_CONNECTIONS_URL"],
            token_url=data["XERO_TOKEN_URL"],
            authorize_url=data["XERO_AUTHORIZE_URL"],
            client_id=data["XERO_CLIENT_ID"],
            client_secret=data["XERO_CLIENT_SECRET"],
            redirect_uri=data["XERO_REDIRECT_URI"],
            scopes=data["XERO_SCOPES"],
            minute_limit=data["XERO_MINUTE_LIMIT"],
            concurrent_limit=data["XERO_CONCURRENT_LIMIT"],
            day_limit=data["XERO_DAY_LIMIT"],
            bulk_share=data["XERO_BULK_SHARE"],
            realtime_max_wait=data["XERO_REALTIME_MAX_WAIT"],
        ),
        odoo=OdooSettings(
            url=(data["ODOO_URL"] or "").rstrip("/") or None,
            db=data["ODOO_DB"],
            username=data["ODOO_USERNAME"],
            api_key=data["ODOO_API_KEY"],
            protocol=data["ODOO_PROTOCOL"],
        ),
        polling=PollSettings(
            interval=data["BRIDGE_POLL_INTERVAL"],
            reconcile_interval=data["BRIDGE_RECONCILE_INTERVAL"],
            reconcile_lookback=data["BRIDGE_RECONCILE_LOOKBACK"],
            outbox_interval=data["BRIDGE_OUTBOX_INTERVAL"],
            odoo_overlap=data["BRIDGE_POLL_OVERLAP"],
            xero_overlap=data["BRIDGE_XERO_POLL_OVERLAP"],
            webhook_silence=data["BRIDGE_WEBHOOK_SILENCE"],
            budget_share=data["BRIDGE_POLL_BUDGET"],
        ),
    )
