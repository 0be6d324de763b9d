"""Validation against Xero's official OpenAPI files (openapi-core).

The accounting file loads only with openapi-core's spec validator off, and parsing is slow, so each file is
parsed once per process and cached (xero-facts §11). Two known defects of the file are normalised in memory:
boolean properties whose `default` is the string 'false', and read-only properties with a default (which
openapi-core would otherwise inject into request bodies and then refuse as writes to read-only fields).

Read-only and unknown fields in a request body are not errors: Xero ignores both (its own SDK sends
read-only fields such as `HasAttachments: false` on every invoice, payment, purchase order and manual
journal). `strip_ignored` removes them before validation and before the handler sees the body, and names
them so the sandbox can record them (`XeroSandbox.ignored_fields`).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
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
IgnoredField = tuple[str, str]  # (JSON pointer into the body, "read-only" | "unknown")
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
        self,
        method: str,
        path: str,
        query: Any,
        headers: Any,
        body: bytes | str | None,
        content_type: str,
        located: tuple[str, dict[str, str]] | None = None,
    ) -> None:
        """`located`: the spec template (with the server's base path) and path parameters the request
        stands for (SpecValidator.locate); without it openapi-core matches the path itself."""
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.method = method.lower()
        self.path = path
        self.path_pattern = located[0] if located else None
        self.host_url = XERO_HOST
        self.body = body if body else None
        self.content_type = content_type or "application/octet-stream"
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query),
            header=Headers(headers),
            cookie={},
            path=dict(located[1]) if located else {},
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
        return [
            _describe(e)
            for e in result.errors
            if not _is_security_error(e) and not _number_in_place_of_id(req.method, e)
        ]

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

    def locate(self, which: str, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        """For an accounting request: the spec template it stands for, as openapi-core's `path_pattern`
        (server base path included), and its path parameters. None for other APIs or unknown paths."""
        if which != "accounting":
            return None
        found = _locate(self._accounting, method, path)
        if found is None:
            return None
        return "/api.xro/2.0" + found[0], dict(found[1])

    def answers_without_body(self, method: str, path: str) -> bool:
        """Whether every success answer the spec declares for this operation is empty (e.g. 204 of
        DELETE /ContactGroups/{id}/Contacts): such a request has no JSON-or-XML question."""
        op = _match_path(self._accounting, method, path)
        if op is None:
            return False
        ok = [r for code, r in op.get("responses", {}).items() if str(code).startswith("2")]
        doc = load_document(self._accounting)
        return bool(ok) and all(not _deref(doc, r).get("content") for r in ok)

    def has_operation(self, method: str, path: str) -> bool:
        """Whether Xero's accounting API declares this method on this path."""
        return _match_path(self._accounting, method, path) is not None

    # -- fields Xero ignores: read-only ones and unknown ones (the schemas allow extras, xero-facts §11) --
    def strip_ignored(
        self, which: str, method: str, path: str, body: bytes
    ) -> tuple[bytes, list[IgnoredField]]:
        """The JSON body without the read-only and unknown fields it carries, and those fields as
        (JSON pointer, "read-only" | "unknown"). A body that is not JSON, or an operation without a JSON
        body schema, comes back unchanged."""
        if which != "accounting" or not body:
            return body, []
        doc = load_document(self._accounting)
        schema = _request_schema(self._accounting, method, path)
        if schema is None:
            return body, []
        try:
            value = json.loads(body)
        except ValueError:
            return body, []
        found: list[IgnoredField] = []
        collection = path.split("/api.xro/2.0", 1)[-1].strip("/").split("/")[0]
        cleaned = _strip_body(doc, schema, value, collection, found)
        if not found:
            return body, []
        return json.dumps(cleaned).encode(), found

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


# Documents Xero reads by their number in place of their ID, where the spec types the path parameter as a
# UUID only: "You can specify an individual record by appending the value to the endpoint … InvoiceID or
# InvoiceNumber" (developer.xero.com/documentation/api/accounting/invoices, and …/creditnotes for
# CreditNoteID or CreditNoteNumber).
NUMBER_IN_PLACE_OF_ID = ("InvoiceID", "CreditNoteID")


def _number_in_place_of_id(method: str, err: Exception) -> bool:
    text = _describe(err)
    return method.upper() == "GET" and any(
        text.startswith(f"Invalid path parameter: {name} |") and "is not a 'uuid'" in text
        for name in NUMBER_IN_PLACE_OF_ID
    )


def _is_security_error(err: Exception) -> bool:
    # The sandbox checks bearer tokens and scopes itself; openapi-core cannot (OAuth2 scheme unsupported).
    return "Security" in type(err).__name__


_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _path_param_fits(
    doc: dict[str, Any], ops: dict[str, Any], op: dict[str, Any], name: str, value: str
) -> bool:
    for param in [*ops.get("parameters", []), *op.get("parameters", [])]:
        param = _deref(doc, param)
        if param.get("in") == "path" and param.get("name") == name:
            schema = _deref(doc, param.get("schema") or {})
            return schema.get("format") != "uuid" or bool(_UUID.match(value))
    return True


@functools.lru_cache(maxsize=4096)
def _locate(accounting_file: str, method: str, path: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """The spec template a request path stands for, and its path parameters. Several templates can have
    the same shape (/PurchaseOrders/{PurchaseOrderID} and /PurchaseOrders/{PurchaseOrderNumber},
    …/Attachments/{AttachmentID} and …/Attachments/{FileName}); Xero serves each, so the one whose
    parameter formats accept the values wins (a UUID → the ID one), after the most literal segments.
    openapi-core on its own takes the first declared of equal shape (templating/paths/iterators.py)."""
    doc = load_document(accounting_file)
    rel = path.split("/api.xro/2.0", 1)[-1]
    parts = rel.strip("/").split("/")
    best: tuple[tuple[int, bool], str, dict[str, str]] | None = None
    for template, ops in doc["paths"].items():
        tparts = template.strip("/").split("/")
        if len(tparts) != len(parts) or method.lower() not in ops:
            continue
        if not all(t.startswith("{") or t == p for t, p in zip(tparts, parts, strict=True)):
            continue
        values = {t[1:-1]: p for t, p in zip(tparts, parts, strict=True) if t.startswith("{")}
        op = ops[method.lower()]
        fits = all(_path_param_fits(doc, ops, op, name, value) for name, value in values.items())
        score = (sum(not t.startswith("{") for t in tparts), fits)
        if best is None or score > best[0]:
            best = (score, template, values)
    return (best[1], tuple(best[2].items())) if best else None


def _match_path(spec_file: str, method: str, path: str) -> dict[str, Any] | None:
    """The spec operation a request stands for, None when the spec has none."""
    found = _locate(spec_file, method, path)
    return None if found is None else load_document(spec_file)["paths"][found[0]][method.lower()]


def _request_schema(spec_file: str, method: str, path: str) -> dict[str, Any] | None:
    doc = load_document(spec_file)
    op = _match_path(spec_file, method, path)
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


_ENVELOPE_FIELDS = {"pagination", "Warnings"}


def _pointer_part(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")  # RFC 6901


def _collection_items(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any] | None:
    """The item schema of a collection wrapper such as Invoices ({"Invoices": [Invoice]}), else None."""
    props = _properties(doc, schema) or {}
    names = [k for k in props if k not in _ENVELOPE_FIELDS]
    if len(names) != 1:
        return None
    inner = _deref(doc, props[names[0]])
    return inner.get("items") if inner.get("type") == "array" else None


def _strip_body(
    doc: dict[str, Any], schema: dict[str, Any], value: Any, collection: str, out: list[IgnoredField]
) -> Any:
    """Xero takes a collection operation's body wrapped ({"Payments": [...]}) or as one bare element, and
    an element operation's body (POST /Payments: `Payment`) wrapped in its collection too, as the spec's
    own example of POST /Payments shows; each element is checked against the element schema.
    `collection`: the path's first segment ("Payments")."""
    props = _properties(doc, schema) or {}
    if isinstance(value, dict) and value and not (value.keys() & props.keys()):
        items = _collection_items(doc, schema)
        if items is not None:  # one bare element sent to a collection operation
            return _strip(doc, items, value, "", out)
        if list(value) == [collection] and isinstance(value[collection], (list, dict)):
            listed = {"type": "array", "items": schema}
            return {collection: _strip(doc, listed, value[collection], "/" + _pointer_part(collection), out)}
    return _strip(doc, schema, value, "", out)


def _strip(
    doc: dict[str, Any], schema: dict[str, Any], value: Any, where: str, out: list[IgnoredField]
) -> Any:
    schema = _deref(doc, schema)
    if isinstance(value, list):
        items = schema.get("items")
        if items is None:
            return value
        return [_strip(doc, items, v, f"{where}/{i}", out) for i, v in enumerate(value)]
    if isinstance(value, dict) and schema.get("type") == "array" and "items" in schema:
        return _strip(doc, schema["items"], value, where, out)  # one element where a list is declared
    if not isinstance(value, dict):
        return value
    props = _properties(doc, schema)
    if props is None:
        return value
    kept: dict[str, Any] = {}
    for key, sub in value.items():
        pointer = f"{where}/{_pointer_part(key)}"
        prop = props.get(key)
        if prop is None:
            out.append((pointer, "unknown"))
        elif prop.get("readOnly") or _deref(doc, prop).get("readOnly"):
            out.append((pointer, "read-only"))
        else:
            kept[key] = _strip(doc, prop, sub, pointer, out)
    return kept
