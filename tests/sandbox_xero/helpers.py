"""Helpers for the Xero sandbox tests: an API client, line builders, a webhook receiver."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from werkzeug.wrappers import Request, Response

from sandboxes.xero import XeroSandbox


class Api:
    """requests against the sandbox's Accounting API as one tenant."""

    def __init__(self, sb: XeroSandbox, token: str, tenant_id: str | None) -> None:
        self.sb = sb
        self.token = token
        self.tenant_id = tenant_id
        self.http = requests.Session()

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        h = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if self.tenant_id:
            h["xero-tenant-id"] = self.tenant_id
        h.update(extra or {})
        return h

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kw: Any
    ) -> requests.Response:
        return self.http.request(
            # a hang guard, not a speed check: a 50-element batch validated against the spec takes ~2 s,
            # and over 10 s on a loaded 2-core machine
            method,
            self.sb.api_url + path,
            headers=self.headers(headers),
            timeout=60,
            **kw,
        )

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PUT", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.request("POST", path, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.request("DELETE", path, **kw)

    # small builders used by many tests
    def contact(self, name: str, **fields: Any) -> dict[str, Any]:
        r = self.put("/Contacts", json={"Contacts": [{"Name": name, **fields}]})
        assert r.status_code == 200, r.text
        return r.json()["Contacts"][0]

    def invoice(self, contact_id: str, lines: list[dict[str, Any]], **fields: Any) -> requests.Response:
        body = {
            "Type": "ACCREC",
            "Contact": {"ContactID": contact_id},
            "Date": "2026-11-01",
            "DueDate": "2026-12-01",
            "LineItems": lines,
            **fields,
        }
        return self.put("/Invoices", json={"Invoices": [body]})


def line(
    amount: float, qty: float = 1, account: str = "200", tax: str | None = "OUTPUT2", **kw: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Description": "Widget",
        "Quantity": qty,
        "UnitAmount": amount,
        "AccountCode": account,
    }
    if tax:
        out["TaxType"] = tax
    out.update(kw)
    return out


@dataclass
class Receiver:
    """A webhook target that verifies x-xero-signature like a correct consumer (xero-facts §1)."""

    key: str
    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    raw: list[tuple[bytes, str]] = field(default_factory=list)
    fail_with: int | None = None  # answer this status to valid deliveries
    accept_all: bool = False  # a careless target: 200 even for bad signatures
    body: bytes = b""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self, environ: Any, start_response: Any) -> Any:
        req = Request(environ)
        raw = req.get_data()
        signature = req.headers.get("x-xero-signature", "")
        expected = base64.b64encode(hmac.new(self.key.encode(), raw, hashlib.sha256).digest()).decode()
        valid = hmac.compare_digest(expected, signature)
        with self.lock:
            self.raw.append((raw, signature))
        if not valid and not self.accept_all:
            return Response(status=401)(environ, start_response)
        payload = json.loads(raw)
        if payload["events"] and self.fail_with is not None:
            return Response(status=self.fail_with)(environ, start_response)
        if payload["events"]:
            with self.lock:
                self.received.append(payload)
        return Response(self.body, status=200)(environ, start_response)

    def events(self) -> list[dict[str, Any]]:
        with self.lock:
            return [e for p in self.received for e in p["events"]]


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
