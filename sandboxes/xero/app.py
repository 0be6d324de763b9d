"""Flask app factory and the request pipeline of the Accounting API:

faults(before) → bearer token (401) → tenant (403) → rate limits (429) → [concurrency slot: latency →
route → Accept (406) → scope (403) → Idempotency-Key → read-only/unknown fields dropped and recorded →
OpenAPI request check (400) → handler → webhooks → OpenAPI response check] → limit headers →
faults(after)."""

from __future__ import annotations

import base64
import contextlib
import logging
import socket
import time
import uuid
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, g, request
from werkzeug.datastructures import Headers

from . import idempotency, scopes
from .errors import (
    forbidden,
    json_response,
    not_acceptable,
    not_found,
    too_many_requests,
    unauthorized,
    validation_exception,
)
from .formats import parse_if_modified_since, rfc3339_utc
from .oauth_routes import identity_blueprint
from .resources.base import BadRequest, Ctx
from .spec import SpecRequest

if TYPE_CHECKING:
    from .sandbox import XeroSandbox

log = logging.getLogger(__name__)
API_PREFIX = "/api.xro/2.0"


def _drop_connection() -> Response:
    """Closes the socket without an answer; werkzeug's later write fails and is ignored."""
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    return Response(b"", status=200)


def create_app(sb: XeroSandbox) -> Flask:
    app = Flask("xero_sandbox")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024 * 1024
    app.register_blueprint(identity_blueprint(sb.identity, sb.auto_approve))

    @app.before_request
    def faults_before() -> Response | None:
        g.faulted = False
        fired = sb.faults.take(request.method, request.path, "before")
        g.latency = sum(f.delay for f in fired if f.kind == "latency")
        for fault in fired:
            if fault.kind in ("drop", "status"):
                g.faulted = True
                if fault.kind == "drop":
                    return _drop_connection()
                return Response(fault.body, status=fault.status, mimetype="text/plain")
        if g.latency and not request.path.startswith(API_PREFIX):
            time.sleep(g.latency)
        return None

    @app.after_request
    def faults_after(resp: Response) -> Response:
        if getattr(g, "faulted", False):
            return resp
        fired = sb.faults.take(request.method, request.path, "after")
        for fault in fired:
            if fault.kind == "latency":
                time.sleep(fault.delay)
        for fault in fired:
            if fault.kind == "drop":
                return _drop_connection()
            if fault.kind == "status":
                return Response(fault.body, status=fault.status, mimetype="text/plain")
        return resp

    @app.route("/connections", methods=["GET"])
    @app.route("/Connections", methods=["GET"])
    def list_connections() -> Response:
        tok, detail = sb.identity.authenticate(request.headers.get("Authorization"))
        if tok is None:
            return unauthorized(detail or "AuthenticationUnsuccessful")
        problem = _check_request(sb, "identity", "/Connections")
        if problem is not None:
            return problem
        resp = json_response(sb.identity.connections_for(tok, request.args.get("authEventId")))
        _check_response(sb, "identity", "/Connections", resp)
        return resp

    @app.route("/connections/<connection_id>", methods=["DELETE"])
    @app.route("/Connections/<connection_id>", methods=["DELETE"])
    def delete_connection(connection_id: str) -> Response:
        tok, detail = sb.identity.authenticate(request.headers.get("Authorization"))
        if tok is None:
            return unauthorized(detail or "AuthenticationUnsuccessful")
        spec_path = f"/Connections/{connection_id}"
        problem = _check_request(sb, "identity", spec_path)
        if problem is not None:
            return problem
        resp = Response(status=204) if sb.identity.disconnect(tok, connection_id) else not_found()
        _check_response(sb, "identity", spec_path, resp)
        return resp

    @app.route(API_PREFIX + "/<path:rest>", methods=["GET", "PUT", "POST", "DELETE", "PATCH"])
    def accounting(rest: str) -> Response:
        return _accounting(sb, "/" + rest)

    return app


def request_body(sb: XeroSandbox, which: str, spec_path: str) -> bytes:
    """The body as the handler and the validator see it: without the read-only and unknown fields Xero
    ignores, each of them recorded on the sandbox (`ignored_fields`). Computed once per request."""
    cached = g.get("clean_body")
    if cached is not None:
        return cached
    body = request.get_data()
    if sb.validator is not None and (request.mimetype or "") == "application/json":
        body, ignored = sb.validator.strip_ignored(which, request.method, spec_path, body)
        for pointer, reason in ignored:
            sb.record_ignored(request.method, spec_path, pointer, reason)
    g.clean_body = body
    return body


