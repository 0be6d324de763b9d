"""GET /oauth/xero/callback: where Xero sends a person back after consent."""

from __future__ import annotations

import html
import logging

from flask import Blueprint, Response, current_app, request

from bridge.errors import BridgeError

log = logging.getLogger(__name__)
blueprint = Blueprint("oauth", __name__)


@blueprint.get("/oauth/xero/start")
def xero_start() -> Response:
    """Send a person to Xero's consent page (the same URL `bridge xero connect` prints)."""
    from flask import redirect

    try:
        return redirect(current_app.extensions["bridge"].xero_connector().authorization_url())
    except BridgeError as exc:
        return Response(
            f"<h1>Cannot connect Xero</h1><p>{html.escape(exc.note)}</p>", status=400, mimetype="text/html"
        )


@blueprint.get("/oauth/xero/callback")
def xero_callback() -> Response:
    bridge = current_app.extensions["bridge"]
    if "error" in request.args:
        reason = html.escape(request.args.get("error_description") or request.args["error"])
        return Response(f"<h1>Xero was not connected</h1><p>{reason}</p>", status=400, mimetype="text/html")
    connector = bridge.xero_connector()
    try:
        token_set, organisations = connector.complete(request.url, request.args.get("state", ""))
        linked = connector.activate(token_set, organisations, bridge.publisher)
    except BridgeError as exc:
        return Response(
            f"<h1>Xero was not connected</h1><p>{html.escape(exc.note)}</p>", status=400, mimetype="text/html"
        )
    except Exception as exc:  # noqa: BLE001 - authlib raises its own OAuth errors
        log.warning("Xero callback failed: %s", type(exc).__name__)
        return Response(
            f"<h1>Xero was not connected</h1><p>{html.escape(type(exc).__name__)}</p>",
            status=400,
            mimetype="text/html",
        )
    rows = "".join(
        f"<tr><td>{html.escape(o.name)}</td><td><code>{html.escape(o.tenant_id)}</code></td>"
        f'<td><code>bridge connection add "{html.escape(o.name)}" --xero-tenant {html.escape(o.tenant_id)} '
        f"--odoo-company &lt;company id&gt;</code></td></tr>"
        for o in organisations
    )
    already = f"<p>Reconnected: {html.escape(', '.join(linked))}.</p>" if linked else ""
    page = (
        "<h1>Xero connected</h1>"
        f"<p>Token set <code>{html.escape(token_set)}</code> covers {len(organisations)} organisation(s).</p>"
        f"{already}<p>Map each organisation to an Odoo company:</p>"
        f"<table><tr><th>Organisation</th><th>Tenant id</th><th>Command</th></tr>{rows}</table>"
    )
    return Response(page, mimetype="text/html")
