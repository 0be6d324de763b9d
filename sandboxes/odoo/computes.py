"""Non-stored computed values used by the catalog (display names, amounts, rates, quantities)."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

MOVE_LABELS = {
    "out_invoice": "Invoice",
    "out_refund": "Credit Note",
    "in_invoice": "Bill",
    "in_refund": "Refund",
    "out_receipt": "Sales Receipt",
    "in_receipt": "Purchase Receipt",
    "entry": "Entry",
}


class ComputeMixin:
    """Mixed into Env; every method reads through ``self.value`` so inherits and overlays apply."""

    txn: Any

    def value(self, model: str, rid: int, fname: str) -> Any:  # pragma: no cover - provided by Env
        raise NotImplementedError

    def today(self) -> dt.date:
        return self.txn.now.date()

    def now(self) -> dt.datetime:
        return self.txn.now.replace(microsecond=0)

    def company_currency(self) -> int:
        return self.txn.get("res.company", self.company_id)["currency_id"]  # type: ignore[attr-defined]

    def display_name(self, model: str, rid: int) -> str:
        if not rid or not self.txn.exists(model, rid):
            return False  # type: ignore[return-value]
        v = self.value
        if model == "res.partner":
            name = v(model, rid, "name") or ""
            parent = v(model, rid, "parent_id")
            if parent and not v(model, rid, "is_company"):
                return (
                    f"{self.display_name(model, parent)}, {name}"
                    if name
                    else self.display_name(model, parent)
                )
            return name
        if model == "product.category":
            parent = v(model, rid, "parent_id")
            name = v(model, rid, "name")
            return f"{self.display_name(model, parent)} / {name}" if parent else name
        if model in ("product.product", "product.template"):
            code = v(model, rid, "default_code")
            return f"[{code}] {v(model, rid, 'name')}" if code else v(model, rid, "name")
        if model == "account.account":
            return f"{v(model, rid, 'code')} {v(model, rid, 'name')}"
        if model == "account.move":
            name = v(model, rid, "name")
            if v(model, rid, "state") == "draft" and name in ("/", False):
                return f"Draft {MOVE_LABELS[v(model, rid, 'move_type')]} (* {rid})"
            return name
        mdef = self.registry[model]  # type: ignore[attr-defined]
        if mdef.rec_name in mdef.fields or self.field(model, mdef.rec_name):  # type: ignore[attr-defined]
            name = v(model, rid, mdef.rec_name)
            if name:
                return str(name)
        return f"{model},{rid}"

    def commercial_partner(self, rid: int | bool) -> int | bool:
        seen = set()
        while rid and rid not in seen:
            seen.add(rid)
            if self.value("res.partner", rid, "is_company"):
                return rid
            parent = self.value("res.partner", rid, "parent_id")
            if not parent:
                return rid
            rid = parent
        return rid

    def value_of_parent(self, model: str, rid: int, m2o: str, fname: str) -> Any:
        parent = self.value(model, rid, m2o)
        f = self.field(model, m2o)  # type: ignore[attr-defined]
        return self.value(f.comodel, parent, fname) if parent else False

    def currency_rate(self, currency_id: int | bool) -> float:
        """Today's technical rate of the currency for env.company (1.0 when none)."""
        if not currency_id:
            return 1.0
        return self.rate_at(currency_id, self.today(), self.company_id)  # type: ignore[attr-defined]

    def rate_at(self, currency_id: int, day: Any, company_id: int) -> float:
        """Technical rate of a currency at a date for a company: the latest rate row on or before it."""
        best = None
        for rid in self.txn.ids("res.currency.rate"):
            row = self.txn.get("res.currency.rate", rid)
            if row["currency_id"] != currency_id or row["company_id"] not in (False, company_id):
                continue
            if row["name"] <= day and (best is None or row["name"] > best["name"]):
                best = row
        return best["rate"] if best else 1.0

    def conversion_factor(self, currency_id: int, company_id: int, day: Any) -> float:
        """Units of ``currency_id`` per 1 unit of the company currency at ``day``."""
        company_currency = self.txn.get("res.company", company_id)["currency_id"]
        if not currency_id or currency_id == company_currency:
            return 1.0
        return self.rate_at(currency_id, day, company_id) / (
            self.rate_at(company_currency, day, company_id) or 1.0
        )

    def move_factor(self, move_id: int) -> float:
        day = self.value("account.move", move_id, "invoice_date") or self.value(
            "account.move", move_id, "date"
        )
        return self.conversion_factor(
            self.value("account.move", move_id, "currency_id"),
            self.value("account.move", move_id, "company_id"),
            day,
        )

    def company_currency_rate(self, model: str, rate_id: int) -> float:
        """Rate of the rate row's company currency at the row's date (1.0 when none)."""
        row = self.txn.get(model, rate_id) or {}
        company = row.get("company_id") or self.company_id  # type: ignore[attr-defined]
        currency = self.txn.get("res.company", company)["currency_id"]
        return self.rate_at(currency, row.get("name") or self.today(), company)

    def currency_decimals(self, rid: int) -> int:
        rounding = self.value("res.currency", rid, "rounding") or 0.01
        return max(0, int(math.ceil(math.log10(1 / rounding)))) if rounding < 1 else 0

    # -- amounts -----------------------------------------------------------------------------------
    def tax_amount(self, tax_ids: list[int], base: float, qty: float = 1.0) -> tuple[float, float]:
        """(untaxed, tax) for a line with taxes; handles percent/fixed/division and price-included."""
        untaxed, tax = base, 0.0
        for tid in tax_ids:
            kind = self.value("account.tax", tid, "amount_type")
            amount = self.value("account.tax", tid, "amount")
            included = self.value("account.tax", tid, "price_include")
            if kind == "fixed":
                part = amount * qty
                if included:
                    untaxed -= part
            elif kind == "division":
                part = base * amount / 100.0
                if included:
                    untaxed -= part
            elif included:
                part = base - base / (1 + amount / 100.0)
                untaxed -= part
            else:
                part = base * amount / 100.0
            tax += part
        return round(untaxed, 2), round(tax, 2)

    def line_amounts(self, model: str, rid: int) -> dict[str, float]:
        qty_field = {"sale.order.line": "product_uom_qty", "purchase.order.line": "product_qty"}.get(
            model, "quantity"
        )
        tax_field = {"sale.order.line": "tax_id", "purchase.order.line": "taxes_id"}.get(model, "tax_ids")
        qty = self.value(model, rid, qty_field)
        base = (
            qty
            * self.value(model, rid, "price_unit")
            * (1 - (self.value(model, rid, "discount") or 0) / 100.0)
        )
        untaxed, tax = self.tax_amount(self.value(model, rid, tax_field), base, qty)
        return {"subtotal": untaxed, "tax": tax, "total": round(untaxed + tax, 2)}

    def order_amounts(self, model: str, rid: int) -> dict[str, float]:
        untaxed = tax = 0.0
        for lid in self.value(model, rid, "order_line"):
            if self.value(f"{model}.line", lid, "display_type"):
                continue
            a = self.line_amounts(f"{model}.line", lid)
            untaxed += a["subtotal"]
            tax += a["tax"]
        return {"untaxed": round(untaxed, 2), "tax": round(tax, 2), "total": round(untaxed + tax, 2)}

    def move_amounts(self, rid: int) -> dict[str, float]:
        lines = self.value("account.move", rid, "line_ids")
        untaxed = tax = total = residual = 0.0
        is_invoice = self.value("account.move", rid, "move_type") != "entry"
        for lid in lines:
            kind = self.value("account.move.line", lid, "display_type")
            if is_invoice:
                if kind == "product":
                    untaxed += self.value("account.move.line", lid, "price_subtotal")
                elif kind == "tax":
                    tax += abs(self.value("account.move.line", lid, "balance"))
                elif kind == "payment_term":  # in the invoice's currency
                    residual += abs(self.value("account.move.line", lid, "amount_residual_currency"))
            else:
                total += self.value("account.move.line", lid, "debit")
        if is_invoice:
            total = untaxed + tax
        state = self.value("account.move", rid, "state")
        if state != "posted":
            residual = total if is_invoice else 0.0
        return {
            "untaxed": round(untaxed, 2),
            "tax": round(tax, 2),
            "total": round(total, 2),
            "residual": round(residual, 2),
        }

    def partner_open_amount(self, partner_id: int, account_type: str) -> float:
        """Open company-currency amount on posted receivable/payable lines of the commercial partner."""
        commercial = self.commercial_partner(partner_id)
        total = 0.0
        for lid in self.txn.ids("account.move.line"):
            row = self.txn.get("account.move.line", lid)
            if not row.get("partner_id") or self.commercial_partner(row["partner_id"]) != commercial:
                continue
            move = self.txn.get("account.move", row["move_id"])
            account = self.txn.get("account.account", row["account_id"]) if row.get("account_id") else None
            if move and move["state"] == "posted" and account and account["account_type"] == account_type:
                total += row.get("amount_residual") or 0.0
        return round(total, 2)

    def partner_total_invoiced(self, partner_id: int) -> float:
        commercial = self.commercial_partner(partner_id)
        total = 0.0
        for mid in self.txn.ids("account.move"):
            move = self.txn.get("account.move", mid)
            if move["state"] != "posted" or move["move_type"] not in ("out_invoice", "out_refund"):
                continue
            if move.get("partner_id") and self.commercial_partner(move["partner_id"]) == commercial:
                sign = -1 if move["move_type"] == "out_refund" else 1
                total += sign * self.move_amounts(mid)["untaxed"] / self.move_factor(mid)
        return round(total, 2)

    def qty_available(self, model: str, rid: int) -> float:
        variants = self.value(model, rid, "product_variant_ids") if model == "product.template" else [rid]
        total = 0.0
        for qid in self.txn.ids("stock.quant"):
            row = self.txn.get("stock.quant", qid)
            loc = self.txn.get("stock.location", row["location_id"])
            if row["product_id"] in variants and loc and loc["usage"] == "internal":
                total += row["quantity"]
        return total

    def payment_reconciled_invoices(self, rid: int) -> list[int]:
        move = self.value("account.payment", rid, "move_id")
        if not move:
            return []
        numbers = {
            self.value("account.move.line", lid, "matching_number")
            for lid in self.value("account.move", move, "line_ids")
        } - {False}
        out = []
        for lid in self.txn.ids("account.move.line"):
            row = self.txn.get("account.move.line", lid)
            if row.get("matching_number") in numbers and row["move_id"] != move and row["move_id"] not in out:
                out.append(row["move_id"])
        return out

    def webhook_sample(self, action_id: int) -> str | bool:
        if self.value("ir.actions.server", action_id, "state") != "webhook":
            return False
        model = self.value("ir.actions.server", action_id, "model_name")
        sample: dict[str, Any] = {
            "_action": f"{self.value('ir.actions.server', action_id, 'name')}(#{action_id})",
            "_id": 1,
            "_model": model,
        }
        for fid in self.value("ir.actions.server", action_id, "webhook_field_ids"):
            sample[self.value("ir.model.fields", fid, "name")] = "<value>"
        return json.dumps(sample, sort_keys=True, indent=4)
