"""What the bridge's Odoo user (a Billing Administrator) may do with master data, and the product and
category accounting fields Odoo's account and stock_account modules add (16–19)."""

from __future__ import annotations

import xmlrpc.client

import pytest

from .conftest import XmlRpc


def _bridge(make_sandbox, version):
    sb = make_sandbox(version)
    return sb, XmlRpc(sb, sb.bridge_login, sb.bridge_password)


def test_a_billing_administrator_activates_an_inactive_currency(make_sandbox, version):
    """account/security/ir.model.access.csv access_res_currency_account_manager: full rights (16–19)."""
    _, rpc = _bridge(make_sandbox, version)
    (cad,) = rpc("res.currency", "search", [("name", "=", "CAD"), ("active", "=", False)])
    rpc("res.currency", "write", [cad], {"active": True})
    assert rpc("res.currency", "read", [cad], ["active"])[0]["active"] is True


def test_an_internal_user_may_not_change_a_currency(make_sandbox):
    """base/security/ir.model.access.csv: res.currency is read-only for internal users; the message
    names every group that may."""
    sb = make_sandbox(17)
    rpc = XmlRpc(sb, "demo", "demo")  # the seed's internal user, no accounting rights
    (usd,) = rpc("res.currency", "search", [("name", "=", "USD")])
    with pytest.raises(xmlrpc.client.Fault) as err:
        rpc("res.currency", "write", [usd], {"symbol": "US$"})
    assert "You are not allowed to modify 'Currency' (res.currency) records." in err.value.faultString
    assert "\t- Administration/Settings\n\t- Accounting/Billing Administrator" in err.value.faultString


def test_odoo_ships_inactive_currencies_with_their_rounding(make_sandbox):
    """base/data/res_currency_data.xml: every ISO currency exists, most inactive; JPY rounds to 1."""
    _, rpc = _bridge(make_sandbox, 17)
    rows = rpc(
        "res.currency", "search_read", [("name", "in", ["JPY", "CAD"]), ("active", "=", False)],
        ["name", "rounding"],
    )  # fmt: skip
    assert {r["name"]: r["rounding"] for r in rows} == {"JPY": 1.0, "CAD": 0.01}


def test_products_and_categories_carry_their_accounts(make_sandbox, version):
    """account/models/product.py (ProductTemplate, ProductCategory) and stock_account/models/product.py
    (property_stock_valuation_account_id): company-dependent many2ones, 16–19."""
    _, rpc = _bridge(make_sandbox, version)
    (income,) = rpc("account.account", "search", [("account_type", "=", "income")], limit=1)
    categ = rpc(
        "product.category", "create",
        {"name": "Tracked", "property_account_income_categ_id": income,
         "property_stock_valuation_account_id": income},
    )  # fmt: skip
    product = rpc(
        "product.template", "create",
        {"name": "Widget", "categ_id": categ, "description_purchase": "From the supplier",
         "property_account_income_id": income},
    )  # fmt: skip
    (row,) = rpc(
        "product.template", "read", [product], ["description_purchase", "property_account_income_id"]
    )
    assert row["description_purchase"] == "From the supplier"
    assert row["property_account_income_id"][0] == income
    (cat,) = rpc("product.category", "read", [categ], ["property_stock_valuation_account_id"])
    assert cat["property_stock_valuation_account_id"][0] == income
