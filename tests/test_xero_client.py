"""The Xero client against the Xero sandbox over real HTTP: OAuth, refresh races, limits, idempotency, batches."""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from bridge.store import connections as connection_store
from bridge.xero.client import idempotency_key
from bridge.xero.tokens import ReconnectNeeded
from sandboxes.xero import XeroSandbox
from sandboxes.xero.settings import Limits
from tests.support.xero import XeroSide


@pytest.fixture
def sandbox():
    sb = XeroSandbox(auto_approve=True)
    sb.start()
    yield sb
    sb.stop()


@pytest.fixture
def side(sandbox, tmp_path):
    side = XeroSide.build(sandbox, str(tmp_path / "home"), f"sqlite:///{tmp_path / 'bridge.db'}")
    yield side
    side.db.dispose()


def test_the_connect_flow_stores_encrypted_tokens_and_lists_the_organisations(side, sandbox):
    connector = side.connector()
    url = connector.authorization_url()
    assert (
        url.startswith(sandbox.authorize_url)
        and "offline_access" in parse_qs(urlsplit(url).query)["scope"][0]
    )
    consent = requests.get(url, allow_redirects=False, timeout=5)
    assert consent.status_code == 302
    callback = consent.headers["Location"]
    state = parse_qs(urlsplit(callback).query)["state"][0]
    token_set, organisations = connector.complete(callback, state)
    assert sorted(o.tenant_id for o in organisations) == sorted(t.tenant_id for t in sandbox.tenants)
    stored = side.keeper.load(token_set)
    assert stored["refresh_token"] and stored["access_token"]
    with side.db.engine.connect() as c:
        raw = c.exec_driver_sql("SELECT ciphertext FROM credentials").scalar_one()
    assert stored["refresh_token"].encode() not in raw


def test_a_callback_with_a_forged_state_is_refused(side, sandbox):
    from bridge.errors import PermanentError

    consent = requests.get(side.connector().authorization_url(), allow_redirects=False, timeout=5)
    with pytest.raises(PermanentError, match="state"):
        side.connector().complete(consent.headers["Location"], "forged-state")


def test_a_custom_connection_uses_client_credentials_for_its_one_organisation(side, sandbox):
    token_set, organisations = side.connector().connect_custom()
    assert [o.tenant_id for o in organisations] == [sandbox.identity.custom_connection_tenant]
    assert side.keeper.load(token_set)["kind"] == "custom"
    assert "refresh_token" not in side.keeper.load(token_set)


def test_an_expired_access_token_is_refreshed_and_the_new_refresh_token_saved_first(side, sandbox):
    token_set = side.connect()
    before = side.keeper.load(token_set)
    sandbox.expire_access_tokens()
    client = side.clients.for_connection("demo")
    assert client.get("Organisation")["Organisations"]  # 401 TokenExpired → one refresh → retried
    after = side.keeper.load(token_set)
    assert after["refresh_token"] != before["refresh_token"]
    assert after["access_token"] != before["access_token"]


def _refresh_in_process(args) -> str:
    home, database_url, environ, token_set, stale = args
    from bridge.config import load_settings
    from bridge.store import Database
    from bridge.store.credentials import Vault, load_or_create_key
    from bridge.xero.tokens import TokenKeeper

    settings = load_settings({**environ, "BRIDGE_DATABASE_URL": database_url})
    db = Database(database_url)
    keeper = TokenKeeper(db, Vault(load_or_create_key(None, settings.home)), settings.xero)
    return keeper.refresh(token_set, stale=stale)


def test_two_processes_refreshing_at_once_share_one_refresh_and_the_connection_survives(
    side, sandbox, tmp_path
):
    from tests.support.xero import xero_environ

    token_set = side.connect()
    stale = side.keeper.load(token_set)["access_token"]
    environ = xero_environ(sandbox, str(tmp_path / "home"))
    args = (str(tmp_path / "home"), side.settings.database_url, environ, token_set, stale)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        tokens = pool.map(_refresh_in_process, [args, args])
    assert tokens[0] == tokens[1]  # the second waited for the first and reused its token
    # and the chain of refresh tokens is intact: another refresh still works
    assert side.keeper.refresh(token_set, stale=tokens[0]) not in tokens


def test_a_refresh_whose_answer_was_lost_is_recovered_within_the_grace_period(side, sandbox):
    token_set = side.connect()
    record = side.keeper.load(token_set)
    # Xero rotates the token, but the answer never reaches the bridge:
    lost = requests.post(
        sandbox.token_url,
        data={"grant_type": "refresh_token", "refresh_token": record["refresh_token"]},
        auth=(side.settings.xero.client_id, side.settings.xero.client_secret),
        timeout=5,
    )
    assert lost.status_code == 200
    token = side.keeper.refresh(token_set, stale=record["access_token"])  # same old refresh token
    assert token == lost.json()["access_token"]  # Xero replays the same new pair in the grace period
    assert side.clients.for_connection("demo").get("Organisation")


