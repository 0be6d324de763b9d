"""The one generic translator: a change on one side, applied to the other, for any entity.

scope → settings gate (direction, mode) → fetch-latest → canonical → echo check by hash → binding
or match → dependencies first → conflict policy → merge that never loses data → write with an
idempotency key → Outcome (the worker commits the binding with the inbox entry). An entity supplies
its two Sides (sides.py); nothing here knows any entity.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from bridge.errors import NotYetVisible, PermanentError, TransientError
from bridge.events import Event
from bridge.store import bindings, connections
from bridge.xero.client import idempotency_key
from consumers.base import BindingUpdate, Context, Outcome, Translator
from consumers.framework.canonical import (
    Canonical,
    changed,
    digest_of,
    merge,
    merge_snapshot,
    with_scalars_of,
)
from consumers.framework.conflicts import log_conflict, xero_wins
from consumers.framework.dependencies import commit_binding, ensure_dependencies
from consumers.framework.scope import Scope, intend, scope_of
from consumers.framework.sides import Side

# A deletion notified before its transaction commits (odoo-facts §2.1) still finds the record:
# that many tries wait for the commit; after them the deletion was rolled back and it is an update.
DELETE_CONFIRM_TRIES = 3
# Seconds between the quick re-reads of a change not visible yet (odoo-facts §2.1: Odoo 17/18 commit
# right after their webhook returns), before the event goes on the retry ladder.
VISIBILITY_WAITS = (0.1, 0.2, 0.3, 0.5)


class SyncTranslator(Translator):
    def __init__(self, entity: str, source: Side, target: Side):
        self.entity = entity
        self.source = source.system
        self.src = source
        self.tgt = target

    def __repr__(self) -> str:
        return f"<{self.entity} {self.src.system} → {self.tgt.system}>"

    # ------------------------------------------------------------------------------ apply

    def apply(self, event: Event, ctx: Context, record: dict | None = None) -> Outcome:
        """`record` when the caller already read it (bulk sync reads whole pages)."""
        if event.connection is None:
            return self._each_connection(event, ctx)
        src, tgt = self.src, self.tgt
        source_id = src.parse_id(event.resource_id)
        scope = scope_of(ctx, event, self.entity, **{f"{src.system}_id": source_id})
        if not scope.policy.allows(src.system):
            return Outcome("skipped", note=f"{self.entity}: direction is {scope.policy.direction}")
        source_client = src.client(ctx, scope)
        if record is None:
            record = self._fetch_current(event, source_client, source_id)
        if record is None:
            return self._source_gone(ctx, event, scope, source_id)
        parent = src.redirect(source_client, record)
        if parent is not None:
            # Its change is the parent's; the child's change is committed, so the parent's read sees
            # it: no "not yet visible" check against the child's time (that never passes).
            return self.apply(replace(event, resource_id=str(parent), occurred_at=None), ctx)
        if scope.binding is None and not src.in_scope(source_client, scope, record):
            return Outcome("skipped", note=f"{src.label} #{source_id} is not synced by this connection")
        incoming = src.canonical(source_client, record)
        name = src.name(record)
        if self._is_echo(scope, incoming):
            return Outcome("unchanged", record_name=name)
        ensure_dependencies(ctx, event, scope, src.dependencies(record, incoming))

        target_client = tgt.client(ctx, scope)
        target_id = self._bound_id(scope, tgt.system)
        if target_id is None:
            target_id = src.counterpart(record, scope)
            if target_id is not None and (
                own := self._own_create(ctx, scope, record, target_id, incoming, name)
            ):
                return own
        if target_id is None:
            target_id = tgt.find(target_client, scope, incoming, source_id)
            self._refuse_bound_elsewhere(ctx, scope, target_id, source_id)
        if target_id is None and scope.pending is not None:
            # An earlier try created it and crashed before binding it: find it by what it wrote.
            target_id = tgt.find(target_client, scope, with_scalars_of(incoming, scope.pending), source_id)
        # One key per write: a retry of the same write reuses it (Xero answers it from its cache), a
        # different write — the record changed meanwhile — never does (Xero refuses a reused key with
        # another body, xero-facts §3).
        key = idempotency_key(
            scope.connection_id,
            src.model,
            source_id,
            incoming.digest()[:16],
            event.correlation_id,
            event.attempt,
        )
        if target_id is None:
            if not scope.policy.may_create():
                return Outcome("skipped", note=f"{self.entity}: mode does not allow creates")
            intend(ctx, scope, src.system, source_id, incoming.snapshot())
            written = tgt.create(target_client, scope, incoming, source_id, key)
            if written is None:
                return Outcome("skipped", note=f"{src.label} {source_id} is inactive and was never synced")
            return self._bound(record, written, incoming, incoming.snapshot(), "created", name)

        current_record = tgt.fetch(target_client, target_id)
        if current_record is None:
            gone = f"{tgt.label} {target_id} bound to {src.label} {source_id} is gone"
            if event.attempt == 0:
                # Most often this is the echo of the bridge archiving this record because the target
                # was deleted, read before that sync committed its binding: the retry recognises it.
                raise TransientError(f"{gone}; trying again once its deletion has been synced")
            raise PermanentError(gone)
        current = tgt.canonical(target_client, current_record)
        if current.digest() == incoming.digest():
            return self._bound(record, current_record, incoming, current.snapshot(), "unchanged", name)
        last_src, last_tgt = scope.snapshot(src.system), scope.snapshot(tgt.system)
        keep: frozenset[str] = frozenset()
        clash = self._clash(scope, incoming, current, last_src, last_tgt)
        if clash:
            winner = self._winner(scope, record, current_record)
            policy = scope.policy.conflict_policy
            note = (
                f"both sides changed {', '.join(sorted(clash))} since the last sync; "
                f"{winner.title()}'s change was kept ({policy})"
            )
            if winner == tgt.system:
                log_conflict(ctx, event, winner, current, incoming, note, name)
                keep = frozenset(clash)
            else:
                log_conflict(ctx, event, winner, incoming, current, note, name)
        merged = merge(incoming, current, last_src, keep)
        # The target's last-sync state with the source's changes applied: a change the target made
        # itself and has not sent yet stays a change, so its own event still brings it across.
        after = (
            merge_snapshot(incoming, last_tgt, last_src, keep) if last_tgt is not None else merged.snapshot()
        )
        if merged.digest() == current.digest():
            if keep:  # the target won and the source brought nothing else: the target's event goes next
                return Outcome(f"conflict-{tgt.system}-kept", record_name=name)
            return self._bound(record, current_record, incoming, after, "unchanged", name)
        if not scope.policy.may_update():
            return Outcome("skipped", note=f"{self.entity}: mode does not allow updates")
        written = tgt.update(target_client, scope, target_id, merged, current, key)
        return self._bound(record, written, incoming, after, "updated", name)

    # ------------------------------------------------------------------------------ steps

    def _each_connection(self, event: Event, ctx: Context) -> Outcome:
        """An Odoo record of no company (a shared partner, a tag) came with no connection when
        several exist: it belongs to its company's connection, or — shared — to every connection.
        Each is applied in turn (idempotent: a retry redoes none twice); the last one's binding is
        the worker's to commit, the others' are committed here."""
        targets = self._connections_of(event, ctx)
        if not targets:
            return Outcome("skipped", note="no connection maps this record's company")
        outcome = None
        for number, connection in enumerate(targets):
            one = replace(
                event, connection=connection.id, tenant_id=connection.xero_tenant_id,
                company_id=connection.odoo_company_id,
            )  # fmt: skip
            outcome = replace(self.apply(one, ctx), connection=connection.id)
            if number < len(targets) - 1 and outcome.binding is not None:
                commit_binding(ctx, connection.id, self.entity, outcome.binding)
        return outcome

    def _connections_of(self, event: Event, ctx: Context) -> list:
        with ctx.db.session() as session:
            active = [c for c in connections.all_connections(session) if c.status == "active"]
            for connection in active:
                session.expunge(connection)
        if self.src.system != "odoo":
            return []  # a Xero event always names its organisation's connection
        companies = [c.odoo_company_id for c in active if c.odoo_company_id is not None]
        if not companies:
            return []
        root = ctx.services["odoo"].in_companies(companies)
        known = root.fields_of(self.src.model)
        # 18+ account.account belongs to a set of companies (company_ids), empty = every company
        many = "company_ids" in known and "company_id" not in known
        has_company = "company_id" in known or many
        fields = ["company_ids"] if many else ["company_id"] if has_company else ["id"]
        row = root.read_one(self.src.model, int(event.resource_id), fields)
        if row is None and event.change_type != "delete":
            raise NotYetVisible(f"{self.src.label} {event.resource_id} is not readable yet")
        if row is None:  # gone: the connections that had it
            with ctx.db.session() as session:
                return [
                    c for c in active if bindings.by_odoo(session, c.id, self.entity, int(event.resource_id))
                ]
        if many:
            owners = set(row.get("company_ids") or [])
        else:
            company = row.get("company_id") if has_company else False
            owners = {company[0] if isinstance(company, list) else company} - {False, None}
        if owners:
            return [c for c in active if c.odoo_company_id in owners]
        return [c for c in active if c.odoo_company_id is not None]  # shared: every connection

    def _fetch_current(self, event: Event, client: Any, source_id: Any) -> dict | None:
        """The record as the change left it. Odoo 17/18 notify before their commit, which usually
        follows within a moment: a few short reads first, then the retry ladder (whose first step is
        seconds) if the change is still not visible."""
        for wait in (*VISIBILITY_WAITS, None):
            try:
                record = self._fetch(event, client, source_id)
                if record is not None:
                    self.src.confirm_current(event, record)
                return record
            except NotYetVisible:
                if wait is None:
                    raise
                time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _fetch(self, event: Event, client: Any, source_id: Any) -> dict | None:
        record = self.src.fetch(client, source_id)
        if event.change_type == "delete":
            if record is not None and event.attempt < DELETE_CONFIRM_TRIES:
                raise NotYetVisible(f"{self.src.label} {source_id} is deleted, but not committed yet")
            return record
        if record is None and self.src.system == "odoo":
            raise NotYetVisible(f"{self.src.label} {source_id} is not readable yet")
        if record is None:
            raise PermanentError(f"Xero has no {self.src.label.removeprefix('Xero ')} {source_id}")
        return record

    def _source_gone(self, ctx: Context, event: Event, scope: Scope, source_id: Any) -> Outcome:
        target_id = self._bound_id(scope, self.tgt.system)
        if target_id is None:
            return Outcome("skipped", note=f"deleted in {self.src.system.title()} and never synced")
        key = idempotency_key(
            scope.connection_id, self.src.model, source_id, "gone", event.correlation_id, event.attempt
        )
        client = self.tgt.client(ctx, scope)
        written = self.tgt.other_gone(client, scope, target_id, key)
        if written is None:
            return Outcome(
                "skipped", note=f"deleted in {self.src.system.title()}; nothing to do in the other"
            )
        after = self.tgt.canonical(client, written)
        # The binding remembers the state written, so the echo of this write is recognised.
        binding = self._binding(
            source_id, self.tgt.record_id(written), after.digest(), {self.tgt.system: after.snapshot()},
            target_record=written,
        )  # fmt: skip
        return Outcome("archived", binding, record_name=self.tgt.name(written))

    def _refuse_bound_elsewhere(self, ctx: Context, scope: Scope, target_id: Any, source_id: str) -> None:
        """A match that another record of this side is already bound to is not this record's: writing
        to it would merge two records (and re-pair a mapping someone set by hand)."""
        if target_id is None:
            return
        find = bindings.by_xero if self.tgt.system == "xero" else bindings.by_odoo
        with ctx.db.session() as session:
            held = find(session, scope.connection_id, self.entity, target_id)
            if not bindings.is_pair(held):
                return
            owner = str(held.xero_id if self.src.system == "xero" else held.odoo_id)
            manual = bool(getattr(held, "manual", False))
        if owner != str(source_id):
            how = "mapped by hand to" if manual else "already bound to"
            raise PermanentError(
                f"{self.src.label} {source_id} matches {self.tgt.label} {target_id}, which is {how} "
                f"{self.src.label} {owner}: map this one yourself (bridge mapping set {self.entity} …) "
                "or rename one of them, then replay"
            )

    def _own_create(
        self, ctx: Context, scope: Scope, record: dict, target_id: Any, incoming: Canonical, name: str | None
    ) -> Outcome | None:
        """This record is one the bridge created from `target_id` and crashed before binding: when it
        still holds exactly what was written, bind it and write nothing back (the other side may have
        changed since; its own event brings that)."""
        find = bindings.by_xero if self.tgt.system == "xero" else bindings.by_odoo
        with ctx.db.session() as session:
            noted = find(session, scope.connection_id, self.entity, target_id)
            pending = (noted.snapshot or {}).get("pending") if noted is not None else None
        if pending is None or pending != incoming.snapshot():
            return None
        binding = self._binding(
            self.src.record_id(record), target_id, incoming.digest(),
            {self.src.system: incoming.snapshot(), self.tgt.system: pending}, source_record=record,
        )  # fmt: skip
        return Outcome("unchanged", binding, record_name=name)

    @staticmethod
    def _bound_id(scope: Scope, system: str) -> Any | None:
        if scope.binding is None:
            return None
        return scope.binding.xero_id if system == "xero" else scope.binding.odoo_id

    def _is_echo(self, scope: Scope, incoming: Canonical) -> bool:
        """The state the bridge last wrote to, or last read from, this side: nothing to do."""
        if scope.binding is None:
            return False
        return incoming.digest() == scope.binding.content_hash or incoming.snapshot() == scope.snapshot(
            self.src.system
        )

    @staticmethod
    def _clash(
        scope: Scope, incoming: Canonical, current: Canonical, last_src: dict | None, last_tgt: dict | None
    ) -> set[str]:
        """Fields both sides changed since the last sync, to different values: a conflict. Collections
        never clash — they merge as sets."""
        if scope.binding is None:
            return set()
        if last_tgt is not None:
            target_changed = changed(current, last_tgt)
        else:  # a binding from before snapshots: the hash says whether the target changed at all
            target_changed = (
                changed(current, None) if current.digest() != scope.binding.content_hash else set()
            )
        now, theirs = incoming.snapshot(), current.snapshot()
        return {
            name
            for name in changed(incoming, last_src) & target_changed
            if now[name] != theirs[name] and not isinstance(now[name], list)
        }

    def _winner(self, scope: Scope, record: dict, current_record: dict) -> str:
        xero_record, odoo_record = (
            (record, current_record) if self.src.system == "xero" else (current_record, record)
        )
        xero_side, odoo_side = (self.src, self.tgt) if self.src.system == "xero" else (self.tgt, self.src)
        wins = xero_wins(scope.policy, xero_side.modified(xero_record), odoo_side.modified(odoo_record))
        return "xero" if wins else "odoo"

    def created(self, record: dict, written: dict, incoming: Canonical, name: str | None) -> Outcome:
        """The outcome of a create made outside `apply` (a bulk run's batch), bound as apply binds one."""
        return self._bound(record, written, incoming, incoming.snapshot(), "created", name)

    def _bound(
        self, record: dict, written: dict, incoming: Canonical, after: dict, action: str, name: str | None
    ) -> Outcome:
        """The binding after this sync: the source as it is, the target as `after` records it."""
        binding = self._binding(
            self.src.record_id(record), self.tgt.record_id(written), digest_of(after),
            {self.src.system: incoming.snapshot(), self.tgt.system: after},
            source_record=record, target_record=written,
        )  # fmt: skip
        return Outcome(action, binding, record_name=name)

    def _binding(
        self,
        source_id: Any,
        target_id: Any,
        content_hash: str,
        snapshot: dict,
        *,
        source_record: dict | None = None,
        target_record: dict | None = None,
    ) -> BindingUpdate:
        """The pair by side, with the versions of the records at hand (pollers compare them)."""
        ids = {self.src.system: source_id, self.tgt.system: target_id}
        versions = {
            f"{side.system}_version": side.version(found)
            for side, found in ((self.src, source_record), (self.tgt, target_record))
            if found is not None
        }
        return BindingUpdate(
            xero_id=ids["xero"], odoo_id=ids["odoo"], content_hash=content_hash, snapshot=snapshot, **versions
        )
