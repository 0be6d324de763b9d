"""The consumer framework end to end: webhook in, effect out, exactly once — on RabbitMQ and embedded."""

from __future__ import annotations

import time

from bridge.cli.mismatch import replay_entries
from bridge.store import bindings, inbox, mismatches
from bridge.store.mismatches import MismatchFilter
from tests.support.stack import TENANT, Stack, wait_until, xero_event

CONTACT = "0f6a2c1e-7b1d-4c55-9e1e-2a1d3f4b5c6d"


def open_mismatches(stack: Stack, status: str | None = "open"):
    with stack.runtime.db.session() as session:
        return mismatches.find(session, MismatchFilter(status=status))


def handled(stack: Stack, outcome: str) -> int:
    return sum(worker.stats.get(outcome, 0) for worker, _ in stack.workers)


def test_an_event_is_applied_and_its_record_pair_is_bound(stack):
    stack.probe.put_source(CONTACT, "Acme Ltd")
    stack.start_worker()
    assert stack.post_xero([xero_event(CONTACT)]).status_code == 200
    wait_until(lambda: CONTACT in stack.probe.target)
    wait_until(lambda: handled(stack, "created") == 1)
    with stack.runtime.db.session() as session:
        binding = bindings.by_xero(session, "demo", "contact", CONTACT)
        assert binding.odoo_id == stack.probe.target[CONTACT]["id"]
        event = xero_event(CONTACT)
        assert inbox.is_done(session, f"xero|{TENANT}|CONTACT|{CONTACT}|UPDATE|{event['eventDateUtc']}")
    assert stack.probe.target[CONTACT]["name"] == "Acme Ltd"


def test_a_duplicate_delivery_has_one_effect(stack):
    stack.probe.put_source(CONTACT, "Acme Ltd")
    stack.start_worker()
    stack.post_xero([xero_event(CONTACT)])
    stack.post_xero([xero_event(CONTACT)])  # Xero redelivers the same notification
    wait_until(lambda: handled(stack, "duplicate") == 1)
    assert stack.probe.creates == 1
    assert stack.probe.writes == 0


def test_reordered_events_converge_on_the_newest_state(stack):
    stack.probe.put_source(CONTACT, "Acme Ltd")
    stack.probe.put_source(CONTACT, "Acme Limited")  # version 2 is what Xero holds now
    stack.start_worker()
    newer = xero_event(CONTACT, when="2026-05-04T09:15:00.000")
    older = xero_event(CONTACT, when="2026-05-04T09:12:44.107")
    stack.post_xero([newer, older])
    wait_until(
        lambda: handled(stack, "created") + handled(stack, "updated") + handled(stack, "coalesced") == 2
    )
    assert stack.probe.target[CONTACT]["name"] == "Acme Limited"
    assert stack.probe.creates == 1


def test_two_events_for_one_record_are_never_applied_at_once(stack):
    stack.probe.put_source(CONTACT, "Acme Ltd")
    stack.probe.write_delay = 0.15
    stack.start_worker()
    stack.start_worker()
    events = [xero_event(CONTACT, when=f"2026-05-04T09:12:{10 + i:02d}.000") for i in range(6)]
    for event in events:
        stack.post_xero([event])
    settled = ("created", "updated", "coalesced")
    wait_until(lambda: sum(handled(stack, outcome) for outcome in settled) == 6, timeout=30)
    assert stack.probe.max_in_flight[CONTACT] == 1
    assert stack.probe.creates == 1


def test_a_transient_error_is_retried_on_the_ladder_until_it_clears(stack):
    stack.probe.put_source(CONTACT, "Acme Ltd")
    stack.probe.fail_next(2, status=503)
    stack.start_worker()
    posted = time.monotonic()
    stack.post_xero([xero_event(CONTACT)])
    wait_until(lambda: CONTACT in stack.probe.target, timeout=15)
    # ladder 200ms, 400ms: the third try cannot come before 0.6 s
    assert stack.probe.write_log[0][1] - posted >= 0.6
    assert handled(stack, "retried") == 2
    assert stack.probe.creates == 1
    assert open_mismatches(stack) == []


def test_a_429_waits_at_least_its_retry_after(stack):
    stack.probe.put_source(CONTACT, "Acme Ltd")
    stack.probe.fail_next(1, status=429, retry_after=1)
    stack.start_worker()
    posted = time.monotonic()
    stack.post_xero([xero_event(CONTACT)])
    wait_until(lambda: CONTACT in stack.probe.target, timeout=15)
    assert stack.probe.write_log[0][1] - posted >= 1.0


