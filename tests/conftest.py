"""Fixtures for the real services this machine runs (RabbitMQ, PostgreSQL) and for bridge stacks.

When a service is down the tests that need it skip with the command that starts it, unless
BRIDGE_REQUIRE_SERVICES=1 (as .ci/run sets): then they fail.

Every Xero sandbox a test starts validates against Xero's OpenAPI files, and a test whose sandbox saw
a request, response or webhook that breaks them fails (xero_sandboxes_keep_to_the_spec).

`pytest --noop-translators` proves tests can fail: the shipped translators then do nothing and
report "skipped", and the bulk engine's export only plans (writes nothing). A test of syncing that
still passes cannot fail.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from pathlib import Path

import pytest

from bridge.config import load_settings
from bridge.runtime import Runtime
from tests.support.probe import ProbeSystem
from tests.support.servers import ServedApp

RABBITMQ_URL = os.environ.get("BRIDGE_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
POSTGRES_ADMIN_URL = os.environ.get(
    "BRIDGE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_SERVICES = os.environ.get("BRIDGE_REQUIRE_SERVICES") == "1"
REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--noop-translators",
        action="store_true",
        default=False,
        help="translators do nothing (outcome 'skipped') and bulk exports write nothing: "
        "every test that still passes cannot fail",
    )


@pytest.fixture(autouse=True)
def noop_translators(request, monkeypatch) -> None:
    """With --noop-translators: every shipped translator's apply does nothing and says "skipped"; the
    bulk engine's export (which writes Xero in batches, not through a translator) only plans, as its
    dry run does; its import goes through the importer translator, so it writes nothing either."""
    if not request.config.getoption("--noop-translators"):
        return
    from consumers.base import Outcome, Translator
    from consumers.framework.bulk import BulkSync
    from consumers.registry import default_registry

    default_registry()  # imports every shipped translator

    def subclasses(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]

    def apply(self, event, ctx, **_) -> Outcome:
        return Outcome("skipped", note="--noop-translators")

    for cls in subclasses(Translator):
        if cls.__module__.startswith("consumers.") and "apply" in vars(cls):
            monkeypatch.setattr(cls, "apply", apply)
    for bulk in (BulkSync, *subclasses(BulkSync)):  # every entity's engine, batched writers too
        if "export" in vars(bulk):
            monkeypatch.setattr(bulk, "export", _dry_run_export(vars(bulk)["export"]))


def _dry_run_export(export):
    return lambda self, since=None, dry_run=False, restart=False: export(self, since, True, restart)


@pytest.fixture(autouse=True)
def xero_sandboxes_keep_to_the_spec(request, monkeypatch):
    """Every Xero sandbox started in a test validates against Xero's OpenAPI files (XERO_OPENAPI_DIR,
    else ../shared/xero/openapi); without them the test skips (fails with BRIDGE_REQUIRE_SHARED=1).
    After the test, any spec violation a sandbox recorded fails it, and so does any field it ignored
    (read-only or unknown: real Xero drops them without a word, so the value would be lost).
    tests/sandbox_xero has its own check (some of its tests run the sandbox without a spec on purpose)."""
    if "sandbox_xero" in request.node.path.parts:
        yield
        return
    from bridge.cli.sandboxed import default_xero_spec_dir
    from sandboxes.xero import XeroSandbox
    from tests.support.xero import without_spec

    found = default_xero_spec_dir()
    if found is not None and not os.environ.get("XERO_OPENAPI_DIR"):
        monkeypatch.setenv("XERO_OPENAPI_DIR", str(found))  # for sandboxes built without spec_dir
    started: list[XeroSandbox] = []
    start = XeroSandbox.start

    def validating_start(sandbox: XeroSandbox, *args, **kwargs):
        if sandbox.validator is None:
            without_spec(f"the Xero sandbox would run unchecked: {sandbox.validation_note}")
        started.append(sandbox)
        return start(sandbox, *args, **kwargs)

    monkeypatch.setattr(XeroSandbox, "start", validating_start)
    yield
    violations = [v for sandbox in started for v in sandbox.spec_violations]
    if violations:
        pytest.fail(
            f"the Xero sandbox saw {len(violations)} violation(s) of Xero's OpenAPI files:\n"
            + "\n".join(f"  {v[:500]}" for v in violations[:20]),
            pytrace=False,
        )
    ignored = [f for sandbox in started for f in sandbox.ignored_fields]
    if ignored:  # Xero ignores these silently; for the bridge they are its own mistake (a lost value)
        pytest.fail(
            f"the bridge sent Xero {len(ignored)} field(s) Xero ignores:\n"
            + "\n".join(f"  {f.method} {f.path} {f.pointer} ({f.reason})" for f in ignored[:20]),
            pytrace=False,
        )


def _reachable(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _need(port: int, what: str, how: str) -> None:
    if _reachable(port):
        return
    message = f"{what} is not reachable on 127.0.0.1:{port}; start it with: {how}"
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def rabbitmq_url() -> str:
    _need(5672, "RabbitMQ", "rabbitmq-server -detached")
    return RABBITMQ_URL


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    _need(5432, "PostgreSQL", "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start")
    return POSTGRES_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_admin_url):
    """A fresh, empty database for one test, dropped afterwards."""
    import psycopg

    name = f"bridge_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield postgres_admin_url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(postgres_admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    """The store's two backends: every test using this runs on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bridge.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def namespace() -> str:
    return "t" + uuid.uuid4().hex[:10]