def test_an_expired_refresh_token_marks_the_connection_reconnect_needed(side, sandbox):
    side.connect()
    sandbox.expire_refresh_tokens()
    sandbox.expire_access_tokens()
    client = side.clients.for_connection("demo")
    with pytest.raises(ReconnectNeeded, match="reconnect"):
        client.get("Organisation")
    with side.db.session() as session:
        connection = connection_store.get(session, "demo")
        assert connection.status == "reconnect_needed"
        assert "invalid_grant" in connection.status_note
    with pytest.raises(ReconnectNeeded):
        side.clients.for_connection("demo")


def test_503s_are_retried_until_xero_answers(side, sandbox):
    side.connect()
    sandbox.inject_fault("status", method="GET", path="/api.xro/2.0/Contacts", times=2, status=503)
    client = side.clients.for_connection("demo")
    assert client.get("Contacts") is not None
    assert client.calls == 3


def test_a_write_whose_response_was_dropped_is_retried_with_its_key_and_creates_one_record(side, sandbox):
    side.connect()
    sandbox.inject_fault("drop", method="PUT", path="/api.xro/2.0/Contacts", times=1, phase="after")
    client = side.clients.for_connection("demo")
    (result,) = client.save(
        "Contacts", [{"Name": "Dropped Answer Ltd"}], key="odoo:res.partner:7:create:0", method="PUT"
    )
    assert result.ok
    names = [c["Name"] for c in client.paginate("Contacts", {"where": 'Name=="Dropped Answer Ltd"'})]
    assert names == ["Dropped Answer Ltd"]
    assert client.calls >= 2


def test_a_batch_of_50_with_one_invalid_element_maps_each_result_back(side, sandbox):
    side.connect()
    client = side.clients.for_connection("demo")
    contacts = [{"Name": f"Batch Contact {i:02d}", "EmailAddress": f"c{i}@example.com"} for i in range(50)]
    contacts[17]["EmailAddress"] = "not an email"
    results = client.save("Contacts", contacts, key="bulk:contacts:test", method="POST")
    assert len(results) == 50 and client.calls == 1
    failed = [r for r in results if not r.ok]
    assert [r.index for r in failed] == [17]
    assert failed[0].errors and "mail" in failed[0].errors[0].lower()
    assert all(r.record.get("ContactID") for r in results if r.ok)


def test_pages_are_streamed_one_at_a_time(side, sandbox):
    side.connect()
    client = side.clients.for_connection("demo")
    client.save("Contacts", [{"Name": f"Paged {i:03d}"} for i in range(120)], key="paged", method="PUT")
    calls = client.calls
    stream = client.paginate("Contacts", page_size=50)
    first = next(stream)
    assert first and client.calls == calls + 1  # only the first page was fetched
    assert 1 + sum(1 for _ in stream) >= 120


def test_a_collection_xero_does_not_page_is_read_once_however_long(side, sandbox):
    """ContactGroups ignore `page` (ACC declares no page parameter nor pagination object for them): page 2
    would be the whole list again, so a paginated read stops after the first answer."""
    side.connect()
    client = side.clients.for_connection("demo")
    groups = [{"Name": f"Group {i:03d}"} for i in range(120)]
    client.save("ContactGroups", groups, key="many-groups", method="PUT")
    calls = client.calls
    names = [g["Name"] for g in client.paginate("ContactGroups")]
    assert len(names) == len(set(names)) >= 120
    assert client.calls == calls + 1


def test_an_invoice_line_amount_goes_out_as_its_exact_digits_and_comes_back_as_that_decimal(side, sandbox):
    side.connect()
    client = side.clients.for_connection("demo")
    sent: list[bytes] = []
    client.http.hooks["response"].append(lambda response, *a, **k: sent.append(response.request.body))
    (contact,) = client.save("Contacts", [{"Name": "Exact Amounts Ltd"}], key="exact:contact", method="PUT")
    line = {
        "Description": "Widget",
        "Quantity": Decimal("3"),
        "UnitAmount": Decimal("1234567.8912"),
        "AccountCode": "200",
        "TaxType": "OUTPUT2",
    }
    invoice = {
        "Type": "ACCREC",
        "Contact": {"ContactID": contact.record["ContactID"]},
        "Date": "2026-11-01",
        "DueDate": "2026-12-01",
        "LineItems": [line],
    }
    (saved,) = client.save("Invoices", [invoice], key="exact:invoice", method="PUT", params={"unitdp": 4})
    assert saved.ok, saved.errors
    # On the wire: a JSON number with the Decimal's own digits (json.loads keeps the token as text here).
    (wire_line,) = json.loads(sent[-1], parse_float=str)["Invoices"][0]["LineItems"]
    assert wire_line["UnitAmount"] == "1234567.8912"

    read = client.get(f"Invoices/{saved.record['InvoiceID']}", {"unitdp": 4})["Invoices"][0]
    (item,) = read["LineItems"]
    assert isinstance(item["UnitAmount"], Decimal) and item["UnitAmount"] == Decimal("1234567.8912")
    assert isinstance(item["LineAmount"], Decimal) and item["LineAmount"] == Decimal("3703703.67")
    assert isinstance(read["Total"], Decimal)
    assert all(isinstance(v, Decimal) for v in (saved.record["SubTotal"], saved.record["TotalTax"]))


