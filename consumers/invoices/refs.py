"""A document's references resolved through the other entities' bindings: contact, account, tax rate
(consumers/items/refs.py does accounts and taxes), item and currency.

- Contact: Xero ContactID ⇄ the Odoo commercial partner (the contact entity binds companies; an
  invoice addressed to a person belongs to its company's Xero contact).
- Item: Xero's item Code is the Odoo product's internal reference, or ODOO-<company>-<id> for a product
  without one (consumers/items/odoo_side.py generated_code) — the same text on both sides.
- Currency: its ISO code on both sides (res.currency.name).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bridge.errors import PermanentError
from consumers.invoices.canonical import UNBOUND
from consumers.items.odoo_side import generated_code
from consumers.items.refs import Refs


@dataclass
class DocumentRefs(Refs):
    _currencies: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ Odoo → Xero

    def xero_contact(self, partner_id: int | None) -> str | None:
        if not partner_id:
            return None
        binding = self._binding("contact", odoo_id=partner_id)
        return binding.xero_id if binding is not None else f"{UNBOUND}{partner_id}"

    def resolved_contact(self, contact: str) -> str:
        """A canonical contact as Xero takes it: an `odoo:<id>` left from before its dependency sync."""
        if not contact.startswith(UNBOUND):
            return contact
        partner_id = int(contact.removeprefix(UNBOUND))
        resolved = self.xero_contact(partner_id)
        if resolved is None or resolved.startswith(UNBOUND):
            raise PermanentError(f"Odoo partner {partner_id} has no Xero contact: sync or map it first")
        return resolved

    @staticmethod
    def item_code(product: dict | None, company_id: int) -> str | None:
        if not product:
            return None
        return product.get("default_code") or generated_code(company_id, product["id"])

    # ------------------------------------------------------------------ Xero → Odoo

    def odoo_partner(self, contact_id: str) -> int:
        if contact_id.startswith(UNBOUND):
            return int(contact_id.removeprefix(UNBOUND))
        binding = self._binding("contact", xero_id=contact_id)
        if binding is None:
            raise PermanentError(f"Xero contact {contact_id} is not bound to an Odoo partner: sync it first")
        return binding.odoo_id

    def odoo_currency(self, odoo, code: str) -> int:
        if code not in self._currencies:
            rows = odoo.with_archived().search_read("res.currency", [("name", "=", code)], ["active"])
            if not rows:
                raise PermanentError(f"Odoo has no currency {code}")
            if not rows[0]["active"]:
                raise PermanentError(f"the currency {code} is not active in Odoo: sync currencies first")
            self._currencies[code] = rows[0]["id"]
        return self._currencies[code]

    def odoo_product(self, odoo, code: str | None, company_id: int) -> int | None:
        """The product whose internal reference is the Xero item Code (or whose generated Code it is)."""
        if not code:
            return None
        prefix = generated_code(company_id, 0)[:-1]
        if code.startswith(prefix) and code.removeprefix(prefix).isdigit():
            return int(code.removeprefix(prefix))
        rows = odoo.with_archived().search_read(
            "product.product",
            [("default_code", "=", code), ("company_id", "in", [company_id, False])],
            ["id"],
            limit=2,
        )
        if len(rows) != 1:
            found = "no" if not rows else "several"
            raise PermanentError(
                f"Odoo has {found} product with the internal reference {code!r}: sync items first"
            )
        return rows[0]["id"]
