"""xero-python against the sandbox: payments (create, read, delete), overpayments and prepayments (through
bank transactions), and allocations of credit notes, overpayments and prepayments to invoices
(xero-facts §8 "Payments, refunds, allocations")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from xero_python.accounting import (
    Account,
    Allocation,
    Allocations,
    BankTransaction,
    BankTransactions,
    Contact,
    CreditNote,
    CreditNotes,
    HistoryRecord,
    HistoryRecords,
    Invoice,
    LineAmountTypes,
    LineItem,
    Payment,
    PaymentDelete,
    Payments,
)
from xero_python.exceptions import AccountingBadRequestException

from .sdk_support import Sdk, line, sdk_fixture, sdk_sandbox_fixture  # noqa: F401  (fixtures)

PAID_ON = date(2026, 11, 10)


def pay(invoice: Invoice, amount: float, **fields: object) -> Payment:
    return Payment(
        invoice=Invoice(invoice_id=invoice.invoice_id),
        account=Account(code="090"),
        date=PAID_ON,
        amount=amount,
        **fields,
    )


def credit(sdk: Sdk, kind: str, contact: Contact, amount: float) -> BankTransaction:
    """An overpayment or prepayment (RECEIVE-OVERPAYMENT / RECEIVE-PREPAYMENT) received into bank 090."""
    lines = [LineItem(description="Received in advance", line_amount=amount)]
    if kind == "RECEIVE-PREPAYMENT":
        lines = [LineItem(description="Deposit", line_amount=amount, account_code="200", tax_type="NONE")]
    body = BankTransaction(
        type=kind,
        contact=Contact(contact_id=contact.contact_id),
        bank_account=Account(code="090"),
        date=PAID_ON,
        line_items=lines,
        line_amount_types=LineAmountTypes.NOTAX,
    )
    return sdk.accounting.create_bank_transactions(
        sdk.tenant_id, BankTransactions(bank_transactions=[body])
    ).bank_transactions[0]


# -- payments -------------------------------------------------------------------------------------------
def test_a_part_payment_lowers_the_amount_due(sdk: Sdk) -> None:
    invoice = sdk.invoice(sdk.contact())

    payment = sdk.accounting.create_payments(
        sdk.tenant_id, Payments(payments=[pay(invoice, 40, reference="Part")])
    ).payments[0]

    assert payment.payment_id and payment.amount == Decimal("40")
    assert payment.status == "AUTHORISED" and payment.payment_type == "ACCRECPAYMENT"
    assert payment.date == PAID_ON
    assert payment.invoice.invoice_id == invoice.invoice_id
    after = sdk.accounting.get_invoice(sdk.tenant_id, invoice.invoice_id).invoices[0]
    assert (after.amount_paid, after.amount_due, after.status) == (Decimal("40"), Decimal("75"), "AUTHORISED")
    assert [p.payment_id for p in after.payments] == [payment.payment_id]


def test_paying_the_amount_due_marks_the_invoice_paid(sdk: Sdk) -> None:
    invoice = sdk.invoice(sdk.contact())

    sdk.accounting.create_payment(sdk.tenant_id, pay(invoice, 115))

    after = sdk.accounting.get_invoice(sdk.tenant_id, invoice.invoice_id).invoices[0]
    assert (after.status, after.amount_due) == ("PAID", Decimal("0"))
    assert after.fully_paid_on_date is not None


def test_a_payment_over_the_amount_due_is_refused_with_xeros_message(sdk: Sdk) -> None:
    """Message as in the spec's example answer of createPayment (xero_accounting.yaml)."""
    invoice = sdk.invoice(sdk.contact())

    with pytest.raises(AccountingBadRequestException) as refused:
        sdk.accounting.create_payments(sdk.tenant_id, Payments(payments=[pay(invoice, 115.01)]))

    assert refused.value.reason == "Payment amount exceeds the amount outstanding on this document"
    assert sdk.accounting.get_invoice(sdk.tenant_id, invoice.invoice_id).invoices[0].amount_due == Decimal(
        "115"
    )


def test_payment_is_read_and_listed(sdk: Sdk) -> None:
    invoice = sdk.invoice(sdk.contact())
    created = sdk.accounting.create_payments(sdk.tenant_id, Payments(payments=[pay(invoice, 15)])).payments[0]

    read = sdk.accounting.get_payment(sdk.tenant_id, created.payment_id).payments[0]
    listed = sdk.accounting.get_payments(sdk.tenant_id).payments

    assert (read.amount, read.account.code) == (Decimal("15"), "090")
    assert [p.payment_id for p in listed] == [created.payment_id]


