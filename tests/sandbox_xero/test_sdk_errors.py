"""xero-python against the sandbox: the error paths as the SDK surfaces them — 400 validation
(AccountingBadRequestException with Xero's ValidationErrors), per-element errors with summarizeErrors=false,
404, 403 for a tenant the token is not connected to, 401 for an expired token, and 429 with Retry-After,
both with urllib3's default retries (the SDK waits and succeeds) and with retries off (xero-facts §2, §6)."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from xero_python.accounting import Contact, Contacts, Invoice, Invoices
from xero_python.exceptions import (
    AccountingBadRequestException,
    HTTPStatusException,
    NotFoundException,
    RateLimitException,
)

from sandboxes.xero import FULL_SCOPES, Limits, default_tenants

from .sdk_support import (  # noqa: F401  (fixtures)
    DUE_DATE,
    INVOICE_DATE,
    Sdk,
    line,
    make_sdk_sandbox_fixture,
    sdk_fixture,
    sdk_sandbox_fixture,
)

MISSING_ID = "00000000-0000-4000-8000-000000000000"


def test_a_validation_error_raises_accounting_bad_request_with_xeros_message(sdk: Sdk) -> None:
    contact = sdk.contact()

    with pytest.raises(AccountingBadRequestException) as refused:
        sdk.invoice(contact, [line(10, account="999")])

    error = refused.value
    assert error.status == 400
    assert error.reason == "Account code '999' is not a valid code for this document."
    assert error.error_data["Type"] == "ValidationException"
    messages = [e["Message"] for e in error.error_data["Elements"][0]["ValidationErrors"]]
    assert messages[0] == "Account code '999' is not a valid code for this document."


def test_a_duplicate_contact_name_is_refused_with_xeros_message(sdk: Sdk) -> None:
    sdk.contact("Twin Ltd")

    with pytest.raises(AccountingBadRequestException) as refused:
        sdk.contact("Twin Ltd")

    assert refused.value.reason == (
        "The contact name Twin Ltd is already assigned to another contact. "
        "The contact name must be unique across all active contacts."
    )


def test_with_summarize_errors_false_each_element_carries_its_own_errors(sdk: Sdk) -> None:
    contact = Contact(contact_id=sdk.contact().contact_id)
    good = Invoice(
        type="ACCREC", contact=contact, date=INVOICE_DATE, due_date=DUE_DATE, line_items=[line(10)]
    )
    bad = Invoice(
        type="ACCREC",
        contact=contact,
        date=INVOICE_DATE,
        due_date=DUE_DATE,
        line_items=[line(10, account="999")],
    )

    result = sdk.accounting.create_invoices(
        sdk.tenant_id, Invoices(invoices=[good, bad]), summarize_errors=False
    ).invoices

    assert [i.status_attribute_string for i in result] == ["OK", "ERROR"]
    assert result[0].invoice_id and result[0].total == Decimal("11.5")
    assert result[1].has_errors is True
    assert [e.message for e in result[1].validation_errors] == [
        "Account code '999' is not a valid code for this document."
    ]


def test_an_unknown_id_raises_not_found(sdk: Sdk) -> None:
    with pytest.raises(NotFoundException) as missing:
        sdk.accounting.get_invoice(sdk.tenant_id, MISSING_ID)

    assert missing.value.status == 404
    assert missing.value.body == b"The resource you're looking for cannot be found"


def test_a_tenant_the_token_is_not_connected_to_answers_403(make_sdk_sandbox) -> None:
    sb, client = make_sdk_sandbox(tenant_ids=[default_tenants()[0].tenant_id])
    other = sb.tenants[1].tenant_id

    with pytest.raises(HTTPStatusException) as forbidden:
        client.accounting.get_contacts(other)

    assert forbidden.value.status == 403
    assert json.loads(forbidden.value.body)["Detail"] == "AuthenticationUnsuccessful"
    assert client.accounting.get_contacts(client.tenant_id).contacts == []


def test_an_expired_access_token_answers_401_token_expired(sdk: Sdk) -> None:
    sdk.sb.expire_access_tokens()

    with pytest.raises(HTTPStatusException) as expired:
        sdk.accounting.get_contacts(sdk.tenant_id)

    assert expired.value.status == 401
    assert json.loads(expired.value.body)["Detail"] == "TokenExpired"


def test_a_missing_scope_answers_403(make_sdk_sandbox) -> None:
    sb, client = make_sdk_sandbox(scopes="openid offline_access accounting.settings")

    with pytest.raises(HTTPStatusException) as forbidden:
        client.accounting.create_contacts(client.tenant_id, Contacts(contacts=[Contact(name="No scope")]))

    assert forbidden.value.status == 403
    assert json.loads(forbidden.value.body)["Detail"] == "AuthorizationUnsuccessful"


# -- 429 ------------------------------------------------------------------------------------------------
def test_429_with_retries_off_raises_rate_limit_with_retry_after(make_sdk_sandbox) -> None:
    sb, client = make_sdk_sandbox(limits=Limits(per_minute=1))
    client.without_http_retries()
    client.accounting.get_organisations(client.tenant_id)

    with pytest.raises(RateLimitException) as limited:
        client.accounting.get_organisations(client.tenant_id)

    error = limited.value
    assert error.status == 429
    assert error.rate_limit == "minute"
    assert int(error.headers["Retry-After"]) == 60
    assert error.error_message == "You've exceeded the per minute rate limit"


def test_429_with_the_sdks_default_retries_waits_retry_after_and_succeeds(make_sdk_sandbox) -> None:
    """urllib3's Retry.DEFAULT retries a 429 that carries Retry-After for GET/PUT/DELETE, sleeping the
    header's seconds (the sandbox's minimum, 1 s, with a one-second window on the real clock)."""
    sb, client = make_sdk_sandbox(limits=Limits(per_minute=1, minute_seconds=1.0), clock=time.time)
    client.accounting.get_organisations(client.tenant_id)
    started = time.monotonic()

    org = client.accounting.get_organisations(client.tenant_id).organisations[0]

    assert org.organisation_id == client.tenant_id
    retried = client.client.last_response.urllib3_response.retries.history
    assert [attempt.status for attempt in retried] == [429]
    assert time.monotonic() - started >= 0.9  # it waited for Retry-After: 1


def test_429_on_a_post_is_not_retried_by_default(make_sdk_sandbox) -> None:
    """POST is not in urllib3's Retry.DEFAULT_ALLOWED_METHODS: the caller sees the 429 and must wait."""
    sb, client = make_sdk_sandbox(limits=Limits(per_minute=1), scopes=FULL_SCOPES)
    client.accounting.get_organisations(client.tenant_id)

    with pytest.raises(RateLimitException) as limited:
        client.accounting.update_or_create_contacts(
            client.tenant_id, Contacts(contacts=[Contact(name="Later")])
        )

    assert limited.value.headers["Retry-After"] == "60"
