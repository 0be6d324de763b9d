"""Invoice journal items and amounts as Odoo 17 computes them (issue 10).

Sources (odoo/odoo 17.0, addons/account/models/): account_move_line.py ``_compute_totals`` (product
lines), ``_compute_all_tax`` (each product line's taxes, converted at the line's own rate),
``_sync_invoice`` (amount_currency and balance of product lines); account_move.py ``_sync_dynamic_line``
(tax lines: per-line amounts summed per grouping key, then rounded by ``Monetary.convert_to_cache``; a key
whose sums are all zero is dropped), ``_compute_needed_terms`` (the receivable/payable line takes
``amount_total_signed`` / ``amount_total_in_currency_signed``) and ``_compute_amount`` (the ``*_signed``
amounts are company-currency sums of the lines' balances); account_tax.py ``compute_all``.
"""

from __future__ import annotations

import pytest


def _company(sb) -> int:
    return sb.company_ids[0]


def _method(sb, method: str) -> None:
    sb.env().write("res.company", _company(sb), {"tax_calculation_rounding_method": method})


def _tax(sb, name: str, amount: float, use: str = "sale", **extra) -> int:
    vals = {"name": name, "amount": amount, "type_tax_use": use, "company_id": _company(sb), **extra}
    return sb.env().create("account.tax", vals)


def _rate(sb, currency: int, rate: float) -> None:
    sb.env().create(
        "res.currency.rate",
        {"name": "2024-01-01", "currency_id": currency, "rate": rate, "company_id": _company(sb)},
    )


def _invoice(sb, lines, move_type: str = "out_invoice", **vals) -> int:
    """An invoice of (quantity, unit price, tax ids) lines."""
    return sb.env().create(
        "account.move",
        {
            "move_type": move_type,
            "partner_id": 3,
            "invoice_date": "2024-06-01",
            "invoice_line_ids": [
                (0, 0, {"name": f"L{i}", "quantity": q, "price_unit": p, "tax_ids": [(6, 0, list(t))]})
                for i, (q, p, t) in enumerate(lines)
            ],
            **vals,
        },
    )


def _rows(sb, move: int, kind: str) -> list[dict]:
    return sb.env().search_read(
        "account.move.line",
        [("move_id", "=", move), ("display_type", "=", kind)],
        ["tax_line_id", "tax_ids", "amount_currency", "balance"],
        load=None,
    )


def _tax_lines(sb, move: int) -> list[tuple]:
    """The move's tax lines: (tax, affected taxes, amount_currency, balance), sorted."""
    return sorted(
        (r["tax_line_id"], sorted(r["tax_ids"]), r["amount_currency"], r["balance"])
        for r in _rows(sb, move, "tax")
    )


def _amounts(sb, move: int, kind: str) -> list[tuple]:
    """(amount_currency, balance) of the move's lines of one display_type."""
    return [(r["amount_currency"], r["balance"]) for r in _rows(sb, move, kind)]


def _balance(sb, move: int) -> float:
    rows = sb.env().search_read("account.move.line", [("move_id", "=", move)], ["balance"])
    return round(sum(r["balance"] for r in rows), 6)


def _totals(sb, move: int, *fields: str) -> tuple:
    fields = fields or ("amount_untaxed", "amount_tax", "amount_total")
    row = sb.env().read("account.move", [move], list(fields))[0]
    return tuple(row[f] for f in fields)


@pytest.fixture(params=[16, 17, 18, 19])
def odoo(request, make_sandbox):
    return make_sandbox(request.param)


@pytest.fixture
def sb17(make_sandbox):
    return make_sandbox(17)


def test_the_receivable_balances_the_rounded_tax_lines_under_global_rounding(odoo):
    """0.05 with two 10 % taxes, round_globally: each tax is 0.005 on the line, each tax line rounds
    it to 0.01, and the receivable takes minus the sum of the rounded lines: 0.07 (not 0.05 + 0.01)."""
    _method(odoo, "round_globally")
    first, second = _tax(odoo, "Levy 10", 10), _tax(odoo, "VAT 10", 10)
    move = _invoice(odoo, [(1, 0.05, [first, second])])
    assert _tax_lines(odoo, move) == [(first, [], -0.01, -0.01), (second, [], -0.01, -0.01)]
    assert _amounts(odoo, move, "payment_term") == [(0.07, 0.07)]
    assert _totals(odoo, move) == (0.05, 0.02, 0.07)
    assert _balance(odoo, move) == 0.0


@pytest.mark.parametrize(("method", "tax"), [("round_per_line", 0.51), ("round_globally", 0.52)])
def test_a_tax_line_rounds_the_sum_of_its_line_amounts(sb17, method, tax):
    """3 x 1.15 at 15 %: the lines' taxes are 0.17 each (round_per_line) or 0.1725 each
    (round_globally, kept at 1e-5 of the rounding); the one tax line rounds their sum."""
    _method(sb17, method)
    vat = _tax(sb17, "VAT 15", 15)
    move = _invoice(sb17, [(1, 1.15, [vat])] * 3)
    assert _tax_lines(sb17, move) == [(vat, [], -tax, -tax)]
    assert _amounts(sb17, move, "payment_term") == [(3.45 + tax, 3.45 + tax)]


