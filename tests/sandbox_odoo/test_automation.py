"""Automation rules and webhooks as Odoo sends them (odoo-facts §2.1–§2.3 and the observed 17 section)."""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
import xmlrpc.client

import pytest

from .conftest import XmlRpc

OBSERVED_HEADERS = {
    "host",
    "user-agent",
    "accept-encoding",
    "accept",
    "connection",
    "content-length",
    "content-type",
}


def test_webhook_payload_matches_the_observed_17_sample(sb, receiver, admin_xml):
    rule, action = sb.add_webhook_rule(
        "res.partner", receiver.url, fields=["email", "name", "phone", "ref", "vat", "write_date"]
    )
    pid = admin_xml(
        "res.partner",
        "create",
        {
            "name": "Webhook Partner",
            "email": "wh@example.com",
            "phone": "+61 2 5550 1234",
            "ref": "XERO-CONTACT-1",
        },
    )
    [req] = receiver.wait_for(1) and receiver.requests
    body = req["json"]
    assert list(body) == sorted(body)
    assert req["body"] == json.dumps(body, sort_keys=True)
    assert set(body) == {
        "_action",
        "_id",
        "_model",
        "email",
        "id",
        "name",
        "phone",
        "ref",
        "vat",
        "write_date",
    }
    assert body["_action"] == f"Send Webhook Notification(#{action})"
    assert (body["_id"], body["id"], body["_model"]) == (pid, pid, "res.partner")
    assert body["vat"] is False
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", body["write_date"])
    assert req["headers"]["Content-Type"] == "application/json"
    assert {h.lower() for h in req["headers"]} <= OBSERVED_HEADERS


def test_webhook_payload_relations_are_bare_ids_and_empty_is_false(sb, receiver, admin_xml):
    sb.add_webhook_rule(
        "res.partner",
        receiver.url,
        fields=[
            "active",
            "category_id",
            "country_id",
            "create_date",
            "customer_rank",
            "date",
            "parent_id",
            "write_date",
        ],
    )
    tag = admin_xml("res.partner.category", "create", {"name": "VIP"})
    au = admin_xml("res.country", "search", [("code", "=", "AU")])[0]
    pid = admin_xml(
        "res.partner",
        "create",
        {"name": "Typed Partner", "category_id": [(6, 0, [tag])], "country_id": au, "parent_id": 1},
    )
    [body] = receiver.wait_for(1)
    assert body["category_id"] == [tag] and body["country_id"] == au and body["parent_id"] == 1
    assert body["date"] is False and body["active"] is True and body["customer_rank"] == 0
    assert body["create_date"] == body["write_date"] and body["_id"] == pid
    assert "null" not in json.dumps(body)


def test_webhook_without_fields_sends_action_id_and_model_only(sb, receiver, admin_xml):
    _, action = sb.add_webhook_rule("res.partner", receiver.url)
    pid = admin_xml("res.partner", "create", {"name": "Bare"})
    assert receiver.wait_for(1) == [
        {"_action": f"Send Webhook Notification(#{action})", "_id": pid, "_model": "res.partner"}
    ]


def test_webhook_action_name_is_overwritten_on_creation(sb, receiver, admin_xml):
    model = admin_xml("ir.model", "search", [("model", "=", "res.partner")])[0]
    rule = admin_xml(
        "base.automation",
        "create",
        {
            "name": "Xero: contacts",
            "model_id": model,
            "trigger": "on_create",
            "action_server_ids": [
                (
                    0,
                    0,
                    {
                        "name": "My own name",
                        "model_id": model,
                        "state": "webhook",
                        "webhook_url": receiver.url,
                    },
                )
            ],
        },
    )
    action = admin_xml("base.automation", "read", [rule], ["action_server_ids"])[0]["action_server_ids"][0]
    assert (
        admin_xml("ir.actions.server", "read", [action], ["name"])[0]["name"] == "Send Webhook Notification"
    )
    pid = admin_xml("res.partner", "create", {"name": "Named"})
    assert receiver.wait_for(1) == [
        {"_action": f"Send Webhook Notification(#{action})", "_id": pid, "_model": "res.partner"}
    ]


