"""A stand-in "other system" and a translator for it, for the spine's own tests.

The issue allows a translator written for the tests: real entities come with their own issues. The
probe still behaves like a real API over real HTTP: a source side to read records from (fetch-latest),
a target side that upserts by external id (as the real clients do through Xero ContactNumber or Odoo
ir.model.data), Xero-shaped error bodies, and scripted faults: 503s, 429 with Retry-After, validation
errors, slow writes, and a worker crash right after the effect.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict

import requests
from flask import Flask, jsonify, request

from bridge.errors import NotYetVisible, from_http_response
from bridge.events import Event
from consumers.base import BindingUpdate, Context, Outcome, Translator
from consumers.registry import Registry


class ProbeSystem:
    """Records on two sides, with counters of what the bridge did to the target side."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.source: dict[str, dict] = {}
        self.target: dict[str, dict] = {}  # external id → record
        self.creates = 0
        self.writes = 0
        self.write_log: list[tuple[str, float]] = []
        self.in_flight: dict[str, int] = defaultdict(int)
        self.max_in_flight: dict[str, int] = defaultdict(int)
        self.fail_script: list[tuple[int, dict]] = []  # (status, headers) for the next writes
        self.rejected: dict[str, str] = {}  # external id → validation message
        self.crash_after_write: dict[str, int] = {}  # external id → crashes left
        self.crash_before_write: set[str] = set()  # poison: the worker dies before any effect
        self.write_delay = 0.0
        self.app = self._make_app()

    # ------------------------------------------------------------------ scripting by tests

    def put_source(self, resource_id: str, name: str) -> None:
        with self.lock:
            version = self.source.get(resource_id, {}).get("version", 0) + 1
            self.source[resource_id] = {"id": resource_id, "name": name, "version": version}

    def fail_next(self, count: int, status: int = 503, retry_after: float | None = None) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self.lock:
            self.fail_script.extend([(status, headers)] * count)

    # ------------------------------------------------------------------ the HTTP API

    def _make_app(self) -> Flask:
        app = Flask("probe")

        @app.get("/source/<resource_id>")
        def read_source(resource_id: str):
            with self.lock:
                record = self.source.get(resource_id)
            if record is None:
                return "The resource you're looking for cannot be found", 404
            return jsonify(record)

        @app.put("/target/<external_id>")
        def write_target(external_id: str):
            body = request.get_json()
            with self.lock:
                if self.fail_script:
                    status, headers = self.fail_script.pop(0)
                    return "service unavailable", status, headers
                if external_id in self.rejected:
                    message = self.rejected[external_id]
                    return jsonify(
                        {
                            "ErrorNumber": 10,
                            "Type": "ValidationException",
                            "Message": "A validation exception occurred",
                            "Elements": [{"ValidationErrors": [{"Message": message}]}],
                        }
                    ), 400
                self.in_flight[external_id] += 1
                self.max_in_flight[external_id] = max(
                    self.max_in_flight[external_id], self.in_flight[external_id]
                )
            try:
                if self.write_delay:
                    time.sleep(self.write_delay)
                with self.lock:
                    existing = self.target.get(external_id)
                    if existing is None:
                        self.creates += 1
                        record = {"id": len(self.target) + 1, "external_id": external_id, **body}
                        self.target[external_id] = record
                        status = 201
                    else:
                        if {k: existing.get(k) for k in body} != body:
                            self.writes += 1
                        existing.update(body)
                        record, status = existing, 200
                    self.write_log.append((external_id, time.monotonic()))
                    return jsonify(record), status
            finally:
                with self.lock:
                    self.in_flight[external_id] -= 1

        @app.post("/crash/<external_id>")
        def crash_check(external_id: str):
            """Asked by the translator after its write: should this worker die now?"""
            with self.lock:
                if request.args.get("stage") == "before":
                    return jsonify({"crash": external_id in self.crash_before_write})
                left = self.crash_after_write.get(external_id, 0)
                if left:
                    self.crash_after_write[external_id] = left - 1
                return jsonify({"crash": bool(left)})

        return app


class WorkerCrash(BaseException):
    """Escapes the worker's error handling, like a process dying mid-message (no ack is sent)."""


class ProbeTranslator(Translator):
    source = "xero"
    entity = "contact"

    def __init__(self, url: str | None = None, hard_crash: bool = False):
        self.url = url
        self.hard_crash = hard_crash

    def _url(self, ctx: Context) -> str:
        return self.url or ctx.services.get("probe") or os.environ["PROBE_URL"]

    def _die(self) -> None:
        if self.hard_crash:
            os._exit(17)  # a real crash: no ack, no cleanup
        raise WorkerCrash()

    def apply(self, event: Event, ctx: Context) -> Outcome:
        url = self._url(ctx)
        if requests.post(f"{url}/crash/{event.resource_id}?stage=before", timeout=5).json()["crash"]:
            self._die()
        response = requests.get(f"{url}/source/{event.resource_id}", timeout=5)
        if response.status_code == 404:
            raise NotYetVisible(f"{event.resource_id} is not readable yet")
        record = response.json()
        written = requests.put(
            f"{url}/target/{event.resource_id}",
            json={"name": record["name"], "version": record["version"]},
            timeout=5,
        )
        if written.status_code >= 400:
            raise from_http_response(written, "xero")
        if requests.post(f"{url}/crash/{event.resource_id}?stage=after", timeout=5).json()["crash"]:
            self._die()
        target = written.json()
        return Outcome(
            action="created" if written.status_code == 201 else "updated",
            binding=BindingUpdate(
                xero_id=event.resource_id, odoo_id=target["id"], xero_version=str(record["version"])
            ),
            record_name=record["name"],
        )


def registry() -> Registry:
    """For worker subprocesses (`--translators tests.support.probe:registry`): crashes are real exits."""
    return Registry([ProbeTranslator(hard_crash=True)])
