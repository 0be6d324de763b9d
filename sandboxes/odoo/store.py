"""In-memory tables with PostgreSQL-like transactions.

Each transaction sees a snapshot of the committed rows taken when it starts (REPEATABLE READ, as Odoo
uses), keeps its own writes in an overlay and publishes them atomically on commit. Updating a row
locks it until the transaction ends; a second writer waits, then fails with SerializationFailure if
the first committed, which is what PostgreSQL does to the second writer of a row. A transaction can
also hold an entry of a unique index (``claim_unique``): a second claimant of the same key waits for it,
as PostgreSQL's second inserter does. Sequences are not transactional (ids are never reused).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from . import errors
from .errors import LockNotAvailable, SerializationFailure, ValidationError
from .fields import ModelDef
from .options import Options

Row = dict[str, Any]
_DELETED = None


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Database:
    """One Odoo database: a registry (model definitions, mutable for manual models) and committed rows."""

    def __init__(
        self, name: str, version: int, registry: dict[str, ModelDef], options: Options | None = None
    ) -> None:
        self.name = name
        self.version = version
        self.options = options or Options(version=version)
        self.webhook_log: list[Any] = []  # automation.WebhookCall, in sending order
        self.passwords: dict[int, str] = {}
        self.api_keys: list[Any] = []  # service.ApiKey
        self.totp_users: set[int] = set()  # users with 2FA: RPC accepts only API keys (§1.2)
        self.commit_gate = threading.Event()  # cleared = RPC transactions wait before committing
        self.commit_gate.set()
        self.registry = registry
        self.tables: dict[str, dict[int, Row]] = {m: {} for m in registry}
        self._seq: dict[str, int] = {}
        self._lock = threading.RLock()
        self._lock_released = threading.Condition(self._lock)
        # row (model, id) or unique index entry (model, columns, key) → transaction that holds it
        self.row_locks: dict[tuple, Transaction] = {}
        self.lock_wait_timeout = 30.0  # seconds a writer waits for another transaction's lock
        self.commit_hooks: list[Callable[[Transaction], None]] = []  # fault injection at commit time

    def next_id(self, model: str) -> int:
        with self._lock:
            self._seq[model] = self._seq.get(model, 0) + 1
            return self._seq[model]

    def add_model(self, mdef: ModelDef) -> None:
        with self._lock:
            self.registry[mdef.name] = mdef
            self.tables.setdefault(mdef.name, {})

    def begin(self) -> Transaction:
        with self._lock:
            snapshot = {m: dict(rows) for m, rows in self.tables.items()}
        return Transaction(self, snapshot)


class Transaction:
    def __init__(self, db: Database, snapshot: dict[str, dict[int, Row]]) -> None:
        self.db = db
        self.snapshot = snapshot
        self.overlay: dict[str, dict[int, Row | None]] = {}
        self.now = utcnow()  # odoo-facts §4: write_date is the transaction start, UTC
        self.postcommit: list[Callable[[], None]] = []
        self.postrollback: list[Callable[[], None]] = []
        self.closed = False
        self.data: dict[str, Any] = {}  # per-transaction scratch (e.g. webhooks sent)
        self.thread = threading.current_thread()
        self._locked: set[tuple] = set()
        self._referring: dict[tuple[str, str], dict[Any, list[int]]] = {}

    # -- reads -------------------------------------------------------------------------------------
    def get(self, model: str, rid: int) -> Row | None:
        over = self.overlay.get(model)
        if over is not None and rid in over:
            return over[rid]
        return self.snapshot.get(model, {}).get(rid)

    def exists(self, model: str, rid: int) -> bool:
        return self.get(model, rid) is not None

    def ids(self, model: str) -> Iterator[int]:
        base = self.snapshot.get(model, {})
        over = self.overlay.get(model, {})
        for rid in sorted(set(base) | set(over)):
            if self.get(model, rid) is not None:
                yield rid

    def referring(self, model: str, field: str, rid: int) -> list[int]:
        """The ids of ``model`` rows whose ``field`` is ``rid`` (a one2many's inverse), sorted, as this
        transaction sees them. The snapshot's rows are indexed once per transaction (they never change
        under it: a commit replaces rows, it does not edit them); this transaction's own rows are
        checked one by one. A full scan per read made reading an invoice's lines O(all lines)."""
        index = self._referring.get((model, field))
        if index is None:
            index = {}
            for cid, row in self.snapshot.get(model, {}).items():
                index.setdefault(row.get(field), []).append(cid)
            self._referring[(model, field)] = index
        candidates = set(index.get(rid, ())) | set(self.overlay.get(model, {}))
        found = []
        for cid in sorted(candidates):
            row = self.get(model, cid)
            if row is not None and row.get(field) == rid:
                found.append(cid)
        return found

    # -- writes ------------------------------------------------------------------------------------
    def put(self, model: str, rid: int, row: Row) -> None:
        self._lock_row(model, rid)
        self.overlay.setdefault(model, {})[rid] = row

    def delete(self, model: str, rid: int) -> None:
        self._lock_row(model, rid)
        self.overlay.setdefault(model, {})[rid] = _DELETED

    def _lock_row(self, model: str, rid: int) -> None:
        """Updating or deleting a committed row locks it until commit/rollback, as PostgreSQL does. A
        second writer waits; if the holder commits, the waiter fails with SerializationFailure
        (REPEATABLE READ), which Odoo's retry loop absorbs; if the holder rolls back, it proceeds."""
        key = (model, rid)
        if key in self._locked or rid not in self.snapshot.get(model, {}):
            return  # already ours, or a row this transaction created
        db = self.db
        with db._lock_released:
            self._wait_and_hold(
                key,
                f"deadlock: row {model}({rid}) is locked by this thread's other transaction",
                f'could not obtain lock on row in relation "{model.replace(".", "_")}"',
            )
            if db.tables.get(model, {}).get(rid) is not self.snapshot[model].get(rid):
                raise SerializationFailure()  # committed by someone else since our snapshot

    def claim_unique(self, model: str, cols: tuple[str, ...], key: tuple, rid: int) -> bool:
        """Whether row ``rid`` may take ``key`` in the model's unique index on ``cols``, decided as
        PostgreSQL's unique check does when the row is written (nbtinsert.c ``_bt_check_unique``): a key
        another open transaction has written waits for that transaction to end, and the check sees the
        latest committed rows (and ours), not our snapshot. On True the entry is held until we end; a
        caller taking a value from a sequence tries the next one on False (sequence_mixin.py)."""
        entry = (model, cols, key)
        db = self.db
        with db._lock_released:
            fresh = entry not in self._locked
            if fresh:
                self._wait_and_hold(
                    entry,
                    f"deadlock: {key} in {model}{cols} is being written by this thread's other transaction",
                    f'could not obtain lock on an entry of a unique index of "{model.replace(".", "_")}"',
                )
            where = db.registry[model].unique_where.get(cols)
            over = self.overlay.get(model, {})
            committed = db.tables.get(model, {})
            for other in set(committed) | set(over):
                row = over[other] if other in over else committed[other]
                if (
                    other != rid
                    and row is not None
                    and (where is None or where(row))
                    and tuple(_key(row.get(c)) for c in cols) == key
                ):
                    if fresh:  # taken: nothing of ours to hold there
                        self._locked.discard(entry)
                        del db.row_locks[entry]
                        db._lock_released.notify_all()
                    return False
        return True

    def _wait_and_hold(self, key: tuple, deadlock: str, timeout: str) -> None:
        """Wait (``db._lock_released`` held) until no other open transaction holds ``key``, then hold it."""
        db = self.db
        deadline = time.monotonic() + db.lock_wait_timeout
        while True:
            holder = db.row_locks.get(key)
            if holder is None or holder.closed:
                break
            if holder.thread is self.thread:
                raise LockNotAvailable(deadlock)  # the holder can never finish while this thread waits
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not db._lock_released.wait(remaining):
                raise LockNotAvailable(timeout)
        db.row_locks[key] = self
        self._locked.add(key)

    def _release(self) -> None:
        db = self.db
        with db._lock_released:
            for key in self._locked:
                if db.row_locks.get(key) is self:
                    del db.row_locks[key]
            self._locked.clear()
            db._lock_released.notify_all()

    def savepoint(self) -> dict[str, dict[int, Row | None]]:
        """``cr.savepoint()``: a mark ``rollback_to`` can return to (row locks stay taken, ids used)."""
        return {model: dict(rows) for model, rows in self.overlay.items()}

    def rollback_to(self, mark: dict[str, dict[int, Row | None]]) -> None:
        self.overlay = {model: dict(rows) for model, rows in mark.items()}

    @property
    def dirty(self) -> bool:
        return any(self.overlay.values())

    # -- end ---------------------------------------------------------------------------------------
    def commit(self) -> None:
        """Publish the overlay atomically; raise SerializationFailure on a concurrent update."""
        db = self.db
        with db._lock:
            for hook in list(db.commit_hooks):
                hook(self)
            for model, rows in self.overlay.items():
                committed = db.tables.setdefault(model, {})
                base = self.snapshot.get(model, {})
                for rid in rows:
                    if committed.get(rid) is not base.get(rid):
                        raise SerializationFailure()
            self._check_unique()
            for model, rows in self.overlay.items():
                committed = db.tables[model]
                for rid, row in rows.items():
                    if row is None:
                        committed.pop(rid, None)
                    else:
                        committed[rid] = row
            self.closed = True
            self._release()
        for hook in self.postcommit:
            hook()

    def rollback(self) -> None:
        self.overlay.clear()
        self.closed = True
        self._release()
        for hook in self.postrollback:
            hook()

    def _check_unique(self) -> None:
        """Unique indexes are checked against what others committed meanwhile (PostgreSQL would block
        the second inserter, then fail it)."""
        for model, rows in self.overlay.items():
            mdef = self.db.registry.get(model)
            if not mdef or not mdef.unique:
                continue
            committed = self.db.tables[model]
            for cols in mdef.unique:
                seen: dict[tuple, int] = {}
                where = mdef.unique_where.get(cols)  # a partial index covers only these rows
                merged = {rid: r for rid, r in committed.items() if rid not in rows}
                merged.update({rid: r for rid, r in rows.items() if r is not None})
                for rid, row in merged.items():
                    if where is not None and not where(row):
                        continue
                    key = tuple(_key(row.get(c)) for c in cols)
                    if any(k in (False, None) for k in key):
                        continue  # NULLs are distinct in a unique index
                    if key in seen and (rid in rows or seen[key] in rows):
                        raise unique_violation(mdef, cols, key)
                    seen[key] = rid


def _key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def unique_violation(mdef: ModelDef, cols: tuple[str, ...], key: tuple) -> ValidationError:
    """The ValidationError an RPC caller gets for a duplicate of ``cols`` (odoo-facts §1.5), worded from
    the model's named constraint if it has one (errors.unique_violation)."""
    return errors.unique_violation(
        mdef.name.replace(".", "_"), cols, key, mdef.sql_constraints.get(tuple(cols))
    )
