"""The sandbox accepts what real Xero accepts, in the shapes real clients send (issue 10): read-only and
unknown fields ignored (and recorded), If-Modified-Since as clients write it, /Organisations, the
contact and line shapes Xero serves on documents, attachments typed by file name in Xero's envelope, and
Xero's own messages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sandboxes.xero import Tenant

from .helpers import Api, line

ACC = "/api.xro/2.0"


@pytest.fixture
def customer(api):
    return api.contact("Customer")["ContactID"]


def _authorised(api, customer, *lines, **fields):
    r = api.invoice(customer, list(lines), Status="AUTHORISED", **fields)
    assert r.status_code == 200, r.text
    return r.json()["Invoices"][0]


# -- 2. read-only and unknown fields: ignored like Xero does, recorded on the sandbox ----------------
def test_read_only_fields_in_a_write_are_ignored_and_recorded(sb, api, customer):
    body = {
        "Type": "ACCREC",
        "Contact": {"ContactID": customer},
        "Date": "2026-11-01",
        "DueDate": "2026-12-01",
        "LineItems": [line(10)],
        "HasAttachments": False,
        "Total": 999,
    }
    r = api.put("/Invoices", json={"Invoices": [body]})
    assert r.status_code == 200, r.text
    assert r.json()["Invoices"][0]["Total"] == 11.5  # computed, the sent Total ignored
    assert sorted(sb.ignored_fields) == [
        ("PUT", f"{ACC}/Invoices", "/Invoices/0/HasAttachments", "read-only"),
        ("PUT", f"{ACC}/Invoices", "/Invoices/0/Total", "read-only"),
    ]


def test_unknown_fields_are_ignored_not_stored_and_recorded(sb, api):
    r = api.put("/Contacts", json={"Contacts": [{"Name": "Typo Ltd", "Nmae": "Typo"}]})
    assert r.status_code == 200, r.text
    contact = api.get(f"/Contacts/{r.json()['Contacts'][0]['ContactID']}").json()["Contacts"][0]
    assert "Nmae" not in contact and contact["Name"] == "Typo Ltd"
    assert sb.ignored_fields == [("PUT", f"{ACC}/Contacts", "/Contacts/0/Nmae", "unknown")]


def test_a_request_with_only_writable_known_fields_records_nothing(sb, api, customer):
    _authorised(api, customer, line(10))
    assert sb.ignored_fields == []


def test_nested_read_only_fields_are_ignored_too(sb, api, customer):
    inv = _authorised(api, customer, line(10))
    payment = {
        "Invoice": {"InvoiceID": inv["InvoiceID"], "HasAttachments": False, "AmountDue": 1},
        "Account": {"Code": "090"},
        "Date": "2026-11-02",
        "Amount": 11.5,
    }
    r = api.put("/Payments", json={"Payments": [payment]})
    assert r.status_code == 200, r.text
    assert [f.pointer for f in sb.ignored_fields] == [
        "/Payments/0/Invoice/HasAttachments",
        "/Payments/0/Invoice/AmountDue",
    ]


def test_payment_purchase_order_and_manual_journal_are_created_as_xeros_sdk_sends_them(api, customer):
    """xero-python serialises HasAttachments=false on every Invoice, Payment (its Invoice), PurchaseOrder and
    ManualJournal it sends; Xero ignores it."""
    inv = _authorised(api, customer, line(10), HasAttachments=False)
    payment = {
        "Invoice": {"InvoiceID": inv["InvoiceID"], "HasAttachments": False},
        "Account": {"Code": "090"},
        "Date": "2026-11-02",
        "Amount": 5,
    }
    assert api.put("/Payments", json={"Payments": [payment]}).status_code == 200
    order = {
        "Contact": {"ContactID": customer},
        "LineItems": [line(10, account="400", tax="INPUT2")],
        "HasAttachments": False,
    }
    assert api.put("/PurchaseOrders", json={"PurchaseOrders": [order]}).status_code == 200
    journal = {
        "Narration": "Stock value",
        "Date": "2026-11-01",
        "JournalLines": [{"LineAmount": 5, "AccountCode": "429"}, {"LineAmount": -5, "AccountCode": "260"}],
        "HasAttachments": False,
    }
    assert api.put("/ManualJournals", json={"ManualJournals": [journal]}).status_code == 200


@pytest.mark.parametrize("wrapped", [False, True])
def test_post_payments_takes_one_payment_bare_or_wrapped(sb, api, customer, wrapped):
    """POST /Payments declares one `Payment`; the spec's own example of it sends {"Payments": [...]}."""
    inv = _authorised(api, customer, line(10))
    payment = {"Invoice": {"InvoiceID": inv["InvoiceID"]}, "Account": {"Code": "090"}, "Date": "2026-11-02"}
    payment["Amount"] = 3
    r = api.post("/Payments", json={"Payments": [payment]} if wrapped else payment)
    assert r.status_code == 200, r.text
    assert r.json()["Payments"][0]["Amount"] == 3 and sb.ignored_fields == []


