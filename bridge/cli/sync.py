"""`bridge sync ENTITY|all --direction import|export`: bulk-sync a whole entity (or every entity, in
dependency order), with forecast and progress; resumes after an interruption."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from bridge.cli.common import runtime_or_exit
from bridge.entities import built


def _bulk_entities() -> list[str]:
    return [e.name for e in built() if e.bulk is not None]


@click.command()
@click.argument("entity", type=click.Choice([*_bulk_entities(), "all"]))
@click.option(
    "--direction",
    type=click.Choice(["import", "export", "both"]),
    default="both",
    show_default=True,
    help="import = Xero → Odoo, export = Odoo → Xero, both = import then export",
)
@click.option("--connection", "connection_id", default=None, help="default: the only connection")
@click.option("--since", default=None, help="only records changed since (ISO date/time, UTC)")
@click.option("--dry-run", is_flag=True, help="list what would be created, updated or skipped; write nothing")
@click.option("--restart", is_flag=True, help="ignore the checkpoint of an interrupted run")
@click.option("--yes", is_flag=True, help="do not ask after the forecast")
def sync(entity, direction, connection_id, since, dry_run, restart, yes) -> None:
    """Sync every record of an entity (or `all`, dependencies first): forecast, then a progress bar."""
    from bridge.entities import get
    from bridge.services import build_services
    from bridge.store import connections
    from consumers.base import Context

    runtime = runtime_or_exit()
    try:
        if connection_id is None:
            with runtime.db.session() as session:
                ids = [c.id for c in connections.all_connections(session)]
            if len(ids) != 1:
                click.echo(f"name the connection (--connection): {', '.join(ids) or 'none yet'}", err=True)
                sys.exit(2)
            connection_id = ids[0]
        try:
            when = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
        except ValueError:
            click.echo(f"--since: not an ISO date/time: {since!r}", err=True)
            sys.exit(2)
        ctx = Context(runtime.settings, runtime.db, build_services(runtime.settings, runtime.db))
        names = _bulk_entities() if entity == "all" else [entity]
        directions = ["import", "export"] if direction == "both" else [direction]
        for name in names:
            for one in directions:
                _sync_one(ctx, get(name), connection_id, one, when, dry_run, restart, yes or len(names) > 1)
    finally:
        runtime.close()


def _sync_one(ctx, entity, connection_id, direction, when, dry_run, restart, yes) -> None:
    bar_holder: dict = {}
    engine = entity.bulk(ctx, connection_id, progress=lambda n: bar_holder["bar"].update(n))
    forecast = engine.forecast(direction, when, restart=restart)
    resumed = not restart and engine.checkpoint(direction)
    click.echo(f"{entity.name}: {'resuming after ' + resumed + ': ' if resumed else ''}{forecast.describe()}")
    if forecast.calls_left_today is not None and forecast.xero_calls > forecast.calls_left_today:
        click.echo(
            "warning: more calls than Xero allows today; the rest waits for tomorrow's budget", err=True
        )
    if not dry_run and not yes and not click.confirm("start?", default=True):
        return
    with click.progressbar(length=max(forecast.records, 1), label=f"{direction} {entity.name}", show_pos=True,
                           show_eta=True, show_percent=True, item_show_func=None) as bar:  # fmt: skip
        bar_holder["bar"] = bar
        run = engine.export if direction == "export" else engine.import_
        report = run(when, dry_run=dry_run, restart=restart)
    for line in report.planned[:200]:
        click.echo(("would " if dry_run else "") + line)
    if len(report.planned) > 200:
        click.echo(f"… and {len(report.planned) - 200} more")
    click.echo(
        f"{entity.name}: created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"skipped {report.skipped}, refused {report.refused} (see `bridge mismatch list`), "
        f"Xero calls {report.xero_calls}"
    )
