"""The store on both backends it runs on (SQLite and a real PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from bridge.store import Database, bindings, connections, deferred, inbox, leases, mismatches
from bridge.store.credentials import SecretKeyError, Vault, load_or_create_key
from bridge.store.db import schema_is_current
from bridge.store.mismatches import MismatchFilter
from bridge.store.models import Base, Credential


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


def test_migrations_bring_an_empty_database_to_the_current_schema(db):
    assert schema_is_current(db.engine)
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_migrating_twice_changes_nothing(db):
    db.migrate()
    assert schema_is_current(db.engine)


def test_the_first_claim_of_an_event_counts_one_attempt_and_a_claim_after_done_is_a_duplicate(db):
    with db.session() as session:
        assert inbox.claim(session, "k1", "e1") == inbox.Claim(duplicate=False, attempts=1)
    with db.session() as session:
        assert inbox.claim(session, "k1", "e1") == inbox.Claim(duplicate=False, attempts=2)
        inbox.mark(session, "k1", "done")
    with db.session() as session:
        assert inbox.claim(session, "k1", "e2").duplicate


def test_replay_gives_an_unfinished_event_a_fresh_attempt_count_but_never_reopens_a_done_one(db):
    with db.session() as session:
        inbox.claim(session, "open", "e1")
        inbox.claim(session, "open", "e1")
        inbox.claim(session, "done", "e2")
        inbox.mark(session, "done", "done")
    with db.session() as session:
        inbox.reset(session, "open")
        inbox.reset(session, "done")
    with db.session() as session:
        assert inbox.claim(session, "open", "e1").attempts == 1
        assert inbox.claim(session, "done", "e2").duplicate


def test_a_record_lease_is_held_by_one_worker_at_a_time_until_released(db):
    with db.session() as session:
        assert leases.acquire(session, "xero:demo:contact:1", "worker-a", 60)
    with db.session() as session:
        assert not leases.acquire(session, "xero:demo:contact:1", "worker-b", 60)
        assert leases.acquire(session, "xero:demo:contact:1", "worker-a", 60)  # re-entrant for its holder
    with db.session() as session:
        leases.release(session, "xero:demo:contact:1", "worker-a")
    with db.session() as session:
        assert leases.acquire(session, "xero:demo:contact:1", "worker-b", 60)


def test_an_expired_lease_can_be_taken_over(db):
    with db.session() as session:
        assert leases.acquire(session, "r", "dead-worker", -1)
    with db.session() as session:
        assert leases.acquire(session, "r", "worker-b", 60)


def test_concurrent_workers_racing_for_one_lease_get_it_once(db):
    winners: list[str] = []

    def race(name: str) -> None:
        with db.session() as session:
            if leases.acquire(session, "contested", name, 60):
                winners.append(name)

    threads = [threading.Thread(target=race, args=(f"w{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1


def _event(key: str, resource: str = "r1") -> dict:
    return {
        "dedupe_key": key,
        "resource_id": resource,
        "connection": "demo",
        "tenant_id": "t1",
        "company_id": 1,
    }


def test_a_repeated_failure_updates_the_one_mismatch_entry_of_its_event(db):
    common = {"source": "xero", "source_model": "Contact", "entity": "contact", "target": "odoo"}
    with db.session() as session:
        mismatches.record(session, event=_event("k"), kind="permanent", note="first", attempts=1, **common)
    with db.session() as session:
        mismatches.record(session, event=_event("k"), kind="permanent", note="second", attempts=2, **common)
    with db.session() as session:
        (entry,) = mismatches.find(session, MismatchFilter())
        assert (entry.note, entry.attempts, entry.status) == ("second", 2, "open")
        assert (entry.connection_id, entry.tenant_id, entry.company_id) == ("demo", "t1", 1)


def test_mismatches_filter_by_entity_tenant_and_status(db):
    with db.session() as session:
        for key, entity in (("a", "contact"), ("b", "invoice")):
            mismatches.record(
                session,
                event=_event(key),
                kind="permanent",
                note="x",
                attempts=1,
                source="xero",
                source_model=entity,
                entity=entity,
                target="odoo",
            )
    with db.session() as session:
        assert [m.entity for m in mismatches.find(session, MismatchFilter(entity="invoice"))] == ["invoice"]
        assert len(mismatches.find(session, MismatchFilter(tenant_id="t1"))) == 2
        assert mismatches.find(session, MismatchFilter(status="resolved")) == []
        mismatches.resolve_applied(session, "a")
    with db.session() as session:
        assert mismatches.counts_by_status(session) == {"open": 1, "resolved": 1}


def test_a_binding_is_found_by_either_id_and_updated_in_place(db):
    with db.session() as session:
        connections.add(session, "Demo", "tenant-1", 1, id="demo")
        bindings.bind(session, "demo", "contact", xero_id="x1", odoo_id=None, content_hash="h1")
    with db.session() as session:
        bindings.bind(session, "demo", "contact", xero_id="x1", odoo_id=42, content_hash="h2")
    with db.session() as session:
        by_odoo = bindings.by_odoo(session, "demo", "contact", 42)
        assert (by_odoo.xero_id, by_odoo.content_hash) == ("x1", "h2")


def test_deferred_events_are_released_when_due_and_only_once(db):
    with db.session() as session:
        deferred.defer(session, "to_odoo.partners.contact", {"n": 1}, 0)
        deferred.defer(session, "to_odoo.partners.contact", {"n": 2}, 3600)
    with db.session() as session:
        due = deferred.take_due(session)
        assert [d.body for d in due] == [{"n": 1}]
    with db.session() as session:
        assert deferred.take_due(session) == []
        assert deferred.pending(session) == 1


def test_credentials_are_stored_encrypted_and_read_back(db, tmp_path):
    vault = Vault(load_or_create_key(None, tmp_path))
    secret = {"access_token": "eyJ-very-secret-access", "refresh_token": "refresh-very-secret"}
    with db.session() as session:
        vault.put(session, "demo", "xero_oauth", secret)
    with db.session() as session:
        raw = session.execute(select(Credential.ciphertext)).scalar_one()
        assert b"very-secret" not in raw
        assert vault.get(session, "demo", "xero_oauth") == secret
    other = Vault(load_or_create_key(None, tmp_path / "elsewhere"))
    with db.session() as session, pytest.raises(SecretKeyError, match="cannot be decrypted"):
        other.get(session, "demo", "xero_oauth")


def test_a_generated_secret_key_file_is_readable_by_its_owner_only(tmp_path):
    load_or_create_key(None, tmp_path)
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0


def test_a_secret_key_that_is_not_a_fernet_key_is_refused_without_echoing_it(tmp_path):
    with pytest.raises(SecretKeyError) as raised:
        load_or_create_key("hunter2-not-a-key", tmp_path)
    assert "hunter2" not in str(raised.value)
