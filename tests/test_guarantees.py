"""The delivery guarantees (README "Delivery guarantees") for every translator the bridge ships, on the
real translators through the whole bridge: the Xero and Odoo sandboxes, the web app, the broker, workers.

Each test runs once per (entity, source) of consumers.registry.default_registry(), with that entity's
kit from tests/support/kits.py; a shipped translator without a kit fails the suite.
"""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from dataclasses import dataclass

import pytest

from bridge.cli.sandboxed import SandboxedBridge
from consumers.registry import default_registry
from tests.support.kits import (
    KITS,
    CrashAfterApply,
    HeldUntil,
    Kit,
    Workers,
    open_mismatches,
    other,
    publish,
    registry_with,
    settled,
    shipped_translators,
)
from tests.support.stack import wait_until

PAIRS = shipped_translators()


@dataclass
class Case:
    """One entity in one direction on a running SandboxedBridge (with no workers until the test starts them)."""

    world: SandboxedBridge
    workers: Workers
    kit: Kit
    source: str
    name: str

    @property
    def target(self) -> str:
        return other(self.source)

    def create(self) -> str:
        """A user makes the record in the source system, and the bridge hears of it."""
        record_id = self.kit.create(self.world, self.source, self.name)
        self.kit.announce(self.world, self.source, record_id)
        return record_id

    def on_target(self) -> list[str]:
        return self.kit.ids(self.world, self.target, self.name)

    def bound(self, record_id: str) -> str | None:
        return self.kit.bound(self.world, self.source, record_id)

    def wait_bound(self, record_id: str, timeout: float = 20.0) -> str:
        """The target record the bridge bound this one to; fails at once if the event went to the
        mismatch log instead, with the log's note."""
        wait_until(lambda: self.bound(record_id) or open_mismatches(self.world), timeout=timeout)
        notes = [m.note for m in open_mismatches(self.world)]
        assert not notes, f"the event went to the mismatch log: {notes}"
        return self.bound(record_id)

    def handled(self, record_id: str, started: bool = False) -> int:
        return self.workers.deliveries.of(self.source, self.world, self.kit.entity, record_id, started)


@pytest.fixture(params=PAIRS, ids=[f"{entity}-from-{source}" for entity, source in PAIRS])
def case(request, tmp_path):
    entity, source = request.param
    # One message at a time per worker, so that two workers really take two events of one record at once.
    world = SandboxedBridge(
        home=str(tmp_path / "home"), workers=0, extra_env={"BRIDGE_PREFETCH": "1"}
    ).start()
    name = f"Guarantee {entity.replace('_', ' ')} {uuid.uuid4().hex[:6]}"
    KITS[entity].prepare(world)
    case = Case(world, Workers(world), KITS[entity], source, name)
    yield case
    case.workers.stop()
    world.stop()


def test_every_translator_the_bridge_ships_has_a_kit_so_its_guarantees_are_tested():
    both_ways = {(entity, source) for entity in ("contact", "contact_group") for source in ("xero", "odoo")}
    assert both_ways <= set(PAIRS)  # the suite found the shipped translators
    assert [(entity, source) for entity, source in PAIRS if entity not in KITS] == []


def test_a_delivery_repeated_leaves_one_record_and_the_repeat_changes_nothing(case):
    case.workers.start()
    record_id = case.create()
    made = case.wait_bound(record_id)
    case.workers.settle()
    assert case.on_target() == [made]
    before = case.kit.version(case.world, case.target, made)
    handled = case.handled(record_id)

    case.kit.redeliver(case.world, case.source, record_id)  # the sender's notification, byte for byte
    envelope = case.kit.envelope(case.world, case.source, record_id, key=f"guarantee|{uuid.uuid4().hex}")
    publish(case.world, envelope)  # the same change under another key: the translator finds its record
    publish(case.world, envelope)  # the very same envelope again
    wait_until(lambda: case.handled(record_id) >= handled + 3, timeout=20)
    case.workers.settle()

    assert case.on_target() == [made]
    assert case.kit.version(case.world, case.target, made) == before  # not written again
    assert case.bound(record_id) == made
    assert case.world.stats().get("duplicate", 0) >= 2
    assert open_mismatches(case.world) == []


def test_a_worker_killed_after_the_effect_before_the_ack_leaves_one_record_bound(case):
    record_id = case.create()  # waits on the broker: no worker runs yet
    crashing = CrashAfterApply(default_registry().get(case.source, case.kit.entity), record_id)
    case.workers.start(registry_with(crashing))
    wait_until(lambda: case.workers.deliveries.crashes, timeout=20)
    ((event, _),) = crashing.crashed
    (made,) = case.on_target()  # the effect happened …
    assert not settled(case.world, event.dedupe_key)  # … and the event was neither committed nor acked

    case.workers.start()  # a new worker gets it again
    wait_until(lambda: settled(case.world, event.dedupe_key) or open_mismatches(case.world), timeout=20)
    assert case.wait_bound(record_id) == made
    case.workers.settle()
    assert case.on_target() == [made]
    assert open_mismatches(case.world) == []


