"""POST /webhooks/xero: signature, intent to receive, durable publishing before 200 (xero-facts §1)."""

from __future__ import annotations

import json

import pytest

from bridge.store import unrouted
from tests.support.stack import TENANT, Stack, drain, queue_depth, xero_body, xero_event

pytestmark = pytest.mark.rabbitmq


@pytest.fixture
def stack(make_runtime, rabbitmq_url, probe):
    return Stack(make_runtime("rabbitmq"), probe)


def contacts_queue(stack: Stack) -> str:
    return stack.runtime.topology.work_queue_name("to_odoo", "partners")


def test_intent_to_receive_with_a_valid_signature_gets_200_and_an_empty_body(stack):
    response = stack.post_xero([])
    assert response.status_code == 200
    assert response.data == b""
    assert "Set-Cookie" not in response.headers


def test_intent_to_receive_with_a_wrong_signature_gets_401(stack):
    response = stack.post_xero([], key="not-the-webhook-key")
    assert response.status_code == 401
    assert response.data == b""


def test_a_body_changed_by_one_byte_after_signing_is_refused_and_nothing_is_published(stack):
    from webhooks.signatures import xero_signature

    body = xero_body([xero_event("0f6a2c1e-7b1d-4c55-9e1e-2a1d3f4b5c6d")])
    signature = xero_signature(stack.runtime.settings.xero_webhook_key, body)
    tampered = body.replace(b"UPDATE", b"UPDATF")
    response = stack.client.post(
        "/webhooks/xero",
        data=tampered,
        headers={"x-xero-signature": signature, "Content-Type": "application/json"},
    )
    assert response.status_code == 401
    assert queue_depth(stack.runtime, contacts_queue(stack)) == 0


def test_a_missing_signature_header_is_refused(stack):
    response = stack.client.post("/webhooks/xero", data=xero_body([]), content_type="application/json")
    assert response.status_code == 401


def test_every_event_of_a_batch_is_on_the_broker_before_the_200(stack):
    events = [xero_event(f"00000000-0000-0000-0000-00000000000{i}") for i in range(5)]
    response = stack.post_xero(events)
    assert response.status_code == 200
    # No waiting: the answer was sent only after the broker confirmed all five.
    assert queue_depth(stack.runtime, contacts_queue(stack)) == 5
    published = drain(stack.runtime, contacts_queue(stack))
    assert sorted(p["resource_id"] for p in published) == sorted(e["resourceId"] for e in events)
    assert all(
        p["connection"] == "demo" and p["source"] == "xero" and p["entity"] == "contact" for p in published
    )


def test_an_event_envelope_keeps_the_xero_event_verbatim_and_a_dedupe_key(stack):
    event = xero_event("0f6a2c1e-7b1d-4c55-9e1e-2a1d3f4b5c6d")
    stack.post_xero([event])
    (published,) = drain(stack.runtime, contacts_queue(stack))
    assert published["payload"] == event
    assert (
        published["dedupe_key"]
        == f"xero|{TENANT}|CONTACT|{event['resourceId']}|UPDATE|{event['eventDateUtc']}"
    )
    assert published["occurred_at"].startswith("2026-05-04T09:12:44.107")
    assert published["change_type"] == "update"


def test_events_for_a_tenant_no_connection_maps_are_kept_and_acknowledged_not_published(stack):
    stranger = "11111111-2222-3333-4444-555555555555"
    response = stack.post_xero([xero_event("a1", tenant=stranger), xero_event("b2")])
    assert response.status_code == 200
    assert queue_depth(stack.runtime, contacts_queue(stack)) == 1
    with stack.runtime.db.session() as session:
        kept = unrouted.by_tenant(session, stranger)
        assert [k.event["resourceId"] for k in kept] == ["a1"]


def test_a_broker_that_cannot_be_reached_gets_503_so_xero_delivers_again(make_runtime, rabbitmq_url, probe):
    stack = Stack(make_runtime("rabbitmq", BRIDGE_BROKER_URL="amqp://guest:guest@127.0.0.1:1//"), probe)
    response = stack.post_xero([xero_event("a1")])
    assert response.status_code == 503
    assert response.data == b""


def test_malformed_json_with_a_valid_signature_is_a_400_with_a_reason(stack):
    from webhooks.signatures import xero_signature

    body = b'{"events": [,]}'
    signature = xero_signature(stack.runtime.settings.xero_webhook_key, body)
    response = stack.client.post(
        "/webhooks/xero",
        data=body,
        headers={"x-xero-signature": signature, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "malformed JSON" in response.get_json()["error"]


def test_a_signed_body_that_is_not_a_xero_batch_is_a_400_naming_the_missing_field(stack):
    from webhooks.signatures import xero_signature

    body = json.dumps({"events": [{"resourceId": "x"}], "entropy": "E"}).encode()
    signature = xero_signature(stack.runtime.settings.xero_webhook_key, body)
    response = stack.client.post(
        "/webhooks/xero",
        data=body,
        headers={"x-xero-signature": signature, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "firstEventSequence" in json.dumps(response.get_json())
    assert queue_depth(stack.runtime, contacts_queue(stack)) == 0


def test_a_body_over_the_limit_is_a_413(make_runtime, rabbitmq_url, probe):
    stack = Stack(make_runtime("rabbitmq", BRIDGE_MAX_BODY_BYTES="2048"), probe)
    events = [xero_event(f"id-{i}") for i in range(20)]
    response = stack.post_xero(events)
    assert response.status_code == 413


def test_a_wrong_content_type_is_a_415_and_a_wrong_method_a_405(stack):
    from webhooks.signatures import xero_signature

    body = xero_body([])
    signature = xero_signature(stack.runtime.settings.xero_webhook_key, body)
    response = stack.client.post(
        "/webhooks/xero", data=body, headers={"x-xero-signature": signature, "Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert stack.client.get("/webhooks/xero").status_code == 405


def test_healthz_is_up_and_readyz_checks_store_and_broker(stack, make_runtime, probe):
    assert stack.client.get("/healthz").status_code == 200
    ready = stack.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {"store": "ok", "broker": "ok"}
    down = Stack(make_runtime("rabbitmq", BRIDGE_BROKER_URL="amqp://guest:guest@127.0.0.1:1//"), probe, False)
    not_ready = down.client.get("/readyz")
    assert not_ready.status_code == 503
    assert not_ready.get_json()["checks"]["store"] == "ok"
    assert not_ready.get_json()["checks"]["broker"] != "ok"