# -- 3. If-Modified-Since as clients send it -----------------------------------------------------------
@pytest.mark.parametrize(
    "form",
    [
        "%Y-%m-%dT%H:%M:%S.%f",  # xero-python: a naive datetime's isoformat(), read as UTC
        "%a, %d %b %Y %H:%M:%S GMT",  # HTTP date (pyxero)
        "%Y-%m-%dT%H:%M:%S+00:00",  # zoned ISO 8601
    ],
)
def test_if_modified_since_is_read_in_the_forms_clients_send(api, clock, form):
    api.contact("Before")
    clock.advance(60)
    since = datetime.fromtimestamp(clock(), UTC)
    clock.advance(60)
    api.contact("After")
    r = api.get("/Contacts", headers={"If-Modified-Since": since.strftime(form)})
    assert r.status_code == 200, r.text
    assert [c["Name"] for c in r.json()["Contacts"]] == ["After"]


def test_zone_less_if_modified_since_means_utc(api, clock):
    assert datetime.fromtimestamp(clock(), UTC).isoformat() == "2026-11-24T06:00:00+00:00"
    api.contact("At Six UTC")
    assert api.get("/Contacts", headers={"If-Modified-Since": "2026-11-24T06:00:01"}).json()["Contacts"] == []
    rows = api.get("/Contacts", headers={"If-Modified-Since": "2026-11-24T05:59:59"}).json()["Contacts"]
    assert [c["Name"] for c in rows] == ["At Six UTC"]


def test_an_unreadable_if_modified_since_is_refused(api):
    assert api.get("/Contacts", headers={"If-Modified-Since": "last tuesday"}).status_code == 400


# -- 4. Organisation --------------------------------------------------------------------------------------
def test_organisations_plural_path_answers_like_organisation(api, tenant_a):
    plural = api.get("/Organisations")
    assert plural.status_code == 200, plural.text
    assert plural.json()["Organisations"] == api.get("/Organisation").json()["Organisations"]
    assert plural.json()["Organisations"][0]["OrganisationID"] == tenant_a


def test_organisation_carries_the_fields_xero_returns(api):
    org = api.get("/Organisation").json()["Organisations"][0]
    for name in (
        "Addresses",
        "Phones",
        "ExternalLinks",
        "PaymentTerms",
        "Class",
        "CreatedDateUTC",
        "OrganisationEntityType",
        "SalesTaxBasis",
        "SalesTaxPeriod",
        "ShortCode",
        "TaxNumber",
        "Timezone",
    ):
        assert name in org, name
    assert org["Timezone"] == "NEWZEALANDSTANDARDTIME" and org["ShortCode"].startswith("!")
    assert org["CreatedDateUTC"].startswith("/Date(") and "PeriodLockDate" not in org


def test_organisation_period_lock_date_comes_from_the_tenant(make_sandbox):
    from datetime import date

    tenant = Tenant(
        "6f1c0a6e-0000-4000-8000-00000000000b", "Locked Ltd", "GBP", "GB", period_lock_date=date(2026, 10, 31)
    )
    sb = make_sandbox(tenants=[tenant])
    org = Api(sb, sb.token_for(), tenant.tenant_id).get("/Organisation").json()["Organisations"][0]
    assert org["PeriodLockDate"] == "/Date(1793404800000+0000)/" and org["Timezone"] == "GMTSTANDARDTIME"


# -- 5. contacts and lines on documents --------------------------------------------------------------------
@pytest.fixture
def rich_customer(api):
    contact = api.contact(
        "Rich Customer",
        Addresses=[{"AddressType": "POBOX", "AddressLine1": "1 Main St", "City": "Wellington"}],
        Phones=[{"PhoneType": "DEFAULT", "PhoneNumber": "555 1234"}],
        ContactPersons=[{"FirstName": "Ann", "LastName": "Lee", "EmailAddress": "ann@example.com"}],
    )
    group = api.put("/ContactGroups", json={"ContactGroups": [{"Name": "VIP"}]}).json()["ContactGroups"][0]
    r = api.put(
        f"/ContactGroups/{group['ContactGroupID']}/Contacts",
        json={"Contacts": [{"ContactID": contact["ContactID"]}]},
    )
    assert r.status_code == 200, r.text
    return contact["ContactID"]


