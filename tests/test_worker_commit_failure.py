"""A change applied to the other system whose commit in the store then fails: named as what it is,
delivered again (the translator is idempotent), and dead-lettered with that error, not as a crash."""

from __future__ import annotations

import logging

from bridge.store import bindings, mismatches
from bridge.store.mismatches import MismatchFilter
from tests.support.stack import wait_until, xero_event

CONTACT = "3c5d7e9f-1a2b-4c3d-8e4f-5a6b7c8d9e0f"


def test_a_commit_that_fails_after_the_effect_is_redelivered_then_dead_lettered_naming_its_error(
    stack, caplog
):
    caplog.set_level(logging.INFO)
    # The store holds bindings that make this event's binding impossible: the probe creates the
    # record as id 1, which another Xero contact is already bound to (a unique constraint fails).
    with stack.runtime.db.session() as session:
        bindings.bind(session, "demo", "contact", xero_id="someone-else", odoo_id=1)
        bindings.bind(session, "demo", "contact", xero_id=CONTACT, odoo_id=7)
    stack.probe.put_source(CONTACT, "Acme Ltd")
    stack.start_worker()
    stack.post_xero([xero_event(CONTACT)])

    def dead_letter():
        with stack.runtime.db.session() as session:
            return mismatches.find(session, MismatchFilter(status="open"))

    (entry,) = wait_until(dead_letter, timeout=30)
    assert entry.kind == "dead_letter"
    assert "commit failed" in entry.note and "IntegrityError" in entry.note
    assert "crashed" not in entry.note and "kept dying" not in entry.note
    assert entry.attempts >= 2  # delivered again up to the delivery limit (2)

    messages = [r.getMessage() for r in caplog.records]
    assert any("commit failed" in m and "IntegrityError" in m for m in messages)
    assert not any("broker connection lost" in m for m in messages)
    assert stack.errors == [] and all(thread.is_alive() for _, thread in stack.workers)
    assert stack.probe.creates == 1  # each delivery applied again, idempotently
