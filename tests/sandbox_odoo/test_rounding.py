"""Money rounds as Odoo rounds it, and taxes follow the company's rounding method.

Sources: odoo/tools/float_utils.py (16/17; 18+ after odoo/odoo PR 152709) and its tests in
odoo/addons/base/tests/test_float.py; account/models/account_tax.py ``compute_all`` /
``_compute_taxes`` (16/17) and ``_round_base_lines_tax_details`` (18+); account/models/company.py
``tax_calculation_rounding_method``.
"""

from __future__ import annotations

import pytest

from sandboxes.odoo.rounding import float_compare, float_is_zero, float_repr, float_round

VERSIONS = (17, 18)  # the two float_round generations (16 is 17's)


# -- float_utils ------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("amount", "expected"),
    [(2.674, "2.67"), (2.675, "2.68"), (-2.675, "-2.68"), (0.001, "0.00"), (0.0049, "0.00"), (0.005, "0.01")],
)
def test_currency_amounts_round_half_up_at_the_cent(version, amount, expected):
    """test_float.py test_rounding_02 (EUR, rounding 0.01). Python's round(2.675, 2) gives 2.67."""
    assert float_repr(float_round(amount, precision_rounding=0.01, version=version), 2) == expected


def test_python_round_is_not_odoo_rounding():
    assert round(2.675, 2) == 2.67 and float_round(2.675, precision_digits=2) == 2.68


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("amount", "expected", "method"),
    [
        (2.6745, "2.675", "HALF-UP"),
        (-2.6745, "-2.675", "HALF-UP"),
        (2.6744, "2.674", "HALF-UP"),
        (357.4555, "357.456", "HALF-UP"),
        (457.4554, "457.455", "HALF-UP"),
        (8.175, "8.175", "UP"),
        (8.1751, "8.176", "UP"),
        (-8.1751, "-8.176", "UP"),
        (-6.000, "-6.000", "UP"),
    ],
)
def test_three_digit_rounding_as_in_odoo_tests(version, amount, expected, method):
    """test_float.py test_rounding_03."""
    assert float_repr(float_round(amount, 3, rounding_method=method, version=version), 3) == expected


@pytest.mark.parametrize("version", VERSIONS)
def test_extended_float_range_rounds_like_odoo(version):
    """test_float.py test_rounding_03, "inspired by Cloves Almeida's test on bug #882036"."""
    fractions = [0.0, 0.015, 0.01499, 0.675, 0.67499, 0.4555, 0.4555, 0.45555]
    expecteds = [".00", ".02", ".01", ".68", ".67", ".46", ".456", ".4556"]
    precisions = [2, 2, 2, 2, 2, 2, 3, 4]
    wrong = []
    for magnitude in range(7):
        for frac, exp, prec in zip(fractions, expecteds, precisions, strict=True):
            for sign in (-1, 1):
                for x in range(0, 10000, 97):
                    n = x * 10**magnitude
                    f = sign * (n + frac)
                    expected = ("-" if f != 0 and sign == -1 else "") + str(n) + exp
                    got = float_repr(float_round(f, precision_digits=prec, version=version), prec)
                    if got != expected:
                        wrong.append((f, got, expected))
    assert wrong == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (-457.4554, 0.05, "-457.45"),
        (457.444, 0.5, "457.50"),
        (457.3, 5, "455.00"),
        (457.5, 5, "460.00"),
        (457.1, 3, "456.00"),
    ],
)
def test_rounding_to_coin_values(version, amount, unit, expected):
    assert float_repr(float_round(amount, precision_rounding=unit, version=version), 2) == expected


@pytest.mark.parametrize("version", VERSIONS)
def test_is_zero_and_compare_round_each_value_first(version):
    """float_is_zero(a - b) is not float_compare(a, b) == 0: 0.006 and 0.002 differ at the cent."""
    assert float_is_zero(0.0046, precision_rounding=0.01, version=version)
    assert not float_is_zero(2.68 - 2.675, precision_rounding=0.01, version=version)
    assert float_compare(2.675, 2.68, precision_rounding=0.01, version=version) == 0
    assert float_compare(2.674, 2.68, precision_rounding=0.01, version=version) == -1
    assert float_compare(0.006, 0.002, precision_digits=2, version=version) == 1


def test_giving_both_precisions_is_an_assertion_error():
    """test_float.py test_rounding_invalid."""
    with pytest.raises(AssertionError):
        float_round(0.01, precision_digits=3, precision_rounding=0.01)
    with pytest.raises(AssertionError):
        float_is_zero(0.01, precision_digits=3, precision_rounding=0.01)


