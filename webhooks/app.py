"""The ingest app: `create_app()` is the Flask application factory (gunicorn: `webhooks.app:create_app()`)."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.exceptions import HTTPException

from bridge.config import Settings, load_settings
from bridge.logs import configure_logging
from bridge.routing import ConnectionDirectory
from bridge.runtime import Runtime
from webhooks import health, oauth, odoo, xero
from webhooks.errors import problem

log = logging.getLogger(__name__)


class BridgeExtension:
    """What the request handlers need, kept in app.extensions['bridge']."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.settings = runtime.settings
        self.db = runtime.db
        self.publisher = runtime.publisher
        self.directory = ConnectionDirectory(runtime.db, runtime.settings.tenant_cache_seconds)
        self.readiness = health.Readiness(runtime.db, runtime.check_broker)

    def xero_connector(self):
        from bridge.xero.factory import XeroClients
        from bridge.xero.oauth import XeroConnector

        clients = XeroClients(self.settings, self.db)
        return XeroConnector(self.settings.xero, clients.keeper, self.db, self.connector_secret())

    def connector_secret(self) -> bytes:
        from bridge.store.credentials import load_or_create_key

        return load_or_create_key(self.settings.secret_key, self.settings.home)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    if runtime is None:
        settings = settings or load_settings()
        configure_logging(settings.log_level, settings.secrets())
        runtime = Runtime.from_settings(settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = runtime.settings.max_body_bytes
    app.extensions["bridge"] = BridgeExtension(runtime)
    for module in (xero, odoo, health, oauth):
        app.register_blueprint(module.blueprint)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        # 404/405/413… as JSON with a reason; Xero only looks at the status code.
        response = problem(exc.code or 500, exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    try:
        runtime.declare_topology()
    except Exception as exc:  # noqa: BLE001 - the broker may come later; /readyz says so meanwhile
        log.warning(
            "broker not reachable at start (%s); will declare queues on first publish", type(exc).__name__
        )
    if not runtime.settings.xero_webhook_key:
        log.warning("XERO_WEBHOOK_KEY is not set: Xero webhooks will be refused")
    if not runtime.settings.odoo_webhook_token:
        log.warning("BRIDGE_ODOO_WEBHOOK_TOKEN is not set: Odoo webhooks will be refused")
    return app
