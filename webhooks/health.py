"""Liveness, readiness and metrics."""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@blueprint.get("/readyz")
def readyz() -> Response:
    bridge = current_app.extensions["bridge"]
    checks = bridge.readiness.check()
    ready = all(ok for ok, _ in checks.values())
    body = {"status": "ready" if ready else "not ready", "checks": {k: v[1] for k, v in checks.items()}}
    attention = bridge.readiness.connections_needing_attention()
    if attention:
        body["connections_needing_attention"] = attention  # webhooks still accepted: not a readiness failure
    response = jsonify(body)
    response.status_code = 200 if ready else 503
    return response


@blueprint.get("/metrics")
def metrics() -> Response:
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


class Readiness:
    """Store and broker reachability, cached for a moment so probes cannot load either."""

    def __init__(self, db, broker_check, ttl: float = 2.0):
        self.db = db
        self.broker_check = broker_check
        self.ttl = ttl
        self._cached: tuple[float, dict] | None = None

    def connections_needing_attention(self) -> dict[str, str]:
        try:
            return _attention(self.db)
        except Exception:  # noqa: BLE001 - the store check reports store trouble
            return {}

    def check(self) -> dict[str, tuple[bool, str]]:
        if self._cached and time.monotonic() - self._cached[0] < self.ttl:
            return self._cached[1]
        result = {"store": _run(self.db.ping), "broker": _run(self.broker_check)}
        self._cached = (time.monotonic(), result)
        return result


def _attention(db) -> dict[str, str]:
    from bridge.store import connections

    with db.session() as session:
        return {
            c.id: c.status_note or c.status
            for c in connections.all_connections(session)
            if c.status != "active"
        }


def _run(check) -> tuple[bool, str]:
    try:
        check()
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return False, f"{type(exc).__name__}: {str(exc)[:200]}"