def test_deleting_a_payment_reopens_the_invoice(sdk: Sdk) -> None:
    invoice = sdk.invoice(sdk.contact())
    payment = sdk.accounting.create_payments(sdk.tenant_id, Payments(payments=[pay(invoice, 115)])).payments[
        0
    ]

    deleted = sdk.accounting.delete_payment(
        sdk.tenant_id, payment.payment_id, PaymentDelete(status="DELETED")
    ).payments[0]

    assert deleted.status == "DELETED"
    after = sdk.accounting.get_invoice(sdk.tenant_id, invoice.invoice_id).invoices[0]
    assert (after.status, after.amount_due) == ("AUTHORISED", Decimal("115"))


def test_a_bill_is_paid_with_an_accpay_payment(sdk: Sdk) -> None:
    bill = sdk.invoice(sdk.contact("Supplier"), [line(10, account="429", tax="INPUT2")], type="ACCPAY")

    payment = sdk.accounting.create_payments(sdk.tenant_id, Payments(payments=[pay(bill, 11.5)])).payments[0]

    assert payment.payment_type == "ACCPAYPAYMENT"
    assert sdk.accounting.get_invoice(sdk.tenant_id, bill.invoice_id).invoices[0].status == "PAID"


def test_a_note_is_added_to_a_payment_history(sdk: Sdk) -> None:
    invoice = sdk.invoice(sdk.contact())
    payment = sdk.accounting.create_payments(sdk.tenant_id, Payments(payments=[pay(invoice, 5)])).payments[0]

    sdk.accounting.create_payment_history(
        sdk.tenant_id, payment.payment_id, HistoryRecords(history_records=[HistoryRecord(details="Cash")])
    )

    history = sdk.accounting.get_payment_history(sdk.tenant_id, payment.payment_id).history_records
    assert [h.details for h in history] == ["Cash"]


# -- credit note allocations ----------------------------------------------------------------------------
def test_a_credit_note_is_allocated_to_an_invoice_and_the_allocation_deleted(sdk: Sdk) -> None:
    contact = sdk.contact()
    invoice = sdk.invoice(contact)
    note = sdk.accounting.create_credit_notes(
        sdk.tenant_id,
        CreditNotes(
            credit_notes=[
                CreditNote(
                    type="ACCRECCREDIT",
                    contact=Contact(contact_id=contact.contact_id),
                    date=PAID_ON,
                    line_items=[line(20)],
                    status="AUTHORISED",
                )
            ]
        ),
    ).credit_notes[0]

    allocation = sdk.accounting.create_credit_note_allocation(
        sdk.tenant_id,
        note.credit_note_id,
        Allocations(
            allocations=[Allocation(invoice=Invoice(invoice_id=invoice.invoice_id), amount=23, date=PAID_ON)]
        ),
    ).allocations[0]

    assert allocation.amount == Decimal("23") and allocation.invoice.invoice_id == invoice.invoice_id
    after = sdk.accounting.get_invoice(sdk.tenant_id, invoice.invoice_id).invoices[0]
    assert (after.amount_credited, after.amount_due) == (Decimal("23"), Decimal("92"))
    used = sdk.accounting.get_credit_note(sdk.tenant_id, note.credit_note_id).credit_notes[0]
    assert used.status == "PAID" and used.remaining_credit == Decimal("0")

    deleted = sdk.accounting.delete_credit_note_allocations(
        sdk.tenant_id, note.credit_note_id, allocation.allocation_id
    )

    assert deleted.is_deleted is True
    assert sdk.accounting.get_invoice(sdk.tenant_id, invoice.invoice_id).invoices[0].amount_due == Decimal(
        "115"
    )


# -- overpayments and prepayments -----------------------------------------------------------------------
def test_an_overpayment_is_received_read_and_allocated(sdk: Sdk) -> None:
    contact = sdk.contact()
    invoice = sdk.invoice(contact)

    received = credit(sdk, "RECEIVE-OVERPAYMENT", contact, 50)
    overpayment = sdk.accounting.get_overpayment(sdk.tenant_id, received.overpayment_id).overpayments[0]
    allocation = sdk.accounting.create_overpayment_allocations(
        sdk.tenant_id,
        overpayment.overpayment_id,
        Allocations(
            allocations=[Allocation(invoice=Invoice(invoice_id=invoice.invoice_id), amount=30, date=PAID_ON)]
        ),
    ).allocations[0]

    assert received.type == "RECEIVE-OVERPAYMENT" and received.total == Decimal("50")
    assert (overpayment.total, overpayment.remaining_credit) == (Decimal("50"), Decimal("50"))
    assert allocation.amount == Decimal("30")
    after = sdk.accounting.get_overpayment(sdk.tenant_id, overpayment.overpayment_id).overpayments[0]
    assert after.remaining_credit == Decimal("20")
    assert [a.amount for a in after.allocations] == [Decimal("30")]
    assert sdk.accounting.get_invoice(sdk.tenant_id, invoice.invoice_id).invoices[0].amount_due == Decimal(
        "85"
    )
    listed = sdk.accounting.get_overpayments(sdk.tenant_id).overpayments
    assert [o.overpayment_id for o in listed] == [overpayment.overpayment_id]


