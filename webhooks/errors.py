"""Clear JSON error answers for callers that can read them."""

from __future__ import annotations

import json

from flask import Response, jsonify


class MalformedBody(ValueError):
    pass


def parse_json(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedBody(f"malformed JSON: {exc}") from None


def problem(status: int, reason: str, details: object = None) -> Response:
    body: dict = {"error": reason}
    if details:
        body["details"] = details
    response = jsonify(body)
    response.status_code = status
    return response
