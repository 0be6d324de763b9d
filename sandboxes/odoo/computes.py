"""Non-stored computed values used by the catalog (display names, amounts, rates, quantities)."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any

from .rounding import currency_round, float_is_zero, float_round

MOVE_LABELS = {
    "out_invoice": "Invoice",
    "out_refund": "Credit Note",
    "in_invoice": "Bill",
    "in_refund": "Refund",
    "out_receipt": "Sales Receipt",
    "in_receipt": "Purchase Receipt",
    "entry": "Entry",
}


ROUND_PER_LINE = "round_per_line"
ROUND_GLOBALLY = "round_globally"


ORDER_LINE_TAX_FIELDS = {"sale.order.line": "tax_id", "purchase.order.line": "taxes_id"}


def order_line_tax_field(model: str, version: int) -> str:
    """The taxes of a sale/purchase order line: ``tax_id`` (sale) and ``taxes_id`` (purchase) on 16–18,
    both renamed ``tax_ids`` on 19 (19 sale/models/sale_order_line.py, purchase/models/
    purchase_order_line.py; 18 and 17 still define tax_id / taxes_id). Other lines: ``tax_ids``."""
    if version >= 19:
        return "tax_ids"
    return ORDER_LINE_TAX_FIELDS.get(model, "tax_ids")


@dataclass
class TaxDetail:
    """One entry of compute_all's ``taxes``: the tax, its amount and base, the group tax it came from
    (``group``) and, when it affects the base of the following taxes, those taxes (``tax_ids``)."""

    tax: int
    amount: float
    base: float
    group: int | bool = False
    tax_ids: tuple[int, ...] = ()


@dataclass
class TaxResult:
    """``compute_all``'s answer: totals of one line and, per tax, (tax id, amount, base); ``details``
    holds the same entries with their group and affected taxes (what a tax line is grouped by)."""

    total_excluded: float
    total_included: float
    taxes: list[tuple[int, float, float]]
    details: list[TaxDetail] = field(default_factory=list)


def _recompute_base(base: float, fixed: float, percent: float, division: float) -> float:
    """compute_all's ``recompute_base``: (145 - 15) / (1 + 30%) * 90% = 90."""
    return (base - fixed) / (1.0 + percent / 100.0) * (100 - division) / 100


def _tax_on(kind: str, rate: float, base: float, quantity: float) -> float:
    """``account.tax._compute_amount`` with ``force_price_include=False`` (16/17): the tax on a base."""
    if kind == "fixed":
        return math.copysign(quantity, base) * rate if base else quantity * rate
    if kind == "percent":
        return base * rate / 100
    if kind == "division":
        return base / (1 - rate / 100) - base if (1 - rate / 100) else 0.0
    return 0.0


