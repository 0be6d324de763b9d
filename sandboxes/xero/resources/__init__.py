"""Accounting API resources. Each module registers its routes on a Router."""

from __future__ import annotations

from .base import Router


def build_router() -> Router:
    from . import (
        allocations,
        attachments,
        contact_groups,
        contacts,
        invoices,
        journals,
        orders,
        organisation,
        payments,
        prepayments,
        settings_api,
    )

    router = Router()
    # allocations before invoices: /CreditNotes/{id}/Allocations must not be taken for /CreditNotes/{id}.
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
    )
    for module in modules:
        module.register(router)
    return router
