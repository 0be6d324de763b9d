"""Real process deaths: a worker killed mid-message, and a poison event that kills every worker."""

from __future__ import annotations

import pytest

from bridge.store import mismatches
from bridge.store.mismatches import MismatchFilter
from tests.support.processes import bridge_command, stop, worker_process
from tests.support.stack import Stack, wait_until, xero_event

CONTACT = "9d8c7b6a-5f4e-4d3c-8b2a-1a0f9e8d7c6b"
pytestmark = pytest.mark.slow


@pytest.fixture(params=["rabbitmq", "embedded"])
def broker(request):
    if request.param == "rabbitmq":
        request.getfixturevalue("rabbitmq_url")
    return request.param


def entries(stack: Stack, status: str | None = "open"):
    with stack.runtime.db.session() as session:
        return mismatches.find(session, MismatchFilter(status=status))


def test_a_worker_killed_after_its_effect_but_before_its_ack_leaves_one_effect(broker, make_runtime, probe):
    stack = Stack(make_runtime(broker, BRIDGE_LEASE_SECONDS="0.5"), probe)
    probe.put_source(CONTACT, "Acme Ltd")
    probe.crash_after_write[CONTACT] = 1
    stack.post_xero([xero_event(CONTACT)])
    process = worker_process(stack.runtime, probe.url)
    try:
        assert process.wait(30) == 17  # died right after writing, without acknowledging
    finally:
        stop(process)
    assert probe.creates == 1
    stack.start_worker()  # a new worker gets the redelivery (RabbitMQ) or recovers it (embedded)
    wait_until(lambda: sum(w.stats.get("updated", 0) for w, _ in stack.workers) == 1, timeout=20)
    stack.stop_workers()
    assert probe.creates == 1 and probe.writes == 0
    assert entries(stack) == []


def test_a_poison_event_is_dead_lettered_after_the_delivery_limit_and_replays_once_fixed(
    broker, make_runtime, probe
):
    stack = Stack(make_runtime(broker, BRIDGE_DELIVERY_LIMIT="2", BRIDGE_LEASE_SECONDS="0.5"), probe)
    probe.put_source(CONTACT, "Acme Ltd")
    probe.crash_before_write.add(CONTACT)  # every worker that touches it dies
    stack.post_xero([xero_event(CONTACT)])
    crashes = 0
    for _ in range(6):
        process = worker_process(stack.runtime, probe.url)
        try:
            wait_until(lambda p=process: p.poll() is not None or entries(stack), timeout=30)
        finally:
            crashes += process.poll() == 17
            stop(process)
        if entries(stack):
            break
    (entry,) = entries(stack)
    assert entry.kind == "dead_letter"
    if broker == "rabbitmq":  # the quorum queue's x-delivery-limit did it
        assert "dead-lettered by the broker" in entry.note
    else:  # the inbox's attempt count did it
        assert "without being settled" in entry.note
    assert crashes >= 2  # the delivery limit let it kill at least that many workers, then stopped it
    assert probe.creates == 0

    probe.crash_before_write.clear()  # the cause is fixed
    replay = bridge_command(stack.runtime, "mismatch", "replay", str(entry.id))
    assert replay.returncode == 0, replay.stderr
    assert "replayed 1 event" in replay.stdout
    stack.start_worker()
    wait_until(lambda: entries(stack, status="resolved"), timeout=20)
    stack.stop_workers()
    assert probe.creates == 1
