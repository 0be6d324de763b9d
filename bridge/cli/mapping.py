"""`bridge mapping show|auto|set|clear ENTITY`: an entity's mapping table per connection — which Xero
record is which Odoo record (accounts and tax rates above all: every document resolves them through
it). The table is the entity's bindings; a pair set by hand is never re-matched by sync."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator

import click
import requests

from bridge.cli.common import runtime_or_exit
from bridge.entities import built

# Entities that can be mapped: built, synced both ways (a record on each side to pair), with a bulk
# engine to list their records.
MAPPABLE = [e.name for e in built() if e.bulk is not None and set(e.sources) == {"xero", "odoo"}]


@click.group()
def mapping() -> None:
    """Which Xero record is which Odoo record, per connection and entity (accounts, tax rates, …)."""


@contextlib.contextmanager
def _table(entity: str, connection_id: str | None) -> Iterator:
    """The entity's MappingTable on the connection (default: the only one); any failure is one line."""
    from bridge.cli.mapping_table import MappingError, MappingTable
    from bridge.errors import BridgeError
    from bridge.services import build_services
    from bridge.store import connections
    from consumers.base import Context

    runtime = runtime_or_exit()
    try:
        if connection_id is None:
            with runtime.db.session() as session:
                ids = [c.id for c in connections.all_connections(session)]
            if len(ids) != 1:
                raise MappingError(f"name the connection (--connection): {', '.join(ids) or 'none yet'}")
            connection_id = ids[0]
        ctx = Context(runtime.settings, runtime.db, build_services(runtime.settings, runtime.db))
        yield MappingTable(ctx, connection_id, entity)
    except (MappingError, BridgeError, requests.RequestException) as exc:
        click.echo(f"mapping {entity}: {exc}", err=True)
        sys.exit(1)
    finally:
        runtime.close()


_entity = click.argument("entity", type=click.Choice(MAPPABLE))
_connection = click.option("--connection", "connection_id", default=None, help="default: the only connection")


@mapping.command("show")
@_entity
@_connection
@click.option("--json", "as_json", is_flag=True, help="one JSON object per pair")
def show(entity: str, connection_id: str | None, as_json: bool) -> None:
    """The table: Xero id, code, name ⇄ Odoo id, code, name, and whether it was set by hand."""
    from bridge.cli.mapping_table import describe, state_of

    with _table(entity, connection_id) as table:
        rows = table.rows()
        for b in sorted(rows, key=lambda b: (str(state_of(b, "xero").get("code") or ""), str(b.xero_id))):
            x, o = state_of(b, "xero"), state_of(b, "odoo")
            how = "manual" if b.manual else "auto"
            if as_json:
                click.echo(json.dumps({
                    "xero": {"id": b.xero_id, "code": x.get("code"), "name": x.get("name")},
                    "odoo": {"id": b.odoo_id, "code": o.get("code"), "name": o.get("name")},
                    "manual": b.manual,
                }))  # fmt: skip
                continue
            xero = describe("xero", b.xero_id, x.get("code"), x.get("name"))
            odoo = describe("odoo", b.odoo_id, o.get("code"), o.get("name"))
            click.echo(f"{how:<6}  {xero}  ⇄  {odoo}")
        if not rows and not as_json:
            click.echo(f"no {entity} mapped on {table.connection_id} yet: bridge mapping auto {entity}")


@mapping.command("auto")
@_entity
@_connection
@click.option("--dry-run", is_flag=True, help="report what would be matched; bind nothing")
@click.option("--json", "as_json", is_flag=True, help="the report as one JSON object")
def auto(entity: str, connection_id: str | None, dry_run: bool, as_json: bool) -> None:
    """Match every unmapped record on each side with the entity's own rules (code, then name, …).
    Creates nothing: prints what matched, what is ambiguous (with the candidates) and what is missing
    on each side."""
    with _table(entity, connection_id) as table:
        report = table.auto(dry_run=dry_run)
        if as_json:
            click.echo(json.dumps({"entity": entity, "connection": table.connection_id, "dry_run": dry_run,
                                   **report.as_dict()}, default=str))  # fmt: skip
            return
        verb = "would map" if dry_run else "mapped"
        click.echo(f"{entity} on {table.connection_id}{' (dry run: nothing bound)' if dry_run else ''}")
        click.echo(f"{verb} {len(report.matched)}:")
        for xero, odoo in report.matched:
            click.echo(f"  {xero.describe()}  ⇄  {odoo.describe()}")
        click.echo(f"ambiguous {len(report.ambiguous)} (map them with bridge mapping set):")
        for found, why in report.ambiguous:
            click.echo(f"  {found.describe()}: {why}")
        click.echo(f"missing in Odoo {len(report.missing_in_odoo)} (only in Xero):")
        for found in report.missing_in_odoo:
            click.echo(f"  {found.describe()}")
        click.echo(f"missing in Xero {len(report.missing_in_xero)} (only in Odoo):")
        for found in report.missing_in_xero:
            click.echo(f"  {found.describe()}")
        click.echo(f"already mapped {report.already}")


@mapping.command("set")
@_entity
@click.argument("xero_ref")
@click.argument("odoo_ref")
@_connection
@click.option("--force", is_flag=True, help="replace a mapping either record has with another record")
def set_(entity: str, xero_ref: str, odoo_ref: str, connection_id: str | None, force: bool) -> None:
    """Map XERO_REF (its id, code or name) to ODOO_REF (id:N, code or name) by hand: sync never
    re-matches it. Neither record is changed: later changes on either side sync as usual."""
    with _table(entity, connection_id) as table:
        xero, odoo = table.resolve("xero", xero_ref), table.resolve("odoo", odoo_ref)
        replaced = table.set(xero, odoo, force=force)
        for words in replaced:
            click.echo(f"removed {words}")
        click.echo(f"mapped by hand: {xero.describe()}  ⇄  {odoo.describe()}")


@mapping.command("clear")
@_entity
@click.argument("ref", required=False)
@_connection
@click.option("--all", "everything", is_flag=True, help="every mapping of the entity on the connection")
@click.option("--yes", is_flag=True, help="do not ask before clearing everything")
def clear(entity: str, ref: str | None, connection_id: str | None, everything: bool, yes: bool) -> None:
    """Remove the mapping of REF (either side's id, code or name), or --all of them. Records stay as
    they are; an unmapped record is matched again by its next sync (or bridge mapping auto)."""
    if (ref is None) == (not everything):
        raise click.UsageError("give a REF or --all (not both)")
    with _table(entity, connection_id) as table:
        if everything and not yes:
            click.confirm(f"remove every {entity} mapping of {table.connection_id}?", abort=True)
        removed = table.clear(ref)
        for words in removed:
            click.echo(f"removed {words}")
        click.echo(f"{len(removed)} {entity} mapping(s) removed from {table.connection_id}")
