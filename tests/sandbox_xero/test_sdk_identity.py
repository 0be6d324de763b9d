"""xero-python against the sandbox: connections, organisation and the token lifecycle (refresh through
`ApiClient.refresh_oauth2_token` and the SDK's automatic refresh, expiry, revocation, custom connections).
Token rules: xero-facts §7."""

from __future__ import annotations

import json
import time
from datetime import datetime

import pytest
from xero_python.accounting import CountryCode, CurrencyCode
from xero_python.exceptions import HTTPStatusException

from sandboxes.xero import FULL_SCOPES

from .sdk_support import (  # noqa: F401  (fixtures)
    Sdk,
    make_sdk_sandbox_fixture,
    sdk_fixture,
    sdk_sandbox_fixture,
)


def test_connections_list_every_connected_tenant_with_its_details(sdk: Sdk) -> None:
    connections = sdk.identity.get_connections()

    assert [c.tenant_id for c in connections] == [t.tenant_id for t in sdk.sb.tenants]
    first = connections[0]
    assert first.tenant_name == "Demo Company (NZ)"
    assert first.tenant_type == "ORGANISATION"
    assert isinstance(first.created_date_utc, datetime) and first.created_date_utc.tzinfo is not None
    assert first.auth_event_id and first.id


def test_connections_filtered_by_auth_event_id(sdk: Sdk) -> None:
    event = sdk.identity.get_connections()[0].auth_event_id

    assert len(sdk.identity.get_connections(auth_event_id=event)) == 2
    assert sdk.identity.get_connections(auth_event_id="00000000-0000-0000-0000-000000000000") == []


def test_deleting_a_connection_disconnects_the_tenant(sdk: Sdk) -> None:
    """DELETE /Connections/{id} answers 204 (the SDK returns None); the tenant then answers 403."""
    second = sdk.identity.get_connections()[1]

    assert sdk.identity.delete_connection(second.id) is None

    assert [c.tenant_id for c in sdk.identity.get_connections()] == [sdk.tenant_id]
    with pytest.raises(HTTPStatusException) as refused:
        sdk.accounting.get_organisations(second.tenant_id)
    assert refused.value.status == 403


def test_organisation_is_read_with_its_currency_and_country(sdk: Sdk) -> None:
    org = sdk.accounting.get_organisations(sdk.tenant_id).organisations[0]

    assert org.organisation_id == sdk.tenant_id
    assert org.name == "Demo Company (NZ)"
    assert org.base_currency == CurrencyCode.NZD
    assert org.country_code == CountryCode.NZ
    assert org.organisation_status == "ACTIVE"


def test_organisation_of_the_second_tenant_is_its_own(sdk: Sdk) -> None:
    second = sdk.sb.tenants[1].tenant_id

    org = sdk.accounting.get_organisations(second).organisations[0]

    assert (org.organisation_id, org.base_currency) == (second, CurrencyCode.GBP)


def test_refresh_oauth2_token_rotates_both_tokens_and_saves_them(sdk: Sdk) -> None:
    old = dict(sdk.token)

    new = sdk.client.refresh_oauth2_token()

    assert new["access_token"] != old["access_token"]
    assert new["refresh_token"] != old["refresh_token"]
    assert new["scope"] == old["scope"]
    assert sdk.saved and sdk.saved[-1]["refresh_token"] == new["refresh_token"]
    assert sdk.accounting.get_organisations(sdk.tenant_id).organisations[0].name == "Demo Company (NZ)"


def test_an_access_token_the_sdk_knows_is_expiring_is_refreshed_before_the_call(sdk: Sdk) -> None:
    """OAuth2Token refreshes when expires_at is within 60 s (EXPIRATION_BUFFER_DEFAULT) before sending."""
    sdk.sb.expire_access_tokens()
    old_access = sdk.token["access_token"]
    sdk.token["expires_at"] = time.time() + 30

    org = sdk.accounting.get_organisations(sdk.tenant_id).organisations[0]

    assert org.organisation_id == sdk.tenant_id
    assert len(sdk.saved) == 1 and sdk.token["access_token"] != old_access


def test_an_expired_access_token_answers_401_token_expired_then_a_refresh_recovers(sdk: Sdk) -> None:
    """The SDK does not refresh on a 401 by itself (it trusts expires_at); the caller refreshes."""
    sdk.sb.expire_access_tokens()

    with pytest.raises(HTTPStatusException) as expired:
        sdk.accounting.get_organisations(sdk.tenant_id)
    assert expired.value.status == 401
    assert json.loads(expired.value.body)["Detail"] == "TokenExpired"

    sdk.client.refresh_oauth2_token()
    assert sdk.accounting.get_organisations(sdk.tenant_id).organisations[0].organisation_id == sdk.tenant_id


def test_a_refused_refresh_token_raises_with_invalid_grant(sdk: Sdk) -> None:
    sdk.sb.expire_refresh_tokens()

    with pytest.raises(HTTPStatusException) as refused:
        sdk.client.refresh_oauth2_token()

    assert refused.value.status == 400
    assert json.loads(refused.value.body)["error"] == "invalid_grant"
    assert sdk.saved == []


def test_revoking_the_refresh_token_ends_it_and_removes_the_connections(sdk: Sdk) -> None:
    before = Sdk(sdk.sb, sdk.tenant_id, dict(sdk.token))  # a copy of the token set as it was

    emptied = sdk.client.revoke_oauth2_token()

    assert emptied["access_token"] is None and emptied["refresh_token"] is None
    assert before.identity.get_connections() == []
    with pytest.raises(HTTPStatusException) as refused:
        before.client.refresh_oauth2_token()
    assert b"invalid_grant" in refused.value.body


def test_a_custom_connection_token_acts_for_its_one_organisation(make_sdk_sandbox) -> None:
    """get_client_credentials_token: client_credentials grant, no refresh token (xero-facts §7)."""
    sb, client = make_sdk_sandbox(scopes=FULL_SCOPES)
    client.token = {"access_token": None, "scope": [], "expires_in": None, "token_type": "Bearer"}

    token = client.client.get_client_credentials_token()

    assert token["access_token"] and token.get("refresh_token") is None
    assert "accounting.contacts" in token["scope"]
    assert [c.tenant_id for c in client.identity.get_connections()] == [sb.tenants[0].tenant_id]
    org = client.accounting.get_organisations(sb.tenants[0].tenant_id).organisations[0]
    assert org.organisation_id == sb.tenants[0].tenant_id
