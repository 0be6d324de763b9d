"""GET /Organisation: the tenant's name, base currency and country (settings scope)."""

from __future__ import annotations

from flask import Response

from ..formats import ms_date_of_day
from .base import (
    Ctx,
    Router,
    envelope,
)

_VERSIONS = {"NZ": "NZ", "AU": "AU", "GB": "UK", "US": "US"}


def register(router: Router) -> None:
    @router.add("GET", "/Organisation", "settings")
    def organisation(ctx: Ctx) -> Response:
        tenant = ctx.org.tenant
        row = {
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
            "FinancialYearEndDay": 31,
            "FinancialYearEndMonth": 3,
            "DefaultSalesTax": "Tax Exclusive",
            "DefaultPurchasesTax": "Tax Exclusive",
            "Timezone": "UTC",
            "Edition": "BUSINESS",
        }
        if tenant.period_lock_date is not None:
            row["PeriodLockDate"] = ms_date_of_day(tenant.period_lock_date)
        return envelope("Organisations", [row], ctx.clock)
