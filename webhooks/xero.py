"""POST /webhooks/xero: Xero's signed event batches, intent-to-receive included (xero-facts §1)."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request
from marshmallow import ValidationError

from bridge.broker.publisher import PublishError
from bridge.events import from_xero_webhook, now
from bridge.metrics import WEBHOOK_REQUESTS
from schemas.envelope import XeroWebhookBodySchema
from webhooks.errors import MalformedBody, parse_json, problem
from webhooks.ingest import Batch, accept
from webhooks.signatures import verify_xero

log = logging.getLogger(__name__)
blueprint = Blueprint("xero_webhooks", __name__)
_BODY = XeroWebhookBodySchema()


def _empty(status: int) -> Response:
    # Xero wants an empty body and no cookies, on every answer (xero-facts §1, intent to receive).
    WEBHOOK_REQUESTS.labels("xero", str(status)).inc()
    return Response(b"", status=status)


@blueprint.post("/webhooks/xero")
def receive() -> Response:
    bridge = current_app.extensions["bridge"]
    raw = request.get_data(cache=False)
    if not bridge.settings.xero_webhook_key:
        log.error("Xero webhook refused: XERO_WEBHOOK_KEY is not set")
        return _empty(401)
    if not verify_xero(bridge.settings.xero_webhook_key, raw, request.headers.get("x-xero-signature")):
        log.warning("Xero webhook refused: bad or missing x-xero-signature")
        return _empty(401)
    if request.mimetype != "application/json":
        WEBHOOK_REQUESTS.labels("xero", "415").inc()
        return problem(415, f"expected application/json, got {request.mimetype or 'no content type'}")
    try:
        parsed = parse_json(raw)
        _BODY.load(parsed)  # validates; events are kept verbatim
    except MalformedBody as exc:
        WEBHOOK_REQUESTS.labels("xero", "400").inc()
        return problem(400, str(exc))
    except ValidationError as exc:
        WEBHOOK_REQUESTS.labels("xero", "400").inc()
        return problem(400, "not a Xero webhook body", exc.normalized_messages())
    received = now()
    batch = Batch("xero")
    for item in parsed["events"]:
        connection = bridge.directory.for_tenant(item["tenantId"])
        event = from_xero_webhook(item, connection, received) if connection else None
        if event is None:
            batch.unrouted.append((item, item["tenantId"], None))
        else:
            batch.events.append(event)
    try:
        accept(batch, bridge.publisher, bridge.db)
    except PublishError as exc:
        log.error("Xero webhook answered 503, Xero will deliver again: %s", exc)
        return _empty(503)
    except Exception:
        log.exception("Xero webhook answered 503: could not keep unrouted events")
        return _empty(503)
    return _empty(200)
