"""The event envelope: one shape for webhooks, pollers, bulk sync and replay."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from bridge.events import Event, from_odoo_webhook, from_xero_webhook
from schemas.envelope import EnvelopeSchema
from tests.support.stack import xero_event

RECEIVED = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def test_to_dict_is_exactly_what_the_envelope_schema_dumps():
    event = from_xero_webhook(xero_event("r1"), "demo", RECEIVED).retried(not_before=RECEIVED)
    assert event.to_dict() == EnvelopeSchema().dump(asdict(event))


def test_an_envelope_survives_the_round_trip_through_its_schema():
    event = from_odoo_webhook(
        {"_model": "res.partner", "_id": 8, "write_date": "2026-11-24 08:37:20.454475"}, None, RECEIVED
    )
    assert Event.from_dict(event.to_dict()) == event


def test_an_envelope_of_an_unknown_entity_is_refused():
    data = from_xero_webhook(xero_event("r1"), "demo", RECEIVED).to_dict() | {"entity": "spaceship"}
    with pytest.raises(ValidationError, match="unknown entity"):
        Event.from_dict(data)


def test_a_xero_envelope_must_name_its_tenant():
    data = from_xero_webhook(xero_event("r1"), "demo", RECEIVED).to_dict() | {"tenant_id": None}
    with pytest.raises(ValidationError):
        Event.from_dict(data)


def test_xero_subscription_events_are_not_synced():
    assert from_xero_webhook(xero_event("r1") | {"eventCategory": "SUBSCRIPTION"}, "demo", RECEIVED) is None


def test_two_odoo_rules_firing_for_one_write_share_a_dedupe_key_but_two_writes_do_not():
    body = {"_model": "res.partner", "_id": 8, "write_date": "2026-11-24 08:37:20.454475"}
    first = from_odoo_webhook(body | {"_action": "Send Webhook Notification(#441)"}, None, RECEIVED)
    second = from_odoo_webhook(body | {"_action": "Send Webhook Notification(#442)"}, None, RECEIVED)
    later = from_odoo_webhook(body | {"write_date": "2026-11-24 08:40:00.000001"}, None, RECEIVED)
    assert first.dedupe_key == second.dedupe_key != later.dedupe_key


def test_odoo_notifications_without_write_date_are_never_taken_for_duplicates():
    body = {"_model": "res.partner", "_id": 8, "_action": "Send Webhook Notification(#442)"}
    assert (
        from_odoo_webhook(body, None, RECEIVED).dedupe_key
        != from_odoo_webhook(body, None, RECEIVED).dedupe_key
    )


def test_a_replayed_event_keeps_its_dedupe_key_and_starts_its_attempts_again():
    event = from_xero_webhook(xero_event("r1"), "demo", RECEIVED).retried().retried()
    replayed = event.replayed()
    assert (replayed.dedupe_key, replayed.attempt, replayed.origin) == (event.dedupe_key, 0, "replay")
