"""Contacts (xero-facts §4, §5, §8): create/update rules, unique names, per-element results, reading."""

from __future__ import annotations

import re

from .helpers import line

MS_DATE = re.compile(r"^/Date\(\d+\+0000\)/$")


def test_created_contact_has_ms_json_updated_date(api):
    contact = api.contact("Acme Ltd")
    assert MS_DATE.match(contact["UpdatedDateUTC"])
    assert contact["ContactStatus"] == "ACTIVE"


def test_duplicate_name_is_a_validation_exception(api):
    api.contact("Acme Ltd")
    r = api.put("/Contacts", json={"Contacts": [{"Name": "acme ltd"}]})
    assert r.status_code == 400
    body = r.json()
    assert body["Type"] == "ValidationException" and body["ErrorNumber"] == 10
    assert "must be unique" in body["Elements"][0]["ValidationErrors"][0]["Message"]


def test_summarize_errors_false_gives_per_element_results(api):
    api.contact("Taken")
    r = api.put("/Contacts?summarizeErrors=false", json={"Contacts": [{"Name": "Fresh"}, {"Name": "Taken"}]})
    assert r.status_code == 200
    ok, bad = r.json()["Contacts"]
    assert ok["StatusAttributeString"] == "OK" and ok["ContactID"]
    assert bad["StatusAttributeString"] == "ERROR" and bad["ValidationErrors"][0]["Message"]


def test_summarised_batch_with_one_error_is_400_but_valid_elements_are_saved(api):
    api.contact("Taken")
    r = api.put("/Contacts", json={"Contacts": [{"Name": "Saved Anyway"}, {"Name": "Taken"}]})
    assert r.status_code == 400 and len(r.json()["Elements"]) == 1
    names = [c["Name"] for c in api.get("/Contacts").json()["Contacts"]]
    assert "Saved Anyway" in names


def test_put_is_create_only(api):
    contact = api.contact("Acme Ltd")
    r = api.put("/Contacts", json={"Contacts": [{"ContactID": contact["ContactID"], "Name": "Renamed"}]})
    assert r.status_code == 400


def test_post_updates_by_contact_id(api):
    contact = api.contact("Acme Ltd")
    r = api.post(
        "/Contacts", json={"Contacts": [{"ContactID": contact["ContactID"], "EmailAddress": "a@acme.test"}]}
    )
    assert r.status_code == 200
    assert api.get(f"/Contacts/{contact['ContactID']}").json()["Contacts"][0]["EmailAddress"] == "a@acme.test"


def test_post_with_an_existing_name_updates_instead_of_duplicating(api):
    api.contact("Acme Ltd")
    api.post("/Contacts", json={"Contacts": [{"Name": "Acme Ltd", "FirstName": "Ann"}]})
    contacts = api.get("/Contacts").json()["Contacts"]
    assert len(contacts) == 1 and contacts[0]["FirstName"] == "Ann"


def test_rename_to_a_taken_name_is_refused(api):
    api.contact("One")
    two = api.contact("Two")
    r = api.post(f"/Contacts/{two['ContactID']}", json={"Contacts": [{"Name": "One"}]})
    assert r.status_code == 400


def test_contact_number_is_unique_and_readable_by_path(api):
    created = api.contact("Acme Ltd", ContactNumber="ODOO-42")
    assert api.get("/Contacts/ODOO-42").json()["Contacts"][0]["ContactID"] == created["ContactID"]
    assert (
        api.put("/Contacts", json={"Contacts": [{"Name": "Other", "ContactNumber": "ODOO-42"}]}).status_code
        == 400
    )


def test_at_most_five_contact_persons(api):
    persons = [{"FirstName": f"P{i}", "EmailAddress": f"p{i}@x.test"} for i in range(6)]
    assert (
        api.put("/Contacts", json={"Contacts": [{"Name": "Six", "ContactPersons": persons}]}).status_code
        == 400
    )
    assert (
        api.put("/Contacts", json={"Contacts": [{"Name": "Five", "ContactPersons": persons[:5]}]}).status_code
        == 200
    )


def test_archived_contacts_are_hidden_unless_include_archived(api):
    contact = api.contact("Old Customer")
    r = api.post(f"/Contacts/{contact['ContactID']}", json={"Contacts": [{"ContactStatus": "ARCHIVED"}]})
    assert r.json()["Contacts"][0]["ContactStatus"] == "ARCHIVED"
    assert api.get("/Contacts").json()["Contacts"] == []
    assert len(api.get("/Contacts", params={"includeArchived": "true"}).json()["Contacts"]) == 1


def test_archived_name_can_be_reused_but_not_unarchived_into_a_clash(api):
    old = api.contact("Name")
    api.post(f"/Contacts/{old['ContactID']}", json={"Contacts": [{"ContactStatus": "ARCHIVED"}]})
    api.contact("Name")
    r = api.post(f"/Contacts/{old['ContactID']}", json={"Contacts": [{"ContactStatus": "ACTIVE"}]})
    assert r.status_code == 400


def test_gdpr_request_status_cannot_be_set_by_a_client(api):
    contact = api.contact("Someone")
    r = api.post(f"/Contacts/{contact['ContactID']}", json={"Contacts": [{"ContactStatus": "GDPRREQUEST"}]})
    assert r.status_code == 400


