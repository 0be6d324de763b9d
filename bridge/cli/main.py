"""`bridge`: the command line that wires the pieces together (web, worker, mismatch log, …)."""

from __future__ import annotations

import importlib
import logging
import signal
import sys
import threading

import click

from bridge.cli.common import runtime_or_exit, safe_url

log = logging.getLogger("bridge")


def _consume_until_stopped(consumer, cleanup) -> None:
    """Run a worker until SIGTERM or Ctrl-C (the event in hand is finished), then clean up."""
    signal.signal(signal.SIGTERM, lambda *_: consumer.stop())
    try:
        consumer.run()
    except KeyboardInterrupt:
        consumer.stop()
    finally:
        cleanup()


def load_registry(spec: str | None):
    """The translators to run: the shipped ones, or `module:factory` (BRIDGE_TRANSLATORS) for extensions."""
    if not spec:
        from consumers.registry import default_registry

        return default_registry()
    module_name, _, attribute = spec.partition(":")
    factory = getattr(importlib.import_module(module_name), attribute or "registry")
    return factory()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Keeps Xero and Odoo in sync, both ways, within seconds."""


# ---------------------------------------------------------------------------------- services


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def web(host: str, port: int) -> None:
    """Serve the webhook ingest app (development server; production: gunicorn -c deploy/gunicorn.conf.py)."""
    from werkzeug.serving import run_simple

    from webhooks.app import create_app

    runtime = runtime_or_exit()
    run_simple(host, port, create_app(runtime=runtime), threaded=True)


@main.command()
@click.option(
    "--translators", envvar="BRIDGE_TRANSLATORS", default=None, help="module:factory of a translator registry"
)
@click.option("--groups", default=None, help="queue groups to consume, comma-separated (default: all)")
@click.option("--directions", default=None, help="to_odoo, to_xero or both, comma-separated (default: both)")
@click.option(
    "--concurrency", default=1, show_default=True, type=click.IntRange(1, 64), help="threads per queue"
)
def worker(translators: str | None, groups: str | None, directions: str | None, concurrency: int) -> None:
    """Consume events and apply them to the other system: one consumer per queue (direction × group),
    each with its own broker connection and `--concurrency` threads."""
    from bridge.entities import DIRECTIONS, GROUPS
    from bridge.services import build_services
    from consumers.worker import Worker

    def chosen(value: str | None, known: tuple[str, ...], option: str) -> tuple[str, ...]:
        """`a,b` → ("a", "b"), each one of `known`; nothing given → all of them."""
        if not value:
            return known
        names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
        unknown = [n for n in names if n not in known]
        if unknown or not names:
            shown = ", ".join(unknown) or repr(value)
            raise click.BadParameter(f"{shown}: not one of {', '.join(known)}", param_hint=option)
        return names

    chosen_groups = chosen(groups, GROUPS, "--groups")
    chosen_directions = chosen(directions, DIRECTIONS, "--directions")
    runtime = runtime_or_exit()
    consumer = Worker(
        runtime,
        load_registry(translators),
        services=build_services(runtime.settings, runtime.db),
        directions=chosen_directions,
        groups=chosen_groups,
        concurrency=concurrency,
    )
    _consume_until_stopped(consumer, runtime.close)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--translators", envvar="BRIDGE_TRANSLATORS", default=None)
@click.option(
    "--concurrency", default=1, show_default=True, type=click.IntRange(1, 64), help="threads per queue"
)
def run(host: str, port: int, translators: str | None, concurrency: int) -> None:
    """Web app and worker (every queue group) in one process: the embedded default for one machine."""
    from werkzeug.serving import make_server

    from bridge.services import build_services
    from consumers.worker import Worker
    from webhooks.app import create_app

    runtime = runtime_or_exit()
    server = make_server(host, port, create_app(runtime=runtime), threaded=True)
    threading.Thread(target=server.serve_forever, name="web", daemon=True).start()
    consumer = Worker(
        runtime,
        load_registry(translators),
        services=build_services(runtime.settings, runtime.db),
        concurrency=concurrency,
    )
    settings = runtime.settings
    click.echo(f"bridge listening on http://{host}:{server.port}")
    click.echo(f"  Xero webhooks: http://{host}:{server.port}/webhooks/xero")
    click.echo(f"  Odoo webhooks: http://{host}:{server.port}/webhooks/odoo/<BRIDGE_ODOO_WEBHOOK_TOKEN>")
    click.echo(f"  store: {safe_url(settings.database_url)}   broker: {safe_url(settings.broker_url)}")
    _consume_until_stopped(consumer, lambda: (server.shutdown(), runtime.close()))


# ---------------------------------------------------------------------------------- store


@main.group()
def db() -> None:
    """The bridge's own database."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply schema migrations (every service also does this at start)."""
    runtime = runtime_or_exit()
    click.echo(f"schema of {safe_url(runtime.settings.database_url)} is current")
    runtime.close()


