"""xero-python against the sandbox: invoices, credit notes, quotes, purchase orders, manual journals,
attachments (upload, list, download) and history notes — each call succeeds and deserializes into the
SDK's models, money as Decimal (xero-facts §5 "unitdp", §8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from xero_python.accounting import (
    Address,
    Contact,
    CreditNote,
    CreditNotes,
    CurrencyCode,
    HistoryRecord,
    HistoryRecords,
    Invoice,
    Invoices,
    Item,
    Items,
    LineAmountTypes,
    LineItemTracking,
    ManualJournal,
    ManualJournalLine,
    ManualJournals,
    Phone,
    PurchaseOrder,
    PurchaseOrders,
    Quote,
    QuoteLineAmountTypes,
    Quotes,
    QuoteStatusCodes,
)

from .sdk_support import (  # noqa: F401  (fixtures)
    DUE_DATE,
    INVOICE_DATE,
    Sdk,
    line,
    sdk_fixture,
    sdk_sandbox_fixture,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# -- invoices -------------------------------------------------------------------------------------------
def test_invoice_is_created_with_totals_as_decimals_and_dates_as_dates(sdk: Sdk) -> None:
    contact = sdk.contact("Ridgeway")

    invoice = sdk.invoice(contact, [line(10, quantity=3), line(19.99, quantity=1)])

    assert invoice.invoice_id and invoice.invoice_number.startswith("INV-")
    assert invoice.status == "AUTHORISED"
    assert invoice.sub_total == Decimal("49.99")
    assert invoice.total_tax == Decimal("7.50")  # 4.50 + 3.00 (2.9985 rounded per line)
    assert invoice.total == Decimal("57.49")
    assert isinstance(invoice.total, Decimal)
    assert invoice.amount_due == Decimal("57.49") and invoice.amount_paid == Decimal("0")
    assert (invoice.date, invoice.due_date) == (INVOICE_DATE, DUE_DATE)
    assert invoice.contact.contact_id == contact.contact_id
    assert [li.line_amount for li in invoice.line_items] == [Decimal("30"), Decimal("19.99")]
    assert invoice.currency_code == CurrencyCode.NZD


def test_invoice_is_read_by_id_and_listed_by_number(sdk: Sdk) -> None:
    """The spec declares /Invoices/{InvoiceID} as a UUID; numbers are looked up with InvoiceNumbers=."""
    created = sdk.invoice(sdk.contact())
    sdk.invoice(sdk.contact())

    by_id = sdk.accounting.get_invoice(sdk.tenant_id, created.invoice_id).invoices[0]
    (by_number,) = sdk.accounting.get_invoices(
        sdk.tenant_id, invoice_numbers=[created.invoice_number]
    ).invoices

    assert by_id.invoice_id == by_number.invoice_id == created.invoice_id
    assert by_id.total == Decimal("115")
    assert by_id.line_items[0].tax_amount == Decimal("15")


def test_invoice_read_by_id_embeds_the_full_contact(sdk: Sdk) -> None:
    """As the spec's example answer of getInvoice shows: Addresses, Phones and ContactGroups inside
    Contact (xero_accounting.yaml, GET /Invoices/{InvoiceID} example)."""
    contact = sdk.contact(
        addresses=[Address(address_type="POBOX", address_line1="PO Box 9", city="Anytown")],
        phones=[Phone(phone_type="DEFAULT", phone_number="222-2222")],
    )
    created = sdk.invoice(contact)

    read = sdk.accounting.get_invoice(sdk.tenant_id, created.invoice_id).invoices[0]

    assert read.contact.name == contact.name
    assert [a.city for a in read.contact.addresses] == ["Anytown"]
    assert [p.phone_number for p in read.contact.phones] == ["222-2222"]
    assert read.contact.contact_groups == []


def test_invoice_lines_keep_their_tracking(sdk: Sdk) -> None:
    tracked = line(10, tracking=[LineItemTracking(name="Region", option="North")])

    created = sdk.invoice(sdk.contact(), [tracked])
    read = sdk.accounting.get_invoice(sdk.tenant_id, created.invoice_id).invoices[0]

    assert [(t.name, t.option) for t in read.line_items[0].tracking] == [("Region", "North")]


def test_invoice_with_inclusive_amounts_carries_the_tax_inside_the_total(sdk: Sdk) -> None:
    invoice = sdk.invoice(sdk.contact(), [line(115)], line_amount_types=LineAmountTypes.INCLUSIVE)

    assert invoice.line_amount_types == LineAmountTypes.INCLUSIVE
    assert (invoice.sub_total, invoice.total_tax, invoice.total) == (
        Decimal("100"),
        Decimal("15"),
        Decimal("115"),
    )


def test_unit_amounts_keep_four_decimals_with_unitdp_4(sdk: Sdk) -> None:
    contact = Contact(contact_id=sdk.contact().contact_id)
    body = Invoice(
        type="ACCREC", contact=contact, date=INVOICE_DATE, due_date=DUE_DATE, line_items=[line(1.2345, 10)]
    )

    created = sdk.accounting.create_invoices(sdk.tenant_id, Invoices(invoices=[body]), unitdp=4).invoices[0]

    assert created.line_items[0].unit_amount == Decimal("1.2345")
    assert created.line_items[0].line_amount == Decimal("12.35")
    read = sdk.accounting.get_invoice(sdk.tenant_id, created.invoice_id, unitdp=4).invoices[0]
    assert read.line_items[0].unit_amount == Decimal("1.2345")


def test_draft_invoice_is_updated_then_approved(sdk: Sdk) -> None:
    draft = sdk.invoice(sdk.contact(), status="DRAFT", reference="PO 1")

    edited = sdk.accounting.update_invoice(
        sdk.tenant_id,
        draft.invoice_id,
        Invoices(invoices=[Invoice(reference="PO 2", line_items=[line(200)])]),
    ).invoices[0]
    approved = sdk.accounting.update_invoice(
        sdk.tenant_id, draft.invoice_id, Invoices(invoices=[Invoice(status="AUTHORISED")])
    ).invoices[0]

    assert (edited.reference, edited.total) == ("PO 2", Decimal("230"))
    assert approved.status == "AUTHORISED"


def test_bill_is_created_on_the_purchases_side(sdk: Sdk) -> None:
    bill = sdk.invoice(
        sdk.contact("Supplier Co"),
        [line(50, account="429", tax="INPUT2")],
        type="ACCPAY",
        invoice_number="B-77",
    )

    assert (bill.type, bill.invoice_number, bill.total) == ("ACCPAY", "B-77", Decimal("57.5"))


def test_invoices_are_listed_by_status_and_contact(sdk: Sdk) -> None:
    first, second = sdk.contact("Lister One"), sdk.contact("Lister Two")
    draft = sdk.invoice(first, status="DRAFT")
    approved = sdk.invoice(second)

    drafts = sdk.accounting.get_invoices(sdk.tenant_id, statuses=["DRAFT"]).invoices
    of_second = sdk.accounting.get_invoices(sdk.tenant_id, contact_i_ds=[second.contact_id]).invoices

    assert [i.invoice_id for i in drafts] == [draft.invoice_id]
    assert [i.invoice_id for i in of_second] == [approved.invoice_id]


def test_update_or_create_invoices_upserts_by_invoice_number(sdk: Sdk) -> None:
    created = sdk.invoice(sdk.contact(), status="DRAFT", invoice_number="INV-9000")

    result = sdk.accounting.update_or_create_invoices(
        sdk.tenant_id,
        Invoices(invoices=[Invoice(type="ACCREC", invoice_number="INV-9000", reference="upserted")]),
    ).invoices[0]

    assert result.invoice_id == created.invoice_id
    assert result.reference == "upserted"


def test_invoice_is_voided(sdk: Sdk) -> None:
    invoice = sdk.invoice(sdk.contact())

    voided = sdk.accounting.update_invoice(
        sdk.tenant_id, invoice.invoice_id, Invoices(invoices=[Invoice(status="VOIDED")])
    ).invoices[0]

    assert voided.status == "VOIDED"


# -- credit notes ---------------------------------------------------------------------------------------
def test_credit_note_is_created_and_read(sdk: Sdk) -> None:
    contact = sdk.contact()
    body = CreditNote(
        type="ACCRECCREDIT",
        contact=Contact(contact_id=contact.contact_id),
        date=INVOICE_DATE,
        line_items=[line(20)],
        status="AUTHORISED",
    )

    created = sdk.accounting.create_credit_notes(
        sdk.tenant_id, CreditNotes(credit_notes=[body])
    ).credit_notes[0]
    read = sdk.accounting.get_credit_note(sdk.tenant_id, created.credit_note_id).credit_notes[0]

    assert created.credit_note_number.startswith("CN-")
    assert (read.total, read.remaining_credit) == (Decimal("23"), Decimal("23"))
    assert read.date == INVOICE_DATE
    assert [c.credit_note_id for c in sdk.accounting.get_credit_notes(sdk.tenant_id).credit_notes] == [
        created.credit_note_id
    ]


def test_credit_note_is_updated(sdk: Sdk) -> None:
    contact = sdk.contact()
    draft = sdk.accounting.create_credit_notes(
        sdk.tenant_id,
        CreditNotes(
            credit_notes=[
                CreditNote(
                    type="ACCRECCREDIT", contact=Contact(contact_id=contact.contact_id), line_items=[line(5)]
                )
            ]
        ),
    ).credit_notes[0]

    updated = sdk.accounting.update_credit_note(
        sdk.tenant_id,
        draft.credit_note_id,
        CreditNotes(credit_notes=[CreditNote(reference="refund", status="AUTHORISED")]),
    ).credit_notes[0]

    assert (updated.status, updated.reference) == ("AUTHORISED", "refund")


# -- quotes ---------------------------------------------------------------------------------------------
def test_quote_is_created_sent_and_read(sdk: Sdk) -> None:
    contact = sdk.contact()
    body = Quote(
        contact=Contact(contact_id=contact.contact_id),
        date=INVOICE_DATE,
        expiry_date=DUE_DATE,
        line_items=[line(40, quantity=2)],
        title="Fit-out",
        line_amount_types=QuoteLineAmountTypes.EXCLUSIVE,
    )

    created = sdk.accounting.create_quotes(sdk.tenant_id, Quotes(quotes=[body])).quotes[0]
    sent = sdk.accounting.update_quote(
        sdk.tenant_id,
        created.quote_id,
        Quotes(
            quotes=[
                Quote(
                    contact=Contact(contact_id=contact.contact_id),
                    date=INVOICE_DATE,
                    status=QuoteStatusCodes.SENT,
                )
            ]
        ),
    ).quotes[0]
    read = sdk.accounting.get_quote(sdk.tenant_id, created.quote_id).quotes[0]

    assert created.status == QuoteStatusCodes.DRAFT and created.quote_number.startswith("QU-")
    assert created.total == Decimal("92")
    assert created.line_amount_types == QuoteLineAmountTypes.EXCLUSIVE
    assert sent.status == QuoteStatusCodes.SENT
    assert (read.title, read.expiry_date) == ("Fit-out", DUE_DATE)
    assert [q.quote_id for q in sdk.accounting.get_quotes(sdk.tenant_id).quotes] == [created.quote_id]


# -- purchase orders ------------------------------------------------------------------------------------
def test_purchase_order_is_created_read_by_number_and_approved(sdk: Sdk) -> None:
    supplier = sdk.contact("Parts Supplier")
    body = PurchaseOrder(
        contact=Contact(contact_id=supplier.contact_id),
        date=INVOICE_DATE,
        delivery_date=date(2026, 11, 15),
        line_items=[line(12.5, quantity=4, account="310", tax="INPUT2")],
        delivery_instructions="Back door",
    )

    created = sdk.accounting.create_purchase_orders(
        sdk.tenant_id, PurchaseOrders(purchase_orders=[body])
    ).purchase_orders[0]
    by_number = sdk.accounting.get_purchase_order_by_number(sdk.tenant_id, created.purchase_order_number)
    approved = sdk.accounting.update_purchase_order(
        sdk.tenant_id,
        created.purchase_order_id,
        PurchaseOrders(
            purchase_orders=[
                PurchaseOrder(contact=Contact(contact_id=supplier.contact_id), status="AUTHORISED")
            ]
        ),
    ).purchase_orders[0]

    assert created.status == "DRAFT" and created.purchase_order_number.startswith("PO-")
    assert (created.sub_total, created.total_tax, created.total) == (
        Decimal("50"),
        Decimal("7.5"),
        Decimal("57.5"),
    )
    assert created.delivery_date == date(2026, 11, 15)
    assert by_number.purchase_orders[0].purchase_order_id == created.purchase_order_id
    assert approved.status == "AUTHORISED"
    listed = sdk.accounting.get_purchase_orders(sdk.tenant_id, status="AUTHORISED").purchase_orders
    assert [p.purchase_order_id for p in listed] == [created.purchase_order_id]


def test_purchase_order_embeds_the_full_contact_and_line_tracking(sdk: Sdk) -> None:
    """ACC examples of getPurchaseOrder(s): Contact with Addresses/Phones; lines with Tracking."""
    supplier = sdk.contact(
        "Tracked Supplier",
        addresses=[Address(address_type="POBOX", address_line1="PO Box 3", city="Anytown")],
    )
    body = PurchaseOrder(
        contact=Contact(contact_id=supplier.contact_id),
        line_items=[
            line(5, account="310", tax="INPUT2", tracking=[LineItemTracking(name="Region", option="East")])
        ],
    )
    created = sdk.accounting.create_purchase_orders(
        sdk.tenant_id, PurchaseOrders(purchase_orders=[body])
    ).purchase_orders[0]

    read = sdk.accounting.get_purchase_order(sdk.tenant_id, created.purchase_order_id).purchase_orders[0]
    listed = sdk.accounting.get_purchase_orders(sdk.tenant_id).purchase_orders[0]

    assert [a.city for a in read.contact.addresses] == ["Anytown"]
    assert [a.city for a in listed.contact.addresses] == ["Anytown"]
    assert [(t.name, t.option) for t in read.line_items[0].tracking] == [("Region", "East")]


def test_quote_embeds_a_short_contact(sdk: Sdk) -> None:
    """ACC examples of getQuote/createQuotes: ContactID, Name, EmailAddress (and First/LastName)."""
    contact = sdk.contact(
        "Short Contact",
        email_address="buyer@short.example",
        addresses=[Address(address_type="POBOX", address_line1="PO Box 4", city="Anytown")],
    )
    created = sdk.accounting.create_quotes(
        sdk.tenant_id,
        Quotes(
            quotes=[
                Quote(contact=Contact(contact_id=contact.contact_id), date=INVOICE_DATE, line_items=[line(1)])
            ]
        ),
    ).quotes[0]

    read = sdk.accounting.get_quote(sdk.tenant_id, created.quote_id).quotes[0]

    assert (read.contact.name, read.contact.email_address) == ("Short Contact", "buyer@short.example")
    assert read.contact.addresses is None
    assert read.line_items[0].tracking == []


# -- manual journals ------------------------------------------------------------------------------------
def test_manual_journal_is_created_posted_and_read(sdk: Sdk) -> None:
    body = ManualJournal(
        narration="Accrual",
        date=INVOICE_DATE,
        line_amount_types=LineAmountTypes.NOTAX,
        journal_lines=[
            ManualJournalLine(line_amount=100, account_code="429", description="Accrued cost"),
            ManualJournalLine(line_amount=-100, account_code="400", description="Accrued cost"),
        ],
    )

    created = sdk.accounting.create_manual_journals(
        sdk.tenant_id, ManualJournals(manual_journals=[body])
    ).manual_journals[0]
    posted = sdk.accounting.update_manual_journal(
        sdk.tenant_id,
        created.manual_journal_id,
        ManualJournals(manual_journals=[ManualJournal(narration="Accrual", status="POSTED")]),
    ).manual_journals[0]
    read = sdk.accounting.get_manual_journal(sdk.tenant_id, created.manual_journal_id).manual_journals[0]

    assert created.status == "DRAFT"
    assert [jl.line_amount for jl in created.journal_lines] == [Decimal("100"), Decimal("-100")]
    assert posted.status == "POSTED"
    assert (read.narration, read.date) == ("Accrual", INVOICE_DATE)
    assert [
        m.manual_journal_id for m in sdk.accounting.get_manual_journals(sdk.tenant_id).manual_journals
    ] == [created.manual_journal_id]


# -- attachments ----------------------------------------------------------------------------------------
def test_invoice_attachment_is_uploaded_listed_and_downloaded(sdk: Sdk) -> None:
    invoice = sdk.invoice(sdk.contact())

    uploaded = sdk.accounting.create_invoice_attachment_by_file_name(
        sdk.tenant_id, invoice.invoice_id, "receipt.pdf", PDF, include_online=True
    ).attachments[0]
    listed = sdk.accounting.get_invoice_attachments(sdk.tenant_id, invoice.invoice_id).attachments
    by_id = sdk.accounting.get_invoice_attachment_by_id(
        sdk.tenant_id, invoice.invoice_id, uploaded.attachment_id, "application/pdf"
    )
    by_name = sdk.accounting.get_invoice_attachment_by_file_name(
        sdk.tenant_id, invoice.invoice_id, "receipt.pdf", "application/pdf"
    )

    assert (uploaded.file_name, uploaded.content_length, uploaded.include_online) == (
        "receipt.pdf",
        len(PDF),
        True,
    )
    assert uploaded.mime_type == "application/pdf"
    assert [a.attachment_id for a in listed] == [uploaded.attachment_id]
    assert Path(by_id).read_bytes() == PDF
    assert Path(by_name).read_bytes() == PDF
    refreshed = sdk.accounting.get_invoice(sdk.tenant_id, invoice.invoice_id).invoices[0]
    assert refreshed.has_attachments is True


def test_uploading_the_same_file_name_again_replaces_the_file(sdk: Sdk) -> None:
    invoice = sdk.invoice(sdk.contact())
    sdk.accounting.create_invoice_attachment_by_file_name(
        sdk.tenant_id, invoice.invoice_id, "note.txt", b"one"
    )

    sdk.accounting.update_invoice_attachment_by_file_name(
        sdk.tenant_id, invoice.invoice_id, "note.txt", b"two"
    )

    listed = sdk.accounting.get_invoice_attachments(sdk.tenant_id, invoice.invoice_id).attachments
    assert len(listed) == 1
    content = sdk.accounting.get_invoice_attachment_by_id(
        sdk.tenant_id, invoice.invoice_id, listed[0].attachment_id, "text/plain"
    )
    assert Path(content).read_bytes() == b"two"


def test_contact_attachment_is_uploaded_and_listed(sdk: Sdk) -> None:
    contact = sdk.contact()

    uploaded = sdk.accounting.create_contact_attachment_by_file_name(
        sdk.tenant_id, contact.contact_id, "agreement.pdf", PDF
    ).attachments[0]

    listed = sdk.accounting.get_contact_attachments(sdk.tenant_id, contact.contact_id).attachments
    assert [a.file_name for a in listed] == ["agreement.pdf"]
    assert listed[0].attachment_id == uploaded.attachment_id


# -- history --------------------------------------------------------------------------------------------
def test_a_note_is_added_to_an_invoice_history_and_read_back(sdk: Sdk) -> None:
    invoice = sdk.invoice(sdk.contact())

    added = sdk.accounting.create_invoice_history(
        sdk.tenant_id,
        invoice.invoice_id,
        HistoryRecords(history_records=[HistoryRecord(details="Called the customer")]),
    ).history_records[0]
    history = sdk.accounting.get_invoice_history(sdk.tenant_id, invoice.invoice_id).history_records

    assert (added.details, added.changes) == ("Called the customer", "Note")
    assert "Called the customer" in [h.details for h in history]
    assert all(h.date_utc is not None for h in history)


def test_a_note_is_added_to_a_contact_history(sdk: Sdk) -> None:
    contact = sdk.contact()

    sdk.accounting.create_contact_history(
        sdk.tenant_id,
        contact.contact_id,
        HistoryRecords(history_records=[HistoryRecord(details="Prefers email")]),
    )

    history = sdk.accounting.get_contact_history(sdk.tenant_id, contact.contact_id).history_records
    assert "Prefers email" in [h.details for h in history]


def test_notes_are_added_to_quote_and_purchase_order_histories(sdk: Sdk) -> None:
    contact = sdk.contact()
    quote = sdk.accounting.create_quotes(
        sdk.tenant_id,
        Quotes(
            quotes=[
                Quote(contact=Contact(contact_id=contact.contact_id), date=INVOICE_DATE, line_items=[line(1)])
            ]
        ),
    ).quotes[0]
    order = sdk.accounting.create_purchase_orders(
        sdk.tenant_id,
        PurchaseOrders(
            purchase_orders=[
                PurchaseOrder(contact=Contact(contact_id=contact.contact_id), line_items=[line(1)])
            ]
        ),
    ).purchase_orders[0]
    note = HistoryRecords(history_records=[HistoryRecord(details="Checked")])

    sdk.accounting.create_quote_history(sdk.tenant_id, quote.quote_id, note)
    sdk.accounting.create_purchase_order_history(sdk.tenant_id, order.purchase_order_id, note)

    quote_history = sdk.accounting.get_quote_history(sdk.tenant_id, quote.quote_id).history_records
    order_history = sdk.accounting.get_purchase_order_history(
        sdk.tenant_id, order.purchase_order_id
    ).history_records
    assert "Checked" in [h.details for h in quote_history]
    assert "Checked" in [h.details for h in order_history]


def test_notes_are_added_to_item_and_manual_journal_histories(sdk: Sdk) -> None:
    item = sdk.accounting.create_items(sdk.tenant_id, Items(items=[Item(code="NOTED", name="Noted")])).items[
        0
    ]
    journal = sdk.accounting.create_manual_journals(
        sdk.tenant_id,
        ManualJournals(
            manual_journals=[
                ManualJournal(
                    narration="Noted journal",
                    journal_lines=[
                        ManualJournalLine(line_amount=10, account_code="429"),
                        ManualJournalLine(line_amount=-10, account_code="400"),
                    ],
                )
            ]
        ),
    ).manual_journals[0]
    note = HistoryRecords(history_records=[HistoryRecord(details="Reviewed")])

    sdk.accounting.create_item_history(sdk.tenant_id, item.item_id, note)
    sdk.accounting.create_manual_journal_history_record(sdk.tenant_id, journal.manual_journal_id, note)

    item_history = sdk.accounting.get_item_history(sdk.tenant_id, item.item_id).history_records
    journal_history = sdk.accounting.get_manual_journals_history(sdk.tenant_id, journal.manual_journal_id)
    assert [h.details for h in item_history] == ["Reviewed"]
    assert [h.details for h in journal_history.history_records] == ["Reviewed"]
