"""Scopes per endpoint family (xero-facts §7 "Scopes"): a granular scope or its broad predecessor; a
write scope also grants reads. ACC 16.1.0 lists only broad scopes, so this table is not generated from it."""

from __future__ import annotations

FAMILIES: dict[str, tuple[str, ...]] = {
    "contacts": ("accounting.contacts",),
    "settings": ("accounting.settings",),
    "items": ("accounting.settings", "accounting.invoices", "accounting.transactions"),
    "invoices": ("accounting.invoices", "accounting.transactions"),
    "payments": ("accounting.payments", "accounting.transactions"),
    "banktransactions": ("accounting.banktransactions", "accounting.transactions"),
    "manualjournals": ("accounting.manualjournals", "accounting.transactions"),
    "attachments": ("accounting.attachments",),
}


def allowed(family: str, method: str, granted: frozenset[str]) -> bool:
    """True when the token's scopes cover this family for this method (GET: .read suffices)."""
    bases = FAMILIES[family]
    reading = method in ("GET", "HEAD")
    return any(base in granted or reading and f"{base}.read" in granted for base in bases)
