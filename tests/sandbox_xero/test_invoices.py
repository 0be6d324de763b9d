"""Invoices, credit notes, payments, allocations: tax per line with Xero's rounding, totals, status
machine, amounts (xero-facts §5, §8)."""

from __future__ import annotations

import pytest

from .helpers import line


@pytest.fixture
def customer(api):
    return api.contact("Customer")["ContactID"]


def _pay(api, invoice_id, amount, **kw):
    body = {
        "Invoice": {"InvoiceID": invoice_id},
        "Account": {"Code": "090"},
        "Date": "2026-11-02",
        "Amount": amount,
        **kw,
    }
    return api.put("/Payments", json={"Payments": [body]})


def _authorised(api, customer, *lines):
    r = api.invoice(customer, list(lines), Status="AUTHORISED")
    assert r.status_code == 200, r.text
    return r.json()["Invoices"][0]


def test_tax_is_rounded_per_line_then_summed(api, customer):
    # 15 % of 0.10 is 0.015 → 0.02 on each line; three lines give 0.06, not round(0.045) = 0.05.
    inv = _authorised(api, customer, line(0.10), line(0.10), line(0.10))
    assert [li["TaxAmount"] for li in inv["LineItems"]] == [0.02, 0.02, 0.02]
    assert (inv["SubTotal"], inv["TotalTax"], inv["Total"]) == (0.30, 0.06, 0.36)


def test_line_amount_is_quantity_times_unit_rounded_to_cents(api, customer):
    inv = _authorised(api, customer, line(3.333, qty=3))
    assert inv["LineItems"][0]["UnitAmount"] == 3.33 and inv["LineItems"][0]["LineAmount"] == 9.99


def test_unitdp_4_keeps_four_decimal_unit_amounts(api, customer):
    body = {
        "Type": "ACCREC",
        "Contact": {"ContactID": customer},
        "DueDate": "2026-12-01",
        "LineItems": [line(1.2345, qty=10)],
    }
    inv = api.put("/Invoices?unitdp=4", json={"Invoices": [body]}).json()["Invoices"][0]
    assert inv["LineItems"][0]["UnitAmount"] == 1.2345 and inv["LineItems"][0]["LineAmount"] == 12.35


def test_inclusive_amounts_carry_the_tax_inside(api, customer):
    inv = _authorised(api, customer, line(115.00))
    r = api.invoice(customer, [line(115.00)], LineAmountTypes="Inclusive", Status="AUTHORISED")
    incl = r.json()["Invoices"][0]
    assert (incl["SubTotal"], incl["TotalTax"], incl["Total"]) == (100.0, 15.0, 115.0)
    assert inv["Total"] == 132.25


def test_line_amount_that_does_not_match_is_refused(api, customer):
    r = api.invoice(customer, [line(10, qty=2, LineAmount=25)])
    assert r.status_code == 400 and "does not match" in r.text


def test_unknown_account_code_is_refused(api, customer):
    r = api.invoice(customer, [line(10, account="999")])
    assert (
        r.status_code == 400
        and "is not a valid code" in r.json()["Elements"][0]["ValidationErrors"][0]["Message"]
    )


def test_sales_invoice_numbers_are_generated_and_unique(api, customer):
    first = _authorised(api, customer, line(10))
    assert first["InvoiceNumber"] == "INV-0001"
    r = api.invoice(customer, [line(10)], InvoiceNumber="INV-0001")
    assert r.status_code == 400 and "must be unique" in r.text


def test_bill_numbers_need_not_be_unique(api, customer):
    for _ in range(2):
        r = api.invoice(
            customer, [line(10, account="400", tax="INPUT2")], Type="ACCPAY", InvoiceNumber="SUP-1"
        )
        assert r.status_code == 200