def test_18_rounds_accumulated_float_error_up_where_17_rounds_it_down():
    """PR 152709 (18.0): small factors are inverted and the epsilon is 2**(magnitude - 50), "more
    tolerant of inaccuracies accumulated after multiple floating point operations"."""
    amount = 115.96499999999997  # what float arithmetic makes of a half cent
    assert float_round(amount, precision_rounding=0.01, version=17) == 115.96
    assert float_round(amount, precision_rounding=0.01, version=18) == 115.97


def test_an_unknown_rounding_method_is_half_up_on_17_and_refused_on_18():
    assert float_round(2.675, 2, rounding_method="NEAREST", version=17) == 2.68
    with pytest.raises(ValueError, match="unknown rounding method: NEAREST"):
        float_round(2.675, 2, rounding_method="NEAREST", version=18)


@pytest.mark.parametrize("version", VERSIONS)
def test_half_even_and_half_down_ties(version):
    assert [float_round(v, 0, rounding_method="HALF-EVEN", version=version) for v in (2.5, 3.5, -2.5)] == [
        2.0,
        4.0,
        -2.0,
    ]
    assert float_round(2.5, 0, rounding_method="HALF-DOWN", version=version) == 2.0
    assert float_round(2.51, 0, rounding_method="HALF-DOWN", version=version) == 3.0


# -- taxes and documents ----------------------------------------------------------------------------
@pytest.fixture(params=[16, 17, 18, 19])
def odoo(request, make_sandbox):
    return make_sandbox(request.param)


def _company(sb):
    return sb.company_ids[0]


def _method(sb, method):
    sb.env().write("res.company", _company(sb), {"tax_calculation_rounding_method": method})


def _tax(sb, name, amount, kind="percent", included=False, **extra):
    vals = {"name": name, "amount": amount, "amount_type": kind, "company_id": _company(sb), **extra}
    if included:
        vals.update(
            {"price_include_override": "tax_included"} if sb.version >= 18 else {"price_include": True}
        )
    return sb.env().create("account.tax", vals)


def _order(sb, lines, currency=None):
    """A quotation with (quantity, unit price, tax ids) lines; its totals and its lines' amounts."""
    env = sb.env()
    product = env.create("product.product", {"name": "Widget"})
    tax_field = "tax_ids" if sb.version >= 19 else "tax_id"  # 19 renamed sale.order.line.tax_id
    vals = {
        "partner_id": 3,
        "order_line": [
            (
                0,
                0,
                {"product_id": product, "product_uom_qty": q, "price_unit": p, tax_field: [(6, 0, list(t))]},
            )
            for q, p, t in lines
        ],
    }
    if currency:
        vals["currency_id"] = currency
    order = env.read(
        "sale.order",
        env.create("sale.order", vals),
        ["amount_untaxed", "amount_tax", "amount_total", "order_line"],
    )[0]
    amounts = [
        (r["price_subtotal"], r["price_total"])
        for r in env.read("sale.order.line", order["order_line"], ["price_subtotal", "price_total"])
    ]
    return (order["amount_untaxed"], order["amount_tax"], order["amount_total"]), amounts


def test_companies_round_taxes_per_line_by_default(odoo):
    rows = odoo.env().read("res.company", odoo.company_ids, ["tax_calculation_rounding_method"])
    assert {r["tax_calculation_rounding_method"] for r in rows} == {"round_per_line"}
    field = odoo.env().call("res.company", "fields_get", ["tax_calculation_rounding_method"])
    assert field["tax_calculation_rounding_method"]["string"] == "Tax Calculation Rounding Method"


def test_round_per_line_sums_the_rounded_taxes_of_the_lines(odoo):
    """3 x 1.15 at 15 %: each line's tax 0.1725 rounds to 0.17, the order's tax is 3 x 0.17."""
    tax = _tax(odoo, "VAT 15", 15)
    totals, lines = _order(odoo, [(1, 1.15, [tax])] * 3)
    assert totals == (3.45, 0.51, 3.96)
    assert lines == [(1.15, 1.32)] * 3


def test_round_globally_rounds_each_tax_once_on_the_document(odoo):
    """Same order with round_globally: 3 x 0.1725 = 0.5175 rounds to 0.52; each line still shows 1.32."""
    _method(odoo, "round_globally")
    tax = _tax(odoo, "VAT 15", 15)
    totals, lines = _order(odoo, [(1, 1.15, [tax])] * 3)
    assert totals == (3.45, 0.52, 3.97)
    assert lines == [(1.15, 1.32)] * 3