def test_one_post_per_record_on_a_batch_write(sb, receiver, admin_xml):
    sb.add_webhook_rule("res.partner", receiver.url, trigger="on_write", trigger_fields=["phone"])
    ids = admin_xml("res.partner", "create", [{"name": "A"}, {"name": "B"}, {"name": "C"}])
    admin_xml("res.partner", "write", ids, {"phone": "123"})
    assert sorted(p["_id"] for p in receiver.wait_for(3)) == sorted(ids)


def test_trigger_fields_only_fire_when_they_change(sb, receiver, admin_xml):
    sb.add_webhook_rule("res.partner", receiver.url, trigger_fields=["name", "email"], fields=["email"])
    pid = admin_xml("res.partner", "create", {"name": "T", "email": "a@x"})
    admin_xml("res.partner", "write", [pid], {"phone": "999"})  # not a trigger field
    admin_xml("res.partner", "write", [pid], {"email": "a@x"})  # same value: no change
    admin_xml("res.partner", "write", [pid], {"email": "b@x"})
    time.sleep(0.1)
    assert [p["email"] for p in receiver.payloads()] == ["a@x", "b@x"]


def test_rule_without_trigger_fields_fires_on_any_write(sb, receiver, admin_xml):
    sb.add_webhook_rule("res.partner", receiver.url, trigger="on_write")
    pid = admin_xml("res.partner", "create", {"name": "T"})
    admin_xml("res.partner", "write", [pid], {"comment": "<p>x</p>"})
    assert len(receiver.wait_for(1)) == 1


def test_untriggered_rule_duplicates_can_be_reproduced(make_sandbox, receiver):
    sb = make_sandbox(17, untriggered_create_repeats=14, untriggered_write_repeats=2)
    sb.add_webhook_rule("res.partner", receiver.url)
    rpc = XmlRpc(sb, sb.login, sb.password)
    pid = rpc("res.partner", "create", {"name": "Dup"})
    rpc("res.partner", "write", [pid], {"phone": "1"})
    time.sleep(0.1)
    assert len(receiver.payloads()) == 16  # observed: 14 per create, 2 per write


def test_filter_domain_skips_the_bridge_users_own_writes(sb, receiver, admin_xml):
    sb.add_webhook_rule(
        "res.partner",
        receiver.url,
        trigger_fields=["phone"],
        filter_domain=f"[('write_uid', '!=', {sb.bridge_uid})]",
    )
    bridge = XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    pid = bridge("res.partner", "create", {"name": "From Xero"})
    bridge("res.partner", "write", [pid], {"phone": "1"})
    admin_xml("res.partner", "write", [pid], {"phone": "2"})
    time.sleep(0.1)
    assert [p["_id"] for p in receiver.payloads()] == [pid]


def test_on_unlink_rule_sends_before_the_delete(sb, receiver, admin_xml):
    sb.add_webhook_rule("res.partner", receiver.url, trigger="on_unlink", fields=["name"])
    pid = admin_xml("res.partner", "create", {"name": "Doomed"})
    admin_xml("res.partner", "unlink", [pid])
    assert receiver.wait_for(1)[0]["name"] == "Doomed"
    assert admin_xml("res.partner", "search", [("id", "=", pid)], context={"active_test": False}) == []