@main.group()
def connection() -> None:
    """Which Xero organisation is kept in sync with which Odoo company."""


@connection.command("add")
@click.argument("name")
@click.option("--xero-tenant", "tenant", required=True, help="Xero tenant id")
@click.option("--odoo-company", "company", required=True, type=int, help="Odoo res.company id")
@click.option("--id", "connection_id", default=None)
def connection_add(name: str, tenant: str, company: int, connection_id: str | None) -> None:
    from sqlalchemy.exc import IntegrityError

    from bridge.store import connections

    runtime = runtime_or_exit()
    try:
        token_set = token_set_for_tenant(runtime, tenant)
        with runtime.db.session() as session:
            added = connections.add(session, name, tenant, company, id=connection_id)
            added.xero_token_set = token_set
            click.echo(f"connection {added.id}: Xero {tenant} ⇄ Odoo company {company}")
            if token_set is None:
                click.echo("  no Xero tokens cover this organisation yet: bridge xero connect")
    except IntegrityError:
        click.echo("that id, tenant or company is already in a connection", err=True)
        sys.exit(1)
    finally:
        runtime.close()


@connection.command("list")
def connection_list() -> None:
    from bridge.store import connections

    runtime = runtime_or_exit()
    with runtime.db.session() as session:
        rows = connections.all_connections(session)
        for row in rows:
            click.echo(
                f"{row.id:<20} {row.status:<18} Xero {row.xero_tenant_id} ⇄ Odoo company {row.odoo_company_id}"
            )
        if not rows:
            click.echo("no connections yet: bridge connection add NAME --xero-tenant ID --odoo-company ID")
    runtime.close()


# ---------------------------------------------------------------------------------- mismatch log

from bridge.cli.mismatch import mismatch  # noqa: E402 - registered below, kept in its own module

main.add_command(mismatch)

from bridge.cli.status import status  # noqa: E402
from bridge.cli.xero import token_set_for_tenant, xero  # noqa: E402

main.add_command(xero)

from bridge.cli.odoo import odoo  # noqa: E402

main.add_command(odoo)

from bridge.cli.demo import demo  # noqa: E402

main.add_command(demo)

from bridge.cli.settings import settings  # noqa: E402

main.add_command(settings)

from bridge.cli.sync import sync  # noqa: E402

main.add_command(sync)

from bridge.cli.mapping import mapping  # noqa: E402

main.add_command(mapping)

main.add_command(status)

from bridge.cli.scheduler import scheduler  # noqa: E402

main.add_command(scheduler)


@main.group()
def sandbox() -> None:
    """Run a stand-in Xero or Odoo for trying the bridge out (and for its tests)."""


