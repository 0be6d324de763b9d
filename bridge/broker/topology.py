"""The broker's exchanges and queues, declared with kombu.

    webhook/poller ──► <ns>.events (topic) ──► <ns>.to_odoo.<group>, <ns>.to_xero.<group>   (quorum)
                              ▲                        │ transient failure
                              │ TTL expires            ▼
                       <ns>.retry.<delay> ◄── <ns>.retry.<delay> (fanout), one per ladder step
    delivery limit exceeded ──► <ns>.dead (fanout) ──► <ns>.dead ──► mismatch log

On RabbitMQ the work queues are quorum queues with an explicit delivery limit and at-least-once
dead-lettering, and each retry step is a queue whose message TTL dead-letters back into the events
exchange with the original routing key. The embedded transport has neither TTL nor dead-lettering:
there the worker keeps delayed events in the store and writes dead letters to the mismatch log itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from kombu import Exchange, Queue

from bridge.entities import DIRECTIONS, GROUPS


def delay_label(seconds: float) -> str:
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


@dataclass(frozen=True)
class Topology:
    namespace: str
    retry_ladder: tuple[float, ...]
    delivery_limit: int
    native: bool  # True on RabbitMQ: quorum queues, TTL retry queues, broker dead-lettering

    @property
    def events(self) -> Exchange:
        return Exchange(f"{self.namespace}.events", type="topic", durable=True)

    @property
    def dead_exchange(self) -> Exchange:
        return Exchange(f"{self.namespace}.dead", type="fanout", durable=True)

    def work_queue_name(self, direction: str, group: str) -> str:
        return f"{self.namespace}.{direction}.{group}"

    def work_queue(self, direction: str, group: str) -> Queue:
        arguments = None
        if self.native:
            arguments = {
                "x-queue-type": "quorum",
                "x-delivery-limit": self.delivery_limit,
                "x-dead-letter-exchange": self.dead_exchange.name,
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            }
        return Queue(
            self.work_queue_name(direction, group),
            exchange=self.events,
            routing_key=f"{direction}.{group}.*",
            durable=True,
            queue_arguments=arguments,
        )

    def work_queues(
        self, directions: tuple[str, ...] = DIRECTIONS, groups: tuple[str, ...] = GROUPS
    ) -> list[Queue]:
        return [self.work_queue(d, g) for d in directions for g in groups]

    def retry_exchange(self, step: int) -> Exchange:
        return Exchange(
            f"{self.namespace}.retry.{delay_label(self.retry_ladder[step])}", type="fanout", durable=True
        )

    def retry_queues(self) -> list[Queue]:
        if not self.native:
            return []
        queues = []
        for step, delay in enumerate(self.retry_ladder):
            exchange = self.retry_exchange(step)
            queues.append(
                Queue(
                    exchange.name,
                    exchange=exchange,
                    durable=True,
                    queue_arguments={
                        "x-queue-type": "quorum",
                        "x-message-ttl": int(delay * 1000),
                        "x-dead-letter-exchange": self.events.name,
                        "x-dead-letter-strategy": "at-least-once",
                        "x-overflow": "reject-publish",
                    },
                )
            )
        return queues

    def dead_queue(self) -> Queue:
        arguments = {"x-queue-type": "quorum"} if self.native else None
        return Queue(
            f"{self.namespace}.dead", exchange=self.dead_exchange, durable=True, queue_arguments=arguments
        )

    def all_queues(self) -> list[Queue]:
        return [*self.work_queues(), *self.retry_queues(), self.dead_queue()]

    def declare(self, channel) -> None:
        """Declare every exchange, queue and binding (idempotent; publishers and consumers both call it)."""
        for queue in self.all_queues():
            queue.bind(channel).declare()

    def rabbitmq_definitions(self, vhost: str = "/") -> dict:
        """The same topology as a RabbitMQ definitions file (rabbitmqctl import_definitions)."""
        exchanges = [self.events, self.dead_exchange]
        exchanges += [self.retry_exchange(i) for i in range(len(self.retry_ladder))] if self.native else []
        queues, bindings = [], []
        for queue in self.all_queues():
            queues.append(
                {
                    "name": queue.name,
                    "vhost": vhost,
                    "durable": True,
                    "auto_delete": False,
                    "arguments": dict(queue.queue_arguments or {}),
                }
            )
            bindings.append(
                {
                    "source": queue.exchange.name,
                    "vhost": vhost,
                    "destination": queue.name,
                    "destination_type": "queue",
                    "routing_key": queue.routing_key or "",
                    "arguments": {},
                }
            )
        return {
            "exchanges": [
                {
                    "name": e.name,
                    "vhost": vhost,
                    "type": e.type,
                    "durable": True,
                    "auto_delete": False,
                    "internal": False,
                    "arguments": {},
                }
                for e in exchanges
            ],
            "queues": queues,
            "bindings": bindings,
        }

    def retry_step(self, attempt: int, at_least: float = 0.0) -> int | None:
        """Which ladder step a retry numbered `attempt` (1-based) waits on; None once the ladder is spent.

        `at_least` (a Retry-After) moves up to the first step that waits long enough.
        """
        if attempt > len(self.retry_ladder):
            return None
        step = attempt - 1
        while step < len(self.retry_ladder) - 1 and self.retry_ladder[step] < at_least:
            step += 1
        return step