def test_a_base_affecting_tax_gets_a_tax_line_per_set_of_affected_taxes(sb17):
    """compute_all per line: a tax with include_base_amount adds to the base of the following taxes and
    carries them in its tax_ids; tax lines are grouped by tax AND tax_ids, so the levy of a line with
    VAT and the levy of a line without make two tax lines. 100 with [levy 10, VAT 10]: 10 + 11;
    50 with [levy 10]: 5."""
    levy = _tax(sb17, "Levy 10", 10, include_base_amount=True, sequence=1)
    vat = _tax(sb17, "VAT 10", 10, sequence=2)
    move = _invoice(sb17, [(1, 100.0, [vat, levy]), (1, 50.0, [levy])])
    assert _tax_lines(sb17, move) == [
        (levy, [], -5.0, -5.0),
        (levy, [vat], -10.0, -10.0),
        (vat, [], -11.0, -11.0),
    ]
    assert _totals(sb17, move) == (150.0, 26.0, 176.0)
    assert _balance(sb17, move) == 0.0


def test_a_tax_that_rounds_to_zero_leaves_no_tax_line(sb17):
    """_compute_all_tax keeps only the taxes with an amount (``if tax['amount']``): 0.001 % of 100 is
    0.001, 0.00 once rounded on the line (round_per_line), so no tax line."""
    tiny = _tax(sb17, "Tiny", 0.001)
    move = _invoice(sb17, [(1, 100.0, [tiny])])
    assert _tax_lines(sb17, move) == []
    assert _amounts(sb17, move, "payment_term") == [(100.0, 100.0)]


def test_line_taxes_that_cancel_out_leave_no_tax_line(sb17):
    """_sync_dynamic_line drops a key whose summed balance, amount and base are all zero: +10 and -10
    at 10 % give +1 and -1 of tax, and no tax line."""
    vat = _tax(sb17, "VAT 10", 10)
    move = _invoice(sb17, [(1, 10.0, [vat]), (-1, 10.0, [vat])])
    assert _tax_lines(sb17, move) == []
    assert _totals(sb17, move) == (0.0, 0.0, 0.0)


def test_taxes_are_computed_at_the_invoice_currency(sb17):
    """compute_all gets the line's currency: with EUR rounding to 0.05, 1.13 rounds to 1.15 and its
    15 % tax 0.1725 to 0.15 (the company's USD would give 1.13 and 0.17)."""
    env = sb17.env()
    eur = sb17.ids["currencies"]["EUR"]
    env.write("res.currency", eur, {"rounding": 0.05})
    _rate(sb17, eur, 1.0)
    vat = _tax(sb17, "VAT 15", 15)
    move = _invoice(sb17, [(1, 1.13, [vat])], currency_id=eur)
    line = env.search_read("account.move.line", [("move_id", "=", move), ("display_type", "=", "product")])
    assert (line[0]["price_subtotal"], line[0]["price_total"], line[0]["amount_currency"]) == (
        1.15,
        1.30,
        -1.15,
    )
    assert _tax_lines(sb17, move) == [(vat, [], -0.15, -0.15)]
    assert _totals(sb17, move) == (1.15, 0.15, 1.30)


def test_a_tax_line_is_converted_at_its_product_lines_rate(sb17):
    """_compute_all_tax: a tax's balance is its amount / (line amount_currency / line balance), the line's
    own, rounded rate. EUR at 0.6 per USD: 1.00 EUR is 1.67 USD, so its 0.50 EUR tax is
    0.50 * 1.67 = 0.835 -> 0.84 USD (0.50 / 0.6 would give 0.83); the receivable is 2.51 USD."""
    eur = sb17.ids["currencies"]["EUR"]
    _rate(sb17, eur, 0.6)
    half = _tax(sb17, "Half 50", 50)
    move = _invoice(sb17, [(1, 1.0, [half])], currency_id=eur)
    assert _amounts(sb17, move, "product") == [(-1.0, -1.67)]
    assert _tax_lines(sb17, move) == [(half, [], -0.5, -0.84)]
    assert _amounts(sb17, move, "payment_term") == [(1.5, 2.51)]
    assert _balance(sb17, move) == 0.0


@pytest.mark.parametrize(("move_type", "sign"), [("out_invoice", 1), ("in_invoice", -1)])
def test_signed_amounts_are_company_currency_amounts(odoo, move_type, sign):
    """_compute_amount: amount_*_signed are -sum(balance) (company currency), not the document amounts
    times a sign. EUR at 0.5 per USD: an invoice of EUR 100 + 10 % reads 110 and signed USD 220; a bill
    reads 110 and -220."""
    eur = odoo.ids["currencies"]["EUR"]
    _rate(odoo, eur, 0.5)
    tax = _tax(odoo, "VAT 10", 10, use="sale" if sign > 0 else "purchase")
    move = _invoice(odoo, [(1, 100.0, [tax])], move_type=move_type, currency_id=eur)
    document = ("amount_untaxed", "amount_tax", "amount_total", "amount_residual")
    signed = tuple(f"{f}_signed" for f in document)
    assert _totals(odoo, move, *document) == (100.0, 10.0, 110.0, 110.0)
    assert _totals(odoo, move, *signed) == (sign * 200.0, sign * 20.0, sign * 220.0, sign * 220.0)
    odoo.env().call("account.move", "action_post", [move])
    assert _totals(odoo, move, *signed) == (sign * 200.0, sign * 20.0, sign * 220.0, sign * 220.0)