@pytest.mark.parametrize("version", [17, 18])
def test_unlink_webhook_on_17_and_18_arrives_while_the_record_is_still_readable(
    make_sandbox, receiver, version
):
    """on_unlink rules run in the same transaction, before the actual delete (odoo-facts §2.2, S17
    base_automation.py l.626-674), and 17/18 post synchronously (§2.1): a receiver that reads back
    during the POST still finds the record; it is gone once the call has committed."""
    sb = make_sandbox(version)
    sb.add_webhook_rule("res.partner", receiver.url, trigger="on_unlink", fields=["name"])
    bridge = XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    seen: list = []
    receiver.on_request = lambda payload: seen.append(
        bridge("res.partner", "search_read", [("id", "=", payload["_id"])], ["name"])
    )
    rpc = XmlRpc(sb, sb.login, sb.password)
    pid = rpc("res.partner", "create", {"name": "Doomed"})
    rpc("res.partner", "unlink", [pid])
    assert seen == [[{"id": pid, "name": "Doomed"}]]
    assert bridge("res.partner", "search_read", [("id", "=", pid)], ["name"]) == []


def test_unlink_webhook_on_19_arrives_after_the_record_is_gone(make_sandbox, receiver):
    """19 reads the payload during the transaction (before the delete) but posts from cr.postcommit
    (ir_actions.py _run_action_webhook, PR 216018): the receiver gets the name of a deleted record."""
    sb = make_sandbox(19)
    sb.add_webhook_rule("res.partner", receiver.url, trigger="on_unlink", fields=["name"])
    bridge = XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    seen: list = []
    receiver.on_request = lambda payload: seen.append(
        bridge("res.partner", "search_read", [("id", "=", payload["_id"])], ["name"])
    )
    rpc = XmlRpc(sb, sb.login, sb.password)
    pid = rpc("res.partner", "create", {"name": "Doomed"})
    rpc("res.partner", "unlink", [pid])
    assert receiver.wait_for(1)[0]["name"] == "Doomed"
    assert seen == [[]]


def test_the_before_commit_window_covers_unlink(make_sandbox, receiver):
    """With the harness's window (bridge/cli/sandboxed.py ODOO_PRECOMMIT_WINDOW), a receiver that
    answers first and reads afterwards still sees the record being deleted, then sees it gone."""
    sb = make_sandbox(17, hold_commit_after_webhook=0.3)
    sb.add_webhook_rule("res.partner", receiver.url, trigger="on_unlink", fields=["name"])
    rpc = XmlRpc(sb, sb.login, sb.password)
    pid = rpc("res.partner", "create", {"name": "Doomed"})
    done = threading.Event()
    threading.Thread(target=lambda: (rpc("res.partner", "unlink", [pid]), done.set())).start()
    assert receiver.event.wait(2)  # answered; the receiver reads after its answer
    bridge = XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    assert bridge("res.partner", "search", [("id", "=", pid)]) == [pid]
    assert done.wait(2)
    assert bridge("res.partner", "search", [("id", "=", pid)]) == []


def test_a_timed_out_webhook_logs_odoos_warning(make_sandbox, receiver, caplog):
    sb = make_sandbox(17, webhook_timeout=0.2)
    receiver.on_request = lambda payload: time.sleep(0.4)
    sb.add_webhook_rule("res.partner", receiver.url)
    with caplog.at_level(logging.WARNING):
        XmlRpc(sb, sb.login, sb.password)("res.partner", "create", {"name": "Slow"})
    assert (
        "Webhook call timed out after 1s - it may or may not have failed. If this happens often, it may be a "
        "sign that the system you're trying to reach is slow or non-functional."
    ) in [r.getMessage() for r in caplog.records]


def _reader(sb, seen, pid_holder):
    bridge = XmlRpc(sb, sb.bridge_login, sb.bridge_password)

    def on_request(payload):
        seen.append(bridge("res.partner", "search_read", [("id", "=", payload["_id"])], ["phone"]))

    return on_request


