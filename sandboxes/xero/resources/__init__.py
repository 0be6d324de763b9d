"""Accounting API resources. Each module registers its routes on a Router."""

from __future__ import annotations

from .base import Router


def build_router() -> Router:
    from . import (
        accounts,
        allocations,
        attachments,
        contact_groups,
        contacts,
        currencies,
        history,
        invoices,
        items,
        journals,
        orders,
        organisation,
        payments,
        prepayments,
        tax_rates,
    )

    router = Router()
    modules = (
        organisation,
        contacts,
        contact_groups,
        currencies,
        tax_rates,
        accounts,
        items,
        payments,
        allocations,
        prepayments,
        invoices,
        orders,
        journals,
        attachments,
        history,
    )
    for module in modules:
        module.register(router)
    return router
