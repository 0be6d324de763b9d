"""Running one spec for one connection: read what changed, send one envelope per record, move on.

Every poll publishes the same envelopes into the same queues as the webhooks (Publisher.publish,
one confirm wait per batch), so one path applies every change. Duplicates are cheap: a change the
bridge already applied (the binding holds that very version) or already processed (its dedupe key
is done in the inbox) is not sent at all, and anything that slips through is absorbed by the
inbox and by the translators' content hashes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from bridge.broker.publisher import Outgoing, Publisher
from bridge.events import Event, now
from bridge.polling import hashes, health, watermarks
from bridge.polling.specs import Change, HashSpec, Scope, WatermarkSpec, digest
from bridge.store import Database
from bridge.store.models import Binding, InboxEntry

log = logging.getLogger(__name__)

BATCH = 200  # envelopes per publish (one confirm wait each)
IN_CHUNK = 500  # ids per `IN (...)` query


@dataclass
class PollResult:
    spec: str
    connection_id: str
    seen: int = 0  # rows the source returned
    sent: int = 0  # envelopes published
    already: int = 0  # changes the bridge had already applied or processed
    since: datetime | None = None
    watermark: datetime | None = None
    suspects: int = 0  # changes no webhook had brought (see health.py)
    skipped: bool = False  # a hash spec's probe found nothing changed: no full read
    events: list[Event] = field(default_factory=list, repr=False)


def bindings_of(db: Database, scope: Scope, source: str, entity: str, ids: list[str]) -> dict[str, Binding]:
    """The bindings of `entity` for these ids of the `source` side, by id as text."""
    column = Binding.xero_id if source == "xero" else Binding.odoo_id
    found: dict[str, Binding] = {}
    with db.session() as session:
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            keys = chunk if source == "xero" else [int(i) for i in chunk]
            rows = session.execute(
                select(Binding).where(
                    Binding.connection_id == scope.connection_id, Binding.entity == entity, column.in_(keys)
                )
            ).scalars()
            found.update({str(r.xero_id if source == "xero" else r.odoo_id): r for r in rows})
    return found


def _not_yet_applied(db: Database, spec: WatermarkSpec, scope: Scope, changes: list[Change]) -> list[Change]:
    """Drop changes whose version the binding already records: applied, or written by the bridge."""
    ids = list(dict.fromkeys(c.record_id for c in changes if c.record_id is not None))
    if not ids:
        return changes
    rows = bindings_of(db, scope, spec.source, spec.entity, ids)
    versions = {record_id: spec.binding_version(r) for record_id, r in rows.items()}
    return [c for c in changes if c.record_id is None or versions.get(c.record_id) != c.version]


def not_done(db: Database, events: list[Event]) -> list[Event]:
    """Drop events whose dedupe key the inbox has already settled (a reconciliation sees them again)."""
    if not events:
        return events
    with db.session() as session:
        done = set(
            session.execute(
                select(InboxEntry.dedupe_key).where(
                    InboxEntry.dedupe_key.in_([e.dedupe_key for e in events]), InboxEntry.status == "done"
                )
            ).scalars()
        )
    return [e for e in events if e.dedupe_key not in done]


def publish(publisher: Publisher, events: list[Event]) -> None:
    for start in range(0, len(events), BATCH):
        publisher.publish([Outgoing.of(e) for e in events[start : start + BATCH]])


def run_watermark(
    spec: WatermarkSpec,
    scope: Scope,
    db: Database,
    publisher: Publisher,
    settings,
    lookback: float = 0.0,
    keep_events: bool = False,
) -> PollResult:
    """One poll: from the watermark (minus overlap and `lookback`) to what the source has now.

    Coalescing: a record that changed several times (or a parent and its children) gives one
    envelope, for its newest change. The watermark moves to the newest modification time seen,
    and only once every envelope is published: if publishing fails the next round starts over.
    """
    result = PollResult(f"{spec.source}:{spec.entity}", scope.connection_id)
    with db.session() as session:
        stored = watermarks.load(session, scope.connection_id, spec.source, spec.entity)
    since = watermarks.poll_from(stored, scope.created_at, spec.overlap(settings), lookback)
    result.since = since
    newest = stored
    seen: list[Change] = []
    for change in spec.changes(scope, since):
        seen.append(change)
        if newest is None or change.modified_at > newest:
            newest = change.modified_at
    result.seen = len(seen)
    # Each row is compared with its own binding first (a parent the bridge just wrote may still
    # carry a child's change that is not applied), then the rest coalesce per record.
    unapplied = _not_yet_applied(db, spec, scope, seen)
    latest: dict[str, Change] = {}
    for change in unapplied:
        kept = latest.get(change.resource_id)
        if kept is None or change.modified_at >= kept.modified_at:
            latest[change.resource_id] = change
    fresh = list(latest.values())
    result.already = len({c.resource_id for c in seen} - set(latest))
    received = now()
    pairs = [(c, spec.envelope(scope, c, received)) for c in fresh]
    keep = {e.dedupe_key for e in not_done(db, [e for _, e in pairs])}
    pairs = [(c, e) for c, e in pairs if e.dedupe_key in keep]
    result.already += len(fresh) - len(pairs)
    events = [e for _, e in pairs]
    publish(publisher, events)
    result.sent = len(events)
    if keep_events:
        result.events = events
    with db.session() as session:
        if newest is not None:
            result.watermark = watermarks.advance(
                session, scope.connection_id, spec.source, spec.entity, newest
            )
        if spec.webhook_source:
            result.suspects = health.note_polled(
                session, spec.webhook_source, scope.connection_id, [c.modified_at for c, _ in pairs]
            )
    if result.sent:
        log.info(
            "poll %s %s: %d change(s) sent (%d seen, %d already applied) since %s",
            result.spec,
            scope.connection_id,
            result.sent,
            result.seen,
            result.already,
            since.isoformat(timespec="seconds"),
        )
    return result


def run_hash(
    spec: HashSpec,
    scope: Scope,
    db: Database,
    publisher: Publisher,
    keep_events: bool = False,
    accept: Callable[[Event], bool] | None = None,
    probe_since: datetime | None = None,
) -> PollResult:
    """One full read compared with the digests last seen. The first round has nothing to compare
    with: it sends what the spec's `first_round_envelopes` says the bridge may not hold yet (a record
    made before this poller first ran, which no webhook told of), and records the rest as it is.

    `probe_since` (a spec with `modified_since`, a full read done since then): ask first whether
    anything changed since; if nothing did, the round ends there, one call instead of a full read."""
    result = PollResult(f"{spec.source}:{spec.entity}", scope.connection_id)
    with db.session() as session:
        before = hashes.seen(session, scope.connection_id, spec.source, spec.entity)
    first = before.pop(hashes.BASELINE, None) is None
    if (
        probe_since is not None
        and spec.modified_since
        and not first
        and spec.unchanged_since(scope, probe_since)
    ):
        result.skipped = True
        return result
    received = now()
    events: list[Event] = []
    current: dict[str, tuple[str, object]] = {}
    for record_id, content, detail in spec.records(scope):
        result.seen += 1
        current[record_id] = (digest(content), detail)
    changed = [r for r, (d, _) in current.items() if before.get(r, (None, None))[0] != d]
    gone = [r for r in before if r not in current]
    if first:
        bound = bindings_of(db, scope, spec.source, spec.entity, list(current))
        for record_id, (d, detail) in current.items():
            events += spec.first_round_envelopes(scope, record_id, d, detail, bound.get(record_id), received)
    else:
        for record_id in changed:
            d, detail = current[record_id]
            previous = before.get(record_id, (None, None))[1]
            events += spec.envelopes(scope, record_id, d, detail, previous, received)
        for record_id in gone:
            events += spec.envelopes(scope, record_id, "gone", None, before[record_id][1], received)
    events = [e for e in events if accept is None or accept(e)]
    events = not_done(db, list({e.dedupe_key: e for e in events}.values()))
    publish(publisher, events)
    result.sent = len(events)
    if keep_events:
        result.events = events
    with db.session() as session:
        for record_id in changed:
            d, detail = current[record_id]
            hashes.remember(session, scope.connection_id, spec.source, spec.entity, record_id, d, detail)
        for record_id in gone:
            hashes.forget(session, scope.connection_id, spec.source, spec.entity, record_id)
        if first:
            hashes.remember(
                session, scope.connection_id, spec.source, spec.entity, hashes.BASELINE, "-", None
            )
    if events:
        log.info("poll %s %s: %d event(s) from %d changed record(s)", result.spec, scope.connection_id,
                 len(events), len(changed) + len(gone))  # fmt: skip
    return result
