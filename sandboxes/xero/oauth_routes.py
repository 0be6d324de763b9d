"""Identity endpoints over HTTP: the authorize/consent page, the token endpoint and revocation
(xero-facts §7). The rules live in identity.IdentityService."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode, urlparse

from flask import Blueprint, Response, redirect, request

from . import tokens
from .errors import json_response
from .identity import IdentityService, scope_set
from .settings import known_scopes


def _redirect_with(uri: str, params: dict[str, str]) -> Response:
    sep = "&" if urlparse(uri).query else "?"
    return redirect(uri + sep + urlencode(params), code=302)


def identity_blueprint(service: IdentityService, auto_approve: bool) -> Blueprint:
    bp = Blueprint("xero_identity", __name__)

    def _check_authorize(args: Any) -> tuple[Response | None, dict[str, Any]]:
        client_id = args.get("client_id", "")
        redirect_uri = args.get("redirect_uri", "")
        if client_id != service.credentials.client_id:
            return Response("Invalid client_id", status=400, mimetype="text/plain"), {}
        allowed = service.credentials.redirect_uris
        if urlparse(redirect_uri).scheme not in ("http", "https") or (
            allowed and redirect_uri not in allowed
        ):
            return Response("Invalid redirect_uri", status=400, mimetype="text/plain"), {}
        state = args.get("state", "")
        if args.get("response_type") != "code":
            return _redirect_with(redirect_uri, {"error": "unsupported_response_type", "state": state}), {}
        scopes = scope_set(args.get("scope", ""))
        if not scopes or not scopes <= known_scopes(service.granular_only):
            return _redirect_with(redirect_uri, {"error": "invalid_scope", "state": state}), {}
        return None, {
            "redirect_uri": redirect_uri,
            "state": state,
            "scopes": scopes,
            "challenge": args.get("code_challenge"),
            "method": args.get("code_challenge_method"),
            "nonce": args.get("nonce"),
        }

    @bp.get("/identity/connect/authorize")
    def authorize() -> Response:
        error, req = _check_authorize(request.args)
        if error is not None:
            return error
        if auto_approve:
            code = service.create_code(
                req["redirect_uri"],
                req["scopes"],
                list(service.tenants),
                req["challenge"],
                req["method"],
                req["nonce"],
            )
            return _redirect_with(req["redirect_uri"], {"code": code, "state": req["state"]})
        boxes = "".join(
            f'<label><input type="checkbox" name="tenant" value="{html.escape(t.tenant_id)}" checked> '
            f"{html.escape(t.name)}</label><br>"
            for t in service.tenants.values()
        )
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in request.args.items()
        )
        page = (
            "<!doctype html><title>Xero sandbox: allow access</title>"
            f"<h1>Allow access to your organisations?</h1><p>Scopes: {html.escape(' '.join(sorted(req['scopes'])))}</p>"
            f'<form method="post">{hidden}{boxes}'
            '<button name="decision" value="allow">Allow access</button>'
            '<button name="decision" value="deny">Cancel</button></form>'
        )
        return Response(page, mimetype="text/html")

    @bp.post("/identity/connect/authorize")
    def consent() -> Response:
        error, req = _check_authorize(request.form)
        if error is not None:
            return error
        if request.form.get("decision") != "allow":
            return _redirect_with(req["redirect_uri"], {"error": "access_denied", "state": req["state"]})
        tenants = [t for t in request.form.getlist("tenant") if t in service.tenants]
        if not tenants:
            return _redirect_with(req["redirect_uri"], {"error": "access_denied", "state": req["state"]})
        code = service.create_code(
            req["redirect_uri"], req["scopes"], tenants, req["challenge"], req["method"], req["nonce"]
        )
        return _redirect_with(req["redirect_uri"], {"code": code, "state": req["state"]})

    @bp.get("/identity/.well-known/openid-configuration")
    def discovery() -> Response:
        base = request.host_url.rstrip("/") + "/identity"
        return json_response(
            {
                "issuer": service.issuer,
                "jwks_uri": base + "/.well-known/openid-configuration/jwks",
                "authorization_endpoint": base + "/connect/authorize",
                "token_endpoint": base + "/connect/token",
                "revocation_endpoint": base + "/connect/revocation",
                "scopes_supported": sorted(known_scopes(service.granular_only)),
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["plain", "S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            }
        )

    @bp.get("/identity/.well-known/openid-configuration/jwks")
    def jwks() -> Response:
        return json_response(tokens.jwks())

    @bp.post("/identity/connect/token")
    @bp.post("/connect/token")
    def token() -> Response:
        return service.token(request.form.to_dict(), request.headers.get("Authorization"))

    @bp.post("/identity/connect/revocation")
    @bp.post("/connect/revocation")
    def revocation() -> Response:
        return service.revoke(request.form.to_dict(), request.headers.get("Authorization"))

    return bp