def test_a_transient_error_that_never_clears_lands_in_the_mismatch_log_after_the_ladder(stack):
    stack.probe.put_source(CONTACT, "Acme Ltd")
    stack.probe.fail_next(10, status=503)
    stack.start_worker()
    stack.post_xero([xero_event(CONTACT)])
    (entry,) = wait_until(lambda: open_mismatches(stack), timeout=15)
    assert entry.kind == "exhausted"
    assert entry.attempts == 4  # the first try and three retries (ladder of three steps)
    assert "gave up after 4 tries" in entry.note and "503" in entry.note
    assert entry.record_name is None or isinstance(entry.record_name, str)


def test_a_permanent_error_lands_in_the_mismatch_log_at_once_with_xeros_own_message(stack):
    message = (
        "The contact name Acme Ltd is already assigned to another contact. The contact name must be unique."
    )
    stack.probe.put_source(CONTACT, "Acme Ltd")
    stack.probe.rejected[CONTACT] = message
    stack.start_worker()
    stack.post_xero([xero_event(CONTACT)])
    (entry,) = wait_until(lambda: open_mismatches(stack))
    assert entry.kind == "permanent"
    assert entry.note == f"Xero ValidationException: {message}"
    assert entry.details["messages"] == [message]
    assert (entry.source, entry.source_model, entry.source_id, entry.target) == (
        "xero",
        "Contact",
        CONTACT,
        "odoo",
    )
    assert (entry.connection_id, entry.tenant_id, entry.attempts) == ("demo", entry.event["tenant_id"], 1)
    assert handled(stack, "retried") == 0


def test_a_fixed_cause_then_replay_applies_the_event_once_and_resolves_the_entry(stack):
    stack.probe.put_source(CONTACT, "Acme Ltd")
    stack.probe.rejected[CONTACT] = "Account code '999' is not a valid code for this document."
    stack.start_worker()
    stack.post_xero([xero_event(CONTACT)])
    (entry,) = wait_until(lambda: open_mismatches(stack))
    del stack.probe.rejected[CONTACT]  # the operator fixes the cause
    replayed, refused = replay_entries(stack.runtime, [(entry.id, entry.event)])
    assert (replayed, refused) == (1, [])
    wait_until(lambda: open_mismatches(stack, status="resolved"))
    assert stack.probe.creates == 1
    assert open_mismatches(stack) == []


def test_an_event_with_no_translator_is_logged_not_lost(stack):
    stack.start_worker()
    invoice = xero_event(CONTACT) | {"eventCategory": "INVOICE"}
    stack.post_xero([invoice])
    (entry,) = wait_until(lambda: open_mismatches(stack))
    assert entry.entity == "invoice"
    assert "no translator for xero invoice events" in entry.note


def test_a_crash_between_effect_and_ack_redelivers_and_the_effect_stays_single(stack):
    stack.probe.put_source(CONTACT, "Acme Ltd")
    stack.probe.crash_after_write[CONTACT] = 1
    stack.start_worker()
    stack.post_xero([xero_event(CONTACT)])
    wait_until(lambda: stack.errors)  # the worker died after writing, before its ack
    assert stack.probe.creates == 1
    stack.start_worker()
    wait_until(lambda: handled(stack, "updated") + handled(stack, "created") == 1, timeout=15)
    assert stack.probe.creates == 1 and stack.probe.writes == 0
    with stack.runtime.db.session() as session:
        assert bindings.by_xero(session, "demo", "contact", CONTACT) is not None


def test_an_envelope_that_is_not_valid_lands_in_the_mismatch_log(stack):
    from bridge.broker.publisher import Outgoing

    stack.start_worker()
    stack.runtime.publisher.publish(
        [Outgoing("to_odoo.partners.contact", {"source": "xero", "entity": "contact"})]
    )
    (entry,) = wait_until(lambda: open_mismatches(stack))
    assert entry.kind == "malformed" and "not a valid event envelope" in entry.note


def test_a_burst_of_xero_events_for_one_record_costs_fewer_fetches_than_events(stack):
    stack.probe.put_source(CONTACT, "Acme Ltd")
    stack.probe.write_delay = 0.2  # the first apply is slow: the rest of the burst queues behind it
    stack.start_worker()
    for i in range(10):
        stack.post_xero([xero_event(CONTACT, when=f"2026-05-04T09:13:{i:02d}.000")])
    wait_until(lambda: sum(handled(stack, o) for o in ("created", "updated", "coalesced")) == 10, timeout=30)
    assert handled(stack, "coalesced") >= 5
    assert stack.probe.creates == 1 and len(stack.probe.write_log) < 10