class ComputeMixin:
    """Mixed into Env; every method reads through ``self.value`` so inherits and overlays apply."""

    txn: Any
    db: Any

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
    # Money is rounded as Odoo rounds it: float_round half-up at the currency's rounding (rounding.py),
    # at the document's currency (the company's for company amounts), never Python's round().
    def currency_rounding(self, currency_id: int | bool) -> float:
        return (self.value("res.currency", currency_id, "rounding") if currency_id else 0.0) or 0.01

    def cround(self, currency_id: int | bool, amount: float) -> float:
        """``res.currency.round``: half-up at the currency's rounding, with this version's float_round."""
        return currency_round(amount, self.currency_rounding(currency_id), self.db.version)

    def company_cround(self, company_id: int, amount: float) -> float:
        return self.cround(self.txn.get("res.company", company_id)["currency_id"], amount)

    def rounding_method(self, company_id: int | bool) -> str:
        """res.company.tax_calculation_rounding_method (account/models/company.py, default per line)."""
        if not company_id:
            return ROUND_PER_LINE
        return self.value("res.company", company_id, "tax_calculation_rounding_method") or ROUND_PER_LINE

    def flatten_taxes(self, tax_ids: list[int]) -> list[int]:
        """``account.tax.flatten_taxes_hierarchy`` (16/17 account_tax.py): sorted by sequence, a group
        tax replaced by its (flattened) children."""
        return [tid for tid, _group in self.flatten_taxes_with_groups(tax_ids)]

    def flatten_taxes_with_groups(self, tax_ids: list[int]) -> list[tuple[int, int | bool]]:
        """``flatten_taxes_hierarchy(create_map=True)``: each tax with the top-level group it came from."""
        out: list[tuple[int, int | bool]] = []
        for tid in sorted(tax_ids, key=lambda t: (self.value("account.tax", t, "sequence") or 0, t)):
            if self.value("account.tax", tid, "amount_type") == "group":
                children = self.flatten_taxes(self.value("account.tax", tid, "children_tax_ids"))
                out.extend((child, tid) for child in children)
            else:
                out.append((tid, False))
        return out

    def compute_all(
        self,
        tax_ids: list[int],
        price_unit: float,
        quantity: float = 1.0,
        currency_id: int | bool = False,
        company_id: int | bool = False,
        *,
        raw: bool | None = None,
        round_tax: bool | None = None,
    ) -> TaxResult:
        """``account.tax.compute_all`` of 16/17 (account/models/account_tax.py).

        The base ``price_unit * quantity`` and ``total_excluded`` are rounded at the currency; each tax
        amount is rounded at the currency (round_per_line) or at the currency's rounding * 1e-5
        (round_globally, "like rounding after the sum"); ``total_included`` is rounded at the currency.
        Price-included taxes are taken out of the base first (percent: / (1 + sum%), division:
        * (1 - sum%), fixed: - quantity * amount), and the last included tax before a base change gets
        the exact difference so that excluded + taxes == the included price ("checkpoints").
        ``include_base_amount`` adds a tax to the base of the following ones. Repartition lines are not
        modelled (factor 1). ``raw`` (18+ with round_globally, ``_add_tax_details_in_base_line``) rounds
        nothing: the document rounds once.
        """
        return self._compute_all_amount(
            tax_ids, price_unit * quantity, quantity, currency_id, company_id, raw=raw, round_tax=round_tax
        )

    def _document_of(
        self, tax_ids: list[int], currency_id: int | bool, company_id: int | bool
    ) -> tuple[int, int]:
        """(currency, company) of a computation: compute_all takes the first tax's company."""
        company = company_id or (self.value("account.tax", tax_ids[0], "company_id") if tax_ids else 0)
        company = company or self.company_id  # type: ignore[attr-defined]
        return currency_id or self.txn.get("res.company", company)["currency_id"], company

    def _compute_all_amount(
        self,
        tax_ids: list[int],
        amount: float,
        quantity: float,
        currency_id: int | bool,
        company_id: int | bool,
        *,
        raw: bool | None = None,
        round_tax: bool | None = None,
    ) -> TaxResult:
        currency, company = self._document_of(tax_ids, currency_id, company_id)
        rounding = self.currency_rounding(currency)
        method = self.rounding_method(company)
        if raw is None:
            raw = self.db.version >= 18 and method == ROUND_GLOBALLY and round_tax is None
        if round_tax is None:
            round_tax = method != ROUND_GLOBALLY
        prec = None if raw else (rounding if round_tax else rounding * 1e-5)
        flat = self.flatten_taxes_with_groups(tax_ids)
        groups = {tid: group for tid, group in flat if group}
        return self._compute_all([tid for tid, _g in flat], amount, quantity, rounding, prec, groups)

    def _compute_all(
        self,
        taxes: list[int],
        amount: float,
        quantity: float,
        rounding: float,
        prec: float | None,
        groups: dict[int, int] | None = None,
    ) -> TaxResult:
        version = self.db.version
        groups = groups or {}

        def cur(x: float) -> float:
            return x if prec is None else currency_round(x, rounding, version)

        def pre(x: float) -> float:
            return x if prec is None else float_round(x, precision_rounding=prec, version=version)

        def tax(t: int, fname: str) -> Any:
            return self.value("account.tax", t, fname)

        base = cur(amount)
        sign = 1  # computed on positive amounts, negated at the end
        if not float_is_zero(base, precision_rounding=rounding, version=version) and base < 0:
            sign, base = -1, -base
        # 1) backwards: strip price-included taxes to find the excluded base
        checkpoints: dict[int, float] = {}
        store_checkpoint = True
        incl_fixed = incl_percent = incl_division = 0.0
        for i in range(len(taxes) - 1, -1, -1):
            t = taxes[i]
            if tax(t, "include_base_amount"):
                base = _recompute_base(base, incl_fixed, incl_percent, incl_division)
                incl_fixed = incl_percent = incl_division = 0.0
                store_checkpoint = True
            if tax(t, "price_include"):
                kind, rate = tax(t, "amount_type"), tax(t, "amount") or 0.0
                if kind == "percent":
                    incl_percent += rate
                elif kind == "division":
                    incl_division += rate
                elif kind == "fixed":
                    incl_fixed += abs(quantity) * rate
                if store_checkpoint and rate:
                    checkpoints[i] = base
                    store_checkpoint = False
        total_excluded = cur(_recompute_base(base, incl_fixed, incl_percent, incl_division))
        # 2) forwards: each tax on its base
        base = total_included = total_excluded
        skip_checkpoint = False
        cumulated_included = 0.0
        lines: list[tuple[int, float, float]] = []
        details: list[TaxDetail] = []
        for i, t in enumerate(taxes):
            included = bool(tax(t, "price_include"))
            tax_base = base  # is_base_affected is True by default (not modelled)
            if not skip_checkpoint and included and i in checkpoints:
                tax_amount = checkpoints[i] - (base + cumulated_included)
                cumulated_included = 0.0
            else:
                tax_amount = _tax_on(tax(t, "amount_type"), tax(t, "amount") or 0.0, tax_base, quantity)
            tax_amount = pre(tax_amount)
            if included and i not in checkpoints:
                cumulated_included += tax_amount
            lines.append((t, sign * tax_amount, pre(sign * tax_base)))
            # 17 compute_all: a tax with include_base_amount carries the following (base-affected) taxes
            # in its 'tax_ids' ("subsequent_taxes"); is_base_affected is always true here
            subsequent = tuple(taxes[i + 1 :]) if tax(t, "include_base_amount") else ()
            details.append(
                TaxDetail(t, sign * tax_amount, pre(sign * tax_base), groups.get(t, False), subsequent)
            )
            if tax(t, "include_base_amount"):
                base += tax_amount
                if not included:
                    skip_checkpoint = True
            total_included += tax_amount
        return TaxResult(sign * total_excluded, sign * cur(total_included), lines, details)

    def tax_totals(
        self, lines: list[tuple[list[int], float, float]], currency_id: int, company_id: int
    ) -> dict:
        """A document's totals from its lines ``(tax ids, price unit after discount, quantity)``.

        16/17 (``_compute_taxes``/``_aggregate_taxes``): untaxed = the sum of the lines' rounded
        subtotals; each tax = round(sum of its per-line amounts), per-line amounts being already rounded
        (round_per_line) or kept at 1e-5 of the rounding (round_globally). 18+ with round_globally
        (``_round_base_lines_tax_details``): the untaxed amount is rounded once too, from the raw line
        amounts. total = untaxed + taxes. Returns untaxed, tax, total, taxes {tax id: amount}."""
        per_tax: dict[int, float] = {}
        untaxed = 0.0
        for tax_ids, price_unit, quantity in lines:
            res = self.compute_all(tax_ids, price_unit, quantity, currency_id, company_id)
            untaxed += res.total_excluded
            for tid, amount, _base in res.taxes:
                per_tax[tid] = per_tax.get(tid, 0.0) + amount
        taxes = {tid: self.cround(currency_id, amount) for tid, amount in per_tax.items()}
        untaxed = self.cround(currency_id, untaxed)
        tax = self.cround(currency_id, sum(taxes.values()))
        return {
            "untaxed": untaxed,
            "tax": tax,
            "total": self.cround(currency_id, untaxed + tax),
            "taxes": taxes,
        }

    def _line_inputs(self, model: str, rid: int) -> tuple[list[int], float, float]:
        qty_field = {"sale.order.line": "product_uom_qty", "purchase.order.line": "product_qty"}.get(
            model, "quantity"
        )
        tax_field = order_line_tax_field(model, self.db.version)
        price = self.value(model, rid, "price_unit") * (1 - (self.value(model, rid, "discount") or 0) / 100.0)
        return self.value(model, rid, tax_field), price, self.value(model, rid, qty_field)

    def _line_document(self, model: str, rid: int) -> tuple[int, int]:
        """(currency, company) of a line's document."""
        parent_model, m2o = (
            ("account.move", "move_id") if model == "account.move.line" else (model[:-5], "order_id")
        )
        parent = self.value(model, rid, m2o)
        company = self.value(parent_model, parent, "company_id") or self.company_id  # type: ignore[attr-defined]
        currency = (
            self.value(parent_model, parent, "currency_id")
            or self.txn.get("res.company", company)["currency_id"]
        )
        return currency, company

    def line_amounts(self, model: str, rid: int) -> dict[str, float]:
        """price_subtotal / price_total of an order line (16/17 sale and purchase ``_compute_amount``:
        ``_compute_taxes`` on the line alone, so its tax is rounded per tax even with round_globally)."""
        tax_ids, price, qty = self._line_inputs(model, rid)
        currency, company = self._line_document(model, rid)
        totals = self.tax_totals([(tax_ids, price, qty)], currency, company)
        return {"subtotal": totals["untaxed"], "tax": totals["tax"], "total": totals["total"]}

    def order_amounts(self, model: str, rid: int) -> dict[str, float]:
        """sale/purchase order ``_compute_amounts``: the document's totals in the order's currency."""
        company = self.value(model, rid, "company_id") or self.company_id  # type: ignore[attr-defined]
        currency = (
            self.value(model, rid, "currency_id") or self.txn.get("res.company", company)["currency_id"]
        )
        lines = [
            self._line_inputs(f"{model}.line", lid)
            for lid in self.value(model, rid, "order_line")
            if not self.value(f"{model}.line", lid, "display_type")
        ]
        totals = self.tax_totals(lines, currency, company)
        return {"untaxed": totals["untaxed"], "tax": totals["tax"], "total": totals["total"]}

    def move_amounts(self, rid: int) -> dict[str, float]:
        """account.move ``_compute_amount`` (17): sums of the journal items in the document currency,
        signed by the move's direction (product/rounding lines → untaxed, tax lines → tax, the
        receivable/payable lines' residual → residual); a journal entry's total is its debit side.
        The ``*_signed`` keys are the company-currency amounts (-balance sums) as Odoo stores them."""
        mtype = self.value("account.move", rid, "move_type")
        is_invoice = mtype != "entry"
        direction = 1 if mtype in ("entry", "in_invoice", "out_refund", "in_receipt") else -1
        untaxed = tax = total = residual = 0.0
        untaxed_c = tax_c = total_c = residual_c = 0.0
        for lid in self.value("account.move", rid, "line_ids"):
            line = "account.move.line"
            kind = self.value(line, lid, "display_type")
            amount, balance = self.value(line, lid, "amount_currency"), self.value(line, lid, "balance")
            if is_invoice:
                if kind == "tax":
                    tax, tax_c = tax + amount, tax_c + balance
                    total, total_c = total + amount, total_c + balance
                elif kind in ("product", "rounding"):
                    untaxed, untaxed_c = untaxed + amount, untaxed_c + balance
                    total, total_c = total + amount, total_c + balance
                elif kind == "payment_term":
                    residual += self.value(line, lid, "amount_residual_currency")
                    residual_c += self.value(line, lid, "amount_residual")
            elif self.value(line, lid, "debit"):
                total, total_c = total + amount, total_c + balance
        currency = self.value("account.move", rid, "currency_id")
        company = self.value("account.move", rid, "company_id")
        if self.value("account.move", rid, "state") != "posted" and is_invoice:
            residual, residual_c = -total, -total_c  # draft: nothing matched yet
        elif not is_invoice:
            residual = residual_c = 0.0
        return {
            "untaxed": self.cround(currency, direction * untaxed),
            "tax": self.cround(currency, direction * tax),
            "total": self.cround(currency, direction * total),
            "residual": self.cround(currency, -direction * residual),
            "untaxed_signed": self.company_cround(company, -untaxed_c),
            "tax_signed": self.company_cround(company, -tax_c),
            "total_signed": self.company_cround(company, abs(total_c) if not is_invoice else -total_c),
            "residual_signed": self.company_cround(company, residual_c),
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
        return self.company_cround(self.company_id, total)  # type: ignore[attr-defined]

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
        return self.company_cround(self.company_id, total)  # type: ignore[attr-defined]

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