def test_a_single_invoice_embeds_the_whole_contact(api, rich_customer):
    """ACC's example of GET /Invoices/{InvoiceID}: the contact with its addresses, phones, groups, persons."""
    inv = _authorised(api, rich_customer, line(10))
    for got in (inv, api.get(f"/Invoices/{inv['InvoiceID']}").json()["Invoices"][0]):
        contact = got["Contact"]
        assert contact["Addresses"][0]["City"] == "Wellington"
        assert contact["Phones"][0]["PhoneNumber"] == "555 1234"
        assert [g["Name"] for g in contact["ContactGroups"]] == ["VIP"]
        assert contact["ContactPersons"][0]["FirstName"] == "Ann"


def test_an_invoice_list_embeds_a_contact_summary_with_empty_collections(api, rich_customer):
    """ACC's example of GET /Invoices, and Xero's answer recorded for its SDK (xero-python cassette
    test_invoice_attachment_upload_and_download.yaml): collections present and empty."""
    _authorised(api, rich_customer, line(10))
    for params in ({}, {"page": 1}):
        contact = api.get("/Invoices", params=params).json()["Invoices"][0]["Contact"]
        assert contact == {
            "ContactID": rich_customer,
            "Name": "Rich Customer",
            "Addresses": [],
            "Phones": [],
            "ContactGroups": [],
            "ContactPersons": [],
            "HasValidationErrors": False,
        }


def test_echoing_a_listed_contact_summary_on_a_new_invoice_leaves_the_contact_alone(
    api, rich_customer, clock
):
    _authorised(api, rich_customer, line(10))
    summary = api.get("/Invoices").json()["Invoices"][0]["Contact"]
    before = api.get(f"/Contacts/{rich_customer}").json()["Contacts"][0]
    clock.advance(5)
    assert api.invoice(rich_customer, [line(5)], Contact=summary).status_code == 200
    assert api.get(f"/Contacts/{rich_customer}").json()["Contacts"][0] == before


@pytest.mark.parametrize("endpoint", ["Invoices", "CreditNotes"])
def test_untracked_lines_carry_an_empty_tracking_list(api, customer, endpoint):
    body = {
        "Type": "ACCREC" if endpoint == "Invoices" else "ACCRECCREDIT",
        "Contact": {"ContactID": customer},
    }
    body.update(Date="2026-11-01", DueDate="2026-12-01", LineItems=[line(10)])
    doc = api.put(f"/{endpoint}", json={endpoint: [body]}).json()[endpoint][0]
    assert doc["LineItems"][0]["Tracking"] == []
    got = api.get(f"/{endpoint}/{doc['InvoiceID' if endpoint == 'Invoices' else 'CreditNoteID']}")
    assert got.json()[endpoint][0]["LineItems"][0]["Tracking"] == []


def test_tracking_options_on_a_line_are_taken_by_name_and_echoed(api, customer):
    """TrackingCategories are not modelled (README): options are kept as sent."""
    tracking = [{"Name": "Region", "Option": "North"}]
    inv = _authorised(api, customer, line(10, Tracking=tracking))
    assert inv["LineItems"][0]["Tracking"] == tracking
    got = api.get(f"/Invoices/{inv['InvoiceID']}").json()["Invoices"][0]
    assert got["LineItems"][0]["Tracking"] == tracking


# -- 6. attachments ---------------------------------------------------------------------------------------
def _upload(api, path, name, data, content_type="application/octet-stream"):
    return api.put(f"{path}/Attachments/{name}", data=data, headers={"Content-Type": content_type})


def test_attachment_upload_answers_in_xeros_envelope(api, customer):
    r = _upload(api, f"/Contacts/{customer}", "receipt.pdf", b"%PDF-1.4")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["Status"] == "OK" and {"Id", "ProviderName", "DateTimeUTC"} <= body.keys()
    assert body["Attachments"][0]["FileName"] == "receipt.pdf"


