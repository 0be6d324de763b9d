"""`bridge mismatch replay` against a worker quicker than the command: the entry ends as the worker left it."""

from __future__ import annotations

import dataclasses

import pytest

from bridge.broker.publisher import PublishError
from bridge.cli.mismatch import replay_entries
from bridge.store import mismatches
from bridge.store.mismatches import MismatchFilter
from tests.support.stack import Stack, wait_until, xero_event

CONTACT = "8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d"


@pytest.fixture
def stack(make_runtime, probe):
    stack = Stack(make_runtime("embedded"), probe)
    yield stack
    stack.stop_workers()


def status_of(stack: Stack, entry_id: int) -> str:
    with stack.runtime.db.session() as session:
        return mismatches.get(session, entry_id).status


def logged_entry(stack: Stack):
    stack.probe.put_source(CONTACT, "Acme Ltd")
    stack.probe.rejected[CONTACT] = "Account code '999' is not a valid code for this document."
    stack.start_worker()
    stack.post_xero([xero_event(CONTACT)])

    def entries():
        with stack.runtime.db.session() as session:
            return mismatches.find(session, MismatchFilter(status="open"))

    (entry,) = wait_until(entries)
    del stack.probe.rejected[CONTACT]  # the operator fixes the cause
    return entry


class AppliedBeforeConfirming:
    """A broker and worker so quick that the event is applied before publish() returns."""

    def __init__(self, stack: Stack, entry_id: int) -> None:
        self.inner, self.stack, self.entry_id = stack.runtime.publisher, stack, entry_id

    def publish(self, messages) -> None:
        self.inner.publish(messages)
        wait_until(lambda: self.stack.probe.target.get(CONTACT))
        wait_until(lambda: status_of(self.stack, self.entry_id) == "resolved")


class BrokerDown:
    def publish(self, messages) -> None:
        raise PublishError("broker unavailable: ConnectionRefusedError")


def test_a_replay_the_worker_resolves_at_once_stays_resolved(stack):
    entry = logged_entry(stack)
    quick = dataclasses.replace(stack.runtime, publisher=AppliedBeforeConfirming(stack, entry.id))
    assert replay_entries(quick, [(entry.id, entry.event)]) == (1, [])
    assert status_of(stack, entry.id) == "resolved"
    assert stack.probe.creates == 1


def test_a_replay_the_broker_does_not_confirm_leaves_the_entry_as_it_was(stack):
    entry = logged_entry(stack)
    down = dataclasses.replace(stack.runtime, publisher=BrokerDown())
    replayed, refused = replay_entries(down, [(entry.id, entry.event)])
    assert replayed == 0
    assert refused == [(entry.id, "the broker did not take it: broker unavailable: ConnectionRefusedError")]
    assert status_of(stack, entry.id) == "open"