def test_draft_to_submitted_to_authorised(api, customer):
    inv = api.invoice(customer, [line(10)]).json()["Invoices"][0]
    assert inv["Status"] == "DRAFT"
    for status in ("SUBMITTED", "AUTHORISED"):
        r = api.post(f"/Invoices/{inv['InvoiceID']}", json={"Invoices": [{"Status": status}]})
        assert r.json()["Invoices"][0]["Status"] == status


def test_approval_needs_a_due_date(api, customer):
    body = {
        "Type": "ACCREC",
        "Contact": {"ContactID": customer},
        "LineItems": [line(10)],
        "Status": "AUTHORISED",
    }
    assert api.put("/Invoices", json={"Invoices": [body]}).status_code == 400


def test_draft_can_be_deleted(api, customer):
    inv = api.invoice(customer, [line(10)]).json()["Invoices"][0]
    r = api.post(f"/Invoices/{inv['InvoiceID']}", json={"Invoices": [{"Status": "DELETED"}]})
    assert r.json()["Invoices"][0]["Status"] == "DELETED"


def test_authorised_cannot_be_deleted(api, customer):
    inv = _authorised(api, customer, line(10))
    r = api.post(f"/Invoices/{inv['InvoiceID']}", json={"Invoices": [{"Status": "DELETED"}]})
    assert r.status_code == 400


def test_draft_cannot_be_voided(api, customer):
    inv = api.invoice(customer, [line(10)]).json()["Invoices"][0]
    assert (
        api.post(f"/Invoices/{inv['InvoiceID']}", json={"Invoices": [{"Status": "VOIDED"}]}).status_code
        == 400
    )


def test_authorised_without_payments_can_be_voided_and_then_is_terminal(api, customer):
    inv = _authorised(api, customer, line(10))
    r = api.post(f"/Invoices/{inv['InvoiceID']}", json={"Invoices": [{"Status": "VOIDED"}]})
    assert r.json()["Invoices"][0]["Status"] == "VOIDED"
    assert (
        api.post(f"/Invoices/{inv['InvoiceID']}", json={"Invoices": [{"Reference": "x"}]}).status_code == 400
    )


def test_void_is_refused_while_a_payment_exists(api, customer):
    inv = _authorised(api, customer, line(100))
    assert _pay(api, inv["InvoiceID"], 10).status_code == 200
    assert (
        api.post(f"/Invoices/{inv['InvoiceID']}", json={"Invoices": [{"Status": "VOIDED"}]}).status_code
        == 400
    )


def test_paid_cannot_be_requested_by_a_client(api, customer):
    inv = _authorised(api, customer, line(10))
    assert (
        api.post(f"/Invoices/{inv['InvoiceID']}", json={"Invoices": [{"Status": "PAID"}]}).status_code == 400
    )


def test_full_payment_marks_paid_and_deleting_it_reverts(api, customer):
    inv = _authorised(api, customer, line(100))
    pay = _pay(api, inv["InvoiceID"], 115).json()["Payments"][0]
    got = api.get(f"/Invoices/{inv['InvoiceID']}").json()["Invoices"][0]
    assert (got["Status"], got["AmountDue"], got["AmountPaid"]) == ("PAID", 0.0, 115.0)
    r = api.post(f"/Payments/{pay['PaymentID']}", json={"Status": "DELETED"})
    assert r.status_code == 200 and r.json()["Payments"][0]["Status"] == "DELETED"
    got = api.get(f"/Invoices/{inv['InvoiceID']}").json()["Invoices"][0]
    assert (got["Status"], got["AmountDue"]) == ("AUTHORISED", 115.0)


def test_payment_above_amount_due_is_refused(api, customer):
    inv = _authorised(api, customer, line(10))
    assert _pay(api, inv["InvoiceID"], 11.51).status_code == 400


def test_payment_on_a_draft_is_refused(api, customer):
    inv = api.invoice(customer, [line(10)]).json()["Invoices"][0]
    assert _pay(api, inv["InvoiceID"], 1).status_code == 400