def test_attachment_type_comes_from_the_file_name_not_the_upload_content_type(api, customer):
    """xero-python uploads as application/octet-stream; Xero answered MimeType application/pdf for a .pdf and
    served it back as application/pdf (xero-python cassette test_invoice_attachment_upload_and_download)."""
    path = f"/Contacts/{customer}"
    meta = _upload(api, path, "scan.pdf", b"%PDF-1.4").json()["Attachments"][0]
    assert meta["MimeType"] == "application/pdf"
    assert _upload(api, path, "photo.png", b"\x89PNG", "text/plain").json()["Attachments"][0]["MimeType"] == (
        "image/png"
    )
    assert [a["MimeType"] for a in api.get(f"{path}/Attachments").json()["Attachments"]] == [
        "application/pdf",
        "image/png",
    ]


def test_attachment_download_is_served_with_its_type(api, customer):
    path = f"/Contacts/{customer}"
    meta = _upload(api, path, "scan.pdf", b"%PDF-1.4").json()["Attachments"][0]
    # As xero-python asks for it (cassette above): Accept octet-stream, the spec's required contentType header.
    headers = {"Accept": "application/octet-stream", "contentType": "application/pdf"}
    got = api.get(f"{path}/Attachments/{meta['AttachmentID']}", headers=headers)
    assert got.status_code == 200 and got.headers["Content-Type"] == "application/pdf"
    assert got.content == b"%PDF-1.4"


def test_attachment_without_a_supported_extension_is_refused_as_xero_does(api, customer):
    """XeroAPI/Xero-Java#142: a file named `filename` was refused with this message and element."""
    r = _upload(api, f"/Contacts/{customer}", "filename", b"data")
    assert r.status_code == 400
    element = r.json()["Elements"][0]
    assert (element["FileName"], element["MimeType"], element["ContentLength"]) == (
        "filename",
        "application/octet-stream",
        4,
    )
    assert element["ValidationErrors"] == [
        {"Message": "The file couldn't be uploaded because it isn't a supported file type."}
    ]
    assert api.get(f"/Contacts/{customer}/Attachments").json()["Attachments"] == []


# -- 7. Xero's messages for paying or crediting more than is outstanding ------------------------------------
def test_payment_over_the_amount_due_gets_xeros_message(api, customer):
    """ACC's examples of PUT and POST /Payments."""
    inv = _authorised(api, customer, line(10))
    body = {"Invoice": {"InvoiceID": inv["InvoiceID"]}, "Account": {"Code": "090"}, "Date": "2026-11-02"}
    r = api.put("/Payments", json={"Payments": [dict(body, Amount=12)]})
    assert r.status_code == 400
    assert r.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "Payment amount exceeds the amount outstanding on this document"}
    ]


def _credit_note(api, customer, amount):
    body = {"Type": "ACCRECCREDIT", "Contact": {"ContactID": customer}, "Status": "AUTHORISED"}
    body.update(Date="2026-11-01", LineItems=[line(amount)])
    r = api.put("/CreditNotes", json={"CreditNotes": [body]})
    assert r.status_code == 200, r.text
    return r.json()["CreditNotes"][0]["CreditNoteID"]


def _allocate(api, credit_id, invoice_id, amount):
    alloc = {"Invoice": {"InvoiceID": invoice_id}, "Amount": amount, "Date": "2026-11-03"}
    return api.put(f"/CreditNotes/{credit_id}/Allocations", json={"Allocations": [alloc]})


def test_credit_note_allocated_beyond_what_is_outstanding_gets_xeros_message(api, customer):
    """calcinai/xero-php#251 (beyond the credit), waynerobinson/xeroizer#320 (beyond the invoice)."""
    inv = _authorised(api, customer, line(100))  # 115.00 due
    credit = _credit_note(api, customer, 10)  # 11.50 credit
    r = _allocate(api, credit, inv["InvoiceID"], 20)
    assert r.status_code == 400
    assert r.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "Credit Note cannot be allocated as amount is greater than amount outstanding"}
    ]


def test_credit_note_allocated_to_a_paid_invoice_gets_xeros_message(api, customer):
    """waynerobinson/xeroizer#320 quotes both messages for an allocation to a paid-off invoice."""
    inv = _authorised(api, customer, line(10))
    pay = {"Invoice": {"InvoiceID": inv["InvoiceID"]}, "Account": {"Code": "090"}, "Date": "2026-11-02"}
    assert api.put("/Payments", json={"Payments": [dict(pay, Amount=11.5)]}).status_code == 200
    r = _allocate(api, _credit_note(api, customer, 1), inv["InvoiceID"], 1)
    assert r.status_code == 400
    assert r.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "The invoice you are trying to allocate to has already been paid off"},
        {"Message": "Credit Note cannot be allocated as amount is greater than amount outstanding"},
    ]


