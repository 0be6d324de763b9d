"""POST /webhooks/odoo/<token>: what Odoo 17+ posts (odoo-facts §2.1 and the real 17.0 capture)."""

from __future__ import annotations

import json

import pytest

from bridge.store import connections, unrouted
from tests.support.stack import Stack, drain, queue_depth
from webhooks.signatures import bridge_signature

pytestmark = pytest.mark.rabbitmq

TOKEN = "test-odoo-token-0123456789"
# Exactly what a real Odoo 17.0 sent for a partner with fields chosen (odoo-facts, "Observed").
CAPTURED = {
    "_action": "Send Webhook Notification(#441)",
    "_id": 8,
    "_model": "res.partner",
    "email": "wh@example.com",
    "id": 8,
    "name": "Webhook Partner",
    "phone": "+61 2 5550 1234",
    "ref": "XERO-CONTACT-1",
    "vat": False,
    "write_date": "2026-11-24 08:37:20.454475",
}


@pytest.fixture
def stack(make_runtime, rabbitmq_url, probe):
    return Stack(make_runtime("rabbitmq"), probe)


def to_xero(stack: Stack) -> str:
    return stack.runtime.topology.work_queue_name("to_xero", "partners")


def post(stack: Stack, body, path: str = f"/webhooks/odoo/{TOKEN}", **headers):
    raw = body if isinstance(body, bytes) else json.dumps(body, sort_keys=True).encode()
    return stack.client.post(path, data=raw, headers={"Content-Type": "application/json", **headers})


def test_the_payload_a_real_odoo_17_sent_is_published_as_one_event(stack):
    response = post(stack, CAPTURED)
    assert response.status_code == 200
    (event,) = drain(stack.runtime, to_xero(stack))
    assert event["source"] == "odoo" and event["entity"] == "contact" and event["resource_id"] == "8"
    assert event["payload"] == CAPTURED
    assert event["occurred_at"].startswith("2026-11-24T08:37:20.454475")
    assert event["dedupe_key"] == "odoo|res.partner|8|unknown|2026-11-24 08:37:20.454475"
    assert event["connection"] == "demo"  # the only connection takes records without a company


def test_the_token_may_travel_as_a_query_parameter(stack):
    assert post(stack, CAPTURED, path=f"/webhooks/odoo?token={TOKEN}").status_code == 200
    assert queue_depth(stack.runtime, to_xero(stack)) == 1


def test_a_wrong_token_is_a_401_and_nothing_is_published(stack):
    assert post(stack, CAPTURED, path="/webhooks/odoo/not-the-token-at-all").status_code == 401
    assert post(stack, CAPTURED, path="/webhooks/odoo").status_code == 401
    assert queue_depth(stack.runtime, to_xero(stack)) == 0


def test_a_sender_that_signs_must_sign_right(make_runtime, rabbitmq_url, probe):
    stack = Stack(make_runtime("rabbitmq", BRIDGE_ODOO_WEBHOOK_SECRET="odoo-signing-secret"), probe)
    raw = json.dumps(CAPTURED).encode()
    good = post(
        stack, raw, **{"X-Bridge-Signature": "sha256=" + bridge_signature("odoo-signing-secret", raw)}
    )
    bad = post(stack, raw, **{"X-Bridge-Signature": "sha256=" + bridge_signature("another-secret", raw)})
    assert (good.status_code, bad.status_code) == (200, 401)
    assert queue_depth(stack.runtime, to_xero(stack)) == 1


def test_malformed_json_is_a_400_with_a_reason(stack):
    response = post(stack, b'{"_model": "res.partner", "_id": ')
    assert response.status_code == 400
    assert "malformed JSON" in response.get_json()["error"]


def test_a_body_without_model_and_id_is_a_400(stack):
    response = post(stack, {"name": "no model"})
    assert response.status_code == 400
    assert "_model" in json.dumps(response.get_json())


def test_a_model_the_bridge_does_not_sync_is_refused_with_its_name(stack):
    response = post(stack, {"_model": "hr.employee", "_id": 3, "_action": "x"})
    assert response.status_code == 422
    assert "hr.employee" in response.get_json()["error"]
    assert queue_depth(stack.runtime, to_xero(stack)) == 0


def test_a_record_of_a_company_no_connection_maps_is_kept_not_published(stack):
    response = post(stack, {**CAPTURED, "company_id": 7})
    assert response.status_code == 200
    assert response.get_json() == {"accepted": 0, "unrouted": 1}
    assert queue_depth(stack.runtime, to_xero(stack)) == 0
    with stack.runtime.db.session() as session:
        assert unrouted.count(session) == 1


def test_a_record_of_a_mapped_company_goes_to_that_connection(stack):
    with stack.runtime.db.session() as session:
        connections.add(session, "Second Org", "99999999-2222-3333-4444-555555555555", 2, id="second")
    post(stack, {**CAPTURED, "company_id": 2})
    (event,) = drain(stack.runtime, to_xero(stack))
    assert event["connection"] == "second" and event["company_id"] == 2


def test_an_invoice_and_a_credit_note_are_told_apart_by_move_type(stack):
    post(stack, {"_model": "account.move", "_id": 4, "move_type": "out_refund"})
    post(stack, {"_model": "account.move", "_id": 5, "move_type": "out_invoice"})
    queue = stack.runtime.topology.work_queue_name("to_xero", "documents")
    entities = {e["resource_id"]: e["entity"] for e in drain(stack.runtime, queue)}
    assert entities == {"4": "credit_note", "5": "invoice"}


def test_a_wrong_content_type_is_a_415_and_a_get_is_a_405(stack):
    response = stack.client.post(f"/webhooks/odoo/{TOKEN}", data="x", content_type="text/plain")
    assert response.status_code == 415
    assert stack.client.get(f"/webhooks/odoo/{TOKEN}").status_code == 405
