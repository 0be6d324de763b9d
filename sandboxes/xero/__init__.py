"""A strict Xero sandbox: identity (OAuth 2.0), connections, the Accounting API, limits, idempotency,
webhooks and fault injection. It stands for Xero and imports nothing from the bridge."""

from .clock import ManualClock, ShiftedClock
from .faults import Fault
from .sandbox import FULL_SCOPES, XeroSandbox
from .settings import Lifetimes, Limits, Tenant, default_tenants
from .webhooks import Subscription, sign

__all__ = [
    "FULL_SCOPES",
    "Fault",
    "Lifetimes",
    "Limits",
    "ManualClock",
    "ShiftedClock",
    "Subscription",
    "Tenant",
    "XeroSandbox",
    "default_tenants",
    "sign",
]
