"""Status machines (xero-facts §8 "Invoice/bill and credit-note lifecycle", Quotes, Purchase orders,
Manual journals). Each maps a current status (None: a new document) to the statuses a client may request."""

from __future__ import annotations

INVOICE = {
    None: {"DRAFT", "SUBMITTED", "AUTHORISED"},
    "DRAFT": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
    "SUBMITTED": {"SUBMITTED", "DRAFT", "AUTHORISED", "DELETED"},
    "AUTHORISED": {"AUTHORISED", "VOIDED"},  # VOIDED only without payments/allocations (checked apart)
    "PAID": {"PAID"},
    "VOIDED": set(),
    "DELETED": set(),
}
# ⚠ xero-facts marks the quote table as to be checked; this follows DRAFT→SENT→ACCEPTED/DECLINED→INVOICED.
QUOTE = {
    None: {"DRAFT", "SENT"},
    "DRAFT": {"DRAFT", "SENT", "DELETED"},
    "SENT": {"SENT", "DRAFT", "ACCEPTED", "DECLINED", "DELETED"},
    "ACCEPTED": {"ACCEPTED", "SENT", "INVOICED"},
    "DECLINED": {"DECLINED", "SENT"},
    "INVOICED": {"INVOICED"},
    "DELETED": set(),
}
# ⚠ which states allow DELETED is unverified (xero-facts §8); here DRAFT/SUBMITTED/AUTHORISED.
PURCHASE_ORDER = {
    None: {"DRAFT", "SUBMITTED", "AUTHORISED"},
    "DRAFT": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
    "SUBMITTED": {"SUBMITTED", "DRAFT", "AUTHORISED", "DELETED"},
    "AUTHORISED": {"AUTHORISED", "BILLED", "DELETED"},
    "BILLED": {"BILLED", "AUTHORISED"},
    "DELETED": set(),
}
# ⚠ DRAFT→POSTED; DELETED from DRAFT; VOIDED from POSTED (xero-facts §8).
MANUAL_JOURNAL = {
    None: {"DRAFT", "POSTED"},
    "DRAFT": {"DRAFT", "POSTED", "DELETED"},
    "POSTED": {"POSTED", "VOIDED"},
    "VOIDED": set(),
    "DELETED": set(),
    "ARCHIVED": set(),
}


def transition_error(
    machine: dict[str | None, set[str]], current: str | None, wanted: str, noun: str
) -> str | None:
    """None when allowed, else Xero-style message."""
    allowed = machine.get(current, set())
    if wanted in allowed:
        return None
    if current is None:
        return f"A {noun} cannot be created with status {wanted}."
    if not allowed:
        return f"This {noun} cannot be changed because its status is {current}."
    return f"A {noun} with status {current} cannot be changed to {wanted}."
