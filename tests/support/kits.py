"""Per-entity kits for the delivery-guarantee suite (tests/test_guarantees.py), on the real translators.

A kit knows, for one entity, what the suite needs on either side of a running `SandboxedBridge`:
  - how a user makes a record in the source system (the Xero API, an Odoo user's ORM calls);
  - how many records of a name each system holds (read from the sandboxes directly, archived too);
  - how the bridge hears of a record: the source's own notification, sent again as the sender would,
    and envelopes built like the worker gets them (to deliver duplicates or concurrent events);
  - how the target system loses the response of the write it committed.

KITS maps an entity name to its kit (a new entity puts its kit in tests/support/kits_<entity>.py as
`KIT`); the suite asserts that every translator the bridge ships has one,
so a new entity fails the suite until it gets a kit. This module also runs instrumented workers: the
real Worker and translators, with a record of what each delivery did and a way to stop a worker the way
a process dies (tests.support.probe.WorkerCrash escapes the worker's error handling: no commit, no ack).
"""

from __future__ import annotations

import importlib
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import requests

from bridge.broker.publisher import Outgoing
from bridge.cli.sandboxed import SandboxedBridge
from bridge.entities import catalog
from bridge.events import Event, from_odoo_webhook, from_xero_webhook, now
from bridge.store import bindings, deferred, inbox, mismatches
from bridge.store.mismatches import MismatchFilter
from consumers.base import Context, Outcome, Translator
from consumers.registry import Registry, default_registry
from tests.support.probe import WorkerCrash
from tests.support.stack import wait_until

SOURCES = ("xero", "odoo")
XERO_API = "/api.xro/2.0"


def other(side: str) -> str:
    return "odoo" if side == "xero" else "xero"


def odoo_admin(world: SandboxedBridge):
    """Odoo's administrator, seeing archived records too (in-process: spends none of the bridge's calls)."""
    return world.odoo.env("admin").with_context(active_test=False)


# ------------------------------------------------------------------------------------ the kits


