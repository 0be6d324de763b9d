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


def polling_plan(runtime, rows: list[dict]) -> dict[str, dict]:
    """Per Xero tenant, the polling budget's plan (bridge/polling/budget.py): each poller's interval and
    Xero calls a day, and the total against the budget."""
    from bridge.polling.budget import tenant_plans
    from bridge.polling.scheduler import default_plan

    specs = default_plan()
    xero_specs = [s for s in (*specs.watermark, *specs.hashed) if s.source == "xero"]
    targets = [(c["id"], c["xero_tenant"]) for c in rows if c["xero_tenant"] and c["status"] == "active"]
    plans = tenant_plans(runtime.db, runtime.settings, targets, xero_specs)
    forecasts = tenant_plans(runtime.db, runtime.settings, targets, xero_specs, with_planned=True)

    def by_rate(plan) -> dict[str, float]:
        return {line.rate: line.interval for line in plan.lines}

    return {
        tenant: {
            "budget_per_day": round(plan.budget),
            "total_per_day": round(plan.total, 1),
            "pollers": [
                {
                    "connection": line.connection_id,
                    "entity": line.entity,
                    "spec": line.spec,
                    "change_rate": line.rate,
                    "interval_s": line.interval,
                    "calls_per_round": round(line.calls, 2),
                    "measured": line.measured,
                    "calls_per_day": round(line.per_day, 1),
                }
                for line in plan.lines
            ],
            # once every entity with a Xero model polls Xero too: the interval of each change rate
            "forecast": {
                "pollers": len(forecasts[tenant].lines),
                "total_per_day": round(forecasts[tenant].total, 1),
                "interval_s_by_rate": by_rate(forecasts[tenant]),
            },
        }
        for tenant, plan in plans.items()
    }


def duration(seconds: float) -> str:
    """1h30m, 20m, 45s: an interval as an operator reads it."""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{secs}s" if secs else ""]
    return "".join(parts) or "0s"


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
    data["polling"] = polling_plan(runtime, data["connections"])
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
    for tenant, plan in data["polling"].items():
        click.echo(
            f"polling Xero {tenant}: {plan['total_per_day']:g} of {plan['budget_per_day']} calls a day "
            f"(BRIDGE_POLL_BUDGET of XERO_DAY_LIMIT)"
        )
        for p in plan["pollers"]:
            cost = f"{p['calls_per_round']:g} call(s)/round" + ("" if p["measured"] else " (estimate)")
            click.echo(
                f"  poll {p['entity']:<16} every {duration(p['interval_s']):<9} {p['change_rate']:<9} "
                f"{cost:<28} {p['calls_per_day']:g} calls/day"
            )
        forecast = plan["forecast"]
        click.echo(
            f"  with every planned entity polled too ({forecast['pollers']} pollers): "
            + ", ".join(f"{rate} every {duration(s)}" for rate, s in forecast["interval_s_by_rate"].items())
            + f"; {forecast['total_per_day']:g} calls a day"
        )