def delete_topology(runtime: Runtime) -> None:
    from kombu import Connection

    with Connection(runtime.settings.broker_url) as connection:
        channel = connection.channel()
        for queue in runtime.topology.all_queues():
            try:
                channel.queue_delete(queue.name)
            except Exception:  # noqa: BLE001 - already gone
                channel = connection.channel()
        exchanges = [runtime.topology.events.name, runtime.topology.dead_exchange.name]
        exchanges += [
            runtime.topology.retry_exchange(i).name for i in range(len(runtime.topology.retry_ladder))
        ]
        for name in exchanges:
            try:
                channel.exchange_delete(name)
            except Exception:  # noqa: BLE001
                channel = connection.channel()


@pytest.fixture
def make_runtime(tmp_path, namespace):
    """Build runtimes on a given broker ("rabbitmq" or "embedded") and store; all closed and cleaned up."""
    made: list[Runtime] = []

    def make(broker: str = "rabbitmq", database_url: str | None = None, **env: str) -> Runtime:
        environ = {
            "BRIDGE_HOME": str(tmp_path / "home"),
            "BRIDGE_NAMESPACE": namespace,
            "XERO_WEBHOOK_KEY": "test-webhook-key-0123456789",
            "BRIDGE_ODOO_WEBHOOK_TOKEN": "test-odoo-token-0123456789",
            "BRIDGE_RETRY_LADDER": "200ms,400ms,800ms",
            "BRIDGE_TENANT_CACHE_SECONDS": "0",
        }
        if broker == "rabbitmq":
            environ["BRIDGE_BROKER_URL"] = env.pop("BRIDGE_BROKER_URL", None) or _rabbit(tmp_path)
        elif broker == "embedded":
            environ["BRIDGE_BROKER_URL"] = f"embedded+sqlite:///{tmp_path / 'broker.db'}"
        if database_url:
            environ["BRIDGE_DATABASE_URL"] = database_url
        environ.update(env)
        runtime = Runtime.from_settings(load_settings(environ))
        runtime.test_environ = environ  # for worker subprocesses
        made.append(runtime)
        return runtime

    def _rabbit(_):
        return RABBITMQ_URL

    yield make
    for runtime in made:
        if runtime.settings.broker_url == RABBITMQ_URL and _reachable(5672):
            with contextlib.suppress(Exception):  # best-effort cleanup
                delete_topology(runtime)
        runtime.close()


@pytest.fixture(params=["rabbitmq+postgres", "embedded+sqlite"])
def stack(request, make_runtime, probe):
    """A bridge around the probe system, on production's pair (RabbitMQ, PostgreSQL) and on the
    embedded default's (SQLite broker and store)."""
    from tests.support.stack import Stack

    broker, store = request.param.split("+")
    database_url = None
    if broker == "rabbitmq":
        request.getfixturevalue("rabbitmq_url")
    if store == "postgres":
        database_url = request.getfixturevalue("postgres_url")
    stack = Stack(make_runtime(broker, database_url=database_url), probe)
    yield stack
    stack.stop_workers()


@pytest.fixture
def probe():
    system = ProbeSystem()
    served = ServedApp(system.app)
    system.url = served.url
    yield system
    served.stop()
