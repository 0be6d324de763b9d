"""The long-lived objects every entry point needs, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from kombu import Connection

import bridge.broker  # noqa: F401 - registers the embedded transport
from bridge.broker.publisher import Publisher
from bridge.broker.topology import Topology
from bridge.config import Settings
from bridge.store import Database


def topology_for(settings: Settings) -> Topology:
    return Topology(
        namespace=settings.namespace,
        retry_ladder=settings.retry_ladder,
        delivery_limit=settings.delivery_limit,
        native=not settings.embedded_broker,
    )


@dataclass
class Runtime:
    settings: Settings
    db: Database
    topology: Topology
    publisher: Publisher
    _closed: bool = field(default=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, migrate: bool = True) -> Runtime:
        db = Database(settings.database_url)
        if migrate:
            db.migrate()
        topology = topology_for(settings)
        return cls(settings, db, topology, Publisher(settings.broker_url, topology, settings.publish_timeout))

    def broker_connection(self) -> Connection:
        return Connection(self.settings.broker_url, connect_timeout=self.settings.publish_timeout)

    def check_broker(self) -> None:
        with self.broker_connection() as connection:
            connection.ensure_connection(
                max_retries=0, interval_start=0, timeout=self.settings.publish_timeout
            )

    def declare_topology(self) -> None:
        """Declare exchanges, queues and bindings now (publishers and consumers also do on connect)."""
        with self.broker_connection() as connection:
            connection.ensure_connection(
                max_retries=0, interval_start=0, timeout=self.settings.publish_timeout
            )
            self.topology.declare(connection.channel())

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.publisher.close()
            self.db.dispose()
