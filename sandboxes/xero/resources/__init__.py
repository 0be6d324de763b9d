"""Accounting API resources. Each module registers its routes on a Router."""

from __future__ import annotations

from .base import Router


def build_router() -> Router:
    from . import attachments, contact_groups, contacts, invoices, journals, orders, payments, settings_api

    router = Router()
    # payments before invoices: /CreditNotes/{id}/Allocations must not be taken for /CreditNotes/{id}.
    for module in (contacts, contact_groups, settings_api, payments, invoices, orders, journals, attachments):
        module.register(router)
    return router
