"""Tables of the bridge's own state. Schema changes go through alembic migrations (migrations/)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Connection(Base):
    """One Xero organisation mapped to one Odoo company."""

    __tablename__ = "connections"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    xero_tenant_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    odoo_company_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    # The Xero token set (one consent may cover several organisations) this connection uses.
    xero_token_set: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(32), default="active")  # active | paused | reconnect_needed
    status_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Binding(Base):
    """A Xero record and the Odoo record it is kept equal to."""

    __tablename__ = "bindings"
    __table_args__ = (
        UniqueConstraint("connection_id", "entity", "xero_id", name="uq_bindings_xero"),
        UniqueConstraint("connection_id", "entity", "odoo_id", name="uq_bindings_odoo"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    xero_id: Mapped[str | None] = mapped_column(String(128))
    odoo_id: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    xero_version: Mapped[str | None] = mapped_column(String(64))
    odoo_version: Mapped[str | None] = mapped_column(String(64))
    # Each side's canonical state at the last sync ({"xero": {...}, "odoo": {...}}): what tells a value
    # the source cleared since then from one it merely lacks (consumers/framework/canonical.py).
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    # Set by hand (`bridge mapping set`): sync never re-pairs either record with another one.
    manual: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class InboxEntry(Base):
    """Dedupe ledger: one row per event dedupe key; `done` means its effect is committed."""

    __tablename__ = "inbox"
    dedupe_key: Mapped[str] = mapped_column(String(512), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="processing")  # processing | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # What went wrong on the last attempt that was not settled (e.g. its commit failed), so the
    # mismatch log can name it when the delivery limit dead-letters the event.
    last_error: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Mismatch(Base):
    """An event the bridge could not apply: what, where, why, and the event itself for replay."""

    __tablename__ = "mismatches"
    __table_args__ = (Index("ix_mismatches_status_entity", "status", "entity"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(512), unique=True)
    record_name: Mapped[str | None] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(16))
    source_model: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str] = mapped_column(String(128))
    entity: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(16))
    connection_id: Mapped[str | None] = mapped_column(String(64))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    company_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(
        String(32)
    )  # permanent | exhausted | dead_letter | malformed | conflict
    note: Mapped[str] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    event: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | replaying | resolved | ignored
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class UnroutedEvent(Base):
    """A webhook event for a tenant or company that no connection maps: kept, not processed."""

    __tablename__ = "unrouted_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(16))
    tenant_id: Mapped[str | None] = mapped_column(String(64), index=True)
    company_id: Mapped[int | None] = mapped_column(Integer)
    event: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecordLease(Base):
    """Who is applying a change to a record right now, so two events never apply at once."""

    __tablename__ = "record_leases"
    record_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeferredEvent(Base):
    """An event waiting for its retry time on a broker that cannot delay messages itself."""

    __tablename__ = "deferred_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    routing_key: Mapped[str] = mapped_column(String(255))
    body: Mapped[dict] = mapped_column(JSON)


class Watermark(Base):
    """The newest modification time a poller has seen, per connection, entity and source."""

    __tablename__ = "watermarks"
    connection_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Credential(Base):
    """An encrypted secret (OAuth token set, API key) for one connection."""

    __tablename__ = "credentials"
    connection_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    version: Mapped[int] = mapped_column(Integer, default=1)
    expires_at: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class XeroRate(Base):
    """A Xero tenant's API budget as every worker process sees it (the rate governor's state)."""

    __tablename__ = "xero_rate"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day_remaining: Mapped[int | None] = mapped_column(Integer)  # from X-DayLimit-Remaining
    blocked_until: Mapped[float] = mapped_column(Float, default=0.0)  # Retry-After, or the daily reset
    problem: Mapped[str | None] = mapped_column(String(32))  # X-Rate-Limit-Problem of the last 429


class XeroCall(Base):
    """One call to a tenant: counted in the sliding minute, and in flight until released (or until
    `in_flight_until`, so a killed process cannot hold a concurrency slot forever)."""

    __tablename__ = "xero_calls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64), index=True)
    started_at: Mapped[float] = mapped_column(Float, index=True)
    in_flight_until: Mapped[float] = mapped_column(Float)


class ParkedEvent(Base):
    """An event held back because its connection cannot act now (e.g. Xero needs reconnecting)."""

    __tablename__ = "parked_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text)
    routing_key: Mapped[str] = mapped_column(String(255))
    body: Mapped[dict] = mapped_column(JSON)
    parked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EntitySetting(Base):
    """Per connection and entity: which way changes flow, what may be created or updated, who wins."""

    __tablename__ = "entity_settings"
    connection_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    direction: Mapped[str] = mapped_column(String(16), default="both")  # both | import | export | off
    mode: Mapped[str] = mapped_column(String(32), default="create-and-update")  # | create | update
    conflict_policy: Mapped[str] = mapped_column(String(16), default="newest-wins")  # | xero-wins | odoo-wins
    overwrite_on_match: Mapped[bool] = mapped_column(Boolean, default=False)
    # Odoo never creates or changes these records in Xero; they are mapped (`bridge mapping`), and a
    # record depending on an unmapped one is a mismatch (the seed's "disable export of accounts & taxes").
    export_disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PollHash(Base):
    """What a hash-compare poller last saw of one record (endpoints without If-Modified-Since)."""

    __tablename__ = "poll_hashes"
    connection_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    detail: Mapped[list | dict | None] = mapped_column(JSON)  # what the spec needs next time (e.g. members)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class WebhookHealth(Base):
    """Per source and connection: when a webhook last arrived, and what the pollers found without one."""

    __tablename__ = "webhook_health"
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    connection_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Changes the pollers found that no webhook had brought, since the last webhook arrived:
    missed: Mapped[int] = mapped_column(Integer, default=0)
    suspect_since: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the oldest of them
    alarm: Mapped[str | None] = mapped_column(Text)  # set while webhooks look dead