def test_payment_to_a_non_bank_account_is_refused(api, customer):
    inv = _authorised(api, customer, line(10))
    body = {
        "Invoice": {"InvoiceID": inv["InvoiceID"]},
        "Account": {"Code": "200"},
        "Date": "2026-11-02",
        "Amount": 1,
    }
    assert api.put("/Payments", json={"Payments": [body]}).status_code == 400


def test_part_paid_invoice_freezes_its_lines(api, customer):
    inv = _authorised(api, customer, line(100))
    _pay(api, inv["InvoiceID"], 10)
    r = api.post(f"/Invoices/{inv['InvoiceID']}", json={"Invoices": [{"LineItems": [line(50)]}]})
    assert r.status_code == 400


def test_credit_note_allocation_reduces_amount_due(api, customer):
    inv = _authorised(api, customer, line(100))
    body = {
        "Type": "ACCRECCREDIT",
        "Contact": {"ContactID": customer},
        "Status": "AUTHORISED",
        "LineItems": [line(20)],
    }
    credit = api.put("/CreditNotes", json={"CreditNotes": [body]}).json()["CreditNotes"][0]
    assert credit["CreditNoteNumber"].startswith("CN-") and credit["RemainingCredit"] == 23.0
    alloc = {
        "Allocations": [{"Invoice": {"InvoiceID": inv["InvoiceID"]}, "Amount": 23.0, "Date": "2026-11-03"}]
    }
    r = api.put(f"/CreditNotes/{credit['CreditNoteID']}/Allocations", json=alloc)
    assert r.status_code == 200
    got = api.get(f"/Invoices/{inv['InvoiceID']}").json()["Invoices"][0]
    assert (got["AmountCredited"], got["AmountDue"]) == (23.0, 92.0)
    assert api.get(f"/CreditNotes/{credit['CreditNoteID']}").json()["CreditNotes"][0]["Status"] == "PAID"
    aid = r.json()["Allocations"][0]["AllocationID"]
    deleted = api.delete(f"/CreditNotes/{credit['CreditNoteID']}/Allocations/{aid}")
    assert deleted.json()["IsDeleted"] is True
    assert api.get(f"/Invoices/{inv['InvoiceID']}").json()["Invoices"][0]["AmountDue"] == 115.0


def test_allocation_larger_than_remaining_credit_is_refused(api, customer):
    inv = _authorised(api, customer, line(100))
    body = {
        "Type": "ACCRECCREDIT",
        "Contact": {"ContactID": customer},
        "Status": "AUTHORISED",
        "LineItems": [line(10)],
    }
    credit = api.put("/CreditNotes", json={"CreditNotes": [body]}).json()["CreditNotes"][0]
    alloc = {
        "Allocations": [{"Invoice": {"InvoiceID": inv["InvoiceID"]}, "Amount": 50, "Date": "2026-11-03"}]
    }
    assert api.put(f"/CreditNotes/{credit['CreditNoteID']}/Allocations", json=alloc).status_code == 400


def test_unpaged_list_has_empty_line_items_and_paged_list_has_them(api, customer):
    """ACC's example of GET /Invoices shows `LineItems: []` on each summary row."""
    _authorised(api, customer, line(10))
    assert api.get("/Invoices").json()["Invoices"][0]["LineItems"] == []
    assert api.get("/Invoices", params={"page": 1}).json()["Invoices"][0]["LineItems"]


def test_invoice_filters_statuses_and_where(api, customer):
    _authorised(api, customer, line(10))
    api.invoice(customer, [line(5)])
    assert len(api.get("/Invoices", params={"Statuses": "DRAFT"}).json()["Invoices"]) == 1
    where = f'Type=="ACCREC" && Contact.ContactID==guid("{customer}") && Total>20'
    assert [i["Total"] for i in api.get("/Invoices", params={"where": where}).json()["Invoices"]] == []
    assert len(api.get("/Invoices", params={"where": 'Status=="AUTHORISED"'}).json()["Invoices"]) == 1


