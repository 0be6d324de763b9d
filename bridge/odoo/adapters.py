"""Field and state differences between Odoo 16, 17, 18 and 19, in one place (odoo-facts §0, §3).

Consumers speak one vocabulary; the adapter turns it into what the connected version has, so no
consumer ever tests a version number.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldAdapter:
    version: int

    # res.partner ------------------------------------------------------------------------
    def partner_fields(self) -> list[str]:
        common = [
            "name", "is_company", "parent_id", "child_ids", "type", "ref", "vat", "email", "phone",
            "street", "street2", "city", "zip", "state_id", "country_id", "category_id", "active",
            "company_id", "customer_rank", "supplier_rank", "write_date", "write_uid",
        ]  # fmt: skip
        return common if self.version >= 19 else [*common, "mobile"]  # 19 has no mobile (odoo-facts §3.6)

    def partner_values(self, values: dict) -> dict:
        """Drop what the version cannot store (19: mobile → kept in phone when phone is empty)."""
        values = dict(values)
        if self.version >= 19 and "mobile" in values:
            mobile = values.pop("mobile")
            if mobile and not values.get("phone"):
                values["phone"] = mobile
        return values

    # product ----------------------------------------------------------------------------
    def product_type_values(self, kind: str) -> dict:
        """kind: 'service', 'consumable' or 'storable' (odoo-facts §3.7)."""
        if self.version >= 18:
            return {
                "service": {"type": "service"},
                "consumable": {"type": "consu", "is_storable": False},
                "storable": {"type": "consu", "is_storable": True},
            }[kind]
        return {
            "service": {"detailed_type": "service"},
            "consumable": {"detailed_type": "consu"},
            "storable": {"detailed_type": "product"},
        }[kind]

    # account.tax ------------------------------------------------------------------------
    def tax_included_values(self, included: bool) -> dict:
        if self.version >= 18:
            return {"price_include_override": "tax_included" if included else "tax_excluded"}
        return {"price_include": included}

    # account.account --------------------------------------------------------------------
    def account_archived_field(self) -> tuple[str, bool]:
        """(field, value meaning archived): 16–18 deprecated=True, 19 active=False (odoo-facts §3.3)."""
        return ("active", False) if self.version >= 19 else ("deprecated", True)

    def account_company_values(self, company_id: int) -> dict:
        return {"company_ids": [(6, 0, [company_id])]} if self.version >= 18 else {"company_id": company_id}

    # account.payment --------------------------------------------------------------------
    def payment_memo_field(self) -> str:
        return "memo" if self.version >= 18 else "ref"

    def payment_done_states(self) -> tuple[str, ...]:
        return ("in_process", "paid") if self.version >= 18 else ("posted",)

    # sale.order / purchase.order ----------------------------------------------------------
    def sale_locked_domain(self) -> list:
        return [("state", "=", "done")] if self.version == 16 else [("locked", "=", True)]

    def purchase_done_states(self) -> tuple[str, ...]:
        return ("purchase",) if self.version >= 19 else ("purchase", "done")
