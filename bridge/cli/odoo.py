"""`bridge odoo check|setup`: connect to Odoo and make it send the bridge its changes."""

from __future__ import annotations

import sys

import click

from bridge.cli.common import runtime_or_exit
from bridge.errors import BridgeError


def _client(runtime, login: str | None, api_key: str | None):
    from dataclasses import replace

    from bridge.odoo.client import OdooClient

    settings = runtime.settings.odoo
    if login:
        settings = replace(settings, username=login, api_key=api_key or settings.api_key)
    return OdooClient.connect(settings)


@click.group()
def odoo() -> None:
    """Odoo: check the connection, set a database up for the bridge."""


@odoo.command("check")
def check() -> None:
    """Version, protocol and user of the configured Odoo."""
    runtime = runtime_or_exit()
    try:
        client = _client(runtime, None, None)
        click.echo(
            f"Odoo {client.version} at {runtime.settings.odoo.url} over {client.transport.name}, uid {client.uid}"
        )
    except BridgeError as exc:
        click.echo(f"Odoo not reachable: {exc.note}", err=True)
        sys.exit(1)
    finally:
        runtime.close()


@odoo.command("setup")
@click.option(
    "--webhook-base", required=True, help="the bridge's public address, e.g. https://bridge.example.com"
)
@click.option("--login", default=None, help="an administrator's login (default ODOO_USERNAME)")
@click.option("--api-key", default=None, envvar="ODOO_SETUP_API_KEY", help="that administrator's API key")
@click.option("--dry-run", is_flag=True, help="print what would change, change nothing")
def setup(webhook_base: str, login: str | None, api_key: str | None, dry_run: bool) -> None:
    """Create (or bring up to date) the automation rules that send the bridge Odoo's changes."""
    from bridge.odoo.setup import OdooSetup

    runtime = runtime_or_exit()
    token = runtime.settings.odoo_webhook_token
    if not token:
        click.echo("set BRIDGE_ODOO_WEBHOOK_TOKEN first: Odoo's rules carry it in their URL", err=True)
        sys.exit(2)
    try:
        client = _client(runtime, login, api_key)
        bridge_client = _client(runtime, None, None) if login else client
        url = f"{webhook_base.rstrip('/')}/webhooks/odoo/{token}"
        plan = OdooSetup(client, url, bridge_uid=bridge_client.uid).run(dry_run=dry_run)
    except BridgeError as exc:
        click.echo(f"setup failed: {exc.note}", err=True)
        sys.exit(1)
    finally:
        runtime.close()
    for action in plan.actions:
        click.echo(("would " if dry_run and not action.startswith("unchanged") else "") + action)
    for skipped in plan.skipped:
        click.echo(f"skipped {skipped}")
    click.echo(f"{plan.changes} change(s){' to make' if dry_run else ''}")
