"""Requests and responses checked against Xero's OpenAPI file; what the spec rejects is rejected."""

from __future__ import annotations

import logging

from sandboxes.xero import XeroSandbox


def test_spec_invalid_request_is_rejected_with_400(sb, api):
    r = api.put("/Contacts", json={"Contacts": [{"Name": 5}]})
    assert r.status_code == 400 and r.json()["Type"] == "ValidationException"
    assert "OpenAPI" in r.json()["Message"]
    assert api.get("/Contacts").json()["Contacts"] == []


def test_bad_query_parameter_type_is_rejected(api):
    assert api.get("/Contacts", params={"page": "first"}).status_code == 400


def test_endpoint_in_the_spec_but_not_in_the_sandbox_answers_501(api):
    r = api.get("/TrackingCategories")
    assert r.status_code == 501 and "does not implement" in r.text


def test_unknown_endpoint_is_404(api):
    assert api.get("/NoSuchThing").status_code == 404


def test_a_response_that_breaks_the_spec_is_recorded_as_a_violation(sb, api):
    from flask import Response

    route, _, _ = sb.router.match("GET", "/Currencies")
    original = route.handler
    route.handler = lambda ctx: Response('{"Currencies": [{"Code": 5}]}', mimetype="application/json")
    try:
        api.get("/Currencies")
    finally:
        route.handler = original
    assert len(sb.spec_violations) == 1 and "GET /api.xro/2.0/Currencies" in sb.spec_violations[0]
    sb.spec_violations.clear()  # expected here; the fixture fails any test that leaves one behind


def test_without_a_spec_validation_is_off_and_said_once_on_start(tmp_path, caplog, monkeypatch):
    monkeypatch.delenv("XERO_OPENAPI_DIR", raising=False)
    sb = XeroSandbox(spec_dir=tmp_path)
    with caplog.at_level(logging.WARNING, logger="sandboxes.xero.sandbox"):
        sb.start()
        sb.stop()
    assert sb.validator is None and "OFF" in sb.validation_note
    assert [r.getMessage() for r in caplog.records].count(f"xero sandbox: {sb.validation_note}") == 1


def test_spec_dir_falls_back_to_the_environment(spec_dir, monkeypatch):
    monkeypatch.setenv("XERO_OPENAPI_DIR", str(spec_dir))
    assert XeroSandbox().validator is not None


def test_method_xero_does_not_offer_is_405(api):
    contact = api.contact("Undeletable")
    assert api.delete(f"/Contacts/{contact['ContactID']}").status_code == 405  # contacts cannot be deleted


def test_without_accept_json_the_sandbox_refuses_what_xero_would_answer_in_xml(sb, api):
    """D-REQ: the accounting API answers XML unless Accept asks for application/json. The sandbox serves
    JSON only and says, in JSON, exactly what to send (README "Stricter than Xero")."""
    for accept in ("*/*", "application/xml"):
        r = api.get("/Contacts", headers={"Accept": accept})
        assert r.status_code == 406 and r.headers["Content-Type"].startswith("application/json")
        assert "send 'Accept: application/json'" in r.json()["Detail"]


def test_reset_data_restores_seed_data_and_keeps_tokens(sb, api):
    api.contact("Before Reset")
    sb.reset_data()
    assert api.get("/Contacts").json()["Contacts"] == []
    assert api.get("/Currencies").status_code == 200


def test_endpoint_paths_are_case_insensitive_as_in_xero(api):
    api.contact("Any Case")
    r = api.get("/contacts")
    assert r.status_code == 200 and [c["Name"] for c in r.json()["Contacts"]] == ["Any Case"]