_PASSTHROUGH = {"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}


@sandbox.command("xero", context_settings=_PASSTHROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def sandbox_xero(args: tuple[str, ...]) -> None:
    """A Xero sandbox: OAuth, Accounting API, limits, webhooks (`bridge sandbox xero --help`)."""
    from sandboxes.xero.cli import main as run_sandbox

    sys.exit(run_sandbox(list(args)))


@sandbox.command("odoo", context_settings=_PASSTHROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def sandbox_odoo(args: tuple[str, ...]) -> None:
    """An Odoo 16–19 sandbox: XML-RPC, JSON-RPC, JSON-2, automation webhooks (`bridge sandbox odoo --help`)."""
    from sandboxes.odoo.cli import main as run_sandbox

    sys.exit(run_sandbox(list(args)))


@main.group()
def broker() -> None:
    """The message broker."""


@broker.command("definitions")
def broker_definitions() -> None:
    """Print the RabbitMQ topology as a definitions file (for rabbitmqctl import_definitions)."""
    import json

    from bridge.cli.common import settings_or_exit
    from bridge.runtime import topology_for

    settings = settings_or_exit()
    if settings.embedded_broker:
        settings = settings.replace(broker_url="amqp://localhost//")
    click.echo(json.dumps(topology_for(settings).rabbitmq_definitions(), indent=2))


@main.group()
def bench() -> None:
    """Measure the bridge; each bench ends with one JSON line of its figures."""


@bench.command("ingest")
@click.option("--seconds", default=10.0, show_default=True, help="measured time per case (after 1 s warm-up)")
@click.option("--connections", default=16, show_default=True)
@click.option("--broker-url", default="amqp://guest:guest@127.0.0.1:5672//", show_default=True)
@click.option("--workers", default=2, show_default=True)
@click.option("--threads", default=8, show_default=True)
def bench_ingest(seconds: float, connections: int, broker_url: str, workers: int, threads: int) -> None:
    """Signed webhook batches against gunicorn + RabbitMQ, beside a bare reference handler."""
    import json

    from bridge.cli.bench.ingest import run as run_ingest

    if not broker_url.startswith("amqp"):
        raise click.BadParameter(
            "the ingest bench measures RabbitMQ: give an amqp:// URL", param_hint="--broker-url"
        )
    if seconds > 120:
        raise click.BadParameter("at most 120 s per case", param_hint="--seconds")
    figures = run_ingest(seconds, connections, broker_url, workers, threads, echo=click.echo)
    click.echo(json.dumps(figures, sort_keys=False))


@bench.command("e2e")
@click.option("--changes", default=200, show_default=True, help="changes each way")
@click.option(
    "--time-scale",
    default=20.0,
    show_default=True,
    help="Xero's clock speed (1 = real time: 200 changes take ~30 min)",
)
@click.option(
    "--entity",
    type=click.Choice(["contact", "invoice"]),
    default="contact",
    show_default=True,
    help="contact: a phone changed; invoice: a draft invoice approved (posted in Odoo, AUTHORISED in Xero)",
)
def bench_e2e(changes: int, time_scale: float, entity: str) -> None:
    """Change made in one system → visible in the other, both ways, p50/p99, against the sandboxes."""
    import json

    if entity == "invoice":
        from bridge.cli.bench.e2e_invoices import MAX_CHANGES as most
        from bridge.cli.bench.e2e_invoices import run as run_e2e
    else:
        from bridge.cli.bench.e2e import run as run_e2e

        most = 2000
    if changes > most:
        raise click.BadParameter(f"at most {most} changes", param_hint="--changes")
    click.echo(json.dumps(run_e2e(changes, time_scale, echo=click.echo)))


@bench.command("sync")
@click.option("--records", default=10_000, show_default=True)
@click.option(
    "--compare-with", default=1_000, show_default=True, help="a smaller run, for the memory comparison"
)
@click.option("--time-scale", default=5.0, show_default=True, help="Xero's clock speed (1 = real time)")
@click.option(
    "--entity",
    type=click.Choice(["contact", "item", "account", "invoice"]),
    default="contact",
    show_default=True,
)
def bench_sync(records: int, compare_with: int, time_scale: float, entity: str) -> None:
    """Export N contacts (items, accounts, invoices of 5 lines for new customers and products) Odoo →
    Xero under Xero's limits: calls per record (dependencies included), records/min, peak memory."""
    import json

    from bridge.cli.bench.sync import run as run_sync

    if records > 100_000:
        raise click.BadParameter("at most 100,000 records", param_hint="--records")
    click.echo(json.dumps(run_sync(records, time_scale, compare_with, echo=click.echo, entity=entity)))


if __name__ == "__main__":  # pragma: no cover
    main()