@pytest.mark.parametrize("version", [17, 18])
def test_webhook_arrives_before_commit_on_17_and_18(make_sandbox, receiver, version):
    sb = make_sandbox(version)
    sb.add_webhook_rule("res.partner", receiver.url, trigger_fields=["phone"])
    seen: list = []
    receiver.on_request = _reader(sb, seen, None)
    rpc = XmlRpc(sb, sb.login, sb.password)
    pid = rpc("res.partner", "create", {"name": "Early", "phone": "old"})
    rpc("res.partner", "write", [pid], {"phone": "new"})
    assert seen == [[], [{"id": pid, "phone": "old"}]]  # not yet created; then the old value


def test_webhook_arrives_after_commit_on_19(make_sandbox, receiver):
    sb = make_sandbox(19)
    sb.add_webhook_rule("res.partner", receiver.url, trigger_fields=["phone"])
    seen: list = []
    receiver.on_request = _reader(sb, seen, None)
    rpc = XmlRpc(sb, sb.login, sb.password)
    pid = rpc("res.partner", "create", {"name": "Late", "phone": "old"})
    rpc("res.partner", "write", [pid], {"phone": "new"})
    receiver.wait_for(2)
    assert seen == [[{"id": pid, "phone": "old"}], [{"id": pid, "phone": "new"}]]


def test_hold_commit_lets_an_asynchronous_receiver_see_the_old_state(make_sandbox, receiver):
    sb = make_sandbox(17, hold_commit_after_webhook=0.3)
    sb.add_webhook_rule("res.partner", receiver.url, trigger_fields=["phone"])
    rpc = XmlRpc(sb, sb.login, sb.password)
    pid = rpc("res.partner", "create", {"name": "Async", "phone": "old"})
    receiver.event.clear()
    done = threading.Event()
    threading.Thread(
        target=lambda: (rpc("res.partner", "write", [pid], {"phone": "new"}), done.set())
    ).start()
    assert receiver.event.wait(2)  # the webhook was answered; the receiver now queues and reads later
    bridge = XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    assert bridge("res.partner", "read", [pid], ["phone"])[0]["phone"] == "old"
    assert done.wait(2)
    assert bridge("res.partner", "read", [pid], ["phone"])[0]["phone"] == "new"


@pytest.mark.parametrize(("version", "phantoms"), [(17, 1), (18, 1), (19, 0)])
def test_rollback_sends_a_phantom_event_on_17_18_and_none_on_19(
    make_sandbox, receiver, version, phantoms, caplog
):
    sb = make_sandbox(version)
    sb.add_webhook_rule("res.partner", receiver.url)
    rpc = XmlRpc(sb, sb.login, sb.password)
    sb.faults.rollback_after_work(1)
    with caplog.at_level(logging.WARNING), pytest.raises(xmlrpc.client.Fault):
        rpc("res.partner", "create", {"name": "Ghost"})
    time.sleep(0.1)
    assert len(receiver.payloads()) == phantoms
    assert rpc("res.partner", "search", [("name", "=", "Ghost")]) == []
    if version == 19:
        assert f"Webhook call to {receiver.url} - cancelled due to a rollback" in [
            r.getMessage() for r in caplog.records
        ]


def test_in_process_transaction_rollback_keeps_17_webhook_sent(sb, receiver):
    sb.add_webhook_rule("res.partner", receiver.url)
    with pytest.raises(RuntimeError), sb.transaction("admin") as env:
        env.create("res.partner", [{"name": "Phantom"}])
        raise RuntimeError("boom")
    assert len(receiver.payloads()) == 1
    assert sb.env().search("res.partner", [("name", "=", "Phantom")]) == []


@pytest.mark.parametrize(("version", "posts"), [(17, 3), (19, 1)])
def test_server_retries_resend_17_webhooks(make_sandbox, receiver, version, posts):
    """§1.6 retry loop re-runs the whole call: on 17 every attempt posts again; 19 posts after the commit."""
    sb = make_sandbox(version)
    sb.add_webhook_rule("res.partner", receiver.url)
    sb.faults.commit_failures(2)
    pid = XmlRpc(sb, sb.login, sb.password)("res.partner", "create", {"name": "Retried"})
    time.sleep(0.1)
    assert len(receiver.payloads()) == posts
    assert receiver.payloads()[-1]["_id"] == pid


