"""`bridge sync ENTITY --direction import|export`: bulk-sync a whole entity, with forecast and progress."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from bridge.cli_common import runtime_or_exit

BULK_ENTITIES = ("contact",)


@click.command()
@click.argument("entity", type=click.Choice(BULK_ENTITIES))
@click.option(
    "--direction", type=click.Choice(["import", "export"]), required=True, help="import = Xero → Odoo"
)
@click.option("--connection", "connection_id", default=None, help="default: the only connection")
@click.option("--since", default=None, help="only records changed since (ISO date/time, UTC)")
@click.option("--dry-run", is_flag=True, help="list what would be created, updated or skipped; write nothing")
@click.option("--restart", is_flag=True, help="ignore the checkpoint of an interrupted run")
@click.option("--yes", is_flag=True, help="do not ask after the forecast")
def sync(entity, direction, connection_id, since, dry_run, restart, yes) -> None:
    """Sync every record of an entity: forecast first, then a progress bar; resumes after an interruption."""
    from bridge.services import build_services
    from bridge.store import connections
    from consumers.base import Context
    from consumers.bulk import ContactBulkSync

    runtime = runtime_or_exit()
    try:
        if connection_id is None:
            with runtime.db.session() as session:
                ids = [c.id for c in connections.all_connections(session)]
            if len(ids) != 1:
                click.echo(f"name the connection (--connection): {', '.join(ids) or 'none yet'}", err=True)
                sys.exit(2)
            connection_id = ids[0]
        when = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
        ctx = Context(runtime.settings, runtime.db, build_services(runtime.settings, runtime.db))
        bar_holder: dict = {}
        engine = ContactBulkSync(ctx, connection_id, progress=lambda n: bar_holder["bar"].update(n))
        if direction == "export":
            forecast = engine.forecast_export(when, restart=restart)
        else:
            forecast = engine.forecast_import(when)
        resumed = not restart and engine.checkpoint(direction)
        click.echo(f"{'resuming after ' + resumed + ': ' if resumed else ''}{forecast.describe()}")
        if forecast.calls_left_today is not None and forecast.xero_calls > forecast.calls_left_today:
            click.echo(
                "warning: more calls than Xero allows today; the rest waits for tomorrow's budget", err=True
            )
        if not dry_run and not yes and not click.confirm("start?", default=True):
            return
        with click.progressbar(length=max(forecast.records, 1), label=f"{direction} {entity}", show_pos=True,
                               show_eta=True, show_percent=True, item_show_func=None) as bar:  # fmt: skip
            bar_holder["bar"] = bar
            report = (
                engine.export(when, dry_run=dry_run, restart=restart)
                if direction == "export"
                else engine.import_(when, dry_run=dry_run, restart=restart)
            )
        for line in report.planned[:200]:
            click.echo(("would " if dry_run else "") + line)
        if len(report.planned) > 200:
            click.echo(f"… and {len(report.planned) - 200} more")
        click.echo(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
            f"skipped {report.skipped}, refused {report.refused} (see `bridge mismatch list`), "
            f"Xero calls {report.xero_calls}"
        )
    finally:
        runtime.close()
