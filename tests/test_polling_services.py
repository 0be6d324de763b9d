"""The scheduler on the production services: RabbitMQ (publisher confirms) and PostgreSQL (the store)."""

from __future__ import annotations

import contextlib

from bridge.cli.sandboxed import SandboxedBridge
from bridge.polling.scheduler import Scheduler
from bridge.store.models import Watermark
from tests.conftest import delete_topology
from tests.test_polling import (
    bound,
    create_in_xero,
    disable_xero_webhooks,
    odoo_partners,
    pause_odoo_webhooks,
    started,
    xero_contacts,
)


def test_lost_webhooks_both_ways_are_healed_on_rabbitmq_and_postgresql(
    tmp_path, rabbitmq_url, postgres_url, namespace
):
    world = SandboxedBridge(
        home=str(tmp_path / "home"),
        broker_url=rabbitmq_url,
        database_url=postgres_url,
        extra_env={"BRIDGE_NAMESPACE": namespace},
    )
    try:
        started(world)
        disable_xero_webhooks(world)
        pause_odoo_webhooks(world)
        created = create_in_xero(world, {"Name": "Rabbit Ltd"})
        world.odoo.env("admin").create("res.partner", {"name": "Postgres Ltd", "is_company": True})

        done = Scheduler(world.runtime, keep_events=True).poll()

        assert not done.failures, done.failures
        contacts = [r for r in done.results if r.spec.endswith((":contact", ":contact_group"))]  # not others'
        assert sorted((r.spec, r.sent) for r in contacts) == [
            ("odoo:contact", 1),
            ("odoo:contact_group", 0),
            ("xero:contact", 1),
        ]
        assert world.wait(lambda: odoo_partners(world, "Rabbit Ltd"), timeout=30)
        assert world.wait(lambda: xero_contacts(world, "Postgres Ltd"), timeout=30)
        with world.runtime.db.session() as session:
            rows = session.query(Watermark).filter(Watermark.entity == "contact").all()
            assert {(r.connection_id, r.source, r.entity) for r in rows} == {
                ("demo", "xero", "contact"),
                ("demo", "odoo", "contact"),
            }
        assert world.wait(lambda: bound(world, xero_id=created["ContactID"]))
        again = Scheduler(world.runtime, keep_events=True).poll()  # applied: the Xero one is not sent again
        assert [r.sent for r in again.results if r.spec == "xero:contact"] == [0]
        assert [e.resource_id for r in done.results for e in r.events if r.spec == "xero:contact"] == [
            created["ContactID"]
        ]
    finally:
        world.stop()
        if world.runtime is not None:
            with contextlib.suppress(Exception):
                delete_topology(world.runtime)
