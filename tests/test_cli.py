"""The operator's commands: connections, the mismatch log, status — run as a user would."""

from __future__ import annotations

import json

import pytest

from bridge.store import mismatches
from tests.support.processes import bridge_command


@pytest.fixture
def runtime(make_runtime):
    return make_runtime("embedded")


def _log_mismatch(runtime, key: str, entity: str = "contact", note: str = "Xero ValidationException: bad"):
    event = {
        "event_id": key.replace("|", "")[:32] or "e",
        "source": "xero",
        "origin": "webhook",
        "connection": "demo",
        "tenant_id": "t-1",
        "company_id": None,
        "entity": entity,
        "resource_id": "r-" + key,
        "change_type": "update",
        "occurred_at": "2026-05-04T09:12:44.107000+00:00",
        "received_at": "2026-05-04T09:12:45+00:00",
        "dedupe_key": key,
        "attempt": 0,
        "correlation_id": "c1",
        "payload": {},
    }
    with runtime.db.session() as session:
        return mismatches.record(
            session,
            event=event,
            kind="permanent",
            note=note,
            source="xero",
            source_model="Contact",
            entity=entity,
            target="odoo",
            attempts=1,
            record_name="Acme Ltd",
        ).id


def test_a_bad_setting_stops_a_command_with_one_line_and_exit_code_2(runtime):
    runtime.test_environ["BRIDGE_RETRY_LADDER"] = "later"
    result = bridge_command(runtime, "status")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "configuration error: BRIDGE_RETRY_LADDER: 'later' is not a duration like 10s, 1m, 6h"
    )


def test_connections_are_added_and_listed_and_a_second_use_of_a_tenant_is_refused(runtime):
    added = bridge_command(
        runtime, "connection", "add", "Demo Co", "--xero-tenant", "t-1", "--odoo-company", "1"
    )
    assert added.returncode == 0 and "connection demo-co" in added.stdout
    again = bridge_command(
        runtime, "connection", "add", "Other", "--xero-tenant", "t-1", "--odoo-company", "2"
    )
    assert again.returncode == 1 and "already in a connection" in again.stderr
    listed = bridge_command(runtime, "connection", "list")
    assert "demo-co" in listed.stdout and "t-1" in listed.stdout


def test_mismatch_list_shows_record_model_id_date_company_attempts_and_note(runtime):
    entry = _log_mismatch(runtime, "k1")
    listed = bridge_command(runtime, "mismatch", "list")
    assert listed.returncode == 0
    line = listed.stdout.strip()
    for part in (
        f"#{entry}",
        "open",
        "permanent",
        "Acme Ltd",
        "Contact:r-k1",
        "→ odoo",
        "[demo]",
        "tries=1",
        "bad",
    ):
        assert part in line
    as_json = json.loads(bridge_command(runtime, "mismatch", "list", "--json").stdout)
    assert as_json["record_name"] == "Acme Ltd" and as_json["tenant_id"] == "t-1"


def test_mismatch_list_filters_by_entity(runtime):
    _log_mismatch(runtime, "k1", entity="contact")
    _log_mismatch(runtime, "k2", entity="invoice")
    listed = bridge_command(runtime, "mismatch", "list", "--entity", "invoice", "--json")
    assert [json.loads(line)["entity"] for line in listed.stdout.splitlines()] == ["invoice"]


def test_mismatch_show_prints_the_full_event(runtime):
    entry = _log_mismatch(runtime, "k1")
    shown = json.loads(bridge_command(runtime, "mismatch", "show", str(entry)).stdout)
    assert shown["event"]["dedupe_key"] == "k1" and shown["note"] == "Xero ValidationException: bad"
    missing = bridge_command(runtime, "mismatch", "show", "999")
    assert missing.returncode == 1 and "no mismatch #999" in missing.stderr


def test_resolve_and_ignore_take_entries_out_of_the_open_list(runtime):
    first, second = _log_mismatch(runtime, "k1"), _log_mismatch(runtime, "k2")
    assert (
        bridge_command(runtime, "mismatch", "resolve", str(first), "--note", "fixed by hand").returncode == 0
    )
    assert bridge_command(runtime, "mismatch", "ignore", str(second)).returncode == 0
    assert bridge_command(runtime, "mismatch", "list").stdout.strip() == "no mismatches match"
    resolved = json.loads(
        bridge_command(runtime, "mismatch", "list", "--status", "resolved", "--json").stdout
    )
    assert resolved["note"] == "fixed by hand"


def test_replay_of_a_filter_sends_every_match_and_marks_them_replaying(runtime):
    for n in range(3):
        _log_mismatch(runtime, f"k{n}")
    replayed = bridge_command(runtime, "mismatch", "replay", "--entity", "contact", "--yes")
    assert replayed.returncode == 0, replayed.stderr
    assert "replayed 3 event(s)" in replayed.stdout
    listed = bridge_command(runtime, "mismatch", "list", "--status", "replaying", "--json")
    assert len(listed.stdout.splitlines()) == 3


def test_status_shows_connections_queues_and_the_mismatch_log_at_a_glance(runtime):
    _log_mismatch(runtime, "k1")
    status = json.loads(bridge_command(runtime, "status", "--json").stdout)
    assert status["mismatches"] == {"open": 1}
    assert f"{runtime.settings.namespace}.to_odoo.partners" in status["queues"]
    assert status["delayed_events"] == 0


def test_entity_settings_are_set_and_shown_per_connection(runtime):
    bridge_command(runtime, "connection", "add", "Demo", "--xero-tenant", "t-1", "--odoo-company", "1")
    changed = bridge_command(
        runtime,
        "settings",
        "set",
        "demo",
        "contact",
        "--direction",
        "import",
        "--conflict",
        "xero-wins",
        "--overwrite",
    )
    assert changed.returncode == 0, changed.stderr
    assert "demo contact: import, create-and-update, xero-wins, overwrite on match" in changed.stdout
    shown = bridge_command(runtime, "settings", "show").stdout
    assert any(
        line.split()[:4] == ["contact", "import", "create-and-update", "xero-wins"]
        for line in shown.splitlines()
    )
    refused = bridge_command(runtime, "settings", "set", "demo", "contact", "--direction", "sideways")
    assert refused.returncode == 2 and "sideways" in refused.stderr
