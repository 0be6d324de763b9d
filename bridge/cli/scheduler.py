"""`bridge scheduler`: change detection without webhooks (pollers, reconciliation, Odoo 16 outbox)."""

from __future__ import annotations

import signal
import sys

import click

from bridge.cli.common import runtime_or_exit


@click.command()
@click.option("--once", is_flag=True, help="one round of everything (outbox, poll, reconcile), then exit")
@click.option(
    "--translators", envvar="BRIDGE_TRANSLATORS", default=None, help="module:factory of a translator registry"
)
def scheduler(once: bool, translators: str | None) -> None:
    """Poll Xero and Odoo for changes webhooks missed, reconcile, and report dead webhooks.

    Xero pollers run on the polling budget's plan: all of a tenant's together use at most
    BRIDGE_POLL_BUDGET (10%) of XERO_DAY_LIMIT, none more often than BRIDGE_POLL_INTERVAL (5m), a
    webhook-covered entity's not more often than BRIDGE_RECONCILE_INTERVAL (1h); `bridge status` shows
    the plan. Odoo: poll every BRIDGE_POLL_INTERVAL, reconcile every BRIDGE_RECONCILE_INTERVAL, outbox
    every BRIDGE_OUTBOX_INTERVAL (5s, Odoo 16 only). Overlaps: BRIDGE_POLL_OVERLAP (Odoo, 2m),
    BRIDGE_XERO_POLL_OVERLAP (5s).
    """
    from bridge.cli.main import load_registry
    from bridge.polling.scheduler import Scheduler

    registry = load_registry(translators)
    runtime = runtime_or_exit()
    # Only entities some translator handles are polled: an event nobody can apply is noise.
    runner = Scheduler(runtime, handles=lambda source, entity: registry.get(source, entity) is not None)
    try:
        if once:
            done = runner.run_once()
            click.echo(
                f"scheduler: {done.sent()} change(s) sent, {done.outbox} outbox row(s) drained, "
                f"{len(done.failures)} failure(s)"
            )
            for job, connection, error in done.failures:
                click.echo(f"  failed: {job} ({connection}): {error}", err=True)
            for alarm in done.alarms:
                click.echo(f"  ALARM: {alarm}", err=True)
            sys.exit(1 if done.failures else 0)
        signal.signal(signal.SIGTERM, lambda *_: runner.stop())
        try:
            runner.run()
        except KeyboardInterrupt:
            runner.stop()
    finally:
        runtime.close()
