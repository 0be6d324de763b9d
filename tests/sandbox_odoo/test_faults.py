"""Fault injection: serialization errors, lock errors, HTTP errors, latency, dropped connections."""

from __future__ import annotations

import http.client
import time
import xmlrpc.client

import pytest
import requests

from .conftest import Json2, JsonRpc, XmlRpc


def test_serialization_failure_reaches_jsonrpc_after_server_retries(sb, caplog):
    rpc = JsonRpc(sb, sb.login, sb.password)
    sb.faults.serialization_failures(1)
    data = rpc.call_raw("res.partner", "create", {"name": "Conflict"})
    assert data["error"]["data"]["name"] == "psycopg2.errors.SerializationFailure"
    assert rpc("res.partner", "search", [("name", "=", "Conflict")]) == []
    assert rpc("res.partner", "create", {"name": "Conflict"})  # the next call succeeds


def test_serialization_failure_over_xmlrpc_is_fault_1_naming_the_error(sb, admin_xml):
    sb.faults.serialization_failures(1)
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.partner", "create", {"name": "Conflict"})
    assert err.value.faultCode == 1 and "SerializationFailure" in err.value.faultString


def test_serialization_failures_for_n_calls(sb, admin_xml):
    sb.faults.serialization_failures(2)
    for _ in range(2):
        with pytest.raises(xmlrpc.client.Fault):
            admin_xml("res.partner", "search", [])
    assert isinstance(admin_xml("res.partner", "search", []), list)


def test_fewer_commit_failures_than_tries_are_absorbed_by_the_server(sb, admin_xml):
    sb.faults.commit_failures(4)
    pid = admin_xml("res.partner", "create", {"name": "Eventually"})
    assert admin_xml("res.partner", "search", [("name", "=", "Eventually")]) == [pid]


def test_19_lock_error_is_json2_409(make_sandbox):
    sb = make_sandbox(19)
    sb.faults.lock_errors(1)
    r = Json2(sb, sb.api_key).post("res.partner", "write", {"ids": [3], "vals": {"phone": "1"}})
    assert r.status_code == 409 and r.json()["name"] == "odoo.exceptions.LockError"


def test_19_exhausted_serialization_retries_are_json2_500(make_sandbox):
    sb = make_sandbox(19)
    sb.faults.serialization_failures(1)
    r = Json2(sb, sb.api_key).post("res.partner", "write", {"ids": [3], "vals": {"phone": "1"}})
    assert r.status_code == 500 and r.json()["name"] == "psycopg2.errors.SerializationFailure"


def test_lock_errors_before_19_are_lock_not_available(sb):
    sb.faults.lock_errors(1)
    data = JsonRpc(sb, sb.login, sb.password).call_raw("res.partner", "write", [3], {"phone": "1"})
    assert data["error"]["data"]["name"] == "psycopg2.errors.LockNotAvailable"


def test_injected_http_error_is_a_bare_5xx(sb):
    sb.faults.http_errors(503, count=1)
    r = requests.post(
        f"{sb.url}/jsonrpc",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": "common", "method": "version", "args": []},
        },
        timeout=5,
    )
    assert r.status_code == 503 and "text/html" in r.headers["Content-Type"]
    assert (
        requests.post(
            f"{sb.url}/jsonrpc",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"service": "common", "method": "version", "args": []},
            },
            timeout=5,
        ).status_code
        == 200
    )


def test_injected_latency(sb, admin_xml):
    sb.faults.latency(0.3)
    started = time.time()
    admin_xml("res.partner", "search", [])
    assert time.time() - started >= 0.3


def test_dropped_connection_before_the_call_changes_nothing(sb, admin_xml):
    sb.faults.drop_connections(2)  # xmlrpc.client retries a dropped request once by itself
    with pytest.raises((ConnectionError, http.client.HTTPException, xmlrpc.client.ProtocolError, OSError)):
        admin_xml("res.partner", "create", {"name": "Dropped early"})
    assert admin_xml("res.partner", "search", [("name", "=", "Dropped early")]) == []


def test_xmlrpc_lost_responses_each_committed_a_record(sb, admin_xml):
    """Both attempts (xmlrpc.client resends once) committed, then the client saw a transport error:
    never blindly re-create (§1.6)."""
    sb.faults.drop_connections(2, after_commit=True)
    with pytest.raises((ConnectionError, http.client.HTTPException, xmlrpc.client.ProtocolError, OSError)):
        admin_xml("res.partner", "create", {"name": "Lost reply", "ref": "XERO-1"})
    assert len(admin_xml("res.partner", "search", [("ref", "=", "XERO-1")])) == 2  # both attempts committed


def test_stdlib_xmlrpc_client_resends_after_a_lost_response(sb, admin_xml):
    """xmlrpc.client retries once on RemoteDisconnected: one lost reply to a create = two records."""
    sb.faults.drop_connections(1, after_commit=True)
    admin_xml("res.partner", "create", {"name": "Twice", "ref": "XERO-3"})
    assert len(admin_xml("res.partner", "search", [("ref", "=", "XERO-3")])) == 2


def test_lost_response_on_jsonrpc_too(sb):
    rpc = JsonRpc(sb, sb.login, sb.password)
    sb.faults.drop_connections(1, after_commit=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        rpc("res.partner", "create", {"name": "Lost json", "ref": "XERO-2"})
    assert len(rpc("res.partner", "search", [("ref", "=", "XERO-2")])) == 1


def test_rollback_after_work_over_rpc_commits_nothing(sb):
    rpc = XmlRpc(sb, sb.login, sb.password)
    sb.faults.rollback_after_work(1)
    with pytest.raises(xmlrpc.client.Fault):
        rpc("res.partner", "create", {"name": "Rolled back"})
    assert rpc("res.partner", "search", [("name", "=", "Rolled back")]) == []