def _spec_request(sb: XeroSandbox, which: str, spec_path: str, tenant_id: str | None) -> SpecRequest:
    """The request as the spec sees it, built once per request (in `g`) for both checks. Adjustments:
    a custom connection may omit xero-tenant-id (xero-facts §7), which the spec marks required, so the
    token's tenant is filled in; If-Modified-Since is declared `format: date-time` (RFC 3339, zone
    required) while Xero reads a zone-less timestamp as UTC (xero-facts §5) and clients send one
    (xero-python serialises a naive datetime with isoformat()) or an HTTP date, so a header the sandbox
    can read is shown to the validator in RFC 3339; attachment bodies are declared
    `type: string, format: byte` ("Byte array of file in body") and only `application/octet-stream`,
    while Xero takes raw bytes of the file's own type, so the validator gets their base64 text, which is
    what `format: byte` describes."""
    cached = g.get("spec_request")
    if cached is not None:
        return cached
    headers = Headers(request.headers)
    if tenant_id and "xero-tenant-id" not in headers:
        headers["xero-tenant-id"] = tenant_id
    since = parse_if_modified_since(headers.get("If-Modified-Since") or "")
    if since is not None:
        headers["If-Modified-Since"] = rfc3339_utc(since)
    body: bytes | str = request_body(sb, which, spec_path)
    content_type = request.content_type or ""
    if "/Attachments/" in spec_path:
        content_type = "application/octet-stream"
        body = base64.b64encode(body).decode() if body else body
    located = sb.validator.locate(which, request.method, spec_path) if sb.validator is not None else None
    g.spec_request = SpecRequest(
        request.method, spec_path, request.args, headers, body, content_type, located
    )
    return g.spec_request


def _check_request(
    sb: XeroSandbox, which: str, spec_path: str, tenant_id: str | None = None
) -> Response | None:
    if sb.validator is None:
        return None
    errors = sb.validator.request_errors(which, _spec_request(sb, which, spec_path, tenant_id))
    if not errors:
        return None
    message = "The request does not match Xero's OpenAPI description: " + "; ".join(errors)
    return validation_exception([{"ValidationErrors": [{"Message": e} for e in errors]}], message)


def _check_response(
    sb: XeroSandbox, which: str, spec_path: str, resp: Response, tenant_id: str | None = None
) -> None:
    if sb.validator is None:
        return
    response_type = resp.mimetype or ""
    if "/Attachments/" in spec_path and response_type != "application/json":
        response_type = "application/octet-stream"  # the spec declares only this type for downloads
    errors = sb.validator.response_errors(
        which,
        _spec_request(sb, which, spec_path, tenant_id),
        resp.status_code,
        resp.get_data(),
        response_type,
        resp.headers,
    )
    for err in errors:
        sb.record_violation(f"{request.method} {spec_path} → {resp.status_code}: {err}")


def _accounting(sb: XeroSandbox, path: str) -> Response:
    spec_path = API_PREFIX + path
    tok, detail = sb.identity.authenticate(request.headers.get("Authorization"))
    if tok is None:
        return unauthorized(detail or "AuthenticationUnsuccessful")
    tenant_id = sb.identity.tenant_for(tok, request.headers.get("xero-tenant-id"))
    if tenant_id is None:
        return forbidden("AuthenticationUnsuccessful")
    decision = sb.limiter.acquire(tenant_id)
    if not decision.allowed:
        resp = too_many_requests(decision.problem or "minute", decision.retry_after)
        resp.headers.update(decision.headers or {})
        return resp
    try:
        resp = _within_slot(sb, tok, tenant_id, path, spec_path)
    finally:
        sb.limiter.release(tenant_id)
    resp.headers.update(decision.headers or {})
    resp.headers["Xero-Correlation-Id"] = str(uuid.uuid4())
    return resp