def test_idempotency_keys_are_deterministic_and_within_xeros_length():
    assert idempotency_key("odoo", "res.partner", 7, "create", 0) == "odoo:res.partner:7:create:0"
    long = idempotency_key("x" * 300)
    assert len(long) == 128 and long == idempotency_key("x" * 300)


def test_a_429_storm_holds_throughput_at_the_limit_and_loses_no_request(tmp_path):
    # Xero allows 20 a minute here, but the governor believes 60: Xero's 429s must hold the pace.
    from sandboxes.xero.clock import ShiftedClock

    clock = ShiftedClock(scale=30.0)  # one real second is 30 sandbox seconds

    def sleep(seconds: float) -> None:
        time.sleep(seconds / 30.0)

    sandbox = XeroSandbox(limits=Limits(per_minute=20), clock=clock)
    sandbox.start()
    try:
        side = XeroSide.build(
            sandbox, str(tmp_path / "home"), f"sqlite:///{tmp_path / 'b.db'}", clock=clock, sleep=sleep,
            XERO_REALTIME_MAX_WAIT="120s",  # these callers sit the storm out (a worker delays its event instead)
        )  # fmt: skip
        side.connect()
        results: list[int] = []
        sent: list[int] = []
        started = clock()

        def worker(n: int) -> None:
            client = side.clients.for_connection("demo")
            client.attempts = 10
            for i in range(10):
                client.get("Contacts", {"page": 1})
                results.append(n * 100 + i)
            sent.append(client.calls)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        elapsed_minutes = (clock() - started) / 60
        assert len(results) == 40  # nothing lost
        assert elapsed_minutes >= 1.0  # 40 calls at 20 a minute need a second window: the pace was held
        assert sum(sent) - 40 <= 8  # a few 429s taught the governor; it did not keep hammering
        assert side.governor.state(sandbox.tenants[0].tenant_id)["last_problem"] == "minute"
    finally:
        sandbox.stop()


def test_the_governor_never_lets_more_than_the_concurrent_limit_through(side, sandbox):
    side.connect()
    sandbox.inject_fault("latency", method="GET", path="/api.xro/2.0/Contacts", times=12, delay=0.3)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            side.clients.for_connection("demo").get("Contacts")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []  # Xero would have answered 429 "concurrent" past five in flight


def test_a_batch_of_50_with_one_invalid_element_binds_49_and_logs_1_mismatch(side, sandbox):
    from bridge.events import Event, now
    from bridge.store import bindings, mismatches
    from bridge.store.mismatches import MismatchFilter
    from bridge.xero.batch import BatchItem, export_batch

    side.connect()
    items = []
    for odoo_id in range(1, 51):
        email = "broken email" if odoo_id == 33 else f"p{odoo_id}@example.com"
        event = Event(
            source="odoo", origin="bulk", connection="demo", entity="contact", resource_id=str(odoo_id),
            change_type="create", occurred_at=now(), dedupe_key=f"bulk|res.partner|{odoo_id}",
        )  # fmt: skip
        items.append(
            BatchItem(
                odoo_id, {"Name": f"Partner {odoo_id}", "EmailAddress": email}, event, f"Partner {odoo_id}"
            )
        )
    client = side.clients.for_connection("demo")
    outcome = export_batch(client, side.db, "demo", "contact", "Contacts", items, key="bulk:contacts:1")
    assert (outcome.bound, outcome.refused, client.calls) == (49, 1, 1)
    with side.db.session() as session:
        assert bindings.by_odoo(session, "demo", "contact", 1).xero_id
        assert bindings.by_odoo(session, "demo", "contact", 33) is None
        (entry,) = mismatches.find(session, MismatchFilter())
        assert (entry.source_id, entry.record_name, entry.target) == ("33", "Partner 33", "xero")
        assert "Email" in entry.note or "email" in entry.note


def test_a_tenant_at_its_daily_limit_is_parked_until_xeros_reset_and_the_event_waits(tmp_path):
    from bridge.xero.governor import RateLimited

    sandbox = XeroSandbox(limits=Limits(per_day=3))
    sandbox.start()
    try:
        side = XeroSide.build(sandbox, str(tmp_path / "home"), f"sqlite:///{tmp_path / 'b.db'}")
        side.connect()
        client = side.clients.for_connection("demo")
        for _ in range(3):
            client.get("Contacts")
        with pytest.raises(RateLimited) as raised:
            client.get("Contacts")  # Xero's 429 "day" with Retry-After until the reset
        assert raised.value.retry_after > 60
        state = side.governor.state(sandbox.tenants[0].tenant_id)
        assert state["last_problem"] == "day" and state["blocked_for_s"] > 60
        calls = client.calls
        with pytest.raises(RateLimited):
            client.get("Contacts")
        assert client.calls == calls  # parked: not even sent
    finally:
        sandbox.stop()
