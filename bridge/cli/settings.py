"""`bridge settings show|set|export-accounts-taxes|inventory-account|item-category|rounding`: per connection and entity —
direction, mode, conflict policy, overwrite — and per connection the seed's "disable export of accounts
& taxes", "Use as inventory in Xero" account, "Tracked/Untracked Category" and how documents'
totals that differ by rounding are settled."""

from __future__ import annotations

import sys

import click

from bridge.cli.common import runtime_or_exit
from bridge.entities import catalog
from bridge.store import connections, entity_settings
from bridge.store.entity_settings import DIRECTIONS, MASTER_DATA, MODES, POLICIES
from consumers.accounts.settings import inventory_account, set_inventory_account
from consumers.invoices.rounding import rounding_account, set_rounding_account
from consumers.items.settings import LABELS as CATEGORY_LABELS
from consumers.items.settings import import_category, set_import_category


@click.group()
def settings() -> None:
    """What syncs which way, per connection and entity (import = Xero → Odoo, export = Odoo → Xero)."""


@settings.command("show")
@click.option("--connection", "connection_id", default=None)
def show(connection_id: str | None) -> None:
    runtime = runtime_or_exit()
    with runtime.db.session() as session:
        rows = [c for c in connections.all_connections(session) if connection_id in (None, c.id)]
        for connection in rows:
            exported = entity_settings.master_data_export(session, connection.id)
            click.echo(f"{connection.id}: export of accounts & taxes {'on' if exported else 'DISABLED'}")
            inventory = inventory_account(runtime.db, connection.id)
            click.echo(f"  inventory account: {f'Odoo account #{inventory}' if inventory else 'none'}")
            for tracked in (True, False):
                chosen = import_category(runtime.db, connection.id, tracked)
                click.echo(f"  {CATEGORY_LABELS[tracked].lower()}: {_category_text(chosen)}")
            click.echo(f"  rounding: {_rounding_text(rounding_account(runtime.db, connection.id))}")
            for entity, declared in catalog().items():
                p = entity_settings.get(session, connection.id, entity, declared.defaults)
                notes = ["overwrite on match"] * p.overwrite_on_match + [
                    "export disabled: map them (bridge mapping)"
                ] * p.export_disabled
                click.echo(
                    f"  {entity:<17} {p.direction:<7} {p.mode:<18} {p.conflict_policy:<12} {', '.join(notes)}".rstrip()
                )
        if not rows:
            click.echo("no such connection" if connection_id else "no connections yet")
    runtime.close()


@settings.command("set")
@click.argument("connection_id")
@click.argument("entity", type=click.Choice(sorted(catalog())))
@click.option("--direction", type=click.Choice(DIRECTIONS), default=None)
@click.option("--mode", type=click.Choice(MODES), default=None)
@click.option("--conflict", "conflict_policy", type=click.Choice(POLICIES), default=None)
@click.option(
    "--overwrite/--no-overwrite",
    "overwrite_on_match",
    default=None,
    help="link and overwrite a matching record",
)
def set_(connection_id, entity, direction, mode, conflict_policy, overwrite_on_match) -> None:
    runtime = runtime_or_exit()
    with runtime.db.session() as session:
        if connections.get(session, connection_id) is None:
            click.echo(f"no connection {connection_id}", err=True)
            runtime.close()
            sys.exit(1)
        p = entity_settings.put(
            session,
            connection_id,
            entity,
            catalog()[entity].defaults,
            direction=direction,
            mode=mode,
            conflict_policy=conflict_policy,
            overwrite_on_match=overwrite_on_match,
        )
        click.echo(f"{connection_id} {entity}: {p.direction}, {p.mode}, {p.conflict_policy}"
                   f"{', overwrite on match' if p.overwrite_on_match else ''}"
                   f"{', export disabled (export of accounts & taxes)' if p.export_disabled else ''}")  # fmt: skip
    runtime.close()