def test_receiver_down_does_not_block_the_write(sb, admin_xml, caplog):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    sb.add_webhook_rule("res.partner", f"http://127.0.0.1:{port}/hook")
    with caplog.at_level(logging.WARNING):
        pid = admin_xml("res.partner", "create", {"name": "Lonely"})
    assert admin_xml("res.partner", "read", [pid], ["name"])[0]["name"] == "Lonely"
    assert sb.webhook_calls()[0].error
    assert any("Webhook call failed" in r.getMessage() for r in caplog.records)


def test_slow_receiver_times_out_without_retry(make_sandbox, receiver):
    sb = make_sandbox(17, webhook_timeout=0.2)
    assert sb.options.webhook_timeout == 0.2 and make_sandbox(17).options.webhook_timeout == 1.0
    receiver.on_request = lambda payload: time.sleep(0.5)
    sb.add_webhook_rule("res.partner", receiver.url)
    started = time.time()
    XmlRpc(sb, sb.login, sb.password)("res.partner", "create", {"name": "Slow"})
    assert time.time() - started < 0.5
    time.sleep(0.5)
    assert len(receiver.payloads()) == 1 and sb.webhook_calls()[0].error == "timeout"


def test_odoo_16_has_no_webhook_action(make_sandbox):
    sb = make_sandbox(16)
    rpc = XmlRpc(sb, sb.login, sb.password)
    model = rpc("ir.model", "search", [("model", "=", "res.partner")])[0]
    with pytest.raises(xmlrpc.client.Fault) as err:
        rpc("ir.actions.server", "create", {"name": "hook", "model_id": model, "state": "webhook"})
    assert "Wrong value for ir.actions.server.state" in err.value.faultString


def _outbox_16(sb):
    """What a setup command does on 16 (§2.3 option 2): manual model, access, code-action rule."""
    rpc = XmlRpc(sb, sb.login, sb.password)
    outbox = rpc(
        "ir.model",
        "create",
        {
            "name": "Xero events",
            "model": "x_xero_event",
            "field_id": [
                (0, 0, {"name": "x_model", "field_description": "Model", "ttype": "char"}),
                (0, 0, {"name": "x_res_id", "field_description": "Record", "ttype": "integer"}),
                (0, 0, {"name": "x_event", "field_description": "Event", "ttype": "char"}),
                (0, 0, {"name": "x_write_date", "field_description": "Write date", "ttype": "datetime"}),
            ],
        },
    )
    rpc(
        "ir.model.access",
        "create",
        {
            "name": "bridge outbox",
            "model_id": outbox,
            "perm_read": True,
            "perm_write": True,
            "perm_create": True,
            "perm_unlink": True,
        },
    )
    partner_model = rpc("ir.model", "search", [("model", "=", "res.partner")])[0]
    code = (
        "env['x_xero_event'].sudo().create({'x_model': record._name, 'x_res_id': record.id, "
        "'x_event': 'write', 'x_write_date': record.write_date})"
    )
    rpc(
        "base.automation",
        "create",
        {
            "name": "Xero outbox: partners",
            "model_id": partner_model,
            "trigger": "on_create_or_write",
            "state": "code",
            "code": code,
            "filter_domain": f"[('write_uid', '!=', {sb.bridge_uid})]",
        },
    )
    return rpc


