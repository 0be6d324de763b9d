"""Webhooks (xero-facts §1): intent to receive, signed batches in Xero's shape, redelivery, disabling."""

from __future__ import annotations

import json
import re

from sandboxes.xero import sign

from .helpers import line

EVENT_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$")


def test_intent_to_receive_passes_for_a_correct_target(sb, make_receiver):
    rec = make_receiver(sb.credentials.webhook_key)
    sub = sb.add_webhook_subscription(rec.url)
    assert sub.status == "OK", sub.itr_errors
    itr = [json.loads(raw) for raw, _ in rec.raw]
    assert len(itr) >= 2
    assert all(p["events"] == [] and p["firstEventSequence"] == 0 == p["lastEventSequence"] for p in itr)
    assert all(p["entropy"] for p in itr)
    valid = [sig == sign(raw, sb.credentials.webhook_key) for raw, sig in rec.raw]
    assert True in valid and False in valid  # some requests carry a wrong signature


def test_intent_to_receive_fails_for_a_target_that_accepts_bad_signatures(sb, make_receiver):
    rec = make_receiver(sb.credentials.webhook_key, accept_all=True)
    sub = sb.add_webhook_subscription(rec.url)
    assert sub.status == "ITR_FAILED" and any("invalid signature" in e for e in sub.itr_errors)


def test_intent_to_receive_fails_when_the_body_is_not_empty(sb, make_receiver):
    rec = make_receiver(sb.credentials.webhook_key, body=b"ok")
    assert sb.add_webhook_subscription(rec.url).status == "ITR_FAILED"


def test_intent_to_receive_fails_with_the_wrong_key(sb, make_receiver):
    rec = make_receiver("another-key")
    assert sb.add_webhook_subscription(rec.url).status == "ITR_FAILED"


def test_failed_subscription_receives_no_events(sb, api, make_receiver):
    rec = make_receiver(sb.credentials.webhook_key, accept_all=True)
    sb.add_webhook_subscription(rec.url)
    api.contact("Nobody Hears")
    assert sb.wait_for_webhooks()
    assert rec.events() == []


def test_contact_create_is_delivered_as_a_signed_batch_in_xero_shape(sb, api, make_receiver, tenant_a):
    rec = make_receiver(sb.credentials.webhook_key)
    sb.add_webhook_subscription(rec.url)
    contact = api.contact("Hooked")
    assert sb.wait_for_webhooks()
    [payload] = rec.received
    assert set(payload) == {"events", "firstEventSequence", "lastEventSequence", "entropy"}
    assert (payload["firstEventSequence"], payload["lastEventSequence"]) == (1, 1)
    [event] = payload["events"]
    assert event["eventCategory"] == "CONTACT" and event["eventType"] == "CREATE"
    assert event["resourceId"] == contact["ContactID"] and event["tenantId"] == tenant_a
    assert event["tenantType"] == "ORGANISATION"
    assert event["resourceUrl"] == f"{sb.api_url}/Contacts/{contact['ContactID']}"
    assert EVENT_DATE.match(event["eventDateUtc"])
    assert "data" not in event


def test_update_and_archive_arrive_as_update_events(sb, api, make_receiver):
    rec = make_receiver(sb.credentials.webhook_key)
    sb.add_webhook_subscription(rec.url)
    contact = api.contact("Changing")
    api.post(f"/Contacts/{contact['ContactID']}", json={"Contacts": [{"ContactStatus": "ARCHIVED"}]})
    assert sb.wait_for_webhooks()
    assert [e["eventType"] for e in rec.events()] == ["CREATE", "UPDATE"]


def test_one_batch_for_several_changes_with_sequence_numbers(sb, api, make_receiver):
    rec = make_receiver(sb.credentials.webhook_key)
    sb.add_webhook_subscription(rec.url)
    api.put("/Contacts", json={"Contacts": [{"Name": "A"}, {"Name": "B"}]})
    assert sb.wait_for_webhooks()
    assert len(rec.received) == 1
    assert (rec.received[0]["firstEventSequence"], rec.received[0]["lastEventSequence"]) == (1, 2)


def test_invoice_and_payment_changes_give_invoice_events(sb, api, make_receiver):
    rec = make_receiver(sb.credentials.webhook_key)
    customer = api.contact("Customer")["ContactID"]
    sb.add_webhook_subscription(rec.url)
    inv = api.invoice(customer, [line(10)], Status="AUTHORISED").json()["Invoices"][0]
    pay = {
        "Invoice": {"InvoiceID": inv["InvoiceID"]},
        "Account": {"Code": "090"},
        "Date": "2026-11-02",
        "Amount": 1,
    }
    api.put("/Payments", json={"Payments": [pay]})
    assert sb.wait_for_webhooks()
    assert [(e["eventCategory"], e["eventType"]) for e in rec.events()] == [
        ("INVOICE", "CREATE"),
        ("INVOICE", "UPDATE"),
    ]