def _overpayment(api, contact_id, amount, kind="RECEIVE-OVERPAYMENT"):
    body = {
        "Type": kind,
        "Contact": {"ContactID": contact_id},
        "BankAccount": {"Code": "090"},
        "Date": "2026-11-02",
        "LineAmountTypes": "NoTax",
        "LineItems": [{"Description": "Over", "LineAmount": amount}],
    }
    r = api.put("/BankTransactions", json={"BankTransactions": [body]})
    assert r.status_code == 200, r.text
    return r.json()["BankTransactions"][0]


def test_overpayment_bank_transaction_creates_an_overpayment_that_can_be_allocated(api, customer):
    inv = _authorised(api, customer, line(100))
    bt = _overpayment(api, customer, 30)
    over = api.get(f"/Overpayments/{bt['OverpaymentID']}").json()["Overpayments"][0]
    assert (over["Status"], over["RemainingCredit"]) == ("AUTHORISED", 30.0)
    alloc = {
        "Allocations": [{"Invoice": {"InvoiceID": inv["InvoiceID"]}, "Amount": 30, "Date": "2026-11-03"}]
    }
    assert api.put(f"/Overpayments/{bt['OverpaymentID']}/Allocations", json=alloc).status_code == 200
    got = api.get(f"/Invoices/{inv['InvoiceID']}").json()["Invoices"][0]
    assert (got["AmountDue"], got["AmountCredited"]) == (85.0, 30.0)
    assert api.get(f"/Overpayments/{bt['OverpaymentID']}").json()["Overpayments"][0]["Status"] == "PAID"


def test_prepayment_cannot_pay_the_other_side(api, customer):
    bill = api.invoice(customer, [line(10, account="400", tax="INPUT2")], Type="ACCPAY", Status="AUTHORISED")
    body = {
        "Type": "RECEIVE-PREPAYMENT",
        "Contact": {"ContactID": customer},
        "BankAccount": {"Code": "090"},
        "LineAmountTypes": "NoTax",
        "LineItems": [{"Description": "Deposit", "LineAmount": 5, "AccountCode": "200"}],
    }
    bt = api.put("/BankTransactions", json={"BankTransactions": [body]}).json()["BankTransactions"][0]
    alloc = {
        "Allocations": [
            {
                "Invoice": {"InvoiceID": bill.json()["Invoices"][0]["InvoiceID"]},
                "Amount": 5,
                "Date": "2026-11-03",
            }
        ]
    }
    assert api.put(f"/Prepayments/{bt['PrepaymentID']}/Allocations", json=alloc).status_code == 400


def test_plain_bank_transactions_are_refused_as_not_modelled(api, customer):
    body = {
        "Type": "SPEND",
        "Contact": {"ContactID": customer},
        "BankAccount": {"Code": "090"},
        "LineItems": [{"Description": "Fee", "LineAmount": 5, "AccountCode": "429"}],
    }
    r = api.put("/BankTransactions", json={"BankTransactions": [body]})
    assert r.status_code == 400 and "models only overpayment and prepayment" in r.text


def test_organisation_reports_base_currency(api, tenant_a):
    org = api.get("/Organisation").json()["Organisations"][0]
    assert (org["OrganisationID"], org["BaseCurrency"], org["CountryCode"]) == (tenant_a, "NZD", "NZ")


def test_extra_contact_fields_on_an_invoice_update_the_contact(api, customer):
    r = api.invoice(customer, [line(10)], Contact={"ContactID": customer, "Name": "Renamed By Invoice"})
    assert r.json()["Invoices"][0]["Contact"]["Name"] == "Renamed By Invoice"
    assert api.get(f"/Contacts/{customer}").json()["Contacts"][0]["Name"] == "Renamed By Invoice"


def test_contact_ref_echoed_unchanged_does_not_touch_the_contact(api, customer, clock):
    before = api.get(f"/Contacts/{customer}").json()["Contacts"][0]["UpdatedDateUTC"]
    inv = api.invoice(customer, [line(10)]).json()["Invoices"][0]
    clock.advance(5)
    api.invoice(customer, [line(10)], Contact=inv["Contact"])
    assert api.get(f"/Contacts/{customer}").json()["Contacts"][0]["UpdatedDateUTC"] == before