def test_outbox_on_16_is_filled_in_the_same_transaction(make_sandbox):
    sb = make_sandbox(16)
    admin = _outbox_16(sb)
    pid = admin("res.partner", "create", {"name": "Queued"})
    bridge = XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    rows = bridge("x_xero_event", "search_read", [], ["x_model", "x_res_id", "x_event", "x_write_date"])
    written = admin("res.partner", "read", [pid], ["write_date"])[0]["write_date"]
    assert [(r["x_model"], r["x_res_id"], r["x_event"], r["x_write_date"]) for r in rows] == [
        ("res.partner", pid, "write", written)
    ]
    bridge("x_xero_event", "unlink", [r["id"] for r in rows])
    assert bridge("x_xero_event", "search_count", []) == 0


def test_outbox_on_16_rolls_back_with_the_business_change(make_sandbox):
    sb = make_sandbox(16)
    admin = _outbox_16(sb)
    sb.faults.rollback_after_work(1)
    with pytest.raises(xmlrpc.client.Fault):
        admin("res.partner", "create", {"name": "Never"})
    assert admin("x_xero_event", "search_count", []) == 0


def test_outbox_on_16_skips_the_bridge_writes(make_sandbox):
    sb = make_sandbox(16)
    admin = _outbox_16(sb)
    XmlRpc(sb, sb.bridge_login, sb.bridge_password)("res.partner", "create", {"name": "Echo"})
    assert admin("x_xero_event", "search_count", []) == 0


def test_outbox_model_needs_an_access_row(make_sandbox):
    sb = make_sandbox(16)
    admin = XmlRpc(sb, sb.login, sb.password)
    admin("ir.model", "create", {"name": "Events", "model": "x_events"})
    with pytest.raises(xmlrpc.client.Fault) as err:
        XmlRpc(sb, sb.bridge_login, sb.bridge_password)("x_events", "search", [])
    assert err.value.faultCode == 4


def test_manual_model_name_must_start_with_x(make_sandbox):
    sb = make_sandbox(16)
    with pytest.raises(xmlrpc.client.Fault) as err:
        XmlRpc(sb, sb.login, sb.password)("ir.model", "create", {"name": "Bad", "model": "xero.event"})
    assert err.value.faultCode == 2


def test_code_action_outside_the_supported_form_is_refused(make_sandbox):
    sb = make_sandbox(16)
    rpc = XmlRpc(sb, sb.login, sb.password)
    model = rpc("ir.model", "search", [("model", "=", "res.partner")])[0]
    with pytest.raises(xmlrpc.client.Fault) as err:
        rpc(
            "ir.actions.server",
            "create",
            {"name": "x", "model_id": model, "state": "code", "code": "import requests"},
        )
    assert "does not run safe_eval" in err.value.faultString


def test_object_create_action_with_equations_fills_the_outbox_on_16(make_sandbox):
    sb = make_sandbox(16)
    rpc = XmlRpc(sb, sb.login, sb.password)
    outbox = rpc(
        "ir.model",
        "create",
        {
            "name": "Ev",
            "model": "x_ev",
            "field_id": [
                (0, 0, {"name": "x_res_id", "field_description": "R", "ttype": "integer"}),
                (0, 0, {"name": "x_model", "field_description": "M", "ttype": "char"}),
            ],
        },
    )
    rpc("ir.model.access", "create", {"name": "all", "model_id": outbox, "perm_read": True})
    fields = {
        f["name"]: f["id"]
        for f in rpc("ir.model.fields", "search_read", [("model_id", "=", outbox)], ["name"])
    }
    partner_model = rpc("ir.model", "search", [("model", "=", "res.partner")])[0]
    rpc(
        "base.automation",
        "create",
        {
            "name": "outbox",
            "model_id": partner_model,
            "trigger": "on_create",
            "state": "object_create",
            "crud_model_id": outbox,
            "fields_lines": [
                (0, 0, {"col1": fields["x_res_id"], "evaluation_type": "equation", "value": "record.id"}),
                (0, 0, {"col1": fields["x_model"], "evaluation_type": "equation", "value": "record._name"}),
            ],
        },
    )
    pid = rpc("res.partner", "create", {"name": "Obj"})
    assert rpc("x_ev", "search_read", [], ["x_res_id", "x_model"]) == [
        {"id": 1, "x_res_id": pid, "x_model": "res.partner"}
    ]


