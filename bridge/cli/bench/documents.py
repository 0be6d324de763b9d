"""What the document benches (and the document tests) start from: a Xero organisation whose base
currency is USD like the Odoo sandbox company's (equal bases; a foreign-currency document would need
its currency enabled first)."""

from __future__ import annotations

import dataclasses
from typing import Any


def usd_organisation(xero: Any, tenant_id: str | None = None) -> None:
    """Makes the Xero sandbox's organisation (a sandboxes.xero.XeroSandbox) one whose base is USD."""
    org = xero.org(tenant_id)
    with org.lock:
        org.tenant = dataclasses.replace(org.tenant, base_currency="USD")
        org.currencies.clear()
        org.currencies["USD"] = {"Code": "USD", "Description": "United States Dollar"}
