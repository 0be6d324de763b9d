"""Flask application factory: routes plus HTTP-level fault injection (errors, latency, drops)."""

from __future__ import annotations

import time

from flask import Flask, Response, request

from .faults import Faults
from .protocols import bp, drop_connection
from .service import Service

RPC_PREFIXES = ("/xmlrpc", "/jsonrpc", "/json/2/")


def create_app(service: Service, faults: Faults) -> Flask:
    app = Flask("sandboxes.odoo")
    app.config["ODOO_SERVICE"] = service
    app.register_blueprint(bp)

    @app.before_request
    def _inject() -> Response | None:
        if not request.path.startswith(RPC_PREFIXES):
            return None
        delay = faults.take_latency()
        if delay:
            time.sleep(delay)
        if faults.take_drop(after_commit=False):
            return drop_connection()
        status = faults.take_http_error()
        if status:
            return Response(
                f"<html><body><h1>{status}</h1>Injected by the Odoo sandbox</body></html>",
                status=status,
                mimetype="text/html",
            )
        return None

    @app.get("/")
    def index() -> Response:
        return Response(
            "Odoo sandbox: /xmlrpc/2/common, /xmlrpc/2/object, /jsonrpc, /json/2/<model>/<method>",
            mimetype="text/plain",
        )

    return app
