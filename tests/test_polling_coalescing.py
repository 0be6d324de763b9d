"""Coalescing: many changes to one record within a short window cost one write.

Through a poll, ten changes are one envelope (tests/test_polling.py). Through webhooks, every event
is read, and the translators' content hashes turn all but the first into no-ops: one write.
"""

from __future__ import annotations

from tests.test_polling import create_in_xero, odoo_partners, world  # noqa: F401 - the fixture


def test_a_burst_of_xero_webhooks_for_one_contact_costs_one_write(world):  # noqa: F811
    created = create_in_xero(world, {"Name": "Busy Contact Ltd"})
    assert world.wait(lambda: odoo_partners(world, "Busy Contact Ltd"))
    world.xero.wait_for_webhooks()
    world.stop_workers()  # the burst queues up while no worker is looking
    contact_id = created["ContactID"]
    for n in range(10):
        element = {
            "ContactID": contact_id,
            "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": f"555 01{n:02d}"}],
        }
        response = world.xero_api("POST", f"Contacts/{contact_id}", json={"Contacts": [element]})
        assert response.status_code == 200, response.text
    assert world.xero.wait_for_webhooks(timeout=10)

    worker = world.start_worker()

    assert world.wait(lambda: sum(worker.stats.values()) >= 10, timeout=30), worker.stats
    world.settle()
    assert odoo_partners(world, "Busy Contact Ltd")[0]["phone"] == "555 0109"
    assert worker.stats == {"updated": 1, "coalesced": 9}, worker.stats  # one fetch, one write to Odoo
