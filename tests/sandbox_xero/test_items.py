"""The Xero sandbox's Items as Xero's OpenAPI describes them (components.schemas.Item and Purchase)."""

from __future__ import annotations


def test_unit_prices_are_kept_at_two_decimals_unless_unitdp_4_is_asked(api):
    """Purchase.UnitPrice: "By default UnitPrice is rounded to two decimal places. You can use 4 decimal
    places by adding the unitdp=4 querystring parameter to your request." """
    two = {"Code": "P2", "Name": "Two", "SalesDetails": {"UnitPrice": 1.2345}}
    four = {"Code": "P4", "Name": "Four", "SalesDetails": {"UnitPrice": 1.2345}}
    assert api.put("/Items", json={"Items": [two]}).json()["Items"][0]["SalesDetails"]["UnitPrice"] == 1.23
    made = api.put("/Items", params={"unitdp": 4}, json={"Items": [four]}).json()["Items"][0]
    assert made["SalesDetails"]["UnitPrice"] == 1.2345
    assert api.get(f"/Items/{made['ItemID']}").json()["Items"][0]["SalesDetails"]["UnitPrice"] == 1.23
    shown = api.get(f"/Items/{made['ItemID']}", params={"unitdp": 4}).json()["Items"][0]
    assert shown["SalesDetails"]["UnitPrice"] == 1.2345


def test_is_sold_and_is_purchased_default_to_true(api):
    item = api.put("/Items", json={"Items": [{"Code": "D1", "Name": "Defaults"}]}).json()["Items"][0]
    assert (item["IsSold"], item["IsPurchased"]) == (True, True)


def test_is_sold_set_to_false_nulls_the_description_and_sales_details(api):
    """Item.IsSold: "If IsSold is updated to false then Description and SalesDetails values will be nulled."
    (and IsPurchased likewise for PurchaseDescription and PurchaseDetails)."""
    element = {
        "Code": "N1", "Name": "Nulled", "Description": "sells", "SalesDetails": {"UnitPrice": 2},
        "PurchaseDescription": "buys", "PurchaseDetails": {"UnitPrice": 1},
    }  # fmt: skip
    item = api.put("/Items", json={"Items": [element]}).json()["Items"][0]
    body = {"Items": [{"ItemID": item["ItemID"], "Code": "N1", "IsSold": False}]}
    updated = api.post(f"/Items/{item['ItemID']}", json=body).json()["Items"][0]
    assert "Description" not in updated and "SalesDetails" not in updated
    assert (updated["PurchaseDescription"], updated["PurchaseDetails"]["UnitPrice"]) == ("buys", 1)
