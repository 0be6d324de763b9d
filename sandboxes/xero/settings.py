"""Sandbox settings: organisations, limits and app credentials."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Tenant:
    """One Xero organisation the sandbox hosts."""

    tenant_id: str
    name: str
    base_currency: str = "NZD"
    country: str = "NZ"
    tenant_type: str = "ORGANISATION"
    multicurrency: bool = True
    period_lock_date: date | None = None


def default_tenants() -> list[Tenant]:
    return [
        Tenant("b1f0c6e2-6c1a-4a53-9a5e-2f6d1c0e7a11", "Demo Company (NZ)", "NZD", "NZ"),
        Tenant("c7d2a9f4-3b8e-4f1d-8e6a-5a9b0c1d2e22", "Demo Company (UK)", "GBP", "GB"),
    ]


@dataclass
class Limits:
    """Xero's API limits (xero-facts §2). Tests may shrink them; they cannot be switched off."""

    concurrent: int = 5
    per_minute: int = 60
    per_day: int = 5000
    app_per_minute: int = 10000
    minute_seconds: float = 60.0
    day_seconds: float = 86400.0

    def __post_init__(self) -> None:
        for name in (
            "concurrent",
            "per_minute",
            "per_day",
            "app_per_minute",
            "minute_seconds",
            "day_seconds",
        ):
            value = getattr(self, name)
            if value is None or value <= 0:
                raise ValueError(f"Limits.{name} must be positive: the sandbox never switches a limit off")


@dataclass
class Lifetimes:
    """Token and key lifetimes in seconds (xero-facts §3, §7)."""

    access_token: float = 1800.0
    refresh_token_unused: float = 60 * 86400.0
    refresh_grace: float = 1800.0
    auth_code: float = 300.0
    idempotency: float = 360.0


GRANULAR_SCOPES = (
    "accounting.invoices",
    "accounting.payments",
    "accounting.banktransactions",
    "accounting.manualjournals",
)
BROAD_SCOPES = (
    "accounting.transactions",
    "accounting.contacts",
    "accounting.settings",
    "accounting.attachments",
)
READ_ONLY_SCOPES = (
    "accounting.journals.read",
    "accounting.reports.read",
    "accounting.budgets.read",
)
IDENTITY_SCOPES = ("openid", "profile", "email", "offline_access")


REPORT_SCOPES = tuple(
    f"accounting.reports.{name}.read"
    for name in (
        "aged",
        "balancesheet",
        "banksummary",
        "budgetsummary",
        "executivesummary",
        "profitandloss",
        "trialbalance",
        "taxreports",
    )
)
# Replaced by granular scopes; apps created since 2 March 2026 cannot request them (xero-facts §7).
RETIRED_BROAD_SCOPES = frozenset(
    {"accounting.transactions", "accounting.transactions.read", "accounting.reports.read"}
)


def known_scopes(granular_only: bool = False) -> frozenset[str]:
    """Scopes an app may request; a new app (granular_only) cannot ask for the retired broad ones."""
    scopes = set(IDENTITY_SCOPES) | set(READ_ONLY_SCOPES) | set(REPORT_SCOPES)
    for s in GRANULAR_SCOPES + BROAD_SCOPES:
        scopes.add(s)
        scopes.add(s + ".read")
    if granular_only:
        scopes -= RETIRED_BROAD_SCOPES
    return frozenset(scopes)


DEFAULT_CUSTOM_SCOPES = frozenset(
    {
        "accounting.settings",
        "accounting.contacts",
        "accounting.invoices",
        "accounting.payments",
        "accounting.banktransactions",
        "accounting.manualjournals",
        "accounting.attachments",
    }
)


@dataclass
class AppCredentials:
    client_id: str = "SANDBOXCLIENTID0000000000000000A"
    client_secret: str = "sandbox-client-secret-0000000000000000000000000"
    webhook_key: str = "sandbox-webhook-key-000000000000000000000000000000000000000000000000"
    redirect_uris: list[str] = field(default_factory=list)  # empty: any http(s) URI is accepted
