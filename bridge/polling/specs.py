"""What a poller is: per (source system, entity) a small spec the generic runners drive.

Two shapes:
- `WatermarkSpec`: the source can list records changed since a time (Xero `If-Modified-Since`,
  Odoo `write_date`); the runner keeps the watermark (runner.py, watermarks.py).
- `HashSpec`: the source cannot (Xero Currencies, TaxRates, ContactGroups: xero-facts §5, "re-read
  in full and diff"); the runner compares each record's digest with the one last seen (hashes.py).
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from bridge.events import Event, parse_odoo_datetime
from bridge.odoo.client import OdooClient
from bridge.odoo.setup import hooks
from bridge.polling.stamps import parse_xero_updated
from bridge.xero.client import XeroClient


@dataclass
class Scope:
    """One connection as the pollers see it, with API clients built on first use.

    `xero` must be a client at the governor's BULK priority: polling is background work.
    `odoo` acts in the connection's company and sees archived rows (odoo-facts §4).
    """

    connection_id: str
    tenant_id: str | None
    company_id: int | None
    created_at: datetime
    odoo_shared: bool = True  # also poll Odoo records of no company (only with a single connection)
    xero_factory: Callable[[], XeroClient] | None = None
    odoo_factory: Callable[[], OdooClient] | None = None
    _xero: XeroClient | None = field(default=None, repr=False)
    _odoo: OdooClient | None = field(default=None, repr=False)
    _xero_calls_before: int = field(default=0, repr=False)

    def xero_calls(self) -> int:
        """Xero requests sent through this scope so far (the budget counts them per round); a client
        shared with others may have sent some before."""
        return self._xero.calls - self._xero_calls_before if self._xero is not None else 0

    @property
    def xero(self) -> XeroClient:
        if self._xero is None:
            if self.xero_factory is None:
                raise RuntimeError(f"connection {self.connection_id}: no Xero client")
            self._xero = self.xero_factory()
            self._xero_calls_before = self._xero.calls
        return self._xero

    @property
    def odoo(self) -> OdooClient:
        if self._odoo is None:
            if self.odoo_factory is None:
                raise RuntimeError(f"connection {self.connection_id}: no Odoo client")
            self._odoo = self.odoo_factory()
        return self._odoo


@dataclass(frozen=True)
class Change:
    """One changed record as a poll saw it.

    `resource_id` is the record the envelope is about (a child partner's change is its parent's);
    `record_id`/`version` are the row's own id and modification stamp as the binding stores them,
    so a change the bridge has already applied (or written itself) is recognised and not sent again.
    """

    resource_id: str
    modified_at: datetime
    version: str
    record_id: str | None = None
    change_type: str = "update"
    payload: dict = field(default_factory=dict)
    fingerprint: str = ""  # what the record holds now, when `version` alone cannot tell two changes apart


class WatermarkSpec(ABC):
    """A source that lists records changed since a time."""

    source: ClassVar[str]
    entity: ClassVar[str]
    # Its webhooks should have told the bridge of every change this spec finds (webhook health).
    webhook_source: ClassVar[str | None] = None

    def estimated_calls(self) -> float:
        """Xero calls a round costs before one was measured (budget.py): one page of changes."""
        return 1.0

    @abstractmethod
    def overlap(self, settings) -> float:
        """Seconds to re-read behind the watermark (a change stamped before it may commit after it)."""

    @abstractmethod
    def changes(self, scope: Scope, since: datetime) -> Iterator[Change]:
        """Every record modified at or after `since` (>=: a change in the same second is seen again)."""

    @abstractmethod
    def envelope(self, scope: Scope, change: Change, received_at: datetime) -> Event:
        """The event a webhook for this change would have produced, with origin "poll"."""

    def binding_version(self, binding) -> str | None:
        """The version of this side that the binding recorded when the bridge last applied the record,
        if a version identifies one state of the record (None: it does not, always send the change)."""
        return binding.xero_version if self.source == "xero" else binding.odoo_version


class XeroModifiedSinceSpec(WatermarkSpec):
    """A Xero collection listed with If-Modified-Since (xero-facts §5), archived records too, newest
    first: a record changed while pages are read pushes others to later pages (read twice) instead of
    earlier ones (skipped); the changed one is newer than this round's watermark and comes next round.
    Subclasses name the collection, its id field, the dedupe keys' name for it and the fields the
    envelope carries; `paged` when the list takes page/pageSize (Contacts), else one call answers
    everything (Accounts, Items)."""

    source = "xero"
    collection: ClassVar[str]
    id_field: ClassVar[str]
    key_name: ClassVar[str]  # in the poll's dedupe keys: poll|xero|<tenant>|<key_name>|<id>|<stamp>
    payload_fields: ClassVar[tuple[str, ...]] = ()
    params: ClassVar[dict[str, str]] = {}
    paged: ClassVar[bool] = False

    def overlap(self, settings) -> float:
        return settings.polling.xero_overlap

    def wanted(self, row: dict) -> bool:
        """Whether a listed record is this entity's (Accounts lists BANK ones, bank_account's)."""
        return True

    def rows(self, scope: Scope, since: datetime) -> Iterator[dict]:
        params = {**self.params, "order": "UpdatedDateUTC DESC"}
        if self.paged:
            yield from scope.xero.paginate(self.collection, params, if_modified_since=since)
        else:
            yield from (
                scope.xero.get(self.collection, params, if_modified_since=since).get(self.collection) or []
            )

    def changes(self, scope: Scope, since: datetime) -> Iterator[Change]:
        for row in self.rows(scope, since):
            modified = parse_xero_updated(row.get("UpdatedDateUTC"))
            if modified is None or not self.wanted(row):
                continue
            yield Change(
                resource_id=row[self.id_field],
                modified_at=modified,
                version=str(row.get("UpdatedDateUTC")),
                record_id=row[self.id_field],
                payload={name: row.get(name) for name in self.payload_fields},
            )

    def envelope(self, scope: Scope, change: Change, received_at: datetime) -> Event:
        # Xero's own key (tenant|category|id|type|eventDateUtc, xero-facts §1) cannot be rebuilt: the
        # poll key is stable per (record, UpdatedDateUTC) instead, so overlapping polls dedupe.
        stamp = change.modified_at.isoformat(timespec="milliseconds")
        return Event(
            source="xero",
            origin="poll",
            connection=scope.connection_id,
            entity=self.entity,
            resource_id=change.resource_id,
            change_type=change.change_type,
            occurred_at=change.modified_at,
            dedupe_key=f"poll|xero|{scope.tenant_id}|{self.key_name}|{change.resource_id}|{stamp}",
            tenant_id=scope.tenant_id,
            payload={self.id_field: change.resource_id, "UpdatedDateUTC": change.version, **change.payload},
            received_at=received_at,
        )


class OdooWriteDateSpec(WatermarkSpec):
    """An Odoo model by write_date (odoo-facts §4): `>=` from the watermark minus minutes of overlap,
    archived rows included (the scope's client reads with active_test=False), the bridge's own writes
    left out (their echo), paged by id (a row changed meanwhile keeps its place).

    A model without `company_field` holds records of no company (res.partner.category): they are
    polled only when the connection is the only one, as webhooks route such records (routing.py)."""

    source = "odoo"
    model: ClassVar[str]
    fields: ClassVar[tuple[str, ...]] = ("write_date",)  # read besides its webhook rule's trigger fields
    company_field: ClassVar[str | None] = "company_id"
    page: ClassVar[int] = 200

    def overlap(self, settings) -> float:
        return settings.polling.odoo_overlap

    def binding_version(self, binding) -> str | None:
        # write_date comes over RPC without its microseconds (odoo-facts §4): two changes within one
        # second share it, so it cannot prove a change applied. The translator's hash compare can.
        return None

    def watched(self, scope: Scope) -> list[str]:
        """The fields whose change the bridge cares about: those its webhook rules trigger on."""
        known = scope.odoo.fields_of(self.model)
        triggers = next((h.trigger_fields for h in hooks() if h.model == self.model), ())
        return [f for f in dict.fromkeys((*self.fields, *triggers)) if f in known]

    def domain(self, scope: Scope, since: datetime) -> list:
        stamp = since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        domain: list = [("write_date", ">=", stamp)]
        if scope.odoo.uid is not None:
            domain.append(("write_uid", "!=", scope.odoo.uid))
        if scope.company_id is not None and self.company_field is not None:
            field_ = self.company_field
            if scope.odoo_shared:
                domain += ["|", (field_, "=", scope.company_id), (field_, "=", False)]
            else:
                domain.append((field_, "=", scope.company_id))
        return domain

    def changes(self, scope: Scope, since: datetime) -> Iterator[Change]:
        if self.company_field is None and not scope.odoo_shared:
            return  # records of no company: no one connection is theirs
        odoo = scope.odoo
        domain = self.domain(scope, since)
        fields = self.watched(scope)
        last_id = 0
        while True:
            rows = odoo.search_read(
                self.model, [*domain, ("id", ">", last_id)], fields, limit=self.page, order="id asc"
            )
            for row in rows:
                change = self.change(row, fields)
                if change is not None:
                    yield change
            if len(rows) < self.page:
                return
            last_id = rows[-1]["id"]

    @staticmethod
    def fingerprint(row: dict, fields: list[str]) -> str:
        """Two changes in one second share a write_date: what the row holds tells them apart."""
        return digest([row["id"], *(row.get(f) for f in fields if f != "write_date")])[:12]

    @classmethod
    def change(cls, row: dict, fields: list[str]) -> Change | None:
        """The row's own change (a model whose rows belong to another record's change overrides this)."""
        modified = parse_odoo_datetime(row.get("write_date"))
        if modified is None:
            return None
        record = str(row["id"])
        return Change(record, modified, row["write_date"], record, fingerprint=cls.fingerprint(row, fields))

    def envelope(self, scope: Scope, change: Change, received_at: datetime) -> Event:
        return Event(
            source="odoo",
            origin="poll",
            connection=scope.connection_id,
            entity=self.entity,
            resource_id=change.resource_id,
            change_type=change.change_type,
            occurred_at=change.modified_at,
            dedupe_key=(
                f"poll|odoo|{scope.connection_id}|{self.model}|{change.resource_id}|{change.version}"
                f"|{change.fingerprint}"
            ),
            company_id=scope.company_id,
            payload={"_model": self.model, "_id": int(change.resource_id), "write_date": change.version}
            | change.payload,
            received_at=received_at,
        )


class HashSpec(ABC):
    """A source read in full each round and compared record by record with what was last seen."""

    source: ClassVar[str]
    entity: ClassVar[str]
    emits: ClassVar[tuple[tuple[str, str], ...]] = ()  # (source, entity) of its events, if not its own
    # A Xero collection that lists these records and accepts If-Modified-Since (xero-facts §5:
    # Accounts, Items, Contacts …): a round first asks it for anything changed since the last full read
    # and skips the full read when nothing has. A record that leaves the list may not show there, so a
    # full read still runs once every BRIDGE_RECONCILE_LOOKBACK. None (Currencies, TaxRates,
    # ContactGroups accept no If-Modified-Since): every round is a full read, and the budget's plan
    # gives such an entity a long interval instead.
    modified_since: ClassVar[str | None] = None

    def estimated_calls(self) -> float:
        """Xero calls a round costs before one was measured (budget.py): one unpaged read. A spec that
        reads pages, or one record after another, says more; the ledger soon knows the real cost."""
        return 1.0

    def unchanged_since(self, scope: Scope, since: datetime) -> bool:
        """Did nothing in `modified_since` change since `since`? One call (xero-facts §5)."""
        body = scope.xero.get(self.modified_since, if_modified_since=since)
        return not body.get(self.modified_since)

    @abstractmethod
    def records(self, scope: Scope) -> Iterator[tuple[str, Any, Any]]:
        """(record id, content to hash, detail to remember) for every record there is now."""

    @abstractmethod
    def envelopes(
        self, scope: Scope, record_id: str, digest: str, detail: Any, previous: Any, received_at: datetime
    ) -> list[Event]:
        """The events for a record that is new, changed or gone (`detail` None: gone)."""

    def first_round_envelopes(
        self, scope: Scope, record_id: str, digest: str, detail: Any, binding: Any, received_at: datetime
    ) -> list[Event]:
        """The first full read has nothing to compare with: the events for a record found then that the
        bridge may not hold in this state. `binding` is the record's binding (this spec's entity, this
        side's id; a bridge.store.models.Binding) or None. Whatever this does not send is recorded as
        the baseline and only its later changes are sent. Default: nothing (bulk sync's business)."""
        return []


def digest(content: Any) -> str:
    """A stable content hash: sorted-key JSON, SHA-256."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()
