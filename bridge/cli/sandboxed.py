"""SandboxedBridge: a whole bridge with its built-in Xero and Odoo sandboxes in one process, for `bridge demo`,
`bridge bench e2e` and the end-to-end tests. Part of the CLI's wiring (like main.py it brings the
web app and the worker together); the sandboxes stay separate stand-ins reached over HTTP.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

from bridge.config import Settings, load_settings
from bridge.runtime import Runtime

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
# Odoo 17/18 post their webhook synchronously inside the user's transaction and commit afterwards
# (odoo-facts §2.1: "the POST is made synchronously during the ORM operation, before commit"; a
# receiver reading back at once saw no record after a create and the old value after a write). The
# rest of the request still runs after the POST returns (other records' webhooks, each up to the 1 s
# timeout, other automations, the commit itself), so the sandbox keeps the transaction open this long
# after it posted. 16 posts nothing and 19 posts after the commit (PR216018).
ODOO_PRECOMMIT_WINDOW = {17: 0.3, 18: 0.3}


def default_xero_spec_dir() -> Path | None:
    """Xero's OpenAPI folder: XERO_OPENAPI_DIR, else ../shared/xero/openapi beside this repository (as
    CI has it); None when neither holds xero_accounting.yaml (the Xero sandbox then cannot validate)."""
    named = os.environ.get("XERO_OPENAPI_DIR")
    folder = Path(named) if named else REPO.parent / "shared" / "xero" / "openapi"
    return folder if (folder / "xero_accounting.yaml").is_file() else None


def xero_client_mistakes(xero) -> list[str]:  # noqa: ANN001 - a sandboxes.xero.XeroSandbox
    """What the bridge did wrong by Xero's OpenAPI files: the sandbox's spec violations, and the fields
    it ignored (read-only or unknown ones, which real Xero drops without a word: a lost value)."""
    ignored = [f"ignored {f.reason} field {f.pointer} in {f.method} {f.path}" for f in xero.ignored_fields]
    return [*xero.spec_violations, *ignored]


def _describe(condition: Callable) -> str:
    """The awaited condition as written (a lambda's source line), for a timeout's message."""
    try:
        source = " ".join(line.strip() for line in inspect.getsource(condition).splitlines())
    except (OSError, TypeError):
        source = getattr(condition, "__qualname__", repr(condition))
    return source if len(source) <= 300 else source[:297] + "..."


class SandboxedBridge:
    """Xero sandbox + Odoo sandbox + bridge (web over HTTP, one or more workers), wired as a user would."""

    def __init__(
        self,
        home: str | None = None,
        odoo_version: int = 17,
        broker_url: str | None = None,
        database_url: str | None = None,
        port: int = 0,
        extra_env: dict | None = None,
        workers: int = 1,
        time_scale: float = 1.0,
        odoo_hold_commit: float | None = None,
        xero_spec_dir: str | os.PathLike[str] | None = None,
        connections: int = 1,
    ):
        """time_scale > 1 runs Xero's clock (limits, token lifetimes) that much faster, for benches.

        odoo_hold_commit: seconds Odoo keeps a transaction open after posting its webhook (default:
        ODOO_PRECOMMIT_WINDOW for the version; 0 turns the window off). xero_spec_dir: Xero's OpenAPI
        folder, which the Xero sandbox validates every request, response and webhook against (default:
        default_xero_spec_dir()); without one validation is off and `xero.validation_note` says so.
        connections: how many Xero organisations ⇄ Odoo companies to map (ids "demo", then
        "second"; the Xero sandbox has two organisations and the Odoo sandbox two companies)."""
        self.connection_count = connections
        self.home = home or tempfile.mkdtemp(prefix="bridge-world-")
        self.odoo_version = odoo_version
        self.broker_url = broker_url
        self.database_url = database_url
        self.port = port
        self.extra_env = extra_env or {}
        self.worker_count = workers
        self.time_scale = time_scale
        self.odoo_hold_commit = (
            ODOO_PRECOMMIT_WINDOW.get(odoo_version, 0.0) if odoo_hold_commit is None else odoo_hold_commit
        )
        self.xero_spec_dir = xero_spec_dir if xero_spec_dir is not None else default_xero_spec_dir()
        self.clock = None
        self.sleep = None
        self.xero = None
        self.odoo = None
        self.runtime: Runtime | None = None
        self.settings: Settings | None = None
        self.workers: list = []
        self._worker_threads: dict[int, threading.Thread] = {}
        self._threads: list[threading.Thread] = []
        self._server = None
        self.url = ""
        self.connection_id = "demo"
        self.connection_ids = ["demo", "second"][: self.connection_count]

    # ------------------------------------------------------------------------------ start

    def start(self) -> SandboxedBridge:
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per sandbox request
        from sandboxes.odoo import OdooSandbox
        from sandboxes.xero import XeroSandbox
        from webhooks.app import create_app

        if self.time_scale != 1.0:
            from sandboxes.xero.clock import ShiftedClock

            self.clock = ShiftedClock(scale=self.time_scale)
            self.sleep = lambda seconds: time.sleep(seconds / self.time_scale)
        sandbox_clock = {"clock": self.clock} if self.clock else {}
        self.xero = XeroSandbox(
            auto_approve=True,
            webhook_retry_delays=(0.5, 1, 2, 5),
            spec_dir=self.xero_spec_dir,
            **sandbox_clock,
        )
        self.xero.start()
        self.odoo = OdooSandbox(version=self.odoo_version, hold_commit_after_webhook=self.odoo_hold_commit)
        self.odoo.start()
        # The web app must exist before Xero's intent-to-receive check, so bind its port first.
        token = secrets.token_urlsafe(24)
        environ = {
            "BRIDGE_HOME": self.home,
            "BRIDGE_LOG_LEVEL": "WARNING",
            "XERO_WEBHOOK_KEY": self.xero.credentials.webhook_key,
            "BRIDGE_ODOO_WEBHOOK_TOKEN": token,
            "XERO_API_URL": self.xero.api_url,
            "XERO_TOKEN_URL": self.xero.token_url,
            "XERO_AUTHORIZE_URL": self.xero.authorize_url,
            "XERO_CONNECTIONS_URL": self.xero.connections_url,
            "XERO_CLIENT_ID": self.xero.credentials.client_id,
            "XERO_CLIENT_SECRET": self.xero.credentials.client_secret,
            "ODOO_URL": self.odoo.url,
            "ODOO_DB": self.odoo.db_name,
            "ODOO_USERNAME": self.odoo.bridge_login,
            "ODOO_API_KEY": self.odoo.bridge_api_key,
            "BRIDGE_RETRY_LADDER": "1s,2s,5s,10s,30s",
            "BRIDGE_LEASE_SECONDS": "30s",
        }
        if self.broker_url:
            environ["BRIDGE_BROKER_URL"] = self.broker_url
        if self.database_url:
            environ["BRIDGE_DATABASE_URL"] = self.database_url
        environ.update(self.extra_env)
        placeholder = make_server("127.0.0.1", self.port, lambda e, s: [], threaded=True)
        port = placeholder.port
        placeholder.server_close()
        self.url = f"http://127.0.0.1:{port}"
        environ["XERO_REDIRECT_URI"] = f"{self.url}/oauth/xero/callback"
        self.environ = environ  # what `bridge …` commands need to act on this bridge
        self.settings = load_settings(environ)
        self.runtime = Runtime.from_settings(self.settings)
        app = create_app(runtime=self.runtime)
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self._spawn(self._server.serve_forever, "web")
        self._connect_xero()
        self._setup_odoo()
        for _ in range(self.worker_count):
            self.start_worker()
        return self

    def _spawn(self, target: Callable, name: str) -> threading.Thread:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)
        return thread

    def _connect_xero(self) -> None:
        """The real consent flow: the bridge's consent URL, the sandbox approves, the bridge's callback."""
        from bridge.store import connections

        with self.runtime.db.session() as session:
            for number in range(self.connection_count):
                connections.add(
                    session,
                    "Demo Company" if number == 0 else f"Company {number + 1}",
                    self.xero.tenants[number].tenant_id,
                    self.odoo.company_ids[number],
                    id=self.connection_ids[number],
                )
        consent_url = requests.get(f"{self.url}/oauth/xero/start", allow_redirects=False, timeout=10).headers[
            "Location"
        ]
        callback = requests.get(consent_url, allow_redirects=False, timeout=10).headers["Location"]
        page = requests.get(callback, timeout=30)
        if page.status_code != 200:
            raise RuntimeError(f"connecting the Xero sandbox failed: {page.text[:300]}")
        self.xero.add_webhook_subscription(f"{self.url}/webhooks/xero")

    def _setup_odoo(self) -> None:
        from bridge.config import OdooSettings
        from bridge.odoo.client import OdooClient
        from bridge.odoo.setup import OdooSetup

        admin = OdooClient.connect(
            OdooSettings(
                url=self.odoo.url, db=self.odoo.db_name, username=self.odoo.login, api_key=self.odoo.api_key
            )
        )
        webhook = f"{self.url}/webhooks/odoo/{self.settings.odoo_webhook_token}"
        OdooSetup(admin, webhook, bridge_uid=self.odoo.bridge_uid).run()

    def context(self):
        """What a bridge command run beside this world works with (a bulk sync, a replay): its own
        services on the world's clock — the rate governor's bookkeeping is shared through the
        database, so every process of one bridge must count in the same seconds."""
        from bridge.services import build_services
        from consumers.base import Context

        services = build_services(self.settings, self.runtime.db, clock=self.clock, sleep=self.sleep)
        return Context(self.settings, self.runtime.db, services)

    def start_worker(self):
        from bridge.services import build_services
        from consumers.registry import default_registry

        worker = _counting_worker()(
            self.runtime,
            default_registry(),
            services=build_services(self.settings, self.runtime.db, clock=self.clock, sleep=self.sleep),
        )
        self.workers.append(worker)
        self._worker_threads[id(worker)] = self._spawn(worker.run, f"worker-{len(self.workers)}")
        return worker

    def stop_workers(self) -> None:
        """Stop every worker and wait until each has left its loop (what it holds goes back to the queue)."""
        for worker in self.workers:
            worker.stop()
        for worker in self.workers:
            thread = self._worker_threads.get(id(worker))
            if thread is not None:
                thread.join(10)
                if thread.is_alive():
                    raise AssertionError(f"{thread.name} did not stop within 10 s")

    # ------------------------------------------------------------------------------ acting as users

    def xero_token(self) -> str:
        return self.xero.token_for(self.xero.tenants[0].tenant_id)

    def xero_api(self, method: str, path: str, **kwargs) -> requests.Response:
        """Call the Xero sandbox as a person using Xero would (their own app, not the bridge)."""
        headers = {
            "Authorization": f"Bearer {self.xero_token()}",
            "xero-tenant-id": self.xero.tenants[0].tenant_id,
            "Accept": "application/json",
        }
        return requests.request(method, f"{self.xero.api_url}/{path}", headers=headers, timeout=30, **kwargs)

    def odoo_user(self):
        return self.odoo.env("admin")

    def stats(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for worker in self.workers:
            for key, value in worker.stats.items():
                total[key] = total.get(key, 0) + value
        return total

    def wait(
        self,
        condition: Callable[[], object],
        timeout: float = 20.0,
        interval: float = 0.05,
        message: str | None = None,
    ):
        """The condition's first truthy value; AssertionError naming what was awaited after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() >= deadline:
                break
            time.sleep(interval)
        raise AssertionError(
            f"waited {timeout:g} s for: {message or _describe(condition)}; last value {value!r}; "
            f"worker outcomes so far {self.stats()}"
        )

    def busy(self) -> list[str]:
        """What the bridge still has to do, in words; empty when it is idle for now: Xero has no
        webhook to deliver (held ones of a disabled subscription do not count), no event waits on the
        broker or for a retry, and no worker is handling one."""
        with self.runtime.broker_connection() as connection:
            channel = connection.channel()
            self.runtime.topology.declare(channel)
            return self._busy(channel)

    def _busy(self, channel) -> list[str]:
        doing = []
        for subscription in list(self.xero.webhooks.subscriptions.values()):
            if subscription.status in ("OK", "RETRY") and (subscription.pending or subscription.outstanding):
                doing.append(f"Xero has webhooks to deliver to {subscription.url}")
        handling = sum(getattr(worker, "in_flight", 0) for worker in self.workers)
        if handling:
            doing.append(f"{handling} event(s) being handled")
        for queue in [*self.runtime.topology.work_queues(), *self.runtime.topology.retry_queues()]:
            ready = channel.queue_declare(queue.name, passive=True).message_count
            if ready:
                doing.append(f"{ready} event(s) in {queue.name}")
        if not self.runtime.topology.native:
            from bridge.store import deferred

            with self.runtime.db.session() as session:
                delayed = deferred.pending(session)
            if delayed:
                doing.append(f"{delayed} event(s) waiting for a retry")
        return doing

    def settle(self, timeout: float = 20.0, quiet: float = 0.3) -> None:
        """Wait until the bridge is idle: busy() empty and no worker outcome counted for `quiet`
        seconds in a row. AssertionError saying what is still going on after `timeout`. Anything
        queued needs a running worker to settle."""
        deadline = time.monotonic() + timeout
        calm_since, stats = None, None
        with self.runtime.broker_connection() as connection:
            channel = connection.channel()
            self.runtime.topology.declare(channel)
            while True:
                doing, now_stats, now = self._busy(channel), self.stats(), time.monotonic()
                if doing or now_stats != stats:
                    calm_since = None
                elif calm_since is None:
                    calm_since = now
                elif now - calm_since >= quiet:
                    return
                stats = now_stats
                if now >= deadline:
                    raise AssertionError(
                        f"the bridge did not settle within {timeout:g} s: "
                        f"{'; '.join(doing) or 'its workers were still counting outcomes'}; "
                        f"worker outcomes {now_stats}"
                    )
                time.sleep(0.05)

    # ------------------------------------------------------------------------------ stop

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        if self._server is not None:
            self._server.shutdown()
        for thread in self._threads:
            thread.join(10)
        if self.runtime is not None:
            self.runtime.close()
        if self.xero is not None:
            self.xero.stop()
        if self.odoo is not None:
            self.odoo.stop()

    def __enter__(self) -> SandboxedBridge:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@functools.cache
def _counting_worker():
    """The worker class, counting the events it is handling (for SandboxedBridge.busy)."""
    from consumers.worker import Worker

    class CountingWorker(Worker):
        in_flight = 0

        def handle(self, body, message, holder=None) -> None:
            self.in_flight += 1
            try:
                super().handle(body, message, holder)
            finally:
                self.in_flight -= 1

        def handle_dead_letter(self, body, message) -> None:
            self.in_flight += 1
            try:
                super().handle_dead_letter(body, message)
            finally:
                self.in_flight -= 1

    return CountingWorker
