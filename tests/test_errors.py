"""How failures are classified, and the other system's words kept for the mismatch log."""

from __future__ import annotations

import json

import pytest
import requests

from bridge.errors import (
    PERMANENT,
    TRANSIENT,
    UNKNOWN,
    classify,
    from_http_response,
    from_odoo_error,
    parse_retry_after,
)


def response(status: int, body: object = "", headers: dict | None = None) -> requests.Response:
    r = requests.Response()
    r.status_code = status
    r._content = (json.dumps(body) if not isinstance(body, str) else body).encode()
    r.headers.update(headers or {})
    r.url = "https://api.xero.com/api.xro/2.0/Contacts"
    return r


XERO_VALIDATION = {  # xero-facts §6, ACC Error/Element/ValidationError
    "ErrorNumber": 10,
    "Type": "ValidationException",
    "Message": "A validation exception occurred",
    "Elements": [
        {"ValidationErrors": [{"Message": "Account code '999' is not a valid code for this document."}]},
        {"ValidationErrors": [{"Message": "Email address must be valid."}]},
    ],
}


def test_a_xero_validation_exception_is_permanent_with_every_message_in_the_note():
    error = from_http_response(response(400, XERO_VALIDATION), "xero")
    assert error.kind == PERMANENT
    assert error.note == (
        "Xero ValidationException: Account code '999' is not a valid code for this document.; "
        "Email address must be valid."
    )
    assert len(error.details["messages"]) == 2


def test_a_xero_429_is_transient_and_carries_its_retry_after():
    error = from_http_response(
        response(429, "", {"Retry-After": "37", "X-Rate-Limit-Problem": "minute"}), "xero"
    )
    assert (error.kind, error.retry_after) == (TRANSIENT, 37.0)


@pytest.mark.parametrize("status", [500, 503])
def test_xero_5xx_are_transient(status):
    assert from_http_response(response(status, "The service is unavailable"), "xero").kind == TRANSIENT


def test_a_xero_404_is_permanent_and_quotes_xeros_plain_text():
    error = from_http_response(response(404, "The resource you're looking for cannot be found"), "xero")
    assert error.kind == PERMANENT and "cannot be found" in error.note


def test_connection_errors_and_timeouts_are_transient():
    assert classify(requests.ConnectionError("refused")).kind == TRANSIENT
    assert classify(requests.Timeout("slow")).kind == TRANSIENT


def test_an_unexpected_exception_is_unknown_and_named():
    error = classify(KeyError("Contacts"))
    assert error.kind == UNKNOWN and error.note == "KeyError: 'Contacts'"


def test_odoo_serialization_failures_are_transient_and_validation_errors_permanent():
    lock = {
        "code": 200,
        "message": "Odoo Server Error",
        "data": {"name": "psycopg2.errors.SerializationFailure", "message": "could not serialize access"},
    }
    invalid = {"data": {"name": "odoo.exceptions.ValidationError", "message": "The VAT number is not valid"}}
    assert from_odoo_error(lock).kind == TRANSIENT
    error = from_odoo_error(invalid)
    assert (error.kind, error.note) == (PERMANENT, "Odoo ValidationError: The VAT number is not valid")


def test_retry_after_is_read_as_seconds_or_an_http_date():
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert parse_retry_after("soon") is None
