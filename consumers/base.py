"""What a translator is: it applies one event, from one system, to the other system.

Translators follow the OCA connector's shape: one per entity and direction, idempotent, and they
report the binding (the pair of ids and what was written) instead of writing it themselves, so the
worker can commit the binding and the inbox entry in one transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from bridge.config import Settings
from bridge.events import Event
from bridge.store import Database


@dataclass(frozen=True)
class BindingUpdate:
    xero_id: str | None
    odoo_id: int | None
    content_hash: str | None = None
    xero_version: str | None = None
    odoo_version: str | None = None
    snapshot: dict | None = None  # each side's canonical state after this sync (framework/canonical.py)


@dataclass(frozen=True)
class Outcome:
    """What applying an event did. `action` is e.g. created / updated / unchanged / skipped."""

    action: str
    binding: BindingUpdate | None = None
    record_name: str | None = None
    connection: str | None = None  # set when the translator resolved an event's connection itself
    note: str | None = None


@dataclass
class Context:
    settings: Settings
    db: Database
    services: Mapping[str, Any] = field(default_factory=dict)  # API clients by name: "xero", "odoo", …


class Translator(ABC):
    """Base class: subclasses set `source` and `entity` and implement apply()."""

    source: ClassVar[str]
    entity: ClassVar[str]

    @abstractmethod
    def apply(self, event: Event, ctx: Context) -> Outcome:
        """Make the other system match the event's record; raise a bridge.errors error when it cannot."""

    def record_name(self, event: Event) -> str | None:
        """A human name for the mismatch log when apply() failed before it learnt one."""
        payload = event.payload or {}
        return payload.get("name") or payload.get("Name") or payload.get("display_name")
