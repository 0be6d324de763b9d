"""`bridge mismatch list|show|replay|resolve|ignore`: the operator's view of what could not be applied."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import click
from marshmallow import ValidationError

from bridge.cli.common import runtime_or_exit
from bridge.events import Event
from bridge.store import inbox, mismatches
from bridge.store.mismatches import MismatchFilter

REPLAY_CHUNK = 100


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _filter(status, entity, tenant, connection_id, since, until, ids=()) -> MismatchFilter:
    return MismatchFilter(
        status=None if status == "all" else status,
        entity=entity,
        tenant_id=tenant,
        connection_id=connection_id,
        since=_when(since),
        until=_when(until),
        ids=tuple(ids),
    )


def filter_options(default_status: str):
    def decorate(command):
        for option in reversed(
            [
                click.option(
                    "--status",
                    default=default_status,
                    show_default=True,
                    type=click.Choice(["open", "replaying", "resolved", "ignored", "all"]),
                ),
                click.option("--entity", default=None, help="e.g. contact, invoice"),
                click.option("--tenant", default=None, help="Xero tenant id"),
                click.option("--connection", "connection_id", default=None),
                click.option("--since", default=None, help="ISO date/time, UTC unless it says otherwise"),
                click.option("--until", default=None, help="ISO date/time, exclusive"),
            ]
        ):
            command = option(command)
        return command

    return decorate


@click.group()
def mismatch() -> None:
    """Events the bridge could not apply: inspect, replay after a fix, resolve or ignore."""


@mismatch.command("list")
@filter_options("open")
@click.option("--limit", default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
def list_(status, entity, tenant, connection_id, since, until, limit, as_json) -> None:
    """List entries: id, date, status, kind, record, model and id, company or tenant, attempts, note."""
    runtime = runtime_or_exit()
    with runtime.db.session() as session:
        rows = mismatches.find(session, _filter(status, entity, tenant, connection_id, since, until), limit)
        for row in rows:
            if as_json:
                click.echo(json.dumps(_summary(row), default=str, sort_keys=True))
                continue
            where = (
                row.connection_id or row.tenant_id or (f"company {row.company_id}" if row.company_id else "-")
            )
            click.echo(
                f"#{row.id:<5} {row.created_at:%Y-%m-%d %H:%M} {row.status:<9} {row.kind:<11} "
                f"{(row.record_name or '-')[:28]:<28} {row.source_model}:{row.source_id} → {row.target} "
                f"[{where}] tries={row.attempts}  {row.note[:120]}"
            )
        if not rows and not as_json:
            click.echo("no mismatches match")
    runtime.close()


def _summary(row) -> dict:
    return {
        "id": row.id,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
        "status": row.status,
        "kind": row.kind,
        "record_name": row.record_name,
        "source": row.source,
        "source_model": row.source_model,
        "source_id": row.source_id,
        "entity": row.entity,
        "target": row.target,
        "connection": row.connection_id,
        "tenant_id": row.tenant_id,
        "company_id": row.company_id,
        "attempts": row.attempts,
        "note": row.note,
    }


@mismatch.command("show")
@click.argument("mismatch_id", type=int)
def show(mismatch_id: int) -> None:
    """Everything about one entry, with the full event."""
    runtime = runtime_or_exit()
    with runtime.db.session() as session:
        row = mismatches.get(session, mismatch_id)
        if row is None:
            click.echo(f"no mismatch #{mismatch_id}", err=True)
            sys.exit(1)
        data = _summary(row) | {"details": row.details, "event": row.event}
        click.echo(json.dumps(data, indent=2, default=str, sort_keys=True))
    runtime.close()


@mismatch.command("replay")
@click.argument("ids", nargs=-1, type=int)
@filter_options("open")
@click.option("--yes", is_flag=True, help="replay every match without asking")
def replay(ids, status, entity, tenant, connection_id, since, until, yes) -> None:
    """Send events again through the normal path: the ids given, or every entry matching the filter."""
    runtime = runtime_or_exit()
    flt = _filter(status, entity, tenant, connection_id, since, until, ids)
    with runtime.db.session() as session:
        rows = mismatches.find(session, flt)
        todo = [(row.id, row.event) for row in rows]
    if not todo:
        click.echo("nothing to replay")
        runtime.close()
        return
    if not ids and not yes and not click.confirm(f"replay {len(todo)} event(s)?", default=True):
        runtime.close()
        return
    replayed, refused = replay_entries(runtime, todo, progress=True)
    click.echo(f"replayed {replayed} event(s); they go through the worker again")
    for mismatch_id, reason in refused:
        click.echo(f"  #{mismatch_id} not replayed: {reason}", err=True)
    runtime.close()
    if refused:
        sys.exit(1)


def replay_entries(runtime, todo: list[tuple[int, dict]], progress: bool = False) -> tuple[int, list]:
    """Per chunk: reset each event's inbox entry and mark its mismatch entry `replaying` (committed),
    then publish the events (confirmed). Marking first means a worker that applies an event at once
    leaves its entry `resolved`, not overwritten by a late `replaying`; a chunk the broker does not
    take is put back as it was and reported as refused."""
    from bridge.broker.publisher import Outgoing, PublishError

    refused: list[tuple[int, str]] = []
    replayed = 0
    chunks = [todo[i : i + REPLAY_CHUNK] for i in range(0, len(todo), REPLAY_CHUNK)]
    with click.progressbar(
        length=len(todo), label="replaying", show_pos=True, show_eta=True, hidden=not progress
    ) as bar:
        for chunk in chunks:
            ready = []
            for mismatch_id, stored in chunk:
                try:
                    ready.append((mismatch_id, Event.from_dict(stored).replayed()))
                except ValidationError as exc:
                    refused.append((mismatch_id, f"not a valid event: {exc.normalized_messages()}"))
            with runtime.db.session() as session:
                for _, event in ready:
                    inbox.reset(session, event.dedupe_key)
                previous = mismatches.mark_replaying(session, [mismatch_id for mismatch_id, _ in ready])
            try:
                runtime.publisher.publish([Outgoing.of(e) for _, e in ready])
            except PublishError as exc:
                with runtime.db.session() as session:
                    mismatches.put_back(session, previous)
                refused.extend(
                    (mismatch_id, f"the broker did not take it: {exc}") for mismatch_id, _ in ready
                )
            else:
                replayed += len(ready)
            bar.update(len(chunk))
    return replayed, refused


@mismatch.command("resolve")
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--note", default=None, help="what was done about it")
def resolve(ids, note) -> None:
    """Mark entries as dealt with (without replaying them)."""
    _set_status(ids, "resolved", note)


@mismatch.command("ignore")
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--note", default=None)
def ignore(ids, note) -> None:
    """Mark entries as not worth acting on."""
    _set_status(ids, "ignored", note)


def _set_status(ids, status: str, note: str | None) -> None:
    runtime = runtime_or_exit()
    with runtime.db.session() as session:
        for mismatch_id in ids:
            if mismatches.get(session, mismatch_id) is None:
                click.echo(f"no mismatch #{mismatch_id}", err=True)
                continue
            mismatches.set_status(session, mismatch_id, status, note)
            click.echo(f"#{mismatch_id} {status}")
    runtime.close()
