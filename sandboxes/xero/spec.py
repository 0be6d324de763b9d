"""Validation against Xero's official OpenAPI files (openapi-core).

The accounting file loads only with openapi-core's spec validator off, and parsing is slow, so each file is
parsed once per process and cached (xero-facts §11). Two known defects of the file are normalised in memory:
boolean properties whose `default` is the string 'false', and read-only properties with a default (which
openapi-core would otherwise inject into request bodies and then refuse as writes to read-only fields).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import warnings
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

ACCOUNTING_FILE = "xero_accounting.yaml"
IDENTITY_FILE = "xero-identity.yaml"
WEBHOOKS_FILE = "xero-webhooks.yaml"
XERO_HOST = "https://api.xero.com"
# Statuses Xero returns that the spec leaves undeclared (xero-facts §6); their bodies cannot be checked.
UNDECLARED_ERROR_STATUSES = {400, 401, 403, 404, 405, 406, 413, 429, 500, 501, 503}


def resolve_spec_dir(explicit: str | os.PathLike[str] | None) -> Path | None:
    """The constructor argument wins, then env XERO_OPENAPI_DIR; None when neither names a folder
    holding the accounting file."""
    candidate = explicit if explicit is not None else os.environ.get("XERO_OPENAPI_DIR")
    if not candidate:
        return None
    path = Path(candidate)
    return path if (path / ACCOUNTING_FILE).is_file() else None


def _normalise(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "boolean" and isinstance(node.get("default"), str):
            node["default"] = node["default"].lower() == "true"
        if node.get("readOnly") and "default" in node:
            del node["default"]
        for value in node.values():
            _normalise(value)
    elif isinstance(node, list):
        for value in node:
            _normalise(value)


def _read_yaml(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as fh:
        data = yaml.load(fh, Loader=loader)  # noqa: S506 - safe loader
    _normalise(data)
    return data


@functools.lru_cache(maxsize=8)
def load_document(path: str) -> dict[str, Any]:
    """Parsed, normalised spec document, cached per process (xero-facts §11: parse once)."""
    return _read_yaml(Path(path))


@functools.lru_cache(maxsize=8)
def _openapi(path: str) -> Any:
    from openapi_core import OpenAPI
    from openapi_core.configurations import Config

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return OpenAPI.from_dict(load_document(path), config=Config(spec_validator_cls=None))


def openapi_core_available() -> bool:
    try:
        import openapi_core  # noqa: F401
    except ImportError:
        return False
    return True


class SpecRequest:
    """openapi-core's Request protocol, with Xero's public host so the spec's server URL matches."""

    def __init__(
        self, method: str, path: str, query: Any, headers: Any, body: bytes | str | None, content_type: str
    ) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.method = method.lower()
        self.path = path
        self.host_url = XERO_HOST
        self.body = body if body else None
        self.content_type = content_type or "application/octet-stream"
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query), header=Headers(headers), cookie={}
        )


class _Response:
    def __init__(self, status: int, data: bytes, content_type: str, headers: Any) -> None:
        from werkzeug.datastructures import Headers

        self.status_code = status
        self.data = data
        self.content_type = content_type
        self.headers = Headers(headers)


def _describe(exc: Exception) -> str:
    parts = [str(exc)]
    cause = exc.__cause__
    while cause is not None:
        errors = getattr(cause, "schema_errors", None)
        if errors:
            parts.append("; ".join(getattr(e, "message", str(e)) for e in errors))
        else:
            parts.append(str(cause))
        cause = cause.__cause__
    return " | ".join(p for p in parts if p)


