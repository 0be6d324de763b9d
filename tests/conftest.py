"""Fixtures for the real services this machine runs (RabbitMQ, PostgreSQL) and for bridge stacks.

When a service is down the tests that need it skip with the command that starts it, unless
BRIDGE_REQUIRE_SERVICES=1 (as .ci/run sets): then they fail.
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


@pytest.fixture
def probe():
    system = ProbeSystem()
    served = ServedApp(system.app)
    system.url = served.url
    yield system
    served.stop()
