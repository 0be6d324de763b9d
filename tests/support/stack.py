"""A whole bridge in one test: ingest app, worker thread(s), probe system, and ways to wait."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

from bridge.runtime import Runtime
from bridge.store import connections
from consumers.registry import Registry
from consumers.worker import Worker
from tests.support.probe import ProbeSystem, ProbeTranslator
from webhooks.app import create_app
from webhooks.signatures import xero_signature

TENANT = "5b1e0c9a-3d2f-4a8b-b7c6-1e2d3f4a5b6c"


def xero_event(
    resource_id: str, tenant: str = TENANT, when: str = "2026-05-04T09:12:44.107", kind: str = "UPDATE"
):
    """One element of a Xero webhook batch, in Xero's shape (xero-webhooks.yaml)."""
    return {
        "resourceUrl": f"https://api.xero.com/api.xro/2.0/Contacts/{resource_id}",
        "resourceId": resource_id,
        "eventDateUtc": when,
        "eventType": kind,
        "eventCategory": "CONTACT",
        "tenantId": tenant,
        "tenantType": "ORGANISATION",
    }


def xero_body(events: list[dict], sequence: int = 1) -> bytes:
    return json.dumps(
        {
            "events": events,
            "firstEventSequence": sequence,
            "lastEventSequence": sequence + max(len(events) - 1, 0),
            "entropy": "QWPLZKTRBNMCVXAEDFGH",
        }
    ).encode()


def wait_until(condition: Callable[[], object], timeout: float = 10.0, interval: float = 0.02) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


class Stack:
    def __init__(self, runtime: Runtime, probe: ProbeSystem, connect_tenant: bool = True):
        self.runtime = runtime
        self.probe = probe
        self.app = create_app(runtime=runtime)
        self.client = self.app.test_client()
        self.workers: list[tuple[Worker, threading.Thread]] = []
        self.errors: list[BaseException] = []
        if connect_tenant:
            with runtime.db.session() as session:
                connections.add(session, "Demo Company", TENANT, 1, id="demo")

    def post_xero(self, events: list[dict], key: str | None = None, sequence: int = 1):
        body = xero_body(events, sequence)
        signature = xero_signature(key or self.runtime.settings.xero_webhook_key, body)
        return self.client.post(
            "/webhooks/xero",
            data=body,
            headers={"x-xero-signature": signature, "Content-Type": "application/json"},
        )

    def start_worker(self, translator: ProbeTranslator | None = None) -> Worker:
        registry = Registry([translator or ProbeTranslator(self.probe.url)])
        worker = Worker(self.runtime, registry, services={"probe": self.probe.url})

        def run() -> None:
            try:
                worker.run()
            except BaseException as exc:  # noqa: BLE001 - a simulated crash ends the thread
                self.errors.append(exc)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self.workers.append((worker, thread))
        return worker

    def stop_workers(self) -> None:
        for worker, thread in self.workers:
            worker.stop()
            thread.join(10)
        self.workers.clear()


def queue_depth(runtime: Runtime, queue_name: str) -> int:
    """Messages ready in a queue (passive declare creates nothing)."""
    with runtime.broker_connection() as connection:
        return connection.channel().queue_declare(queue_name, passive=True).message_count


def drain(runtime: Runtime, queue_name: str) -> list[dict]:
    """Take every ready message off a queue and return the bodies (acknowledged)."""
    bodies = []
    declared = next(q for q in runtime.topology.all_queues() if q.name == queue_name)
    with runtime.broker_connection() as connection:
        queue = connection.SimpleQueue(declared, no_ack=False)
        try:
            while True:
                try:
                    message = queue.get(timeout=0.3)
                except queue.Empty:
                    break
                bodies.append(message.payload)
                message.ack()
        finally:
            queue.close()
    return bodies