def test_an_overpayment_allocation_is_deleted(sdk: Sdk) -> None:
    contact = sdk.contact()
    invoice = sdk.invoice(contact)
    received = credit(sdk, "RECEIVE-OVERPAYMENT", contact, 50)
    allocation = sdk.accounting.create_overpayment_allocations(
        sdk.tenant_id,
        received.overpayment_id,
        Allocations(
            allocations=[Allocation(invoice=Invoice(invoice_id=invoice.invoice_id), amount=50, date=PAID_ON)]
        ),
    ).allocations[0]

    deleted = sdk.accounting.delete_overpayment_allocations(
        sdk.tenant_id, received.overpayment_id, allocation.allocation_id
    )

    assert deleted.is_deleted is True
    after = sdk.accounting.get_overpayment(sdk.tenant_id, received.overpayment_id).overpayments[0]
    assert after.remaining_credit == Decimal("50")


def test_a_prepayment_is_received_and_allocated(sdk: Sdk) -> None:
    contact = sdk.contact()
    invoice = sdk.invoice(contact)

    received = credit(sdk, "RECEIVE-PREPAYMENT", contact, 100)
    allocation = sdk.accounting.create_prepayment_allocations(
        sdk.tenant_id,
        received.prepayment_id,
        Allocations(
            allocations=[Allocation(invoice=Invoice(invoice_id=invoice.invoice_id), amount=100, date=PAID_ON)]
        ),
    ).allocations[0]

    assert allocation.amount == Decimal("100")
    prepayment = sdk.accounting.get_prepayment(sdk.tenant_id, received.prepayment_id).prepayments[0]
    assert (prepayment.total, prepayment.remaining_credit, prepayment.status) == (
        Decimal("100"),
        Decimal("0"),
        "PAID",
    )
    assert sdk.accounting.get_invoice(sdk.tenant_id, invoice.invoice_id).invoices[0].amount_due == Decimal(
        "15"
    )
    listed = sdk.accounting.get_prepayments(sdk.tenant_id).prepayments
    assert [p.prepayment_id for p in listed] == [received.prepayment_id]

    sdk.accounting.delete_prepayment_allocations(
        sdk.tenant_id, received.prepayment_id, allocation.allocation_id
    )
    assert sdk.accounting.get_invoice(sdk.tenant_id, invoice.invoice_id).invoices[0].amount_due == Decimal(
        "115"
    )


def test_bank_transactions_of_overpayments_are_read(sdk: Sdk) -> None:
    received = credit(sdk, "RECEIVE-OVERPAYMENT", sdk.contact(), 25)

    read = sdk.accounting.get_bank_transaction(sdk.tenant_id, received.bank_transaction_id).bank_transactions[
        0
    ]

    assert (read.type, read.total, read.bank_account.code) == ("RECEIVE-OVERPAYMENT", Decimal("25"), "090")
    assert read.date == PAID_ON
    listed = sdk.accounting.get_bank_transactions(sdk.tenant_id).bank_transactions
    assert [b.bank_transaction_id for b in listed] == [received.bank_transaction_id]


def test_notes_are_added_to_overpayment_and_prepayment_histories(sdk: Sdk) -> None:
    contact = sdk.contact()
    over = credit(sdk, "RECEIVE-OVERPAYMENT", contact, 5)
    pre = credit(sdk, "RECEIVE-PREPAYMENT", contact, 5)
    note = HistoryRecords(history_records=[HistoryRecord(details="Refund asked")])

    sdk.accounting.create_overpayment_history(sdk.tenant_id, over.overpayment_id, note)
    sdk.accounting.create_prepayment_history(sdk.tenant_id, pre.prepayment_id, note)

    over_history = sdk.accounting.get_overpayment_history(sdk.tenant_id, over.overpayment_id).history_records
    pre_history = sdk.accounting.get_prepayment_history(sdk.tenant_id, pre.prepayment_id).history_records
    assert [h.details for h in over_history] == ["Refund asked"]
    assert [h.details for h in pre_history] == ["Refund asked"]
