"""Contact groups, currencies, tax rates, accounts and items (xero-facts §5, §8)."""

from __future__ import annotations


def test_contact_group_membership_add_list_and_remove(api):
    contact = api.contact("Member")
    group = api.put("/ContactGroups", json={"ContactGroups": [{"Name": "VIP"}]}).json()["ContactGroups"][0]
    gid = group["ContactGroupID"]
    r = api.put(f"/ContactGroups/{gid}/Contacts", json={"Contacts": [{"ContactID": contact["ContactID"]}]})
    assert r.status_code == 200
    members = api.get(f"/ContactGroups/{gid}").json()["ContactGroups"][0]["Contacts"]
    assert [m["ContactID"] for m in members] == [contact["ContactID"]]
    groups = api.get(f"/Contacts/{contact['ContactID']}").json()["Contacts"][0]["ContactGroups"]
    assert [g["Name"] for g in groups] == ["VIP"]
    assert api.delete(f"/ContactGroups/{gid}/Contacts/{contact['ContactID']}").status_code == 204
    assert api.get(f"/ContactGroups/{gid}").json()["ContactGroups"][0]["Contacts"] == []


def test_removing_a_non_member_is_400(api):
    contact = api.contact("Stranger")
    gid = api.put("/ContactGroups", json={"ContactGroups": [{"Name": "G"}]}).json()["ContactGroups"][0][
        "ContactGroupID"
    ]
    assert api.delete(f"/ContactGroups/{gid}/Contacts/{contact['ContactID']}").status_code == 400


def test_deleted_group_is_not_listed(api):
    gid = api.put("/ContactGroups", json={"ContactGroups": [{"Name": "Temp"}]}).json()["ContactGroups"][0][
        "ContactGroupID"
    ]
    api.post(f"/ContactGroups/{gid}", json={"ContactGroups": [{"Status": "DELETED"}]})
    assert api.get("/ContactGroups").json()["ContactGroups"] == []


def test_duplicate_active_group_name_is_refused(api):
    api.put("/ContactGroups", json={"ContactGroups": [{"Name": "Dup"}]})
    assert api.put("/ContactGroups", json={"ContactGroups": [{"Name": "Dup"}]}).status_code == 400


def test_contact_groups_ignore_if_modified_since(api):
    api.put("/ContactGroups", json={"ContactGroups": [{"Name": "Old"}]})
    r = api.get("/ContactGroups", headers={"If-Modified-Since": "2099-01-01T00:00:00Z"})
    assert [g["Name"] for g in r.json()["ContactGroups"]] == ["Old"]


def test_currencies_list_base_currency_and_ignore_if_modified_since(api):
    r = api.get("/Currencies", headers={"If-Modified-Since": "2099-01-01T00:00:00Z"})
    assert [c["Code"] for c in r.json()["Currencies"]] == ["NZD"]


def test_add_currency_then_duplicate_and_invalid_are_refused(api):
    assert api.put("/Currencies", json={"Code": "USD", "Description": "US Dollar"}).status_code == 200
    assert api.put("/Currencies", json={"Code": "USD"}).status_code == 400
    assert api.put("/Currencies", json={"Code": "XYZ"}).status_code == 400
    assert {c["Code"] for c in api.get("/Currencies").json()["Currencies"]} == {"NZD", "USD"}


def test_tax_rates_ignore_if_modified_since(api):
    r = api.get("/TaxRates", headers={"If-Modified-Since": "2099-01-01T00:00:00Z"})
    assert "OUTPUT2" in {t["TaxType"] for t in r.json()["TaxRates"]}


def test_new_tax_rate_gets_a_tax_type_and_compound_effective_rate(api):
    body = {
        "TaxRates": [
            {
                "Name": "Combo",
                "TaxComponents": [
                    {"Name": "A", "Rate": 10, "IsCompound": False},
                    {"Name": "B", "Rate": 5, "IsCompound": True},
                ],
            }
        ]
    }
    rate = api.put("/TaxRates", json=body).json()["TaxRates"][0]
    assert rate["TaxType"] == "TAX001"
    assert rate["EffectiveRate"] == 15.5  # 10 % then 5 % on top of the taxed amount
    assert api.get("/TaxRates/TAX001").json()["TaxRates"][0]["Name"] == "Combo"


def test_system_tax_rate_cannot_be_changed(api):
    r = api.post(
        "/TaxRates",
        json={
            "TaxRates": [
                {"TaxType": "OUTPUT2", "Name": "Changed", "TaxComponents": [{"Name": "GST", "Rate": 10}]}
            ]
        },
    )
    assert r.status_code == 400


def test_tax_rates_where_filter(api):
    r = api.get("/TaxRates", params={"where": 'Status=="ACTIVE" && EffectiveRate>0'})
    assert {t["TaxType"] for t in r.json()["TaxRates"]} == {"OUTPUT2", "INPUT2"}


def test_bank_account_needs_a_number_and_codes_are_unique(api):
    r = api.put("/Accounts", json={"Code": "091", "Name": "Savings", "Type": "BANK"})
    assert r.status_code == 400
    r = api.put(
        "/Accounts", json={"Code": "091", "Name": "Savings", "Type": "BANK", "BankAccountNumber": "12-3456"}
    )
    assert r.status_code == 200 and r.json()["Accounts"][0]["Class"] == "ASSET"
    assert api.put("/Accounts", json={"Code": "091", "Name": "Other", "Type": "EXPENSE"}).status_code == 400


def test_accounts_where_type_bank(api):
    rows = api.get("/Accounts", params={"where": 'Type=="BANK"'}).json()["Accounts"]
    assert [a["Code"] for a in rows] == ["090"]


def test_system_account_cannot_be_deleted_and_unused_account_can(api):
    accounts = {a["Code"]: a for a in api.get("/Accounts").json()["Accounts"]}
    assert api.delete(f"/Accounts/{accounts['610']['AccountID']}").status_code == 400
    assert api.delete(f"/Accounts/{accounts['429']['AccountID']}").status_code == 200
    assert api.get(f"/Accounts/{accounts['429']['AccountID']}").status_code == 404


def test_item_codes_are_unique_and_tracked_items_need_cogs(api):
    assert api.put("/Items", json={"Items": [{"Code": "W1", "Name": "Widget"}]}).status_code == 200
    assert api.put("/Items", json={"Items": [{"Code": "W1", "Name": "Again"}]}).status_code == 400
    tracked = {"Code": "T1", "Name": "Tracked", "InventoryAssetAccountCode": "630"}
    assert api.put("/Items", json={"Items": [tracked]}).status_code == 400
    tracked["PurchaseDetails"] = {"COGSAccountCode": "310"}
    item = api.put("/Items", json={"Items": [tracked]}).json()["Items"][0]
    assert item["IsTrackedAsInventory"] is True
