"""Fixtures for the Xero sandbox fidelity tests: a sandbox served over real HTTP with OpenAPI validation
on, a controllable clock, an API client and a webhook receiver. After each test the sandbox must have
recorded no spec violation (every response it returned validated against Xero's OpenAPI file)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from sandboxes.xero import FULL_SCOPES, ManualClock, XeroSandbox
from sandboxes.xero.spec import load_document

from .helpers import Api, Receiver

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO_ROOT.parent / "shared" / "xero" / "openapi"


@pytest.fixture(scope="session")
def spec_dir() -> Path:
    """Xero's OpenAPI folder, parsed once per session; skip (or fail with BRIDGE_REQUIRE_SHARED=1)."""
    if not (SPEC_DIR / "xero_accounting.yaml").is_file():
        message = f"Xero's OpenAPI files are not at {SPEC_DIR}; the sandbox fidelity tests need them"
        if os.environ.get("BRIDGE_REQUIRE_SHARED") == "1":
            pytest.fail(message + " (BRIDGE_REQUIRE_SHARED=1)")
        pytest.skip(message)
    load_document(str(SPEC_DIR / "xero_accounting.yaml"))
    return SPEC_DIR


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1795500000.0)  # 2026-11-24T03:20:00Z


@pytest.fixture
def make_sandbox(spec_dir: Path, clock: ManualClock) -> Iterator[Callable[..., XeroSandbox]]:
    made: list[XeroSandbox] = []

    def make(**options: Any) -> XeroSandbox:
        options.setdefault("clock", clock)
        options.setdefault("spec_dir", spec_dir)
        options.setdefault("webhook_batch_window", 0.0)
        sb = XeroSandbox(**options)
        sb.start()
        made.append(sb)
        return sb

    yield make
    for sb in made:
        sb.stop()
    for sb in made:
        assert sb.spec_violations == [], "the sandbox returned responses that violate Xero's OpenAPI file"


@pytest.fixture
def sb(make_sandbox: Callable[..., XeroSandbox]) -> XeroSandbox:
    return make_sandbox()


@pytest.fixture
def tenant_a(sb: XeroSandbox) -> str:
    return sb.tenants[0].tenant_id


@pytest.fixture
def tenant_b(sb: XeroSandbox) -> str:
    return sb.tenants[1].tenant_id


@pytest.fixture
def api(sb: XeroSandbox, tenant_a: str) -> Api:
    return Api(sb, sb.token_for(scopes=FULL_SCOPES), tenant_a)


@pytest.fixture
def make_receiver() -> Iterator[Callable[..., Receiver]]:
    servers = []

    def make(key: str, **kw: Any) -> Receiver:
        rec = Receiver(key, **kw)
        server = make_server("127.0.0.1", 0, rec.app, threaded=True)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        rec.url = f"http://127.0.0.1:{server.server_port}/xero/webhooks"
        return rec

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()
