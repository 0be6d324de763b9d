"""To the cent: the totals both systems computed are compared after each write, and a difference is
never silent. By connection setting (`bridge settings rounding`):
- report (the default): the write is a mismatch showing both totals, to be corrected by a person;
- adjust ACCOUNT: a document exported to Xero whose total differs from Odoo's by a rounding amount (at
  most MAX_ADJUSTMENT) gets one more line, ROUNDING_LINE on that Xero account without tax, so that
  Xero's total is Odoo's — the line a person would add (Xero rounds tax per line to 2 dp and sums;
  Odoo rounds per line or globally, odoo-facts: tax_calculation_rounding_method). The line is the
  bridge's: it is not a line of the document (never imported, never compared), and it is written
  again whenever the lines change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bridge.errors import PermanentError
from bridge.store.connection_values import get_value, set_value
from consumers.invoices.canonical import Document

ROUNDING_LINE = "Rounding adjustment (Odoo)"
KEY = "documents:rounding_account"
MAX_ADJUSTMENT = Decimal("0.10")  # more than a few cents is not rounding: reported, never adjusted


def rounding_account(db: Any, connection_id: str) -> str | None:
    """The Xero account Code that takes rounding adjustments, or None (differences are reported)."""
    return get_value(db, connection_id, KEY)


def set_rounding_account(db: Any, connection_id: str, code: str | None) -> None:
    set_value(db, connection_id, KEY, code)


def adjustment_needed(source: Document, written: Document) -> Decimal:
    """What the Xero document's rounding line must become so that its total is the source's."""
    if source.totals is None or written.totals is None:
        return Decimal(0)
    return source.totals.total - (written.totals.total - written.rounding)


def check_totals(source: Document, written: Document, where: str) -> None:
    """The document's totals after the write equal the source's, or the difference is a mismatch with
    both. With a rounding line on either side only the totals are compared (the line is untaxed)."""
    if source.totals is None or written.totals is None:
        return
    adjusted = source.rounding or written.rounding
    same = source.totals.total == written.totals.total if adjusted else source.totals == written.totals
    if not same:
        other = "Odoo" if where == "Xero" else "Xero"
        raise PermanentError(
            f"totals differ after the write: {other} {source.totals}; {where} {written.totals} "
            f"({source.currency}): check the lines' taxes and rounding (or let the bridge add a rounding "
            "line: bridge settings rounding CONNECTION --adjust ACCOUNT)",
            details={"totals": {other.lower(): str(source.totals), where.lower(): str(written.totals)}},
        )
