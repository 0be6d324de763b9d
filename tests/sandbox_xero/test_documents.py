"""Quotes, purchase orders, manual journals and attachments (xero-facts §8)."""

from __future__ import annotations

import pytest

from .helpers import line


@pytest.fixture
def contact_id(api):
    return api.contact("Counterparty")["ContactID"]


def test_quote_needs_a_date_and_gets_a_number(api, contact_id):
    body = {"Contact": {"ContactID": contact_id}, "LineItems": [line(10)]}
    assert api.put("/Quotes", json={"Quotes": [body]}).status_code == 400
    quote = api.put("/Quotes", json={"Quotes": [dict(body, Date="2026-11-01")]}).json()["Quotes"][0]
    assert quote["QuoteNumber"] == "QU-0001" and quote["Status"] == "DRAFT" and quote["Total"] == 11.5


def test_quote_status_follows_draft_sent_accepted_invoiced(api, contact_id):
    body = {"Contact": {"ContactID": contact_id}, "Date": "2026-11-01", "LineItems": [line(10)]}
    qid = api.put("/Quotes", json={"Quotes": [body]}).json()["Quotes"][0]["QuoteID"]
    assert api.post(f"/Quotes/{qid}", json={"Quotes": [{"Status": "INVOICED"}]}).status_code == 400
    for status in ("SENT", "ACCEPTED", "INVOICED"):
        assert api.post(f"/Quotes/{qid}", json={"Quotes": [{"Status": status}]}).status_code == 200
    assert api.get("/Quotes", params={"Status": "INVOICED"}).json()["Quotes"][0]["QuoteID"] == qid


def test_purchase_order_needs_an_existing_contact(api):
    body = {"Contact": {"Name": "Nobody"}, "LineItems": [line(10, account="400", tax="INPUT2")]}
    assert api.put("/PurchaseOrders", json={"PurchaseOrders": [body]}).status_code == 400


def test_purchase_order_can_be_billed_only_once_authorised(api, contact_id):
    body = {"Contact": {"ContactID": contact_id}, "LineItems": [line(10, account="400", tax="INPUT2")]}
    po = api.put("/PurchaseOrders", json={"PurchaseOrders": [body]}).json()["PurchaseOrders"][0]
    assert po["PurchaseOrderNumber"] == "PO-0001"
    pid = po["PurchaseOrderID"]
    assert (
        api.post(f"/PurchaseOrders/{pid}", json={"PurchaseOrders": [{"Status": "BILLED"}]}).status_code == 400
    )
    assert (
        api.post(f"/PurchaseOrders/{pid}", json={"PurchaseOrders": [{"Status": "AUTHORISED"}]}).status_code
        == 200
    )
    assert (
        api.post(f"/PurchaseOrders/{pid}", json={"PurchaseOrders": [{"Status": "BILLED"}]}).status_code == 200
    )


def _journal(api, lines, **extra):
    return api.put(
        "/ManualJournals",
        json={
            "ManualJournals": [
                {"Narration": "Stock value", "Date": "2026-11-01", "JournalLines": lines, **extra}
            ]
        },
    )


def test_manual_journal_must_balance(api):
    lines = [{"LineAmount": 100, "AccountCode": "429"}, {"LineAmount": -90, "AccountCode": "260"}]
    assert _journal(api, lines).status_code == 400
    lines[1]["LineAmount"] = -100
    mj = _journal(api, lines, Status="POSTED").json()["ManualJournals"][0]
    assert mj["Status"] == "POSTED" and mj["LineAmountTypes"] == "NoTax"


def test_manual_journal_refuses_bank_and_system_accounts(api):
    assert (
        _journal(
            api, [{"LineAmount": 5, "AccountCode": "090"}, {"LineAmount": -5, "AccountCode": "260"}]
        ).status_code
        == 400
    )
    assert (
        _journal(
            api, [{"LineAmount": 5, "AccountCode": "610"}, {"LineAmount": -5, "AccountCode": "260"}]
        ).status_code
        == 400
    )


