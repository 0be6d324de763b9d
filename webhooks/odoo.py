"""POST /webhooks/odoo/<token>: what Odoo 17+'s "Send Webhook Notification" action posts.

Odoo can neither sign nor add a header (odoo-facts, "Observed on a real Odoo 17.0"): the secret
travels in the URL, as a path segment or `?token=`. Senders that can sign may add X-Bridge-Signature.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify, request
from marshmallow import ValidationError

from bridge.broker.publisher import PublishError
from bridge.entities import odoo_entity
from bridge.events import from_odoo_webhook, now
from bridge.metrics import WEBHOOK_REQUESTS
from schemas.envelope import OdooWebhookBodySchema
from webhooks.errors import MalformedBody, parse_json, problem
from webhooks.ingest import Batch, accept
from webhooks.signatures import verify_bridge_signature, verify_token

log = logging.getLogger(__name__)
blueprint = Blueprint("odoo_webhooks", __name__)
_BODY = OdooWebhookBodySchema()


def _counted(response: Response) -> Response:
    WEBHOOK_REQUESTS.labels("odoo", str(response.status_code)).inc()
    return response


@blueprint.post("/webhooks/odoo")
@blueprint.post("/webhooks/odoo/<token>")
def receive(token: str | None = None) -> Response:
    return _counted(_receive(token or request.args.get("token")))


def _receive(token: str | None) -> Response:
    bridge = current_app.extensions["bridge"]
    settings = bridge.settings
    raw = request.get_data(cache=False)
    if not settings.odoo_webhook_token:
        log.error("Odoo webhook refused: BRIDGE_ODOO_WEBHOOK_TOKEN is not set")
        return problem(401, "webhook token not accepted")
    if not verify_token(settings.odoo_webhook_token, token):
        log.warning("Odoo webhook refused: wrong or missing token")
        return problem(401, "webhook token not accepted")
    signature = request.headers.get("X-Bridge-Signature")
    if signature is not None and (
        not settings.odoo_webhook_secret
        or not verify_bridge_signature(settings.odoo_webhook_secret, raw, signature)
    ):
        log.warning("Odoo webhook refused: bad X-Bridge-Signature")
        return problem(401, "signature not accepted")
    if request.mimetype != "application/json":
        return problem(415, f"expected application/json, got {request.mimetype or 'no content type'}")
    try:
        parsed = parse_json(raw)
    except MalformedBody as exc:
        return problem(400, str(exc))
    items = parsed if isinstance(parsed, list) else [parsed]
    try:
        for item in items:
            _BODY.load(item)  # validates; the payload itself is kept verbatim
    except ValidationError as exc:
        return problem(400, "not an Odoo webhook body (needs _model and _id)", exc.normalized_messages())
    bodies: list[dict] = items
    unsynced = sorted({b["_model"] for b in bodies if odoo_entity(b["_model"], b) is None})
    if unsynced:
        return problem(422, f"the bridge does not sync {', '.join(unsynced)}")
    received = now()
    batch = Batch("odoo")
    for body in bodies:
        company = body.get("company_id")
        company = company if isinstance(company, int) and not isinstance(company, bool) else None
        routable, connection = bridge.directory.for_company(company)
        if routable:
            batch.events.append(
                from_odoo_webhook(body, connection, received, event=request.args.get("event"))
            )
        else:
            batch.unrouted.append((body, None, company))
    try:
        accept(batch, bridge.publisher, bridge.db)
    except PublishError as exc:
        log.error("Odoo webhook answered 503: %s", exc)
        return problem(503, "events could not be stored; send again")
    except Exception:
        log.exception("Odoo webhook answered 503: could not keep unrouted events")
        return problem(503, "events could not be stored; send again")
    return jsonify({"accepted": len(batch.events), "unrouted": len(batch.unrouted)})