@settings.command("export-accounts-taxes")
@click.argument("connection_id")
@click.option("--enable/--disable", "enabled", required=True, help="--disable: Odoo never exports them")
def export_accounts_taxes(connection_id: str, enabled: bool) -> None:
    """The seed's "disable export of accounts & taxes": with --disable, Odoo never creates (nor
    changes) accounts, taxes or bank accounts in Xero; they are mapped (bridge mapping), and an Odoo
    record that depends on an unmapped one (an item's income account) is a mismatch naming it."""
    runtime = runtime_or_exit()
    with runtime.db.session() as session:
        if connections.get(session, connection_id) is None:
            click.echo(f"no connection {connection_id}", err=True)
            runtime.close()
            sys.exit(1)
        known = catalog()
        entity_settings.set_master_data_export(
            session,
            connection_id,
            enabled,
            {name: known[name].defaults for name in MASTER_DATA if name in known},
        )
    state = "on" if enabled else "disabled: map them with bridge mapping auto|set"
    click.echo(f"{connection_id}: export of {', '.join(MASTER_DATA)} to Xero {state}")
    runtime.close()


def _odoo_id(text: str | None, clear: bool, what: str) -> int | None:
    """An Odoo id given as N or id:N, or None with --none; anything else exits with one line."""
    if clear == (text is not None):
        click.echo(f"give an Odoo {what} id (e.g. id:14) or --none", err=True)
        sys.exit(2)
    if text is None:
        return None
    digits = text.removeprefix("id:")
    if not digits.isdigit():
        click.echo(f"not an Odoo {what} id: {text!r} (e.g. id:14)", err=True)
        sys.exit(2)
    return int(digits)


def _known_connection_or_exit(runtime, connection_id: str) -> None:
    with runtime.db.session() as session:
        known = connections.get(session, connection_id) is not None
    if not known:
        click.echo(f"no connection {connection_id}", err=True)
        runtime.close()
        sys.exit(1)


@settings.command("inventory-account")
@click.argument("connection_id")
@click.argument("odoo_account", required=False)
@click.option("--none", "clear", is_flag=True, help="no inventory account")
def inventory_account_(connection_id: str, odoo_account: str | None, clear: bool) -> None:
    """The seed's "Use as inventory in Xero": the Odoo account (id or id:N) that stands for Xero's
    inventory asset account (exported as Type INVENTORY; tracked items name it). Applies at its next
    sync."""
    account_id = _odoo_id(odoo_account, clear, "account")
    runtime = runtime_or_exit()
    _known_connection_or_exit(runtime, connection_id)
    set_inventory_account(runtime.db, connection_id, account_id)
    click.echo(
        f"{connection_id}: inventory account {f'Odoo account #{account_id}' if account_id else 'none'}"
    )
    runtime.close()


@settings.command("item-category")
@click.argument("connection_id")
@click.argument("kind", type=click.Choice(["tracked", "untracked"]))
@click.argument("odoo_category", required=False)
@click.option("--none", "clear", is_flag=True, help="the bridge's own category")
def item_category(connection_id: str, kind: str, odoo_category: str | None, clear: bool) -> None:
    """The seed's "Tracked Category" / "Untracked Category": the Odoo product category (id or id:N)
    that products imported from Xero's tracked (untracked) items go to. A tracked one must value stock
    automatically. --none: the bridge's own "Tracked Category" / "Untracked Category"."""
    category_id = _odoo_id(odoo_category, clear, "product category")
    runtime = runtime_or_exit()
    _known_connection_or_exit(runtime, connection_id)
    tracked = kind == "tracked"
    set_import_category(runtime.db, connection_id, tracked, category_id)
    click.echo(f"{connection_id}: {CATEGORY_LABELS[tracked]} {_category_text(category_id)}")
    runtime.close()


def _category_text(category_id: int | None) -> str:
    return f"Odoo product category #{category_id}" if category_id else "the bridge's own"


@settings.command("rounding")
@click.argument("connection_id")
@click.option("--adjust", "account", metavar="XERO_ACCOUNT_CODE", help="add a rounding line on this account")
@click.option("--report", is_flag=True, help="report differing totals in the mismatch log (the default)")
def rounding(connection_id: str, account: str | None, report: bool) -> None:
    """When a document's Xero total differs from Odoo's by rounding: --report puts it in the mismatch log
    with both totals; --adjust CODE adds a rounding line on that Xero account so the totals agree."""
    if report == (account is not None):
        click.echo("give --adjust XERO_ACCOUNT_CODE or --report", err=True)
        sys.exit(2)
    runtime = runtime_or_exit()
    _known_connection_or_exit(runtime, connection_id)
    set_rounding_account(runtime.db, connection_id, account)
    click.echo(f"{connection_id}: rounding {_rounding_text(account)}")
    runtime.close()


def _rounding_text(account: str | None) -> str:
    return f"adjusted with a line on Xero account {account}" if account else "differences reported"
