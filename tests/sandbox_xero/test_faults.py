"""Scripted faults: 5xx, latency, dropped connections, per endpoint and method."""

from __future__ import annotations

import time

import pytest
import requests


def test_scripted_503_then_normal_answers(sb, api):
    sb.inject_fault("status", method="GET", path="/api.xro/2.0/Contacts", status=503, times=2)
    assert [api.get("/Contacts").status_code for _ in range(3)] == [503, 503, 200]


def test_fault_is_per_method_and_path(sb, api):
    sb.inject_fault("status", method="PUT", path="/api.xro/2.0/Invoices", status=500)
    assert api.get("/Contacts").status_code == 200
    assert api.get("/Invoices").status_code == 200
    assert api.put("/Invoices", json={"Invoices": []}).status_code == 500


def test_dropped_connection_before_processing_saves_nothing(sb, api):
    sb.inject_fault("drop", method="PUT", path="/api.xro/2.0/Contacts")
    with pytest.raises(requests.ConnectionError):
        api.put("/Contacts", json={"Contacts": [{"Name": "Lost"}]})
    assert api.get("/Contacts").json()["Contacts"] == []


def test_dropped_connection_after_processing_keeps_the_change(sb, api):
    sb.inject_fault("drop", method="PUT", path="/api.xro/2.0/Contacts", phase="after")
    with pytest.raises(requests.ConnectionError):
        api.put("/Contacts", json={"Contacts": [{"Name": "Saved"}]})
    assert [c["Name"] for c in api.get("/Contacts").json()["Contacts"]] == ["Saved"]


def test_latency_delays_the_answer(sb, api):
    sb.inject_fault("latency", path="/api.xro/2.0/Contacts", delay=0.3)
    started = time.monotonic()
    assert api.get("/Contacts").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_token_endpoint_can_fail_too(sb):
    sb.inject_fault("status", path="/identity/connect/token", status=503)
    r = requests.post(
        sb.token_url,
        data={"grant_type": "client_credentials"},
        auth=(sb.credentials.client_id, sb.credentials.client_secret),
        timeout=5,
    )
    assert r.status_code == 503


def test_only_5xx_can_be_scripted(sb):
    with pytest.raises(ValueError):
        sb.inject_fault("status", status=404)
