"""Accounting API resources. Each module registers its routes on a Router."""

from __future__ import annotations

from .base import Router


def build_router() -> Router:
    from . import (
        allocations,
        attachments,
        contact_groups,
        contacts,
        history,
        invoices,
        journals,
        orders,
        organisation,
        payments,
        prepayments,
        settings_api,
    )

    router = Router()
    modules = (
        organisation,
        contacts,
        contact_groups,
        settings_api,
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