def test_documents_on_or_before_the_lock_date_are_refused(make_sandbox):
    from datetime import date

    from sandboxes.xero import Tenant

    from .helpers import Api

    tenant = Tenant("6f1c0a6e-0000-4000-8000-00000000000a", "Locked Ltd", period_lock_date=date(2026, 10, 31))
    sb = make_sandbox(tenants=[tenant])
    api = Api(sb, sb.token_for(), tenant.tenant_id)
    customer = api.contact("Customer")["ContactID"]
    assert api.invoice(customer, [line(10)], Date="2026-10-31").status_code == 400
    inv = api.invoice(customer, [line(10)], Date="2026-11-01", Status="AUTHORISED").json()["Invoices"][0]
    body = {
        "Invoice": {"InvoiceID": inv["InvoiceID"]},
        "Account": {"Code": "090"},
        "Date": "2026-10-15",
        "Amount": 1,
    }
    assert api.put("/Payments", json={"Payments": [body]}).status_code == 400
    assert "PeriodLockDate" in api.get("/Organisation").json()["Organisations"][0]


def test_item_code_fills_account_price_and_tax_from_the_item(api, customer):
    item = {
        "Code": "W1",
        "Name": "Widget",
        "Description": "A widget",
        "SalesDetails": {"UnitPrice": 20, "AccountCode": "260", "TaxType": "OUTPUT2"},
        "PurchaseDetails": {"UnitPrice": 8, "AccountCode": "310", "TaxType": "INPUT2"},
    }
    assert api.put("/Items", json={"Items": [item]}).status_code == 200
    sale = _authorised(api, customer, {"ItemCode": "W1", "Quantity": 2})
    assert (sale["LineItems"][0]["AccountCode"], sale["LineItems"][0]["LineAmount"], sale["Total"]) == (
        "260",
        40.0,
        46.0,
    )
    bill = api.invoice(customer, [{"ItemCode": "W1", "Quantity": 1}], Type="ACCPAY", Status="AUTHORISED")
    assert bill.json()["Invoices"][0]["LineItems"][0]["AccountCode"] == "310"


def test_a_line_with_an_item_names_it_by_id_and_code(api, customer):
    """Xero's release notes of 9 July 2021; the answer quoted in XeroAPI/Xero-Java#305."""
    item = {"Code": "W2", "Name": "Gadget", "SalesDetails": {"UnitPrice": 5, "AccountCode": "200"}}
    made = api.put("/Items", json={"Items": [item]}).json()["Items"][0]
    sale = _authorised(api, customer, {"ItemCode": "W2", "Quantity": 1})
    listed = api.get("/Invoices", params={"page": 1}).json()["Invoices"]
    for doc in (sale, next(d for d in listed if d["InvoiceID"] == sale["InvoiceID"])):
        assert doc["LineItems"][0]["Item"] == {"ItemID": made["ItemID"], "Code": "W2"}


def test_batch_of_50_with_one_invalid_gives_49_ok_and_1_error(api, customer):
    bodies = [
        {
            "Type": "ACCREC",
            "Contact": {"ContactID": customer},
            "DueDate": "2026-12-01",
            "Reference": f"odoo-{i}",
            "LineItems": [line(10, account="999" if i == 17 else "200")],
        }
        for i in range(50)
    ]
    r = api.put("/Invoices?summarizeErrors=false", json={"Invoices": bodies})
    assert r.status_code == 200
    results = r.json()["Invoices"]
    assert [x["StatusAttributeString"] for x in results].count("OK") == 49
    bad = results[17]
    assert (
        bad["StatusAttributeString"] == "ERROR" and bad["Reference"] == "odoo-17" and bad["HasErrors"] is True
    )
    assert len(api.get("/Invoices").json()["Invoices"]) == 49


