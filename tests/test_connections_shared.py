"""Several connections (Xero organisation ⇄ Odoo company): an Odoo record of no company (a shared
partner, a tag) reaches every connection; a record of one company only its own."""

from __future__ import annotations

import pytest

from bridge.cli.sandboxed import SandboxedBridge
from bridge.store import bindings, mismatches
from bridge.store.mismatches import MismatchFilter


@pytest.fixture
def world(tmp_path):
    w = SandboxedBridge(home=str(tmp_path / "home"), connections=2).start()
    yield w
    w.stop()


def names_in(world: SandboxedBridge, tenant: int, kind: str = "contacts") -> set[str]:
    org = world.xero.org(world.xero.tenants[tenant].tenant_id)
    with org.lock:
        return {r["Name"] for r in getattr(org, kind).values()}


def test_a_partner_of_no_company_reaches_every_connection_and_each_binds_it(world):
    partner = world.odoo.env("admin").create(
        "res.partner", {"name": "Shared Supplier Ltd", "company_id": False}
    )
    world.wait(lambda: "Shared Supplier Ltd" in names_in(world, 0), message="in the first organisation")
    world.wait(lambda: "Shared Supplier Ltd" in names_in(world, 1), message="in the second organisation")
    world.settle()
    with world.runtime.db.session() as session:
        assert bindings.by_odoo(session, "demo", "contact", partner).xero_id
        assert bindings.by_odoo(session, "second", "contact", partner).xero_id
        assert mismatches.find(session, MismatchFilter(status="open")) == []


def test_a_partner_of_one_company_reaches_only_its_connection(world):
    second_company = world.odoo.company_ids[1]
    world.odoo.env("admin").create("res.partner", {"name": "Second Only Ltd", "company_id": second_company})
    world.wait(lambda: "Second Only Ltd" in names_in(world, 1), message="in the second organisation")
    world.settle()
    assert "Second Only Ltd" not in names_in(world, 0)


def test_a_tag_reaches_every_connection_as_a_contact_group(world):
    world.odoo.env("admin").create("res.partner.category", [{"name": "Everywhere"}])
    world.wait(lambda: "Everywhere" in names_in(world, 0, "contact_groups"), message="group in the first")
    world.wait(lambda: "Everywhere" in names_in(world, 1, "contact_groups"), message="group in the second")


def test_an_odoo_18_account_of_one_company_reaches_only_its_connection(tmp_path):
    """18+ account.account belongs to a set of companies (company_ids, odoo-facts §3.3): an account of
    the second company alone is the second connection's, not shared with every connection."""
    world = SandboxedBridge(home=str(tmp_path / "home18"), connections=2, odoo_version=18).start()
    try:
        second_company = world.odoo.company_ids[1]
        world.odoo.env("admin").create(
            "account.account",
            {"code": "777001", "name": "Second Only Account", "account_type": "income",
             "company_ids": [(6, 0, [second_company])]},
        )  # fmt: skip
        world.wait(
            lambda: "Second Only Account" in names_in(world, 1, "accounts"),
            message="in the second organisation",
        )
        world.settle()
        assert "Second Only Account" not in names_in(world, 0, "accounts")
    finally:
        world.stop()