def test_invoices_follow_the_company_rounding_method(odoo):
    tax = _tax(odoo, "VAT 15", 15)
    env = odoo.env()
    lines = [(0, 0, {"name": "x", "quantity": 1, "price_unit": 1.15, "tax_ids": [(6, 0, [tax])]})] * 3
    fields = ["amount_untaxed", "amount_tax", "amount_total"]
    per_line = env.create(
        "account.move", {"move_type": "out_invoice", "partner_id": 3, "invoice_line_ids": lines}
    )
    _method(odoo, "round_globally")
    globally = env.create(
        "account.move", {"move_type": "out_invoice", "partner_id": 3, "invoice_line_ids": lines}
    )
    assert [tuple(r[f] for f in fields) for r in env.read("account.move", [per_line, globally], fields)] == [
        (3.45, 0.51, 3.96),
        (3.45, 0.52, 3.97),
    ]


def test_a_price_included_tax_splits_the_price_exactly(odoo):
    """10.00 with 15 % included: excluded round(10 / 1.15) = 8.70, the tax takes the rest (1.30)."""
    tax = _tax(odoo, "VAT 15 incl", 15, included=True)
    totals, lines = _order(odoo, [(1, 10.0, [tax])])
    assert totals == (8.70, 1.30, 10.0) and lines == [(8.70, 10.0)]


@pytest.mark.parametrize("method", ["round_per_line", "round_globally"])
def test_price_included_lines_rounded_globally_keep_their_bases_on_17_and_share_one_on_18(odoo, method):
    """2 x 21.53 with 21 % included (the example of 18's _round_base_lines_tax_details docstring).
    16/17 round every line's excluded base (17.79 + 17.79) whatever the method; 18+ with round_globally
    round the document's base once: round(2 x 17.7934) = 35.59, tax round(2 x 3.7366) = 7.47."""
    _method(odoo, method)
    tax = _tax(odoo, "VAT 21 incl", 21, included=True)
    totals, _lines = _order(odoo, [(1, 21.53, [tax])] * 2)
    if method == "round_globally" and odoo.version >= 18:
        assert totals == (35.59, 7.47, 43.06)
    else:
        assert totals == (35.58, 7.48, 43.06)


def test_a_fixed_tax_is_charged_per_unit(odoo):
    tax = _tax(odoo, "Eco 0.50", 0.5, kind="fixed")
    totals, lines = _order(odoo, [(3, 10.0, [tax])])
    assert totals == (30.0, 1.5, 31.5) and lines == [(30.0, 31.5)]


def test_division_taxes_work_on_the_total_as_odoo_documents_them(odoo):
    """account.tax amount_type help: "180 / (1 - 10%) = 200 (not price included)" and
    "200 * (1 - 10%) = 180 (price included)"."""
    excluded = _tax(odoo, "Div 10", 10, kind="division")
    included = _tax(odoo, "Div 10 incl", 10, kind="division", included=True)
    assert _order(odoo, [(1, 180.0, [excluded])])[0] == (180.0, 20.0, 200.0)
    assert _order(odoo, [(1, 200.0, [included])])[0] == (180.0, 20.0, 200.0)


def test_a_tax_that_affects_the_base_of_the_next_one(odoo):
    first = _tax(odoo, "Levy 10", 10, include_base_amount=True, sequence=1)
    second = _tax(odoo, "VAT 10", 10, sequence=2)
    assert _order(odoo, [(1, 100.0, [second, first])])[0] == (100.0, 21.0, 121.0)


def test_amounts_round_at_the_order_currency(odoo):
    """A currency rounding to 0.05: 1.13 → 1.15 and its 15 % tax 0.1725 → 0.15."""
    env = odoo.env()
    eur = env.search("res.currency", [("name", "=", "EUR")])[0]
    env.write("res.currency", eur, {"rounding": 0.05})
    tax = _tax(odoo, "VAT 15", 15)
    totals, lines = _order(odoo, [(1, 1.13, [tax])], currency=eur)
    assert totals == (1.15, 0.15, 1.30) and lines == [(1.15, 1.30)]


def test_negative_quantities_round_like_positive_ones(odoo):
    tax = _tax(odoo, "VAT 15", 15)
    totals, lines = _order(odoo, [(-1, 1.15, [tax])] * 3)
    assert totals == (-3.45, -0.51, -3.96) and lines == [(-1.15, -1.32)] * 3