class SpecValidator:
    """Checks requests and responses of the accounting and identity APIs, and webhook payloads."""

    def __init__(self, spec_dir: Path) -> None:
        self.spec_dir = spec_dir
        self._accounting = str(spec_dir / ACCOUNTING_FILE)
        self._identity = str(spec_dir / IDENTITY_FILE) if (spec_dir / IDENTITY_FILE).is_file() else None
        self._webhooks = str(spec_dir / WEBHOOKS_FILE) if (spec_dir / WEBHOOKS_FILE).is_file() else None
        self._lock = threading.Lock()
        with self._lock:
            _openapi(self._accounting)  # parse now, not during the first request

    def _api(self, which: str) -> Any | None:
        if which == "accounting":
            return _openapi(self._accounting)
        if which == "identity" and self._identity:
            return _openapi(self._identity)
        return None

    def request_errors(self, which: str, req: SpecRequest) -> list[str]:
        api = self._api(which)
        if api is None:
            return []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = api.unmarshal_request(req)
            except Exception as exc:  # path or operation not in the spec
                return [_describe(exc)]
        errors = [_describe(e) for e in result.errors if not _is_security_error(e)]
        if not errors and isinstance(req.body, bytes) and req.content_type.startswith("application/json"):
            errors.extend(self._unknown_fields(which, req.method, req.path, req.body))
        return errors

    def response_errors(
        self,
        which: str,
        req: SpecRequest,
        status: int,
        data: bytes,
        response_type: str,
        response_headers: Any,
    ) -> list[str]:
        api = self._api(which)
        if api is None:
            return []
        resp = _Response(status, data, response_type, response_headers)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = api.unmarshal_response(req, resp)
            except Exception as exc:
                return [_describe(exc)]
        errors = []
        for err in result.errors:
            if type(err).__name__ == "ResponseNotFound" and status in UNDECLARED_ERROR_STATUSES:
                continue
            if which == "identity" and _only_zoneless_datetimes(err):
                # Xero sends createdDateUtc/updatedDateUtc without a zone, as the spec's own example shows
                # ("2019-12-07T18:46:19.5165400"); only the format check would call that invalid.
                continue
            errors.append(_describe(err))
        return errors

    def has_operation(self, method: str, path: str) -> bool:
        """Whether Xero's accounting API declares this method on this path."""
        return _match_path(load_document(self._accounting), method, path) is not None

    # -- unknown fields: the schemas do not forbid extra properties (xero-facts §11) -----------------
    def _unknown_fields(self, which: str, method: str, path: str, body: bytes) -> list[str]:
        if which != "accounting":
            return []
        doc = load_document(self._accounting)
        schema = _request_schema(doc, method, path)
        if schema is None:
            return []
        try:
            value = json.loads(body)
        except ValueError:
            return []
        found: list[str] = []
        _walk_unknown(doc, schema, value, "", found)
        return [f"unknown field {name!r} (not in the OpenAPI schema)" for name in found]

    def webhook_payload_errors(self, payload: dict[str, Any]) -> list[str]:
        """Checks a non-ITR batch against WebhookEvent (and CreditNoteWebhookEvent for credit notes)."""
        if not self._webhooks:
            return []
        try:
            import jsonschema  # installed with openapi-core
        except ImportError:
            return []

        doc = load_document(self._webhooks)
        schemas = doc["components"]["schemas"]
        resolver_doc = {"components": doc["components"]}
        errors: list[str] = []
        base = dict(schemas["WebhookEvent"], components=resolver_doc["components"])
        errors += [e.message for e in jsonschema.Draft202012Validator(base).iter_errors(payload)]
        if any(ev.get("eventCategory") == "CREDITNOTE" for ev in payload.get("events", [])):
            cn = dict(schemas["CreditNoteWebhookEvent"], components=resolver_doc["components"])
            credit_only = dict(
                payload, events=[e for e in payload["events"] if e["eventCategory"] == "CREDITNOTE"]
            )
            errors += [e.message for e in jsonschema.Draft202012Validator(cn).iter_errors(credit_only)]
        return errors


def _only_zoneless_datetimes(err: Exception) -> bool:
    schema_errors = getattr(err.__cause__, "schema_errors", None) or ()
    return bool(schema_errors) and all(
        "is not a 'date-time'" in getattr(e, "message", "") for e in schema_errors
    )


def _is_security_error(err: Exception) -> bool:
    # The sandbox checks bearer tokens and scopes itself; openapi-core cannot (OAuth2 scheme unsupported).
    return "Security" in type(err).__name__


def _match_path(doc: dict[str, Any], method: str, path: str) -> dict[str, Any] | None:
    rel = path.split("/api.xro/2.0", 1)[-1]
    parts = rel.strip("/").split("/")
    best = None
    for template, ops in doc["paths"].items():
        tparts = template.strip("/").split("/")
        if len(tparts) != len(parts) or method.lower() not in ops:
            continue
        if all(t.startswith("{") or t == p for t, p in zip(tparts, parts, strict=True)):
            literal = sum(not t.startswith("{") for t in tparts)
            if best is None or literal > best[0]:
                best = (literal, ops[method.lower()])
    return best[1] if best else None


def _request_schema(doc: dict[str, Any], method: str, path: str) -> dict[str, Any] | None:
    op = _match_path(doc, method, path)
    if not op:
        return None
    content = _deref(doc, op.get("requestBody", {})).get("content", {})
    return content.get("application/json", {}).get("schema")


def _deref(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 20:
        node: Any = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
        seen += 1
    return schema


def _properties(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any] | None:
    schema = _deref(doc, schema)
    props: dict[str, Any] = {}
    found = False
    if "properties" in schema:
        props.update(schema["properties"])
        found = True
    for sub in schema.get("allOf", []):
        sub_props = _properties(doc, sub)
        if sub_props is not None:
            props.update(sub_props)
            found = True
    return props if found else None


def _walk_unknown(
    doc: dict[str, Any], schema: dict[str, Any], value: Any, where: str, out: list[str]
) -> None:
    schema = _deref(doc, schema)
    if isinstance(value, list) and "items" in schema:
        for item in value:
            _walk_unknown(doc, schema["items"], item, where, out)
        return
    if not isinstance(value, dict):
        return
    props = _properties(doc, schema)
    if props is None:
        return
    for key, sub in value.items():
        if key not in props:
            out.append(f"{where}{key}")
        else:
            _walk_unknown(doc, props[key], sub, f"{where}{key}.", out)
