"""The guarantee suite's kit for invoices (consumers/invoices): Xero Invoices ⇄ Odoo account.move.

A document has no name: the kit names it by its reference (Xero Reference ⇄ Odoo ref of a sales
document), which a user "renames". Each world is made ready for documents first (tests/support/
documents.py: equal base currencies, accounts and taxes mapped)."""

from __future__ import annotations

import uuid

from bridge.cli.sandboxed import SandboxedBridge
from tests.support.documents import ready_for_documents
from tests.support.kits import Kit, odoo_admin


class DocumentKit(Kit):
    entity = "invoice"
    xero_collection = "Invoices"
    xero_id_field = "InvoiceID"
    xero_category = "INVOICE"
    xero_create_method = "POST"  # the exporter creates with POST (a retry finds its generated number)
    odoo_model = "account.move"
    xero_type = "ACCREC"
    move_type = "out_invoice"

    @property
    def xero_attr(self) -> str:
        return "invoices"

    def prepare(self, world: SandboxedBridge) -> None:
        ready_for_documents(world)

    def create_in_xero(self, world: SandboxedBridge, name: str) -> str:
        made = world.xero_api(
            "PUT", "Contacts", json={"Contacts": [{"Name": f"Buyer {uuid.uuid4().hex[:8]}"}]}
        )
        assert made.status_code == 200, made.text
        element = {
            "Type": self.xero_type, "Contact": {"ContactID": made.json()["Contacts"][0]["ContactID"]},
            "Date": "2026-11-20", "DueDate": "2026-12-20", "Reference": name,
            "LineItems": [{"Description": "Guarantee", "Quantity": 2, "UnitAmount": 12.5, "AccountCode": "200", "TaxType": "OUTPUT2"}],
        }  # fmt: skip
        response = world.xero_api("PUT", self.xero_collection, json={self.xero_collection: [element]})
        assert response.status_code == 200, response.text
        return response.json()[self.xero_collection][0][self.xero_id_field]

    def create_in_odoo(self, world: SandboxedBridge, name: str) -> int:
        admin = world.odoo.env("admin")
        (partner,) = admin.create(
            "res.partner", [{"name": f"Buyer {uuid.uuid4().hex[:8]}", "is_company": True}]
        )
        (account,) = admin.search("account.account", [("code", "=", "400000")], limit=1)
        (tax,) = admin.search("account.tax", [("type_tax_use", "=", "sale"), ("amount", "=", 15.0)], limit=1)
        line = {
            "name": "Guarantee",
            "quantity": 2,
            "price_unit": 12.5,
            "account_id": account,
            "tax_ids": [(6, 0, [tax])],
        }
        values = {"move_type": self.move_type, "partner_id": partner, "ref": name, "invoice_date": "2026-11-20",
                  "invoice_line_ids": [(0, 0, line)]}  # fmt: skip
        (move,) = admin.create("account.move", [values])
        return move

    def rename(self, world: SandboxedBridge, source: str, record_id: str, name: str) -> None:
        if source == "xero":
            element = {self.xero_id_field: record_id, "Reference": name}
            response = world.xero_api(
                "POST", f"{self.xero_collection}/{record_id}", json={self.xero_collection: [element]}
            )
            assert response.status_code == 200, response.text
        else:
            world.odoo.env("admin").write(self.odoo_model, [int(record_id)], {"ref": name})

    def ids(self, world: SandboxedBridge, side: str, name: str) -> list[str]:
        if side == "xero":
            org = world.xero.org()
            with org.lock:
                rows = getattr(org, self.xero_attr).values()
                return sorted(str(r[self.xero_id_field]) for r in rows if r.get("Reference") == name)
        rows = odoo_admin(world).search_read(
            self.odoo_model, [("ref", "=", name), ("move_type", "=", self.move_type)], ["id"]
        )
        return sorted(str(r["id"]) for r in rows)


KIT = DocumentKit()
