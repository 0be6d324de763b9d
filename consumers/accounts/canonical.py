"""An account in neutral form: what both sides compare and hash."""

from __future__ import annotations

from dataclasses import dataclass, field

from consumers.framework.canonical import Canonical


@dataclass(frozen=True)
class Account(Canonical):
    code: str | None
    name: str
    kind: str  # types.py: the class of types both sides agree on (named after its Odoo type)
    description: str | None = None  # Xero Description ⇄ Odoo note
    tax: str | None = None  # Xero TaxType; Odoo: the TaxType its tax is bound to (tax_rate entity)
    archived: bool = False  # Xero ARCHIVED ⇄ Odoo deprecated (16–18) / not active (19)
    # Carried, not compared (each is one side's own fact, read where the record is written):
    native_type: str | None = field(default=None, metadata={"hash": False})  # the side's own type
    system: str | None = field(default=None, metadata={"hash": False})  # Xero SystemAccount
    inventory: bool = field(default=False, metadata={"hash": False})  # the inventory asset account
    odoo_taxes: tuple[int, ...] = field(default=(), metadata={"hash": False})  # Odoo tax_ids


def text(value: object) -> str | None:
    """A free text as typed (line breaks kept), or None when blank."""
    if not value or not isinstance(value, str):
        return None
    cleaned = value.replace("\r\n", "\n").strip()
    return cleaned or None


def code_key(value: object) -> str:
    return str(value or "").strip().upper()