# -- findings of the SDK suite (/tmp/brief/sdk-findings.md) -------------------------------------------------
def test_an_operation_with_an_empty_answer_needs_no_accept_header(api, customer):
    """xero-python sends no Accept for DELETE /ContactGroups/{id}/Contacts (its answer, per the spec, is
    "204 no content"): there is no XML to refuse."""
    group = api.put("/ContactGroups", json={"ContactGroups": [{"Name": "Team"}]}).json()["ContactGroups"][0]
    path = f"/ContactGroups/{group['ContactGroupID']}/Contacts"
    assert api.put(path, json={"Contacts": [{"ContactID": customer}]}).status_code == 200
    assert api.delete(path, headers={"Accept": None}).status_code == 204


def test_a_purchase_order_is_read_by_its_number(api, customer):
    """getPurchaseOrderByNumber (/PurchaseOrders/{PurchaseOrderNumber}) has the same shape as
    getPurchaseOrder (/PurchaseOrders/{PurchaseOrderID}); the spec check must take the one that fits."""
    order = {"Contact": {"ContactID": customer}, "LineItems": [line(10, account="400", tax="INPUT2")]}
    po = api.put("/PurchaseOrders", json={"PurchaseOrders": [order]}).json()["PurchaseOrders"][0]
    r = api.get(f"/PurchaseOrders/{po['PurchaseOrderNumber']}")
    assert r.status_code == 200, r.text
    assert r.json()["PurchaseOrders"][0]["PurchaseOrderID"] == po["PurchaseOrderID"]
    assert api.get(f"/PurchaseOrders/{po['PurchaseOrderID']}").status_code == 200


def test_an_attachment_is_downloaded_by_its_file_name(api, customer):
    path = f"/Contacts/{customer}"
    assert _upload(api, path, "scan.pdf", b"%PDF-1.4").status_code == 200
    got = api.get(f"{path}/Attachments/scan.pdf", headers={"contentType": "application/pdf"})
    assert got.status_code == 200, got.text
    assert got.content == b"%PDF-1.4" and got.headers["Content-Type"] == "application/pdf"


def test_approving_an_invoice_without_line_items_gets_xeros_message(api, customer):
    """Xero's text as quoted in benmccann/xero-java-client#5 and XeroAPI/xero-php-oauth2#122."""
    r = api.invoice(customer, [], Status="AUTHORISED")
    assert r.status_code == 400
    assert r.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "One or more line items must be specified"}
    ]


def test_a_refused_line_is_reported_alone(api, customer):
    r = api.invoice(customer, [line(10, account="999")], Status="AUTHORISED")
    assert r.status_code == 400
    assert r.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "Account code '999' is not a valid code for this document."}
    ]


def test_an_invoice_is_read_by_its_number_in_place_of_its_id(api, customer):
    """Xero's Invoices page: an individual invoice is read by appending its InvoiceID *or* its
    InvoiceNumber to the endpoint (developer.xero.com/documentation/api/accounting/invoices, "Optional
    parameters for GET Invoices"); the spec types the path parameter as a UUID only."""
    inv = api.invoice(customer, [line(10)]).json()["Invoices"][0]
    r = api.get(f"/Invoices/{inv['InvoiceNumber']}")
    assert r.status_code == 200, r.text
    assert r.json()["Invoices"][0]["InvoiceID"] == inv["InvoiceID"]
    assert api.get("/Invoices/INV-9999").status_code == 404


def test_a_credit_note_is_read_by_its_number_in_place_of_its_id(api, customer):
    """developer.xero.com/documentation/api/accounting/creditnotes: CreditNoteID or CreditNoteNumber."""
    note = {"Type": "ACCRECCREDIT", "Contact": {"ContactID": customer}, "LineItems": [line(10)]}
    made = api.put("/CreditNotes", json={"CreditNotes": [note]}).json()["CreditNotes"][0]
    r = api.get(f"/CreditNotes/{made['CreditNoteNumber']}")
    assert r.status_code == 200, r.text
    assert r.json()["CreditNotes"][0]["CreditNoteID"] == made["CreditNoteID"]
