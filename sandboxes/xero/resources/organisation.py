"""GET /Organisation (and /Organisations, which Xero serves too): the tenant's settings (settings scope).

The shape follows ACC `Organisation` and the spec's example of GET /Organisation, which matches a response
Xero recorded for its own SDK (XeroAPI/xero-python tests/accounting/api/cassettes/test_get_organisations.yaml):
Addresses, Phones, ExternalLinks and PaymentTerms are always present (empty when unset), PeriodLockDate only
when a lock date is set, CreatedDateUTC in MS-JSON without an offset. The plural path is what common clients
call (pyxero: src/xero/api.py lists "Organisations" and builds `<base>/Organisations`)."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Response

from ..formats import ms_date_of_day
from ..settings import Tenant
from .base import (
    Ctx,
    Router,
    envelope,
)

_VERSIONS = {"NZ": "NZ", "AU": "AU", "GB": "UK", "US": "US"}
# Plausible per-country seeds, each value one of ACC's enums (SalesTaxBasis, SalesTaxPeriod, TimeZone).
_COUNTRY_SEEDS: dict[str, dict[str, str]] = {
    "NZ": {
        "TaxNumber": "071-138-054",
        "SalesTaxBasis": "PAYMENTS",
        "SalesTaxPeriod": "TWOMONTHS",
        "Timezone": "NEWZEALANDSTANDARDTIME",
        "City": "Wellington",
        "PostalCode": "6011",
        "Country": "New Zealand",
        "PhoneAreaCode": "04",
    },
    "GB": {
        "TaxNumber": "GB123456789",
        "SalesTaxBasis": "ACCRUAL",
        "SalesTaxPeriod": "QUARTERLY1",
        "Timezone": "GMTSTANDARDTIME",
        "City": "London",
        "PostalCode": "EC1A 1BB",
        "Country": "United Kingdom",
        "PhoneAreaCode": "020",
    },
    "AU": {
        "TaxNumber": "11 111 111 111",
        "SalesTaxBasis": "ACCRUALS",
        "SalesTaxPeriod": "QUARTERLY1",
        "Timezone": "AUSEASTERNSTANDARDTIME",
        "City": "Sydney",
        "PostalCode": "2000",
        "Country": "Australia",
        "PhoneAreaCode": "02",
    },
    "US": {
        "TaxNumber": "12-3456789",
        "SalesTaxBasis": "ACCRUAL",
        "SalesTaxPeriod": "NONE",
        "Timezone": "EASTERNSTANDARDTIME",
        "City": "New York",
        "PostalCode": "10001",
        "Country": "United States",
        "PhoneAreaCode": "212",
    },
}
_OTHER = {
    "TaxNumber": "",
    "SalesTaxBasis": "NONE",
    "SalesTaxPeriod": "NONE",
    "Timezone": "UTC",
    "City": "",
    "PostalCode": "",
    "Country": "",
    "PhoneAreaCode": "",
}


def _short_code(tenant: Tenant) -> str:
    """Xero's short code ("!mBdtL"): "!" and five letters, stable per tenant."""
    digest = hashlib.sha256(tenant.tenant_id.encode()).digest()
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "!" + "".join(letters[b % len(letters)] for b in digest[:5])


def organisation_row(tenant: Tenant, created: float) -> dict[str, Any]:
    seed = _COUNTRY_SEEDS.get(tenant.country, _OTHER)
    row: dict[str, Any] = {
        "OrganisationID": tenant.tenant_id,
        "Name": tenant.name,
        "LegalName": tenant.name,
        "PaysTax": True,
        "Version": _VERSIONS.get(tenant.country, "GLOBAL"),
        "OrganisationType": "COMPANY",
        "BaseCurrency": tenant.base_currency,
        "CountryCode": tenant.country,
        "IsDemoCompany": False,
        "OrganisationStatus": "ACTIVE",
        "TaxNumber": seed["TaxNumber"],
        "FinancialYearEndDay": 31,
        "FinancialYearEndMonth": 3,
        "SalesTaxBasis": seed["SalesTaxBasis"],
        "SalesTaxPeriod": seed["SalesTaxPeriod"],
        "DefaultSalesTax": "Tax Exclusive",
        "DefaultPurchasesTax": "Tax Exclusive",
        "CreatedDateUTC": f"/Date({int(created * 1000)})/",
        "OrganisationEntityType": "COMPANY",
        "Timezone": seed["Timezone"],
        "ShortCode": _short_code(tenant),
        "Edition": "BUSINESS",
        "Class": "PREMIUM",
        "Addresses": [
            {
                "AddressType": "POBOX",
                "AddressLine1": "1 Sandbox Street",
                "City": seed["City"],
                "Region": "",
                "PostalCode": seed["PostalCode"],
                "Country": seed["Country"],
                "AttentionTo": "",
            }
        ],
        "Phones": [
            {"PhoneType": "OFFICE", "PhoneNumber": "555 0100", "PhoneAreaCode": seed["PhoneAreaCode"]}
        ],
        "ExternalLinks": [],
        "PaymentTerms": {},
    }
    if tenant.period_lock_date is not None:
        row["PeriodLockDate"] = ms_date_of_day(tenant.period_lock_date)
    return row


def register(router: Router) -> None:
    def organisation(ctx: Ctx) -> Response:
        return envelope("Organisations", [organisation_row(ctx.org.tenant, ctx.org.created)], ctx.clock)

    router.add("GET", "/Organisation", "settings")(organisation)
    router.add("GET", "/Organisations", "settings", spec_template="/Organisation")(organisation)
