"""One system's view of an entity: how it reads, finds, matches and writes the entity's records.

An entity supplies one Side for Xero and one for Odoo (the OCA connector's adapter + binder); the
generic translator (translator.py) drives them in either direction. Ids are Xero's GUID strings and
Odoo's integers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any, ClassVar

from bridge.errors import NotYetVisible
from bridge.events import Event, parse_odoo_datetime
from bridge.money import to_decimal
from bridge.polling.stamps import parse_xero_updated
from consumers.base import Context
from consumers.framework.canonical import Canonical
from consumers.framework.scope import Scope

SAME_SECOND_TRIES = 3
# Events made from reads (a poll, a bulk run, a dependency) saw committed rows only.
READS_COMMITTED = ("poll", "bulk", "dependency")


def _plain(value: Any) -> Any:
    """A value as a webhook carries it: many2one as its bare id, False for empty, numbers as Decimal."""
    if isinstance(value, float):
        return to_decimal(value)
    if (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[1], str)
        and isinstance(value[0], int)
    ):
        return value[0]
    if isinstance(value, list):
        return sorted(value)
    return value if value not in (None, "") else False


def _differs(payload: dict, record: dict) -> bool:
    fields = [
        k
        for k in payload
        if not k.startswith("_") and k not in ("id", "write_date", "create_date") and k in record
    ]
    return any(_plain(payload[k]) != _plain(record[k]) for k in fields)


class Side(ABC):
    system: ClassVar[str]  # "xero" or "odoo"
    label: ClassVar[str]  # what a person calls one record: "Xero contact", "Odoo partner"
    model: ClassVar[str]  # Xero collection ("Contacts") or Odoo model ("res.partner")

    def client(self, ctx: Context, scope: Scope) -> Any:
        if self.system == "xero":
            return ctx.services["xero"].for_connection(scope.connection_id)
        return ctx.services["odoo"].in_company(scope.company_id)

    def parse_id(self, text: str) -> Any:
        return int(text) if self.system == "odoo" else text

    # ---------------------------------------------------------------------- reading

    @abstractmethod
    def fetch(self, client: Any, record_id: Any) -> dict | None:
        """The record as it is now (fetch-latest), or None when it does not exist (any more)."""

    @abstractmethod
    def record_id(self, record: dict) -> Any: ...

    @abstractmethod
    def canonical(self, client: Any, record: dict) -> Canonical: ...

    def name(self, record: dict) -> str | None:
        return record.get("Name") or record.get("name")

    def version(self, record: dict) -> str | None:
        """The stamp the binding keeps (pollers skip a change whose stamp the binding already has)."""
        value = record.get("UpdatedDateUTC") if self.system == "xero" else record.get("write_date")
        return None if value is None else str(value)

    def modified(self, record: dict) -> datetime | None:
        if self.system == "xero":
            return parse_xero_updated(record.get("UpdatedDateUTC"))
        return parse_odoo_datetime(record.get("write_date"))

    def confirm_current(self, event: Event, record: dict) -> None:
        """Odoo 17/18 post their webhook before the transaction commits (odoo-facts §2.1): a read
        then gives the *old* state. Not visible yet, so try again shortly instead of calling it
        unchanged, when the record read is older than the change's write_date, or — RPC reads drop
        microseconds (odoo-facts §4), so two changes within a second share one — when a field the
        webhook carries (`record.read(fields)` as Odoo sent it) still holds another value. After a
        few tries in the same second the read is taken as newer (a later change of the same second)."""
        if self.system != "odoo" or event.occurred_at is None or event.origin in READS_COMMITTED:
            return
        seen = parse_odoo_datetime(record.get("write_date"))
        changed_at = event.occurred_at.replace(microsecond=0)
        if seen is not None and seen < changed_at:
            raise NotYetVisible(f"{self.label} {event.resource_id} still shows its state before this change")
        if seen == changed_at and event.attempt < SAME_SECOND_TRIES and _differs(event.payload, record):
            raise NotYetVisible(f"{self.label} {event.resource_id} does not show this change yet")

    def redirect(self, client: Any, record: dict) -> Any | None:
        """Another record whose sync carries this one's change (a contact person → its company)."""
        return None

    def counterpart(self, record: dict, scope: Scope) -> Any | None:
        """The other side's id this record names itself (a key the bridge wrote when it created the
        record from that one, e.g. a Xero ContactNumber): the record is the bridge's own."""
        return None

    def in_scope(self, client: Any, scope: Scope, record: dict) -> bool:
        """Whether this record belongs to what the connection syncs at all."""
        return True

    def dependencies(self, record: dict, canonical: Canonical) -> list[tuple[str, Any]]:
        """(entity, id on this side) of the records this one refers to: synced first."""
        return []

    # ---------------------------------------------------------------------- finding and writing

    @abstractmethod
    def find(self, client: Any, scope: Scope, c: Canonical, other_id: Any) -> Any | None:
        """No binding yet: the record the bridge made for `other_id` before (external id, natural
        key), then the entity's match keys. Ambiguous or doubtful → PermanentError naming candidates."""

    @abstractmethod
    def create(self, client: Any, scope: Scope, c: Canonical, other_id: Any, key: str) -> dict:
        """Create the record so that a retry after a lost answer finds it (external id / natural key).
        Returns the record as written (with its id and version)."""

    @abstractmethod
    def update(
        self, client: Any, scope: Scope, record_id: Any, c: Canonical, before: Canonical, key: str
    ) -> dict:
        """Make the record equal `c` (`before` is what it held). Returns the record as written."""

    def other_gone(self, client: Any, scope: Scope, record_id: Any, key: str) -> dict | None:
        """The other side's record was deleted: what becomes of this one (default: nothing). Returns
        the record as written, or None when nothing was written."""
        return None


def run_list(client: Any, collection: str) -> list[dict]:
    """A whole unpaged Xero collection (Accounts, TaxRates …): read once per bulk run when the client
    is a bulk run's (it carries `run_cache`), else read now. A side that writes to the collection keeps
    the cached list right with `run_list_saved`."""
    cache = getattr(client, "run_cache", None)
    if cache is not None and collection in cache:
        return cache[collection]
    records = client.get(collection).get(collection) or []
    if cache is not None:
        cache[collection] = records
    return records


def run_list_saved(client: Any, collection: str, record: dict, id_field: str) -> None:
    """Put a record just written into the run's cached list (replacing its old version)."""
    cache = getattr(client, "run_cache", None)
    if cache is None or collection not in cache:
        return
    rows = cache[collection]
    cache[collection] = [r for r in rows if r.get(id_field) != record.get(id_field)] + [record]