def test_manual_journal_posted_can_be_voided_not_deleted(api):
    lines = [{"LineAmount": 1, "AccountCode": "429"}, {"LineAmount": -1, "AccountCode": "260"}]
    mid = _journal(api, lines, Status="POSTED").json()["ManualJournals"][0]["ManualJournalID"]
    assert (
        api.post(
            f"/ManualJournals/{mid}",
            json={"ManualJournals": [{"Narration": "Stock value", "Status": "DELETED"}]},
        ).status_code
        == 400
    )
    assert (
        api.post(
            f"/ManualJournals/{mid}",
            json={"ManualJournals": [{"Narration": "Stock value", "Status": "VOIDED"}]},
        ).status_code
        == 200
    )


def _upload(api, path, name, data, **params):
    return api.put(
        f"{path}/Attachments/{name}", data=data, params=params, headers={"Content-Type": "application/pdf"}
    )


def test_attachment_upload_list_and_download(api, contact_id):
    inv = api.invoice(contact_id, [line(10)]).json()["Invoices"][0]
    path = f"/Invoices/{inv['InvoiceID']}"
    meta = _upload(api, path, "receipt.pdf", b"%PDF-1.4 hello").json()["Attachments"][0]
    assert meta["ContentLength"] == 14 and meta["MimeType"] == "application/pdf"
    assert [a["FileName"] for a in api.get(f"{path}/Attachments").json()["Attachments"]] == ["receipt.pdf"]
    got = api.get(f"{path}/Attachments/{meta['AttachmentID']}", headers={"contentType": "application/pdf"})
    assert got.content == b"%PDF-1.4 hello"
    assert api.get(path).json()["Invoices"][0]["HasAttachments"] is True


def test_attachment_over_10_mb_is_refused(api, contact_id):
    path = f"/Contacts/{contact_id}"
    assert _upload(api, path, "big.pdf", b"x" * (10 * 1024 * 1024 + 1)).status_code == 413
    assert _upload(api, path, "ok.pdf", b"x" * (10 * 1024 * 1024)).status_code == 200


def test_at_most_10_attachments_per_document(api, contact_id):
    path = f"/Contacts/{contact_id}"
    for i in range(10):
        assert _upload(api, path, f"f{i}.pdf", b"data").status_code == 200
    assert _upload(api, path, "f10.pdf", b"data").status_code == 400
    assert _upload(api, path, "f3.pdf", b"replaced").status_code == 200  # same name replaces


def test_include_online_only_on_sales_documents(api, contact_id):
    bill = api.invoice(contact_id, [line(10, account="400", tax="INPUT2")], Type="ACCPAY").json()["Invoices"][
        0
    ]
    assert (
        _upload(api, f"/Invoices/{bill['InvoiceID']}", "a.pdf", b"x", IncludeOnline="true").status_code == 400
    )


def test_attachments_need_the_attachments_scope(sb, tenant_a, contact_id):
    from .helpers import Api

    api = Api(sb, sb.token_for(scopes="accounting.contacts"), tenant_a)
    assert api.get(f"/Contacts/{contact_id}/Attachments").status_code == 403


def test_history_notes_are_added_and_listed(api, contact_id):
    inv = api.invoice(contact_id, [line(10)]).json()["Invoices"][0]
    path = f"/Invoices/{inv['InvoiceID']}/History"
    r = api.put(path, json={"HistoryRecords": [{"Details": "Synced from Odoo invoice 42"}]})
    assert r.status_code == 200
    notes = api.get(path).json()["HistoryRecords"]
    assert [(n["Changes"], n["Details"]) for n in notes] == [("Note", "Synced from Odoo invoice 42")]


def test_history_note_longer_than_2500_characters_is_refused(api, contact_id):
    r = api.put(f"/Contacts/{contact_id}/History", json={"HistoryRecords": [{"Details": "x" * 2501}]})
    assert r.status_code == 400