def _wants_json(sb: XeroSandbox, path: str, spec_path: str) -> bool:
    """Xero answers XML unless the client asks for JSON (D-REQ: "By default all successful responses on the
    accounting API are returned as XML"). The sandbox serves JSON only, so a client that would get XML from
    Xero is told so instead of being served JSON it would never see there. Exempt: file downloads, and
    operations whose success answer is empty (xero-python sends no Accept for those, e.g.
    delete_contact_group_contacts, and Xero answers 204)."""
    if request.method == "GET" and "/Attachments/" in path:
        return True
    if sb.validator is not None and sb.validator.answers_without_body(request.method, spec_path):
        return True
    return request.accept_mimetypes.quality("application/json") > 0 and "application/json" in (
        request.headers.get("Accept") or ""
    )


def _within_slot(sb: XeroSandbox, tok: Any, tenant_id: str, path: str, spec_path: str) -> Response:
    if getattr(g, "latency", 0):
        time.sleep(g.latency)
    route, params, known = sb.router.match(request.method, path)
    if route is None:
        if sb.validator is not None and sb.validator.has_operation(request.method, spec_path):
            # Xero has this operation; the sandbox does not model it (said plainly, never faked).
            return Response(
                f"The Xero sandbox does not implement {request.method} {API_PREFIX}{path}",
                status=501,
                mimetype="text/plain",
            )
        if known:
            return Response("Method Not Allowed", status=405, mimetype="text/plain")
        return not_found()
    # Xero's paths are case-insensitive, the spec's are not: checks use the canonical spelling.
    canonical = API_PREFIX + (route.spec_template or route.template).format(**params)
    if not _wants_json(sb, path, canonical):
        return not_acceptable(
            "The Xero sandbox serves JSON only: send 'Accept: application/json'. "
            "(Xero itself would answer this request in XML.)"
        )
    if not scopes.allowed(route.family, request.method, tok.grant.scopes):
        return forbidden("AuthorizationUnsuccessful")

    key = request.headers.get("Idempotency-Key")
    use_key = bool(key) and request.method in idempotency.METHODS
    if use_key:
        assert key is not None
        if len(key) > idempotency.MAX_KEY_LENGTH:
            return validation_exception(
                [{"ValidationErrors": [{"Message": "Idempotency-Key must be at most 128 characters."}]}],
                "Idempotency-Key must be at most 128 characters.",
            )
        fp = idempotency.fingerprint(request.method, request.full_path, tenant_id, request.get_data())
        state, stored = sb.idempotency.begin(key, fp)
        if state == "mismatch":
            message = f"The Idempotency-Key {key} is used with a different request."
            return validation_exception([{"ValidationErrors": [{"Message": message}]}], message)
        if state == "replay" and stored is not None:
            return Response(
                stored.body, status=stored.status, mimetype=stored.content_type, headers=stored.headers
            )
    try:
        resp = _handle(sb, route, params, tenant_id, path, canonical)
    except BaseException:
        if use_key:
            sb.idempotency.abandon(key or "")
        raise
    if use_key:
        extra = {k: v for k, v in resp.headers.items() if k.lower() in ("location",)}
        sb.idempotency.finish(
            key or "",
            idempotency.StoredResponse(
                resp.status_code, resp.get_data(), resp.mimetype or "application/json", extra
            ),
        )
    return resp


def _handle(
    sb: XeroSandbox, route: Any, params: dict[str, str], tenant_id: str, path: str, spec_path: str
) -> Response:
    problem = _check_request(sb, "accounting", spec_path, tenant_id)
    if problem is not None:
        return problem
    ctx = Ctx(
        org=sb.orgs[tenant_id],
        tenant_id=tenant_id,
        method=request.method,
        path=path,
        args=request.args,
        headers=request.headers,
        body=request_body(sb, "accounting", spec_path),
        content_type=request.content_type or "",
        clock=sb.clock,
        api_base=sb.resource_base_url,
    )
    try:
        resp = route.handler(ctx, **params)
    except BadRequest as exc:
        resp = exc.response
    except Exception:
        log.exception("sandbox handler failed: %s %s", request.method, path)
        sb.record_violation(f"{request.method} {spec_path}: handler raised (see log)")
        resp = Response("An error occurred in Xero.", status=500, mimetype="text/plain")
    for category, event_type, url, resource_id, data in ctx.events:
        sb.webhooks.publish(category, event_type, tenant_id, resource_id, url, data)
    _check_response(sb, "accounting", spec_path, resp, tenant_id)
    return resp
