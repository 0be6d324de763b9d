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
from datetime import datetime
from typing import Any, ClassVar

from bridge.events import Event
from bridge.odoo.client import OdooClient
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

    @property
    def xero(self) -> XeroClient:
        if self._xero is None:
            if self.xero_factory is None:
                raise RuntimeError(f"connection {self.connection_id}: no Xero client")
            self._xero = self.xero_factory()
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


class HashSpec(ABC):
    """A source read in full each round and compared record by record with what was last seen."""

    source: ClassVar[str]
    entity: ClassVar[str]
    emits: ClassVar[tuple[tuple[str, str], ...]] = ()  # (source, entity) of its events, if not its own

    @abstractmethod
    def records(self, scope: Scope) -> Iterator[tuple[str, Any, Any]]:
        """(record id, content to hash, detail to remember) for every record there is now."""

    @abstractmethod
    def envelopes(
        self, scope: Scope, record_id: str, digest: str, detail: Any, previous: Any, received_at: datetime
    ) -> list[Event]:
        """The events for a record that is new, changed or gone (`detail` None: gone)."""


def digest(content: Any) -> str:
    """A stable content hash: sorted-key JSON, SHA-256."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()
