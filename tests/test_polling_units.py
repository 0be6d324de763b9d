"""The pollers' small parts on their own: watermarks, stamps, webhook health, Odoo change rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bridge.polling import health, watermarks
from bridge.polling.specs import Scope
from bridge.polling.stamps import parse_xero_updated
from bridge.store import Database
from bridge.store.models import WebhookHealth
from consumers.contact_groups.polling import OdooTagChanges
from consumers.contacts.polling import OdooPartnerChanges

T0 = datetime(2026, 11, 24, 9, 0, 0, 500_000, tzinfo=UTC)


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'bridge.db'}")
    database.migrate()
    yield database
    database.dispose()


def test_the_first_poll_starts_at_the_connections_second_and_later_ones_overlap():
    assert watermarks.poll_from(None, T0, overlap=120) == T0.replace(microsecond=0)
    later = T0 + timedelta(hours=2)
    assert watermarks.poll_from(later, T0, overlap=120) == later - timedelta(seconds=120)
    assert watermarks.poll_from(later, T0, overlap=120, lookback=3600) == later - timedelta(seconds=3720)
    # never before the connection existed
    assert watermarks.poll_from(later, T0, overlap=120, lookback=86400) == T0.replace(microsecond=0)


def test_a_watermark_never_moves_back(db):
    with db.session() as session:
        assert watermarks.advance(session, "c", "odoo", "contact", T0) == T0
    with db.session() as session:
        assert watermarks.advance(session, "c", "odoo", "contact", T0 - timedelta(minutes=5)) == T0
    with db.session() as session:
        assert watermarks.load(session, "c", "odoo", "contact") == T0
        newer = T0 + timedelta(seconds=1)
        assert watermarks.advance(session, "c", "odoo", "contact", newer) == newer
        assert watermarks.load(session, "c", "xero", "contact") is None


def test_xero_stamps_in_ms_json_and_iso():
    assert parse_xero_updated("/Date(1764000000123+0000)/") == datetime.fromtimestamp(1764000000.123, UTC)
    assert parse_xero_updated("2026-05-04T09:12:44.107") == datetime(
        2026, 5, 4, 9, 12, 44, 107000, tzinfo=UTC
    )
    assert parse_xero_updated(None) is None and parse_xero_updated("soon") is None


def test_two_changes_in_one_odoo_second_are_two_changes():
    fields = ["write_date", "phone"]
    first = OdooPartnerChanges.change({"id": 7, "write_date": "2026-11-24 09:00:00", "phone": "1"}, fields)
    second = OdooPartnerChanges.change({"id": 7, "write_date": "2026-11-24 09:00:00", "phone": "2"}, fields)
    assert first.version == second.version and first.fingerprint != second.fingerprint
    child = OdooPartnerChanges.change(
        {"id": 8, "write_date": "2026-11-24 09:00:00", "parent_id": [7, "Co"], "type": "contact"}, fields
    )
    assert (child.resource_id, child.record_id) == ("7", None)  # its company's change, never "applied"


def test_a_tag_renamed_twice_in_one_odoo_second_is_two_changes_of_the_tag_itself():
    fields = ["write_date", "name", "active"]
    first = OdooTagChanges.change({"id": 3, "write_date": "2026-11-24 09:00:00", "name": "A"}, fields)
    second = OdooTagChanges.change({"id": 3, "write_date": "2026-11-24 09:00:00", "name": "B"}, fields)
    assert (first.resource_id, first.record_id) == ("3", "3")
    assert first.version == second.version and first.fingerprint != second.fingerprint


def test_tags_belong_to_no_company_so_only_a_single_connection_polls_them():
    def no_odoo():
        raise AssertionError("Odoo was asked")

    one_of_several = Scope("c", None, 1, T0, odoo_shared=False, odoo_factory=no_odoo)
    assert list(OdooTagChanges().changes(one_of_several, T0)) == []


def test_webhook_health_suspects_alarm_and_recovery(db):
    with db.session() as session:
        assert health.note_polled(session, "xero", "c", [T0, T0 + timedelta(seconds=5)]) == 2
    with db.session() as session:
        assert health.verdict(session, "xero", "c", silence=900, now=T0 + timedelta(seconds=60)) is None
        alarm = health.verdict(session, "xero", "c", silence=900, now=T0 + timedelta(minutes=16))
        assert alarm and "2 change(s)" in alarm and "last webhook received: never" in alarm
    health.received(db, "xero", ["c"], force=True)
    with db.session() as session:
        assert health.verdict(session, "xero", "c", silence=900, now=datetime.now(UTC)) is None
        row = session.get(WebhookHealth, ("xero", "c"))
        assert (row.alarm, row.missed, row.suspect_since) == (None, 0, None)
        # changes older than the last webhook are not suspects
        assert health.note_polled(session, "xero", "c", [T0]) == 0


def test_webhook_receipts_are_written_at_most_every_few_seconds(db):
    health.received(db, "odoo", ["c"], force=True)
    with db.session() as session:
        first = session.get(WebhookHealth, ("odoo", "c")).last_received_at
    health.received(db, "odoo", ["c", None])  # within TOUCH_EVERY: no write
    with db.session() as session:
        assert session.get(WebhookHealth, ("odoo", "c")).last_received_at == first
