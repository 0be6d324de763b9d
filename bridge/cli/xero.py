"""`bridge xero connect|tenants`: connecting Xero organisations."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from bridge.cli.common import runtime_or_exit
from bridge.errors import BridgeError


def _connector(runtime):
    from bridge.store.credentials import load_or_create_key
    from bridge.xero.factory import XeroClients
    from bridge.xero.oauth import XeroConnector

    clients = XeroClients(runtime.settings, runtime.db)
    secret = load_or_create_key(runtime.settings.secret_key, runtime.settings.home)
    return XeroConnector(runtime.settings.xero, clients.keeper, runtime.db, secret), clients.keeper


def token_sets(runtime) -> dict[str, dict]:
    """Every stored Xero token set → its record (decrypted; tokens never printed)."""
    from bridge.store.models import Credential
    from bridge.xero.tokens import KIND

    _, keeper = _connector(runtime)
    with runtime.db.session() as session:
        owners = (
            session.execute(select(Credential.connection_id).where(Credential.kind == KIND)).scalars().all()
        )
    return {owner: keeper.load(owner) for owner in owners}


def token_set_for_tenant(runtime, tenant_id: str) -> str | None:
    for owner, record in token_sets(runtime).items():
        if any(t["tenant_id"] == tenant_id for t in record.get("tenants", [])):
            return owner
    return None


@click.group()
def xero() -> None:
    """Connect Xero organisations (OAuth 2.0 or a custom connection)."""


@xero.command("connect")
@click.option("--custom", is_flag=True, help="a custom connection: client credentials, one organisation")
def connect(custom: bool) -> None:
    """Print the consent URL (or, with --custom, connect at once) and list the organisations."""
    runtime = runtime_or_exit()
    connector, _ = _connector(runtime)
    try:
        if custom:
            token_set, organisations = connector.connect_custom()
            linked = connector.activate(token_set, organisations, runtime.publisher)
            click.echo(f"connected token set {token_set}")
            for o in organisations:
                click.echo(f"  {o.name}  tenant {o.tenant_id}")
            if linked:
                click.echo(f"reconnected: {', '.join(linked)}")
        else:
            click.echo("Open this address, approve, and Xero sends you back to the bridge:")
            click.echo(connector.authorization_url())
            click.echo(
                f"(the bridge must be serving {runtime.settings.xero.redirect_uri}: `bridge run` or `bridge web`)"
            )
    except BridgeError as exc:
        click.echo(f"Xero not connected: {exc.note}", err=True)
        sys.exit(1)
    finally:
        runtime.close()


@xero.command("tenants")
def tenants() -> None:
    """The organisations each stored token set covers, and whether it needs reconnecting."""
    runtime = runtime_or_exit()
    sets = token_sets(runtime)
    for owner, record in sets.items():
        state = "RECONNECT NEEDED" if record.get("reconnect_needed") else record.get("kind", "oauth")
        click.echo(f"{owner}  [{state}]")
        for tenant in record.get("tenants", []):
            click.echo(f"  {tenant['name']}  tenant {tenant['tenant_id']}")
    if not sets:
        click.echo("no Xero token sets yet: bridge xero connect")
    runtime.close()