def test_credit_note_cash_refund_uses_up_remaining_credit(api, customer):
    body = {
        "Type": "ACCRECCREDIT",
        "Contact": {"ContactID": customer},
        "Status": "AUTHORISED",
        "LineItems": [line(10)],
    }
    credit = api.put("/CreditNotes", json={"CreditNotes": [body]}).json()["CreditNotes"][0]
    pay = {
        "CreditNote": {"CreditNoteID": credit["CreditNoteID"]},
        "Account": {"Code": "090"},
        "Date": "2026-11-05",
        "Amount": 11.5,
    }
    r = api.put("/Payments", json={"Payments": [pay]})
    assert r.json()["Payments"][0]["PaymentType"] == "ARCREDITPAYMENT"
    got = api.get(f"/CreditNotes/{credit['CreditNoteID']}").json()["CreditNotes"][0]
    assert (got["Status"], got["RemainingCredit"]) == ("PAID", 0.0)


def test_get_with_unitdp_4_shows_four_decimals_and_without_it_two(api, customer):
    body = {"Type": "ACCREC", "Contact": {"ContactID": customer}, "LineItems": [line(1.2345)]}
    inv = api.put("/Invoices?unitdp=4", json={"Invoices": [body]}).json()["Invoices"][0]
    assert (
        api.get(f"/Invoices/{inv['InvoiceID']}", params={"unitdp": 4}).json()["Invoices"][0]["LineItems"][0][
            "UnitAmount"
        ]
        == 1.2345
    )
    assert (
        api.get(f"/Invoices/{inv['InvoiceID']}").json()["Invoices"][0]["LineItems"][0]["UnitAmount"] == 1.23
    )


def test_where_on_dates_and_order_by_updated_date(api, customer, clock):
    api.invoice(customer, [line(10)], Date="2026-10-15", Reference="october")
    clock.advance(5)
    api.invoice(customer, [line(10)], Date="2026-11-15", Reference="november")
    rows = api.get("/Invoices", params={"where": "Date >= DateTime(2026, 11, 01)"}).json()["Invoices"]
    assert [r["Reference"] for r in rows] == ["november"]
    rows = api.get("/Invoices", params={"order": "UpdatedDateUTC DESC"}).json()["Invoices"]
    assert [r["Reference"] for r in rows] == ["november", "october"]


def test_status_change_without_lines_keeps_four_decimal_unit_amounts(api, customer):
    body = {
        "Type": "ACCREC",
        "Contact": {"ContactID": customer},
        "DueDate": "2026-12-01",
        "LineItems": [line(1.2345, qty=10)],
    }
    inv = api.put("/Invoices?unitdp=4", json={"Invoices": [body]}).json()["Invoices"][0]
    r = api.post(f"/Invoices/{inv['InvoiceID']}", json={"Invoices": [{"Status": "AUTHORISED"}]})
    assert r.status_code == 200, r.text
    assert (r.json()["Invoices"][0]["Total"], r.json()["Invoices"][0]["Status"]) == (
        inv["Total"],
        "AUTHORISED",
    )


def test_approving_a_draft_without_account_codes_is_refused(api, customer):
    inv = api.invoice(customer, [{"Description": "No account", "Quantity": 1, "UnitAmount": 5}]).json()[
        "Invoices"
    ][0]
    assert inv["Status"] == "DRAFT"
    assert (
        api.post(f"/Invoices/{inv['InvoiceID']}", json={"Invoices": [{"Status": "AUTHORISED"}]}).status_code
        == 400
    )


def test_switching_to_inclusive_reprices_the_stored_lines(api, customer):
    inv = api.invoice(customer, [line(115)]).json()["Invoices"][0]
    r = api.post(f"/Invoices/{inv['InvoiceID']}", json={"Invoices": [{"LineAmountTypes": "Inclusive"}]})
    assert (r.json()["Invoices"][0]["TotalTax"], r.json()["Invoices"][0]["Total"]) == (15.0, 115.0)