def test_archived_contact_cannot_be_used_on_an_invoice(api):
    contact = api.contact("Gone")
    api.post(f"/Contacts/{contact['ContactID']}", json={"Contacts": [{"ContactStatus": "ARCHIVED"}]})
    assert api.invoice(contact["ContactID"], [line(10)]).status_code == 400


def test_invalid_email_is_refused(api):
    assert (
        api.put("/Contacts", json={"Contacts": [{"Name": "X", "EmailAddress": "not-an-email"}]}).status_code
        == 400
    )


def test_pages_of_contacts_with_pagination_object(api):
    api.put("/Contacts", json={"Contacts": [{"Name": f"C{i:02d}"} for i in range(7)]})
    r = api.get("/Contacts", params={"page": 2, "pageSize": 3})
    body = r.json()
    assert [c["Name"] for c in body["Contacts"]] == ["C03", "C04", "C05"]
    assert body["pagination"] == {"page": 2, "pageSize": 3, "pageCount": 3, "itemCount": 7}


def test_page_size_defaults_to_100(api):
    api.put("/Contacts", json={"Contacts": [{"Name": f"C{i:03d}"} for i in range(105)]})
    body = api.get("/Contacts", params={"page": 1}).json()
    assert len(body["Contacts"]) == 100 and body["pagination"]["pageCount"] == 2


def test_if_modified_since_returns_only_later_changes(api, clock):
    api.contact("Before")
    clock.advance(60)
    since = clock()
    clock.advance(60)
    api.contact("After")
    from datetime import UTC, datetime

    header = datetime.fromtimestamp(since, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    r = api.get("/Contacts", headers={"If-Modified-Since": header})
    assert [c["Name"] for c in r.json()["Contacts"]] == ["After"]


def test_where_filter_and_order(api):
    api.put(
        "/Contacts",
        json={
            "Contacts": [
                {"Name": "Beta", "EmailAddress": "b@x.test"},
                {"Name": "Alpha", "EmailAddress": "a@y.test"},
                {"Name": "Gamma", "EmailAddress": "g@x.test"},
            ]
        },
    )
    r = api.get("/Contacts", params={"where": 'EmailAddress.EndsWith("@x.test")', "order": "Name DESC"})
    assert [c["Name"] for c in r.json()["Contacts"]] == ["Gamma", "Beta"]


def test_where_with_guid_and_status(api):
    target = api.contact("Target")
    api.contact("Other")
    where = f'ContactID==guid("{target["ContactID"]}") && ContactStatus=="ACTIVE"'
    assert [c["Name"] for c in api.get("/Contacts", params={"where": where}).json()["Contacts"]] == ["Target"]


def test_invalid_where_is_400(api):
    assert api.get("/Contacts", params={"where": 'Name == "unterminated'}).status_code == 400


def test_search_term_and_ids(api):
    a = api.contact("Northwind Traders")
    b = api.contact("Contoso")
    assert [c["Name"] for c in api.get("/Contacts", params={"searchTerm": "wind"}).json()["Contacts"]] == [
        "Northwind Traders"
    ]
    ids = f"{a['ContactID']},{b['ContactID']}"
    assert len(api.get("/Contacts", params={"IDs": ids}).json()["Contacts"]) == 2


def test_summary_only_drops_heavy_fields(api):
    api.contact("Light", ContactPersons=[{"FirstName": "A"}])
    row = api.get("/Contacts", params={"summaryOnly": "true"}).json()["Contacts"][0]
    assert "ContactPersons" not in row and row["Name"] == "Light"


def test_unknown_contact_is_404_plain_text(api):
    r = api.get("/Contacts/6f1c0a6e-0000-4000-8000-000000000000")
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/plain")
    assert "cannot be found" in r.text


def test_where_accepts_single_equals_and_or(api):
    api.put("/Contacts", json={"Contacts": [{"Name": "A"}, {"Name": "B"}, {"Name": "C"}]})
    rows = api.get("/Contacts", params={"where": 'Name="A" OR Name<>"B" AND Name="C"'}).json()["Contacts"]
    assert [c["Name"] for c in rows] == ["A", "C"]


def test_if_modified_since_is_accurate_to_the_second_so_same_second_changes_come_again(api, clock):
    from datetime import UTC, datetime

    clock.set(1795500000.4)
    api.contact("Same Second")
    header = datetime.fromtimestamp(1795500000.9, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    r = api.get("/Contacts", headers={"If-Modified-Since": header})
    assert [c["Name"] for c in r.json()["Contacts"]] == ["Same Second"]


def test_where_handles_non_ascii_and_escaped_quotes(api):
    api.put("/Contacts", json={"Contacts": [{"Name": "Zoë Café"}, {"Name": 'The "Best" Ltd'}]})
    assert [
        c["Name"] for c in api.get("/Contacts", params={"where": 'Name=="Zoë Café"'}).json()["Contacts"]
    ] == ["Zoë Café"]
    rows = api.get("/Contacts", params={"where": r'Name=="The \"Best\" Ltd"'}).json()["Contacts"]
    assert [c["Name"] for c in rows] == ['The "Best" Ltd']
