"""Fixtures: sandboxes per version over real HTTP, RPC clients, and a webhook receiver."""

from __future__ import annotations

import json
import threading
import time
import xmlrpc.client
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from flask import Flask, request
from werkzeug.serving import make_server

from sandboxes.odoo import OdooSandbox


class XmlRpc:
    def __init__(self, sb: OdooSandbox, login: str, password: str) -> None:
        self.sb = sb
        self.common = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/common")
        self.object = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/object")
        self.password = password
        self.uid = self.common.authenticate(sb.db_name, login, password, {})
        assert self.uid, f"login {login} refused"

    def __call__(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.object.execute_kw(
            self.sb.db_name, self.uid, self.password, model, method, list(args), kwargs
        )


class JsonRpc:
    def __init__(self, sb: OdooSandbox, login: str, password: str) -> None:
        self.sb = sb
        self.password = password
        self.uid = self.raw("common", "login", [sb.db_name, login, password])["result"]

    def raw(self, service: str, method: str, args: list) -> dict:
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
            "id": 1,
        }
        response = requests.post(f"{self.sb.url}/jsonrpc", json=body, timeout=10)
        assert response.status_code == 200
        return response.json()

    def call_raw(self, model: str, method: str, *args: Any, **kwargs: Any) -> dict:
        return self.raw(
            "object",
            "execute_kw",
            [self.sb.db_name, self.uid, self.password, model, method, list(args), kwargs],
        )

    def __call__(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        data = self.call_raw(model, method, *args, **kwargs)
        if "error" in data:
            raise RuntimeError(data["error"]["data"]["name"] + ": " + data["error"]["data"]["message"])
        return data.get("result")


class Json2:
    def __init__(self, sb: OdooSandbox, key: str) -> None:
        self.sb = sb
        self.key = key

    def post(
        self, model: str, method: str, body: dict | None = None, key: str | None = None
    ) -> requests.Response:
        return requests.post(
            f"{self.sb.url}/json/2/{model}/{method}",
            json=body or {},
            headers={"Authorization": f"bearer {key or self.key}", "X-Odoo-Database": self.sb.db_name},
            timeout=10,
        )


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., OdooSandbox]]:
    started: list[OdooSandbox] = []

    def factory(version: int = 17, **kw: Any) -> OdooSandbox:
        sb = OdooSandbox(version, **kw).start()
        started.append(sb)
        return sb

    yield factory
    for sb in started:
        sb.stop()


@pytest.fixture(params=[16, 17, 18, 19])
def version(request: pytest.FixtureRequest) -> int:
    return request.param


@pytest.fixture
def sb(make_sandbox: Callable[..., OdooSandbox]) -> OdooSandbox:
    return make_sandbox(17)


@pytest.fixture
def admin_xml(sb: OdooSandbox) -> XmlRpc:
    return XmlRpc(sb, sb.login, sb.password)


class Receiver:
    """A webhook endpoint on real HTTP. ``on_request(payload)`` runs before the answer is sent."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.on_request: Callable[[dict], None] | None = None
        self.status = 200
        self.event = threading.Event()
        app = Flask("receiver")

        @app.post("/hook")
        def hook() -> tuple[str, int]:
            entry = {
                "headers": dict(request.headers),
                "body": request.get_data(as_text=True),
                "query": request.query_string.decode(),
                "at": time.time(),
            }
            entry["json"] = json.loads(entry["body"])
            if self.on_request:
                self.on_request(entry["json"])
            self.requests.append(entry)
            self.event.set()
            return "", self.status

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    def payloads(self) -> list[dict]:
        return [r["json"] for r in self.requests]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict]:
        deadline = time.time() + timeout
        while len(self.requests) < count and time.time() < deadline:
            time.sleep(0.01)
        return self.payloads()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.stop()