def test_credit_note_events_carry_type_and_status(sb, api, make_receiver):
    rec = make_receiver(sb.credentials.webhook_key)
    customer = api.contact("Customer")["ContactID"]
    sb.add_webhook_subscription(rec.url)
    body = {
        "Type": "ACCRECCREDIT",
        "Contact": {"ContactID": customer},
        "Status": "AUTHORISED",
        "LineItems": [line(5)],
    }
    api.put("/CreditNotes", json={"CreditNotes": [body]})
    assert sb.wait_for_webhooks()
    [event] = rec.events()
    assert event["eventCategory"] == "CREDITNOTE"
    assert event["data"] == {"Type": "ACCRECCREDIT", "Status": "AUTHORISED"}


def test_no_events_for_entities_without_webhooks(sb, api, make_receiver):
    rec = make_receiver(sb.credentials.webhook_key)
    sb.add_webhook_subscription(rec.url)
    api.put("/ContactGroups", json={"ContactGroups": [{"Name": "G"}]})
    api.put("/Items", json={"Items": [{"Code": "I1"}]})
    assert sb.wait_for_webhooks()
    assert rec.events() == []


def test_failed_delivery_is_retried_with_backoff_on_the_sandbox_clock(sb, api, make_receiver, clock):
    rec = make_receiver(sb.credentials.webhook_key)
    sub = sb.add_webhook_subscription(rec.url)
    rec.fail_with = 500
    api.contact("Retry Me")
    assert sb.wait_for_webhooks() is False
    assert sub.status == "RETRY"
    rec.fail_with = None
    assert sb.wait_for_webhooks() is False  # not due yet: the first retry waits 10 s
    clock.advance(10)
    assert sb.wait_for_webhooks() is True
    assert [e["eventCategory"] for e in rec.events()] == ["CONTACT"]
    assert rec.received[0]["firstEventSequence"] == 1 and sub.status == "OK"


def test_subscription_is_disabled_after_24_hours_of_failures(make_sandbox, make_receiver, clock):
    sb = make_sandbox(webhook_retry_delays=(3600.0,))
    rec = make_receiver(sb.credentials.webhook_key)
    sub = sb.add_webhook_subscription(rec.url)
    rec.fail_with = 503
    sb.issue_tokens()
    sb.webhooks.publish(
        "CONTACT",
        "CREATE",
        sb.tenants[0].tenant_id,
        "6f1c0a6e-0000-4000-8000-000000000001",
        sb.api_url + "/Contacts/6f1c0a6e-0000-4000-8000-000000000001",
    )
    sb.wait_for_webhooks()
    for _ in range(23):
        clock.advance(3600)
        sb.wait_for_webhooks()
        assert sub.status == "RETRY"
    clock.advance(3600)
    sb.wait_for_webhooks()
    assert sub.status == "DISABLED"
    attempts = [d for d in sb.webhooks.deliveries if d.payload["events"]]
    assert len(attempts) == 24 and not any(d.ok for d in attempts)


def test_reenabled_subscription_delivers_held_events(make_sandbox, make_receiver, clock):
    sb = make_sandbox(webhook_retry_delays=(86400.0,))
    rec = make_receiver(sb.credentials.webhook_key)
    sub = sb.add_webhook_subscription(rec.url)
    rec.fail_with = 500
    sb.webhooks.publish(
        "INVOICE",
        "UPDATE",
        sb.tenants[0].tenant_id,
        "6f1c0a6e-0000-4000-8000-000000000002",
        sb.api_url + "/Invoices/6f1c0a6e-0000-4000-8000-000000000002",
    )
    sb.wait_for_webhooks()
    clock.advance(86400)
    sb.wait_for_webhooks()
    assert sub.status == "DISABLED"
    rec.fail_with = None
    assert sb.webhooks.reenable(sub.id).status == "OK"
    assert sb.wait_for_webhooks() is True
    assert [e["eventCategory"] for e in rec.events()] == ["INVOICE"]


def test_a_subscription_disabled_while_a_delivery_is_under_way_stays_disabled(sb, api, make_receiver):
    rec = make_receiver(sb.credentials.webhook_key)
    sub = sb.add_webhook_subscription(rec.url)

    def disabled_meanwhile(payload: dict) -> None:
        sub.status = "DISABLED"  # as Xero's own disabling would, while this batch is on its way

    sb.webhooks.on_payload = disabled_meanwhile
    api.contact("Last Delivered")
    sb.wait_for_webhooks()
    sb.webhooks.on_payload = None
    assert sub.status == "DISABLED"  # the batch's success does not switch it back on
    api.contact("Held Back")
    sb.wait_for_webhooks()
    assert [e["resourceId"] for e in rec.events()] != [] and len(rec.events()) == 1
    assert len(sub.pending) == 1  # held, as for any disabled subscription