def test_a_record_edited_between_the_crash_and_the_redelivery_gets_the_edit_without_a_mismatch(case):
    record_id = case.create()
    crashing = CrashAfterApply(default_registry().get(case.source, case.kit.entity), record_id)
    case.workers.start(registry_with(crashing))
    wait_until(lambda: case.workers.deliveries.crashes, timeout=20)
    ((event, _),) = crashing.crashed
    (made,) = case.on_target()
    renamed = case.name + " renamed"
    # Before the event comes back, the user changes the record: the redelivered event now makes another
    # write than the one it made before the crash. Xero answers 400 to an Idempotency-Key reused for a
    # different request (xero-facts §3), so that write must not reuse the first one's key.
    case.kit.rename(case.world, case.source, record_id, renamed)
    case.kit.announce(case.world, case.source, record_id)

    case.workers.start()
    wait_until(lambda: settled(case.world, event.dedupe_key) or open_mismatches(case.world), timeout=20)
    bound = case.wait_bound(record_id)
    case.workers.settle()
    if case.kit.target_keeps_renamed_away:  # the target cannot rename or delete: the new name is a new record
        assert bound != made
        assert case.kit.ids(case.world, case.target, renamed) == [bound]
        assert case.on_target() == [made]  # the old one stays
    else:
        assert bound == made
        assert case.kit.ids(case.world, case.target, renamed) == [made]
        assert case.on_target() == []
    assert open_mismatches(case.world) == []


def test_two_events_for_one_record_at_once_make_one_record(case):
    record_id = case.create()
    second = case.kit.envelope(case.world, case.source, record_id, key=f"guarantee|{uuid.uuid4().hex}")
    publish(case.world, second)  # two events for the record wait on the broker
    # Whichever worker gets the first event holds it inside the translator until the second event
    # has reached a worker too.
    translator = default_registry().get(case.source, case.kit.entity)
    meeting = registry_with(
        HeldUntil(translator, record_id, lambda: case.handled(record_id, started=True) >= 2)
    )
    case.workers.start(meeting)
    case.workers.start(meeting)
    made = case.wait_bound(record_id)
    case.workers.settle()
    assert case.world.stats().get("busy", 0) >= 1  # they met: the second worker waited for the first
    assert case.on_target() == [made]
    assert case.handled(record_id) >= 2
    assert open_mismatches(case.world) == []


def test_a_write_whose_response_is_lost_is_found_again_not_repeated(case):
    fired = case.kit.lose_next_create_response(case.world, case.target)
    case.workers.start()
    record_id = case.create()
    made = case.wait_bound(record_id, timeout=30)
    case.workers.settle()
    assert fired(), "the target never lost a response: the fault did not apply"
    assert case.on_target() == [made]
    assert open_mismatches(case.world) == []


def _restart_rabbitmq() -> None:
    subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True, timeout=60)
    time.sleep(1)
    subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True, timeout=120)


@pytest.mark.rabbitmq
@pytest.mark.slow
def test_a_rabbitmq_restart_mid_stream_loses_no_contact_and_doubles_none(tmp_path, rabbitmq_url, namespace):
    from tests.conftest import delete_topology

    world = SandboxedBridge(
        home=str(tmp_path / "home"),
        broker_url=rabbitmq_url,
        workers=0,
        extra_env={"BRIDGE_NAMESPACE": namespace},
    ).start()
    workers = Workers(world)
    kit = KITS["contact"]
    try:
        workers.start()
        names = [f"Restart {n} {uuid.uuid4().hex[:6]}" for n in range(12)]
        ids = {names[0]: kit.create(world, "xero", names[0])}
        wait_until(lambda: kit.bound(world, "xero", ids[names[0]]), timeout=20)
        restart = threading.Thread(target=_restart_rabbitmq)
        restart.start()
        for name in names[1:]:  # Xero's webhooks for these meet the restart; Xero delivers again
            ids[name] = kit.create(world, "xero", name)
            time.sleep(0.5)
        restart.join(180)
        wait_until(lambda: all(kit.bound(world, "xero", i) for i in ids.values()), timeout=60)
        workers.settle(timeout=30)
        assert any(not d.ok for d in world.xero.webhooks.deliveries), "no webhook met the restart"
        for name, record_id in ids.items():
            assert kit.ids(world, "odoo", name) == [kit.bound(world, "xero", record_id)]
        assert open_mismatches(world) == []
    finally:
        workers.stop()
        delete_topology(world.runtime)
        world.stop()
