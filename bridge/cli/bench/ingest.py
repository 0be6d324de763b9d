"""`bridge bench ingest`: signed Xero webhook batches against the app under gunicorn with RabbitMQ.

Runs the bridge's ingest app and a bare reference handler (HMAC + confirmed publish, nothing else)
one after the other under the same gunicorn settings, with the same load, and reports both.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests

from bridge.cli.bench.load import run_load
from bridge.config import load_settings
from bridge.runtime import Runtime
from bridge.store import connections

TENANT = "5b1e0c9a-3d2f-4a8b-b7c6-1e2d3f4a5b6c"
KEY = "bench-webhook-key-" + "x" * 20
REPO = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def signed_bodies(events_per_request: int, count: int = 64) -> list[tuple[bytes, dict]]:
    from webhooks.signatures import xero_signature

    bodies = []
    for n in range(count):
        events = [
            {
                "resourceUrl": f"https://api.xero.com/api.xro/2.0/Contacts/{uuid.UUID(int=n * 1000 + i)}",
                "resourceId": str(uuid.UUID(int=n * 1000 + i)),
                "eventDateUtc": "2026-05-04T09:12:44.107",
                "eventType": "UPDATE",
                "eventCategory": "CONTACT",
                "tenantId": TENANT,
                "tenantType": "ORGANISATION",
            }
            for i in range(events_per_request)
        ]
        body = json.dumps(
            {
                "events": events,
                "firstEventSequence": 1,
                "lastEventSequence": len(events),
                "entropy": "QWPLZKTRBNMCVXAE",
            }
        ).encode()
        bodies.append(
            (body, {"x-xero-signature": xero_signature(KEY, body), "Content-Type": "application/json"})
        )
    return bodies


@contextmanager
def gunicorn(app: str, env: dict, workers: int, threads: int):
    port = _free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", str(workers),
        "--threads", str(threads), "--bind", f"127.0.0.1:{port}", "--keep-alive", "5", "--log-level", "warning", app,
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(url + "/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not start for {app}")
        yield url + "/webhooks/xero"
    finally:
        process.terminate()
        process.wait(20)


def run(seconds: float, connections_: int, broker_url: str, workers: int, threads: int, echo=print) -> dict:
    namespace = "bench" + uuid.uuid4().hex[:8]
    home = tempfile.mkdtemp(prefix="bridge-bench-")
    env = {
        **os.environ,
        "BRIDGE_HOME": home,
        "BRIDGE_NAMESPACE": namespace,
        "BRIDGE_BROKER_URL": broker_url,
        "XERO_WEBHOOK_KEY": KEY,
        "BRIDGE_LOG_LEVEL": "WARNING",
        "BENCH_REFERENCE_QUEUE": f"{namespace}.reference",
        "PYTHONPATH": str(REPO),
    }
    runtime = Runtime.from_settings(load_settings(env))
    with runtime.db.session() as session:
        connections.add(session, "Bench", TENANT, 1, id="bench")
    runtime.declare_topology()
    figures: dict = {}
    try:
        for size in (1, 50):
            bodies = signed_bodies(size)
            for name, app in (
                ("bridge", "webhooks.app:create_app()"),
                ("reference", "bridge.cli.bench.reference:create_app()"),
            ):
                with gunicorn(app, env, workers, threads) as url:
                    result = run_load(url, bodies, connections_, seconds)
                rate = result.ok * size / seconds
                figures[(name, size)] = {
                    "requests_per_s": result.ok / seconds,
                    "events_per_s": rate,
                    "p50_ms": result.percentile(0.50),
                    "p99_ms": result.percentile(0.99),
                    "non_200": result.errors,
                }
                f = figures[(name, size)]
                echo(
                    f"{name:<9} {size:>2} event(s)/request  {f['requests_per_s']:8.0f} req/s  {rate:9.0f} events/s  "
                    f"p50 {f['p50_ms']:6.1f} ms  p99 {f['p99_ms']:6.1f} ms  non-200 {result.errors}"
                )
    finally:
        _cleanup(runtime, namespace)
        runtime.close()
    one, ref_one = figures[("bridge", 1)], figures[("reference", 1)]
    fifty, ref_fifty = figures[("bridge", 50)], figures[("reference", 50)]
    return {
        "bench": "ingest",
        "events_per_s": round(one["events_per_s"], 1),
        "reference_events_per_s": round(ref_one["events_per_s"], 1),
        "ratio": round(one["events_per_s"] / ref_one["events_per_s"], 3) if ref_one["events_per_s"] else None,
        "p50_ms": round(one["p50_ms"], 2),
        "p99_ms": round(one["p99_ms"], 2),
        "reference_p50_ms": round(ref_one["p50_ms"], 2),
        "reference_p99_ms": round(ref_one["p99_ms"], 2),
        "batch50_events_per_s": round(fifty["events_per_s"], 1),
        "batch50_reference_events_per_s": round(ref_fifty["events_per_s"], 1),
        "batch50_ratio": round(fifty["events_per_s"] / ref_fifty["events_per_s"], 3)
        if ref_fifty["events_per_s"]
        else None,
        "batch50_p50_ms": round(fifty["p50_ms"], 2),
        "batch50_p99_ms": round(fifty["p99_ms"], 2),
        "non_200": sum(f["non_200"] for f in figures.values()),
        "connections": connections_,
        "seconds": seconds,
        "gunicorn": f"gthread {workers}x{threads}",
    }


def _cleanup(runtime: Runtime, namespace: str) -> None:
    with runtime.broker_connection() as connection:
        channel = connection.channel()
        names = [q.name for q in runtime.topology.all_queues()] + [f"{namespace}.reference"]
        for name in names:
            try:
                channel.queue_delete(name)
            except Exception:  # noqa: BLE001 - not there
                channel = connection.channel()
