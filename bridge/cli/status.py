"""`bridge status`: the state of the bridge at a glance."""

from __future__ import annotations

import json

import click

from bridge.cli.common import runtime_or_exit, safe_url
from bridge.store import connections, deferred, mismatches, unrouted


def queue_depths(runtime) -> dict[str, int | str]:
    """Messages waiting per queue (passive declare: nothing is created)."""
    depths: dict[str, int | str] = {}
    try:
        with runtime.broker_connection() as connection:
            channel = connection.channel()
            for queue in runtime.topology.all_queues():
                try:
                    depths[queue.name] = queue.bind(channel).queue_declare(passive=True).message_count
                except Exception:  # noqa: BLE001 - a queue not declared yet
                    depths[queue.name] = 0
                    channel = connection.channel()
    except Exception as exc:  # noqa: BLE001 - broker down: say so
        depths["broker"] = f"unreachable: {type(exc).__name__}"
    return depths


def webhook_health(session) -> list[dict]:
    """When webhooks last arrived, and the scheduler's alarm when they look dead (bridge/polling/health.py)."""
    from bridge.polling.health import all_rows

    return [
        {
            "source": r.source,
            "connection": r.connection_id,
            "last_received": r.last_received_at.isoformat(timespec="seconds") if r.last_received_at else None,
            "alarm": r.alarm,
        }
        for r in all_rows(session)
    ]


@click.command()
@click.option("--json", "as_json", is_flag=True)
def status(as_json: bool) -> None:
    """Connections, queue depths, delayed events and the mismatch log, at a glance."""
    runtime = runtime_or_exit()
    with runtime.db.session() as session:
        data = {
            "store": safe_url(runtime.settings.database_url),
            "broker": safe_url(runtime.settings.broker_url),
            "connections": [
                {
                    "id": c.id,
                    "status": c.status,
                    "xero_tenant": c.xero_tenant_id,
                    "odoo_company": c.odoo_company_id,
                }
                for c in connections.all_connections(session)
            ],
            "mismatches": mismatches.counts_by_status(session),
            "delayed_events": deferred.pending(session),
            "unrouted_events": unrouted.count(session),
            "webhooks": webhook_health(session),
        }
    data["queues"] = queue_depths(runtime)
    from bridge.xero.governor import RateGovernor

    governor = RateGovernor(runtime.db, runtime.settings.xero)
    data["xero_limits"] = {
        c["xero_tenant"]: governor.state(c["xero_tenant"]) for c in data["connections"] if c["xero_tenant"]
    }
    runtime.close()
    if as_json:
        click.echo(json.dumps(data, sort_keys=True))
        return
    click.echo(f"store   {data['store']}\nbroker  {data['broker']}")
    for c in data["connections"] or [
        {"id": "(none)", "status": "-", "xero_tenant": "-", "odoo_company": "-"}
    ]:
        click.echo(
            f"connection {c['id']}: {c['status']}  Xero {c['xero_tenant']} ⇄ Odoo company {c['odoo_company']}"
        )
    for name, depth in data["queues"].items():
        click.echo(f"queue   {name:<40} {depth}")
    open_count = data["mismatches"].get("open", 0)
    click.echo(f"mismatch log: {open_count} open  {json.dumps(data['mismatches'], sort_keys=True)}")
    click.echo(f"delayed events: {data['delayed_events']}   unrouted events: {data['unrouted_events']}")
    for w in data["webhooks"]:
        state = f"ALARM: {w['alarm']}" if w["alarm"] else "ok"
        click.echo(
            f"webhooks {w['source']} {w['connection']}: last received {w['last_received'] or 'never'}  {state}"
        )