class Kit:
    """What the guarantee suite needs to know of one entity. Subclasses fill in the entity's models."""

    entity: str
    xero_collection: str  # the Xero endpoint (Contacts)
    xero_id_field: str  # its id field (ContactID)
    xero_category: str | None  # the Xero webhook eventCategory, None when Xero sends none
    xero_create_method: str  # the method the exporter creates with (what a lost response hits)
    odoo_model: str
    odoo_load_methods: tuple[str, ...] = ("load", "create")  # how the importer creates in Odoo
    # True when the target cannot rename or delete what the bridge wrote (Xero attachments: ACC 16.1.0
    # has no DELETE on any …/Attachments path, a file's name is its key): a record renamed in the source
    # is written anew under its new name, and the record of the old name stays on the target.
    target_keeps_renamed_away: bool = False

    def prepare(self, world: SandboxedBridge) -> None:
        """What the entity needs of a fresh world before its records can sync (documents: mapped
        accounts and taxes, equal base currencies)."""

    # ------------------------------------------------------------------ acting as users

    def create(self, world: SandboxedBridge, source: str, name: str) -> str:
        """Make a record named `name` in the source system as a user would; its id there."""
        if source == "xero":
            return self.create_in_xero(world, name)
        return str(self.create_in_odoo(world, name))

    def rename(self, world: SandboxedBridge, source: str, record_id: str, name: str) -> None:
        """A user renames the record in the source system."""
        if source == "xero":
            element = {self.xero_id_field: record_id, "Name": name}
            response = world.xero_api(
                "POST", f"{self.xero_collection}/{record_id}", json={self.xero_collection: [element]}
            )
            assert response.status_code == 200, response.text
        else:
            world.odoo.env("admin").write(self.odoo_model, [int(record_id)], {"name": name})

    def create_in_xero(self, world: SandboxedBridge, name: str) -> str:
        raise NotImplementedError

    def create_in_odoo(self, world: SandboxedBridge, name: str) -> int:
        raise NotImplementedError

    # ------------------------------------------------------------------ reading either side

    def ids(self, world: SandboxedBridge, side: str, name: str) -> list[str]:
        """Ids of the records named `name` in one system (archived or deleted ones too)."""
        if side == "xero":
            org = world.xero.org()
            with org.lock:
                rows = getattr(org, self.xero_attr).values()
                return sorted(str(r[self.xero_id_field]) for r in rows if r.get("Name") == name)
        rows = odoo_admin(world).search_read(self.odoo_model, [("name", "=", name)], ["id"])
        return sorted(str(r["id"]) for r in rows)

    def version(self, world: SandboxedBridge, side: str, record_id: str) -> object:
        """What changes whenever the system writes the record (a no-op leaves it as it was)."""
        if side == "xero":
            org = world.xero.org()
            with org.lock:
                record = getattr(org, self.xero_attr)[record_id]
                return {k: (list(v) if isinstance(v, list) else v) for k, v in record.items()}
        (row,) = odoo_admin(world).read(self.odoo_model, [int(record_id)], ["write_date", "name"])
        return row

    @property
    def xero_attr(self) -> str:
        raise NotImplementedError

    def bound(self, world: SandboxedBridge, source: str, record_id: str) -> str | None:
        """The id on the other side that the bridge's binding pairs this source record with."""
        with world.runtime.db.session() as session:
            if source == "xero":
                binding = bindings.by_xero(session, world.connection_id, self.entity, record_id)
                return None if binding is None or binding.odoo_id is None else str(binding.odoo_id)
            binding = bindings.by_odoo(session, world.connection_id, self.entity, int(record_id))
            return None if binding is None or not binding.xero_id else str(binding.xero_id)

    # ------------------------------------------------------------------ what the bridge hears

    def announce(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        """Whatever production adds to a user's change so that the bridge hears of it. Xero and Odoo send
        webhooks themselves (the SandboxedBridge subscribed to Xero's and ran `bridge odoo setup`)."""
        if source == "xero":
            world.xero.wait_for_webhooks()

    def redeliver(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        """The source system sends its notification of this record again, byte for byte."""
        if source == "xero":
            self._redeliver_xero_webhook(world, record_id)
        else:
            self._redeliver_odoo_webhook(world, record_id)

    def _redeliver_xero_webhook(self, world: SandboxedBridge, record_id: str) -> None:
        world.xero.wait_for_webhooks()
        sent = [
            d
            for d in world.xero.webhooks.deliveries
            if d.ok and any(e["resourceId"] == record_id for e in d.payload["events"])
        ]
        assert sent, f"Xero never notified the bridge of {record_id}"
        answer = requests.post(
            f"{world.url}/webhooks/xero",
            data=sent[0].body,
            headers={"Content-Type": "application/json", "x-xero-signature": sent[0].signature},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text

    def _odoo_webhooks(self, world: SandboxedBridge, record_id: str) -> list:
        """The notifications Odoo sent of this record: answered, or timed out after Odoo's 1 s (a busy
        machine; "it may or may not have failed" — the bridge got it, the body is the same)."""
        sent = [
            c
            for c in world.odoo.webhook_calls()
            if c.model == self.odoo_model
            and str(c.record_id) == record_id
            and (c.status == 200 or c.error == "timeout")
        ]
        assert sent, f"Odoo never notified the bridge of {self.odoo_model} #{record_id}"
        return sent

    def _redeliver_odoo_webhook(self, world: SandboxedBridge, record_id: str) -> None:
        sent = self._odoo_webhooks(world, record_id)[0]
        answer = requests.post(
            sent.url, data=sent.body, headers={"Content-Type": "application/json"}, timeout=10
        )
        assert answer.status_code == 200, answer.text

    def envelope(self, world: SandboxedBridge, source: str, record_id: str, key: str | None = None) -> Event:
        """An envelope of a change to this record, built the way ingest builds one from the source's
        webhook; `key` replaces its dedupe key (another notification of the same change)."""
        if source == "xero" and self.xero_category is None:  # only the poller reports it
            event = Event(
                source="xero",
                origin="poll",
                connection=world.connection_id,
                tenant_id=world.xero.tenants[0].tenant_id,
                entity=self.entity,
                resource_id=record_id,
                change_type="update",
                occurred_at=now(),
                dedupe_key=f"poll|xero|{self.xero_collection}|{record_id}|{uuid.uuid4().hex}",
            )
        elif source == "xero":
            event = from_xero_webhook(
                {
                    "resourceUrl": f"{world.xero.api_url}/{self.xero_collection}/{record_id}",
                    "resourceId": record_id,
                    "eventDateUtc": now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
                    "eventType": "UPDATE",
                    "eventCategory": self.xero_category,
                    "tenantId": world.xero.tenants[0].tenant_id,
                    "tenantType": "ORGANISATION",
                },
                world.connection_id,
                now(),
            )
            assert event is not None and event.entity == self.entity
        else:  # the body of Odoo's latest notification of the record, as its webhook rule posted it
            body = json.loads(self._odoo_webhooks(world, record_id)[-1].body)
            event = from_odoo_webhook(body, world.connection_id, now(), event="write")
            assert event is not None and event.entity == self.entity
        return replace(event, dedupe_key=key) if key else event

    # ------------------------------------------------------------------ faults on the target side

    def lose_next_create_response(self, world: SandboxedBridge, target: str) -> Callable[[], bool]:
        """The target system commits the next create of this entity and drops the connection instead of
        answering. Returns a check that the fault fired."""
        if target == "xero":
            fault = world.xero.inject_fault(
                "drop",
                method=self.xero_create_method,
                path=f"{XERO_API}/{self.xero_collection}",
                phase="after",
            )
            return lambda: fault.hits >= 1
        return lose_odoo_response(world, self.odoo_model, self.odoo_load_methods)


def lose_odoo_response(world: SandboxedBridge, model: str, methods: tuple[str, ...]) -> Callable[[], bool]:
    """Arm the Odoo sandbox's "drop the connection after the commit" fault (sandboxes/odoo/faults.py) at
    the moment the bridge calls one of `methods` on `model`, so that it is that write's answer that gets
    lost, not a read's. The bridge talks JSON-RPC to Odoo 17 (execute_kw), a user's env calls in-process."""
    service = world.odoo.service
    original = service.execute_kw
    fired = threading.Event()

    def execute_kw(db, uid, password, called_model, method, args=None, kwargs=None):
        if called_model == model and method in methods and not fired.is_set():
            fired.set()
            world.odoo.faults.drop_connections(1, after_commit=True)
        return original(db, uid, password, called_model, method, args, kwargs)

    service.execute_kw = execute_kw
    return fired.is_set


class ContactKit(Kit):
    entity = "contact"
    xero_collection = "Contacts"
    xero_id_field = "ContactID"
    xero_category = "CONTACT"
    xero_create_method = "POST"  # the exporter creates with POST, which upserts (xero-facts §8 Contacts)
    odoo_model = "res.partner"

    @property
    def xero_attr(self) -> str:
        return "contacts"

    def create_in_xero(self, world: SandboxedBridge, name: str) -> str:
        email = f"{uuid.uuid4().hex[:8]}@guarantee.test"
        response = world.xero_api(
            "PUT", "Contacts", json={"Contacts": [{"Name": name, "EmailAddress": email}]}
        )
        assert response.status_code == 200, response.text
        return response.json()["Contacts"][0]["ContactID"]

    def create_in_odoo(self, world: SandboxedBridge, name: str) -> int:
        email = f"{uuid.uuid4().hex[:8]}@guarantee.test"
        return world.odoo.env("admin").create(
            "res.partner", {"name": name, "email": email, "is_company": True}
        )


class ContactGroupKit(Kit):
    entity = "contact_group"
    xero_collection = "ContactGroups"
    xero_id_field = "ContactGroupID"
    xero_category = None  # Xero sends no webhooks for groups (xero-facts §1): the poller reports them
    xero_create_method = "PUT"
    odoo_model = "res.partner.category"

    @property
    def xero_attr(self) -> str:
        return "contact_groups"

    def ids(self, world: SandboxedBridge, side: str, name: str) -> list[str]:
        if side == "xero":  # a deleted group is gone for Xero's users (GET lists ACTIVE groups only)
            org = world.xero.org()
            with org.lock:
                groups = org.contact_groups.values()
                return sorted(
                    g["ContactGroupID"] for g in groups if g["Name"] == name and g["Status"] == "ACTIVE"
                )
        return super().ids(world, side, name)

    def create_in_xero(self, world: SandboxedBridge, name: str) -> str:
        response = world.xero_api("PUT", "ContactGroups", json={"ContactGroups": [{"Name": name}]})
        assert response.status_code == 200, response.text
        return response.json()["ContactGroups"][0]["ContactGroupID"]

    def create_in_odoo(self, world: SandboxedBridge, name: str) -> int:
        (tag,) = world.odoo.env("admin").create("res.partner.category", [{"name": name}])
        return tag

    def _poll_envelope(self, world: SandboxedBridge, record_id: str) -> Event:
        """The poller compares groups by content: one key per group and state (bridge/polling)."""
        org = world.xero.org()
        with org.lock:
            group = org.contact_groups[record_id]
            state = f"{group['Name']}|{group['Status']}"
        return self.envelope(world, "xero", record_id, key=f"poll|xero|ContactGroup|{record_id}|{state}")

    def announce(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        if source == "xero":  # what the scheduler's group poll publishes (bridge/polling)
            publish(world, self._poll_envelope(world, record_id))

    def redeliver(self, world: SandboxedBridge, source: str, record_id: str) -> None:
        if source == "xero":  # the poller's envelope again: a later round sees the same group
            publish(world, self._poll_envelope(world, record_id))
        else:
            super().redeliver(world, source, record_id)


def _kits() -> dict[str, Kit]:
    """The kits above, and one `KIT` from each tests/support/kits_<entity>.py (an entity's own module)."""
    found: list[Kit] = [ContactKit(), ContactGroupKit()]
    for module in sorted(Path(__file__).parent.glob("kits_*.py")):
        found.append(importlib.import_module(f"tests.support.{module.stem}").KIT)
    return {kit.entity: kit for kit in found}


KITS: dict[str, Kit] = _kits()


def shipped_translators() -> list[tuple[str, str]]:
    """(entity, source) of every translator consumers.registry.default_registry() ships."""
    registry = default_registry()
    pairs = [(e, s) for e in catalog() for s in SOURCES if registry.get(s, e) is not None]
    assert len(pairs) == len(registry), "a shipped translator's entity is missing from the catalog"
    return pairs


def publish(world: SandboxedBridge, *events: Event) -> None:
    world.runtime.publisher.publish([Outgoing.of(e) for e in events])


def settled(world: SandboxedBridge, dedupe_key: str) -> bool:
    """The inbox holds the event as done: its effect and binding are committed."""
    with world.runtime.db.session() as session:
        return inbox.is_done(session, dedupe_key)


def open_mismatches(world: SandboxedBridge) -> list:
    with world.runtime.db.session() as session:
        return list(mismatches.find(session, MismatchFilter(status="open")))


# ------------------------------------------------------------------------------ instrumented workers


class CrashAfterApply(Translator):
    """The real translator, and then the worker dies (once) before it commits and acknowledges."""

    def __init__(self, inner: Translator, record_id: str):
        self.inner, self.record_id = inner, record_id
        self.source, self.entity = inner.source, inner.entity  # type: ignore[misc]
        self.crashed: list[tuple[Event, Outcome]] = []  # the event applied, and what apply() returned

    def apply(self, event: Event, ctx: Context) -> Outcome:
        outcome = self.inner.apply(event, ctx)
        if event.resource_id == self.record_id and not self.crashed:
            self.crashed.append((event, outcome))
            raise WorkerCrash()
        return outcome


class HeldUntil(Translator):
    """The real translator, holding each event of one record until `released()` (at most `limit`
    seconds): e.g. until a second event of that record has reached a worker, so the two meet."""

    def __init__(self, inner: Translator, record_id: str, released: Callable[[], bool], limit: float = 10.0):
        self.inner, self.record_id, self.released, self.limit = inner, record_id, released, limit
        self.source, self.entity = inner.source, inner.entity  # type: ignore[misc]

    def apply(self, event: Event, ctx: Context) -> Outcome:
        if event.resource_id == self.record_id:
            deadline = time.monotonic() + self.limit
            while not self.released() and time.monotonic() < deadline:
                time.sleep(0.02)
        return self.inner.apply(event, ctx)


def registry_with(replacement: Translator) -> Registry:
    """The shipped translators, with one of them replaced (wrapped)."""
    shipped = default_registry()
    translators = [
        replacement if (s, e) == (replacement.source, replacement.entity) else shipped.get(s, e)
        for e, s in shipped_translators()
    ]
    return Registry(translators)


@dataclass
class Deliveries:
    """What the workers did with each delivery, by record (source:connection:entity:id)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    started: Counter = field(default_factory=Counter)
    handled: Counter = field(default_factory=Counter)
    in_flight: int = 0
    last_done: float = 0.0
    crashes: list[BaseException] = field(default_factory=list)

    def of(
        self, source: str, world: SandboxedBridge, entity: str, record_id: str, started: bool = False
    ) -> int:
        """Deliveries of the record that a worker finished handling (or began to, with started=True)."""
        key = self._key(
            {"source": source, "connection": world.connection_id, "entity": entity, "resource_id": record_id}
        )
        with self.lock:
            return (self.started if started else self.handled)[key]

    @staticmethod
    def _key(body: dict) -> str:
        """The record a delivery is about (Event.record_key's shape, read from the raw message body)."""
        parts = (
            body.get("source"),
            body.get("connection") or "-",
            body.get("entity"),
            body.get("resource_id"),
        )
        return ":".join(str(p) for p in parts)

    def begin(self, body: dict) -> None:
        with self.lock:
            self.in_flight += 1
            self.started[self._key(body)] += 1

    def end(self, body: dict, finished: bool) -> None:
        with self.lock:
            self.in_flight -= 1
            self.handled[self._key(body)] += finished
            self.last_done = time.monotonic()

    def quiet_for(self, seconds: float) -> bool:
        with self.lock:
            return self.in_flight == 0 and time.monotonic() - self.last_done >= seconds


class Workers:
    """Real workers over a SandboxedBridge's runtime and services, in threads, each delivery recorded."""

    def __init__(self, world: SandboxedBridge):
        self.world = world
        self.deliveries = Deliveries()
        self.threads: list[threading.Thread] = []

    def start(self, registry: Registry | None = None):
        from bridge.services import build_services
        from consumers.worker import Worker

        world, deliveries = self.world, self.deliveries

        class RecordingWorker(Worker):
            def handle(self, body: dict, *args, **kwargs) -> None:
                deliveries.begin(body)
                finished = False
                try:
                    super().handle(body, *args, **kwargs)
                    finished = True
                finally:
                    deliveries.end(body, finished)

        services = build_services(world.settings, world.runtime.db, clock=world.clock, sleep=world.sleep)
        worker = RecordingWorker(world.runtime, registry or default_registry(), services=services)

        def run() -> None:
            try:
                worker.run()
            except BaseException as exc:  # noqa: BLE001 - a WorkerCrash ends the thread like a process death
                with deliveries.lock:
                    deliveries.crashes.append(exc)

        thread = threading.Thread(target=run, name=f"guarantee-worker-{len(self.threads) + 1}", daemon=True)
        world.workers.append(worker)  # SandboxedBridge.stats() and SandboxedBridge.stop() see it
        thread.start()
        self.threads.append(thread)
        return worker

    def stop(self) -> None:
        for worker in self.world.workers:
            worker.stop()
        for thread in self.threads:
            thread.join(10)

    def settle(self, quiet: float = 0.4, timeout: float = 20.0) -> None:
        """Wait until nothing is left to do: Xero has sent its webhooks, no event waits on the broker or
        in the store, and no worker has handled anything for `quiet` seconds."""
        world = self.world

        def idle() -> bool:
            if not self.deliveries.quiet_for(quiet):
                return False
            with world.runtime.db.session() as session:
                if deferred.pending(session):
                    return False
            with world.runtime.broker_connection() as connection:
                channel = connection.channel()
                topology = world.runtime.topology
                for queue in [*topology.work_queues(), *topology.retry_queues()]:
                    if channel.queue_declare(queue.name, passive=True).message_count:
                        return False
            return True

        world.xero.wait_for_webhooks()
        wait_until(idle, timeout=timeout, interval=0.05)
