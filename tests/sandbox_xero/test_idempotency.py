"""Idempotency-Key (xero-facts §3)."""

from __future__ import annotations

import pytest
import requests

from .helpers import line

BILL = {"Type": "ACCPAY", "Date": "2026-11-01", "LineItems": [line(10, account="400", tax="INPUT2")]}


def _bill(api, contact_id, key, **extra):
    body = {"Invoices": [dict(BILL, Contact={"ContactID": contact_id}, **extra)]}
    return api.put("/Invoices", json=body, headers={"Idempotency-Key": key})


@pytest.fixture
def supplier(api):
    return api.contact("Supplier")["ContactID"]


def test_same_key_and_request_replays_the_first_response(api, supplier):
    first = _bill(api, supplier, "key-1")
    second = _bill(api, supplier, "key-1")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len(api.get("/Invoices").json()["Invoices"]) == 1


def test_same_key_with_a_different_request_is_400(api, supplier):
    _bill(api, supplier, "key-1")
    r = _bill(api, supplier, "key-1", Reference="changed")
    assert r.status_code == 400 and "is used with a different request" in r.json()["Message"]


def test_errors_are_replayed_even_once_the_cause_is_gone(api):
    taken = api.contact("Taken")
    body = {"Contacts": [{"Name": "Taken"}]}
    assert api.put("/Contacts", json=body, headers={"Idempotency-Key": "k"}).status_code == 400
    api.post(f"/Contacts/{taken['ContactID']}", json={"Contacts": [{"ContactStatus": "ARCHIVED"}]})
    assert api.put("/Contacts", json=body, headers={"Idempotency-Key": "k"}).status_code == 400
    assert api.put("/Contacts", json=body, headers={"Idempotency-Key": "k2"}).status_code == 200


def test_key_is_forgotten_after_6_minutes(api, supplier, clock):
    first = _bill(api, supplier, "key-1").json()["Invoices"][0]["InvoiceID"]
    clock.advance(361)
    second = _bill(api, supplier, "key-1").json()["Invoices"][0]["InvoiceID"]
    assert first != second


def test_key_longer_than_128_characters_is_refused(api, supplier):
    assert _bill(api, supplier, "k" * 129).status_code == 400
    assert _bill(api, supplier, "k" * 128).status_code == 200


def test_key_is_ignored_on_get(api):
    assert api.get("/Contacts", headers={"Idempotency-Key": "same"}).status_code == 200
    assert api.get("/Invoices", headers={"Idempotency-Key": "same"}).status_code == 200


def test_retry_after_a_dropped_response_creates_one_record(sb, api, supplier):
    sb.inject_fault("drop", method="PUT", path="/api.xro/2.0/Invoices", phase="after")
    with pytest.raises(requests.ConnectionError):
        _bill(api, supplier, "retry-me")
    assert _bill(api, supplier, "retry-me").status_code == 200
    assert len(api.get("/Invoices").json()["Invoices"]) == 1


def test_concurrent_duplicates_with_one_key_make_one_record(sb, api, supplier):
    import threading

    sb.inject_fault("latency", method="PUT", path="/api.xro/2.0/Invoices", delay=0.3, times=2)
    results: list = []
    threads = [
        threading.Thread(target=lambda: results.append(_bill(api, supplier, "same-key"))) for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [200, 200]
    assert results[0].json() == results[1].json()
    assert len(api.get("/Invoices").json()["Invoices"]) == 1
