"""xero-tenant-id handling and scopes per endpoint, granular scopes included (xero-facts §6, §7)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests

from .helpers import Api


def test_missing_tenant_header_is_403(sb):
    api = Api(sb, sb.token_for(), None)
    r = api.get("/Contacts")
    assert r.status_code == 403 and r.json()["Detail"] == "AuthenticationUnsuccessful"


def test_unknown_tenant_is_403(sb):
    api = Api(sb, sb.token_for(), "00000000-0000-0000-0000-000000000001")
    assert api.get("/Contacts").status_code == 403


def test_tenant_not_connected_for_this_token_is_403(sb, tenant_a, tenant_b):
    api = Api(sb, sb.token_for(tenant_a), tenant_b)
    assert api.get("/Contacts").status_code == 403


def test_tenants_are_isolated(sb, tenant_a, tenant_b):
    token = sb.token_for()
    a, b = Api(sb, token, tenant_a), Api(sb, token, tenant_b)
    created = a.contact("Only In A")
    assert [c["Name"] for c in b.get("/Contacts").json()["Contacts"]] == []
    assert b.get(f"/Contacts/{created['ContactID']}").status_code == 404
    assert b.contact("Only In A")["ContactID"] != created["ContactID"]  # same name is fine in another org


def test_missing_scope_is_403_authorization_unsuccessful(sb, tenant_a):
    api = Api(sb, sb.token_for(scopes="accounting.contacts"), tenant_a)
    assert api.get("/Contacts").status_code == 200
    r = api.get("/Invoices")
    assert r.status_code == 403 and r.json()["Detail"] == "AuthorizationUnsuccessful"


def test_read_scope_cannot_write(sb, tenant_a):
    api = Api(sb, sb.token_for(scopes="accounting.contacts.read"), tenant_a)
    assert api.get("/Contacts").status_code == 200
    assert api.put("/Contacts", json={"Contacts": [{"Name": "X"}]}).status_code == 403


def test_granular_invoices_scope_reaches_invoices_not_payments(sb, tenant_a):
    api = Api(sb, sb.token_for(scopes="accounting.invoices"), tenant_a)
    assert api.get("/Invoices").status_code == 200
    assert api.get("/CreditNotes").status_code == 200
    assert api.get("/Payments").status_code == 403


def test_granular_payments_scope_reaches_payments_not_invoices(sb, tenant_a):
    api = Api(sb, sb.token_for(scopes="accounting.payments"), tenant_a)
    assert api.get("/Payments").status_code == 200
    assert api.get("/Invoices").status_code == 403


def test_broad_transactions_scope_still_reaches_invoices_and_payments_for_an_older_app(make_sandbox):
    sb = make_sandbox(granular_only=False)
    api = Api(sb, sb.token_for(scopes="accounting.transactions"), sb.tenants[0].tenant_id)
    assert api.get("/Invoices").status_code == 200 and api.get("/Payments").status_code == 200


def test_a_new_app_cannot_request_retired_broad_scopes(sb):
    # xero-facts §7: apps created since 2 March 2026 get granular scopes only.
    params = {
        "response_type": "code",
        "client_id": sb.credentials.client_id,
        "state": "s",
        "redirect_uri": "http://127.0.0.1:9/cb",
        "scope": "offline_access accounting.transactions",
    }
    r = requests.get(sb.authorize_url, params=params, allow_redirects=False, timeout=5)
    assert parse_qs(urlparse(r.headers["Location"]).query)["error"] == ["invalid_scope"]
    with pytest.raises(ValueError):
        sb.token_for(scopes="accounting.transactions")


def test_manual_journals_need_their_granular_scope(sb, tenant_a):
    assert (
        Api(sb, sb.token_for(scopes="accounting.invoices"), tenant_a).get("/ManualJournals").status_code
        == 403
    )
    assert (
        Api(sb, sb.token_for(scopes="accounting.manualjournals"), tenant_a).get("/ManualJournals").status_code
        == 200
    )


def test_items_are_reachable_with_invoices_or_settings_scope(sb, tenant_a):
    assert Api(sb, sb.token_for(scopes="accounting.invoices"), tenant_a).get("/Items").status_code == 200
    assert Api(sb, sb.token_for(scopes="accounting.settings"), tenant_a).get("/Items").status_code == 200
    assert Api(sb, sb.token_for(scopes="accounting.contacts"), tenant_a).get("/Items").status_code == 403


def test_settings_scope_guards_currencies_and_tax_rates(sb, tenant_a):
    api = Api(sb, sb.token_for(scopes="accounting.contacts"), tenant_a)
    assert api.get("/Currencies").status_code == 403 and api.get("/TaxRates").status_code == 403