def test_group_restricted_fields_are_refused_in_webhook_payloads(sb, receiver):
    """Observed on 17: credit_limit and similar fields cannot be chosen."""
    for field in ("credit_limit", "credit", "debit", "total_invoiced"):
        with pytest.raises(Exception, match="Group-restricted"):
            sb.add_webhook_rule("res.partner", receiver.url, fields=["name", field])


def test_on_archive_rule_fires_only_when_active_turns_false(sb, receiver, admin_xml):
    sb.add_webhook_rule("res.partner", receiver.url, trigger="on_archive")
    pid = admin_xml("res.partner", "create", {"name": "Archivable"})
    admin_xml("res.partner", "write", [pid], {"phone": "1"})
    admin_xml("res.partner", "write", [pid], {"active": False})
    admin_xml("res.partner", "write", [pid], {"active": True})
    time.sleep(0.1)
    assert [p["_id"] for p in receiver.payloads()] == [pid]


def test_a_rule_whose_action_writes_the_record_does_not_loop(make_sandbox):
    sb = make_sandbox(16)
    rpc = XmlRpc(sb, sb.login, sb.password)
    partner_model = rpc("ir.model", "search", [("model", "=", "res.partner")])[0]
    ref_field = rpc("ir.model.fields", "search", [("model", "=", "res.partner"), ("name", "=", "ref")])[0]
    rpc(
        "base.automation",
        "create",
        {
            "name": "stamp",
            "model_id": partner_model,
            "trigger": "on_write",
            "state": "object_write",
            "fields_lines": [(0, 0, {"col1": ref_field, "evaluation_type": "value", "value": "touched"})],
        },
    )
    pid = rpc("res.partner", "create", {"name": "Loop?"})
    rpc("res.partner", "write", [pid], {"phone": "1"})
    assert rpc("res.partner", "read", [pid], ["ref"])[0]["ref"] == "touched"


def test_inactive_rule_does_not_fire(sb, receiver, admin_xml):
    rule, _ = sb.add_webhook_rule("res.partner", receiver.url)
    admin_xml("base.automation", "write", [rule], {"active": False})
    admin_xml("res.partner", "create", {"name": "Quiet"})
    time.sleep(0.1)
    assert receiver.payloads() == []


def test_webhook_query_string_token_is_kept(sb, receiver, admin_xml):
    """Observed on 17: a secret token in the configured URL's query string arrives as is."""
    sb.add_webhook_rule("res.partner", receiver.url + "?token=s3cr3t")
    admin_xml("res.partner", "create", {"name": "Tokened"})
    receiver.wait_for(1)
    assert receiver.requests[0]["query"] == "token=s3cr3t"


@pytest.mark.parametrize("version", [17, 19])
def test_paused_commits_hold_17_writes_invisible_after_the_webhook(make_sandbox, receiver, version):
    sb = make_sandbox(version)
    sb.add_webhook_rule("res.partner", receiver.url, trigger_fields=["phone"])
    rpc = XmlRpc(sb, sb.login, sb.password)
    pid = rpc("res.partner", "create", {"name": "Paused", "phone": "old"})
    receiver.wait_for(1)
    bridge = XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    done = threading.Event()
    with sb.commits_paused():
        threading.Thread(
            target=lambda: (rpc("res.partner", "write", [pid], {"phone": "new"}), done.set())
        ).start()
        if version == 17:
            receiver.wait_for(2)  # the webhook is already delivered while the commit waits
            assert len(receiver.payloads()) == 2
        else:
            time.sleep(0.2)
            assert len(receiver.payloads()) == 1  # 19 posts only after the commit
        assert bridge("res.partner", "read", [pid], ["phone"])[0]["phone"] == "old"
    assert done.wait(5)
    assert receiver.wait_for(2) and bridge("res.partner", "read", [pid], ["phone"])[0]["phone"] == "new"


