"""Xero's error bodies (xero-facts §6)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import Response

NOT_FOUND_TEXT = "The resource you're looking for cannot be found"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json", headers=headers)


def validation_exception(elements: list[dict[str, Any]], message: str | None = None) -> Response:
    """400 ValidationException with Elements[].ValidationErrors (xero-facts §6, ACC `Error`)."""
    body = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": message or "A validation exception occurred",
        "Elements": elements,
    }
    return json_response(body, 400)


def simple_validation(message: str) -> Response:
    return validation_exception([{"ValidationErrors": [{"Message": message}]}], message)


def _problem(status: int, title: str, detail: str) -> Response:
    body = {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }
    return json_response(body, status)


def unauthorized(detail: str) -> Response:
    """401 with Detail TokenExpired / AuthenticationUnsuccessful (xero-facts §6)."""
    resp = _problem(401, "Unauthorized", detail)
    resp.headers["WWW-Authenticate"] = f'Bearer error="invalid_token", error_description="{detail}"'
    return resp


def forbidden(detail: str = "AuthenticationUnsuccessful") -> Response:
    """403 for a missing/wrong/disconnected tenant, or AuthorizationUnsuccessful for a missing scope."""
    return _problem(403, "Forbidden", detail)


def not_acceptable(detail: str) -> Response:
    """406, the sandbox's own answer where Xero would answer XML: says in JSON what to send instead."""
    return _problem(406, "Not Acceptable", detail)


def not_found() -> Response:
    return Response(NOT_FOUND_TEXT, status=404, mimetype="text/plain")


def too_many_requests(problem: str, retry_after: int | None) -> Response:
    resp = Response("", status=429, mimetype="text/plain")
    resp.headers["X-Rate-Limit-Problem"] = problem
    if retry_after is not None:
        resp.headers["Retry-After"] = str(retry_after)
    return resp


def oauth_error(error: str, description: str | None = None, status: int = 400) -> Response:
    body: dict[str, str] = {"error": error}
    if description:
        body["error_description"] = description
    return json_response(body, status)
