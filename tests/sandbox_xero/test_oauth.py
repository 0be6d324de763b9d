"""Identity: authorize, token endpoint, refresh rotation and grace, lifetimes, custom connections,
connections (xero-facts §7)."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlparse

import requests

from sandboxes.xero import FULL_SCOPES

REDIRECT = "http://127.0.0.1:9/callback"


def _basic(sb):
    raw = f"{sb.credentials.client_id}:{sb.credentials.client_secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def _authorize(sb, **extra):
    params = {
        "response_type": "code",
        "client_id": sb.credentials.client_id,
        "redirect_uri": REDIRECT,
        "scope": FULL_SCOPES,
        "state": "st-1",
        **extra,
    }
    return requests.get(sb.authorize_url, params=params, allow_redirects=False, timeout=5)


def _code(sb, **extra):
    r = _authorize(sb, **extra)
    assert r.status_code == 302, r.text
    return parse_qs(urlparse(r.headers["Location"]).query)


def _exchange(sb, code, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, **extra}
    return requests.post(sb.token_url, data=data, headers=_basic(sb), timeout=5)


def _refresh(sb, token):
    return requests.post(
        sb.token_url,
        data={"grant_type": "refresh_token", "refresh_token": token},
        headers=_basic(sb),
        timeout=5,
    )


def _connections(sb, access, **params):
    return requests.get(
        sb.connections_url,
        headers={"Accept": "application/json", "Authorization": f"Bearer {access}"},
        params=params,
        timeout=5,
    )


def test_auto_approve_redirects_with_code_and_state(make_sandbox):
    sb = make_sandbox(auto_approve=True)
    query = _code(sb)
    assert query["state"] == ["st-1"] and query["code"][0]


def test_consent_page_then_allow_redirects_with_chosen_tenant(make_sandbox):
    sb = make_sandbox()
    page = _authorize(sb)
    assert page.status_code == 200 and sb.tenants[0].name in page.text
    form = {
        "response_type": "code",
        "client_id": sb.credentials.client_id,
        "redirect_uri": REDIRECT,
        "scope": FULL_SCOPES,
        "state": "s",
        "decision": "allow",
        "tenant": sb.tenants[1].tenant_id,
    }
    r = requests.post(sb.authorize_url, data=form, allow_redirects=False, timeout=5)
    code = parse_qs(urlparse(r.headers["Location"]).query)["code"][0]
    access = _exchange(sb, code).json()["access_token"]
    assert [c["tenantId"] for c in _connections(sb, access).json()] == [sb.tenants[1].tenant_id]


def test_consent_denied_redirects_with_access_denied(make_sandbox):
    sb = make_sandbox()
    form = {
        "response_type": "code",
        "client_id": sb.credentials.client_id,
        "redirect_uri": REDIRECT,
        "scope": FULL_SCOPES,
        "state": "s",
        "decision": "deny",
    }
    r = requests.post(sb.authorize_url, data=form, allow_redirects=False, timeout=5)
    assert parse_qs(urlparse(r.headers["Location"]).query)["error"] == ["access_denied"]


def test_unknown_scope_is_refused_at_authorize(make_sandbox):
    sb = make_sandbox(auto_approve=True)
    r = _authorize(sb, scope="accounting.everything")
    assert parse_qs(urlparse(r.headers["Location"]).query)["error"] == ["invalid_scope"]


def test_code_exchange_gives_30_minute_access_token_and_refresh_token(make_sandbox):
    sb = make_sandbox(auto_approve=True)
    body = _exchange(sb, _code(sb)["code"][0]).json()
    assert body["expires_in"] == 1800 and body["token_type"] == "Bearer"
    assert body["access_token"] and body["refresh_token"]


def test_code_is_single_use(make_sandbox):
    sb = make_sandbox(auto_approve=True)
    code = _code(sb)["code"][0]
    assert _exchange(sb, code).status_code == 200
    second = _exchange(sb, code)
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"


def test_code_expires_after_5_minutes(make_sandbox, clock):
    sb = make_sandbox(auto_approve=True)
    code = _code(sb)["code"][0]
    clock.advance(301)
    assert _exchange(sb, code).json() == {"error": "invalid_grant"}


def test_token_endpoint_requires_client_basic_auth(make_sandbox):
    sb = make_sandbox(auto_approve=True)
    code = _code(sb)["code"][0]
    r = requests.post(
        sb.token_url,
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        auth=(sb.credentials.client_id, "wrong"),
        timeout=5,
    )
    assert r.status_code == 400 and r.json()["error"] == "invalid_client"


def test_pkce_verifier_must_match_challenge(make_sandbox):
    sb = make_sandbox(auto_approve=True)
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    code = _code(sb, code_challenge=challenge, code_challenge_method="S256")["code"][0]
    assert _exchange(sb, code, code_verifier="x" * 50).json()["error"] == "invalid_grant"
    code = _code(sb, code_challenge=challenge, code_challenge_method="S256")["code"][0]
    assert _exchange(sb, code, code_verifier=verifier).status_code == 200


def test_refresh_rotates_both_tokens(sb):
    first = sb.issue_tokens()
    r = _refresh(sb, first["refresh_token"])
    assert r.status_code == 200
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert _refresh(sb, second["refresh_token"]).status_code == 200


def test_reused_refresh_token_within_grace_returns_the_same_new_pair(sb, clock):
    first = sb.issue_tokens()
    a = _refresh(sb, first["refresh_token"]).json()
    clock.advance(29 * 60)
    b = _refresh(sb, first["refresh_token"]).json()
    assert a == b


def test_reused_refresh_token_after_grace_is_invalid_grant(sb, clock):
    first = sb.issue_tokens()
    _refresh(sb, first["refresh_token"])
    clock.advance(30 * 60 + 1)
    r = _refresh(sb, first["refresh_token"])
    assert r.status_code == 400 and r.json() == {"error": "invalid_grant"}


def test_refresh_token_unused_for_60_days_is_invalid_grant(sb, clock):
    tokens = sb.issue_tokens()
    clock.advance(60 * 86400 + 1)
    assert _refresh(sb, tokens["refresh_token"]).json() == {"error": "invalid_grant"}


def test_refresh_token_used_within_60_days_still_works(sb, clock):
    tokens = sb.issue_tokens()
    clock.advance(59 * 86400)
    assert _refresh(sb, tokens["refresh_token"]).status_code == 200


def test_no_refresh_token_without_offline_access(sb):
    assert "refresh_token" not in sb.issue_tokens(scopes="accounting.contacts")


def test_access_token_expires_after_30_minutes_with_token_expired(sb, clock, tenant_a):
    access = sb.token_for()
    headers = {"Accept": "application/json", "Authorization": f"Bearer {access}", "xero-tenant-id": tenant_a}
    assert requests.get(sb.api_url + "/Contacts", headers=headers, timeout=5).status_code == 200
    clock.advance(1800)
    r = requests.get(sb.api_url + "/Contacts", headers=headers, timeout=5)
    assert r.status_code == 401 and r.json()["Detail"] == "TokenExpired"


def test_unknown_bearer_is_401_authentication_unsuccessful(sb, tenant_a):
    r = requests.get(
        sb.api_url + "/Contacts",
        headers={"Accept": "application/json", "Authorization": "Bearer nope", "xero-tenant-id": tenant_a},
        timeout=5,
    )
    assert r.status_code == 401 and r.json()["Detail"] == "AuthenticationUnsuccessful"


def test_client_credentials_token_works_without_tenant_header(sb):
    r = requests.post(sb.token_url, data={"grant_type": "client_credentials"}, headers=_basic(sb), timeout=5)
    assert r.status_code == 200 and "refresh_token" not in r.json()
    access = r.json()["access_token"]
    api = requests.get(
        sb.api_url + "/Contacts",
        headers={"Accept": "application/json", "Authorization": f"Bearer {access}"},
        timeout=5,
    )
    assert api.status_code == 200


def test_client_credentials_token_is_bound_to_one_tenant(sb, tenant_b):
    access = requests.post(
        sb.token_url, data={"grant_type": "client_credentials"}, headers=_basic(sb), timeout=5
    ).json()["access_token"]
    r = requests.get(
        sb.api_url + "/Contacts",
        headers={
            "Accept": "application/json",
            "Authorization": f"Bearer {access}",
            "xero-tenant-id": tenant_b,
        },
        timeout=5,
    )
    assert r.status_code == 403


def test_client_credentials_refused_without_custom_connection(make_sandbox):
    sb = make_sandbox(custom_connection_tenant=None)
    r = requests.post(sb.token_url, data={"grant_type": "client_credentials"}, headers=_basic(sb), timeout=5)
    assert r.status_code == 400 and r.json()["error"] == "unauthorized_client"


def test_connections_list_tenants_and_filter_by_auth_event(sb):
    first = sb.issue_tokens(tenant_ids=[sb.tenants[0].tenant_id])["access_token"]
    second = sb.issue_tokens(tenant_ids=[sb.tenants[1].tenant_id])["access_token"]
    rows = _connections(sb, second).json()
    assert {r["tenantId"] for r in rows} == {t.tenant_id for t in sb.tenants}
    assert all(r["tenantType"] == "ORGANISATION" for r in rows)
    latest = next(r for r in rows if r["tenantId"] == sb.tenants[1].tenant_id)["authEventId"]
    only = _connections(sb, first, authEventId=latest).json()
    assert [r["tenantId"] for r in only] == [sb.tenants[1].tenant_id]


def test_deleted_connection_makes_tenant_forbidden_and_blocks_refresh(sb, tenant_a):
    tokens = sb.issue_tokens(tenant_ids=[tenant_a])
    access = tokens["access_token"]
    conn = _connections(sb, access).json()[0]
    r = requests.delete(
        f"{sb.connections_url}/{conn['id']}",
        headers={"Accept": "application/json", "Authorization": f"Bearer {access}"},
        timeout=5,
    )
    assert r.status_code == 204
    api = requests.get(
        sb.api_url + "/Contacts",
        headers={
            "Accept": "application/json",
            "Authorization": f"Bearer {access}",
            "xero-tenant-id": tenant_a,
        },
        timeout=5,
    )
    assert api.status_code == 403
    assert _refresh(sb, tokens["refresh_token"]).json() == {"error": "invalid_grant"}


def test_helpers_expire_tokens_for_bridge_tests(sb, tenant_a):
    tokens = sb.issue_tokens()
    sb.expire_access_tokens()
    r = requests.get(
        sb.api_url + "/Contacts",
        timeout=5,
        headers={
            "Accept": "application/json",
            "Authorization": f"Bearer {tokens['access_token']}",
            "xero-tenant-id": tenant_a,
        },
    )
    assert r.json()["Detail"] == "TokenExpired"
    sb.expire_refresh_tokens()
    assert _refresh(sb, tokens["refresh_token"]).json() == {"error": "invalid_grant"}


def test_revoked_refresh_token_is_dead_and_connections_are_gone(sb, tenant_a):
    tokens = sb.issue_tokens()
    r = requests.post(
        sb.revocation_url, data={"token": tokens["refresh_token"]}, headers=_basic(sb), timeout=5
    )
    assert r.status_code == 200
    assert _refresh(sb, tokens["refresh_token"]).json() == {"error": "invalid_grant"}
    assert _connections(sb, tokens["access_token"]).json() == []


def test_two_refreshers_racing_with_one_token_both_get_the_same_pair(sb):
    import threading

    tokens = sb.issue_tokens()
    results: list[dict] = []
    barrier = threading.Barrier(2)

    def refresh() -> None:
        barrier.wait()
        results.append(_refresh(sb, tokens["refresh_token"]).json())

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results[0] == results[1] and "refresh_token" in results[0]


def test_shifted_clock_scales_sandbox_time(make_sandbox):
    import time

    from sandboxes.xero import ShiftedClock

    clock = ShiftedClock(scale=3600.0)  # one real second is one sandbox hour
    sb = make_sandbox(clock=clock)
    before = clock()
    time.sleep(0.6)
    assert clock() - before >= 1800
    access = sb.token_for()
    time.sleep(0.6)
    r = requests.get(
        sb.api_url + "/Contacts",
        timeout=5,
        headers={
            "Accept": "application/json",
            "Authorization": f"Bearer {access}",
            "xero-tenant-id": sb.tenants[0].tenant_id,
        },
    )
    assert r.json()["Detail"] == "TokenExpired"


def test_authlib_client_completes_code_flow_and_refresh(make_sandbox, monkeypatch):
    from authlib.integrations.requests_client import OAuth2Session

    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the sandbox speaks plain HTTP
    sb = make_sandbox(auto_approve=True)
    client = OAuth2Session(
        sb.credentials.client_id,
        sb.credentials.client_secret,
        scope=FULL_SCOPES,
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
    )
    verifier = "a" * 64
    url, state = client.create_authorization_url(sb.authorize_url, code_verifier=verifier)
    callback = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
    token = client.fetch_token(sb.token_url, authorization_response=callback, code_verifier=verifier)
    assert token["expires_in"] == 1800 and parse_qs(urlparse(callback).query)["state"] == [state]
    refreshed = client.refresh_token(sb.token_url, refresh_token=token["refresh_token"])
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert len(_connections(sb, refreshed["access_token"]).json()) == 2


def _jwt_claims(sb, token):
    import json as jsonlib

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    def unb64(part):
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    config = requests.get(sb.url + "/identity/.well-known/openid-configuration", timeout=5).json()
    [key] = requests.get(config["jwks_uri"], timeout=5).json()["keys"]
    public = rsa.RSAPublicNumbers(
        int.from_bytes(unb64(key["e"]), "big"), int.from_bytes(unb64(key["n"]), "big")
    )
    head, body, sig = token.split(".")
    public.public_key().verify(unb64(sig), f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return jsonlib.loads(unb64(body)), config


def test_access_token_is_a_signed_jwt_naming_the_auth_event(make_sandbox):
    sb = make_sandbox(auto_approve=True)
    body = _exchange(sb, _code(sb)["code"][0]).json()
    claims, config = _jwt_claims(sb, body["access_token"])
    assert claims["iss"] == config["issuer"] and claims["exp"] - claims["nbf"] == 1800
    assert set(claims["scope"]) == set(FULL_SCOPES.split())
    events = {c["authEventId"] for c in _connections(sb, body["access_token"]).json()}
    assert events == {claims["authentication_event_id"]}


def test_id_token_carries_nonce_and_at_hash(make_sandbox):
    sb = make_sandbox(auto_approve=True)
    body = _exchange(sb, _code(sb, nonce="n-123")["code"][0]).json()
    claims, _ = _jwt_claims(sb, body["id_token"])
    digest = hashlib.sha256(body["access_token"].encode()).digest()[:16]
    assert claims["nonce"] == "n-123" and claims["aud"] == sb.credentials.client_id
    assert claims["at_hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert claims["email"] and claims["xero_userid"]


# -- client authentication: client_secret_basic and client_secret_post (RFC 6749 §2.3.1) ----------------
def _post_credentials(sb):
    return {"client_id": sb.credentials.client_id, "client_secret": sb.credentials.client_secret}


def test_code_exchange_accepts_client_credentials_in_the_form_body(make_sandbox):
    sb = make_sandbox(auto_approve=True)
    data = {"grant_type": "authorization_code", "code": _code(sb)["code"][0], "redirect_uri": REDIRECT}
    r = requests.post(sb.token_url, data={**data, **_post_credentials(sb)}, timeout=5)
    assert r.status_code == 200 and r.json()["refresh_token"]


def test_refresh_accepts_client_credentials_in_the_form_body_as_xeros_sdk_sends_them(sb):
    """xero-python's TokenApi.refresh_token posts client_id and client_secret as form fields; Xero answered
    200 (XeroAPI/xero-python tests/test_api_client/cassettes/test_token_api_refresh_token.yaml)."""
    tokens = sb.issue_tokens()
    data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], **_post_credentials(sb)}
    r = requests.post(sb.token_url, data=data, timeout=5)
    assert r.status_code == 200 and r.json()["refresh_token"] != tokens["refresh_token"]


def test_wrong_secret_in_the_form_body_is_invalid_client(sb):
    tokens = sb.issue_tokens()
    data = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": sb.credentials.client_id,
        "client_secret": "wrong",
    }
    r = requests.post(sb.token_url, data=data, timeout=5)
    assert r.status_code == 400 and r.json() == {"error": "invalid_client"}


def test_client_authenticating_both_ways_at_once_is_invalid_client(sb):
    """RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request"."""
    tokens = sb.issue_tokens()
    data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], **_post_credentials(sb)}
    r = requests.post(sb.token_url, data=data, headers=_basic(sb), timeout=5)
    assert r.status_code == 400 and r.json() == {"error": "invalid_client"}


def test_refresh_without_client_authentication_is_invalid_client(sb):
    tokens = sb.issue_tokens()
    data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    r = requests.post(sb.token_url, data={**data, "client_id": sb.credentials.client_id}, timeout=5)
    assert r.status_code == 400 and r.json() == {"error": "invalid_client"}


def test_revocation_accepts_client_credentials_in_the_form_body(sb):
    """xero-python's TokenApi.revoke_token posts them as form fields too (RFC 7009 §2.1)."""
    tokens = sb.issue_tokens()
    data = {"token": tokens["refresh_token"], **_post_credentials(sb)}
    assert requests.post(sb.revocation_url, data=data, timeout=5).status_code == 200
    assert _refresh(sb, tokens["refresh_token"]).json() == {"error": "invalid_grant"}


def test_discovery_advertises_basic_and_post_client_authentication(sb):
    doc = requests.get(sb.url + "/identity/.well-known/openid-configuration", timeout=5).json()
    assert doc["token_endpoint_auth_methods_supported"] == ["client_secret_basic", "client_secret_post"]