def test_install_outbox_records_create_write_and_unlink_on_every_version(make_sandbox, version):
    sb = make_sandbox(version)
    sb.install_outbox(["res.partner", "res.partner.category"])
    admin = XmlRpc(sb, sb.login, sb.password)
    pid = admin("res.partner", "create", {"name": "Out"})
    tag = admin("res.partner.category", "create", {"name": "T"})
    admin("res.partner", "unlink", [pid])
    XmlRpc(sb, sb.bridge_login, sb.bridge_password)("res.partner", "create", {"name": "From the bridge"})
    rows = admin("x_xero_event", "search_read", [], ["x_model", "x_res_id", "x_event"], order="id")
    events = [(r["x_model"], r["x_res_id"], r["x_event"]) for r in rows]
    assert events == [
        ("res.partner", pid, "write"),
        ("res.partner.category", tag, "write"),
        ("res.partner", pid, "unlink"),
    ]


def test_posting_an_invoice_fires_a_state_rule_once(sb, receiver, admin_xml):
    sb.add_webhook_rule(
        "account.move", receiver.url, trigger_fields=["state"], fields=["state", "name", "move_type"]
    )
    move = admin_xml(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": 3,
            "invoice_line_ids": [(0, 0, {"name": "x", "price_unit": 9})],
        },
    )
    admin_xml("account.move", "action_post", [move])
    payloads = receiver.wait_for(2)
    assert [p["state"] for p in payloads] == ["draft", "posted"]
    assert payloads[1]["name"].startswith("INV/") and payloads[1]["_id"] == move


def test_a_rolled_back_manual_model_does_not_exist(make_sandbox):
    sb = make_sandbox(16)
    rpc = XmlRpc(sb, sb.login, sb.password)
    sb.faults.rollback_after_work(1)
    with pytest.raises(xmlrpc.client.Fault):
        rpc("ir.model", "create", {"name": "Tmp", "model": "x_tmp"})
    with pytest.raises(xmlrpc.client.Fault) as err:
        rpc("x_tmp", "search", [])
    assert "x_tmp doesn't exist" in err.value.faultString


def test_receiver_error_status_is_only_logged(sb, receiver, admin_xml, caplog):
    receiver.status = 500
    sb.add_webhook_rule("res.partner", receiver.url)
    with caplog.at_level(logging.WARNING):
        pid = admin_xml("res.partner", "create", {"name": "Refused"})
    assert admin_xml("res.partner", "search", [("id", "=", pid)]) == [pid]
    call = sb.webhook_calls()[0]
    assert call.status == 500 and "500" in call.error
    assert len(receiver.payloads()) == 1  # no retry


def test_17_receiver_writing_back_during_the_webhook_waits_for_the_row_lock(make_sandbox, receiver):
    """17/18: the user's transaction holds the row lock while it waits for the webhook (1 s timeout);
    a receiver that writes the same record blocks until then (PostgreSQL row lock, §2.1)."""
    sb = make_sandbox(17, webhook_timeout=0.3)
    sb.add_webhook_rule("res.partner", receiver.url, trigger="on_write", trigger_fields=["phone"])
    bridge = XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    rpc = XmlRpc(sb, sb.login, sb.password)
    pid = rpc("res.partner", "create", {"name": "Echo"})
    receiver.on_request = lambda payload: bridge(
        "res.partner", "write", [payload["_id"]], {"ref": "from-bridge"}
    )
    rpc("res.partner", "write", [pid], {"phone": "1"})
    assert sb.webhook_calls()[0].error == "timeout"  # the receiver was stuck on the lock
    receiver.wait_for(1)
    row = rpc("res.partner", "read", [pid], ["phone", "ref"])[0]
    assert (row["phone"], row["ref"]) == ("1", "from-bridge")
