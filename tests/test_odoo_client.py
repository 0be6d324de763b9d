"""The Odoo client against the Odoo sandbox over real HTTP, for each version and protocol."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bridge.config import OdooSettings
from bridge.errors import NotYetVisible, PermanentError, TransientError
from bridge.odoo.client import OdooClient
from bridge.odoo.transports import AuthenticationFailed
from sandboxes.odoo import OdooSandbox

PROTOCOLS_BY_VERSION = [
    (16, "jsonrpc"),
    (16, "xmlrpc"),
    (17, "jsonrpc"),
    (17, "xmlrpc"),
    (18, "jsonrpc"),
    (19, "json2"),
    (19, "xmlrpc"),
]


@pytest.fixture(params=PROTOCOLS_BY_VERSION, ids=lambda p: f"odoo{p[0]}-{p[1]}")
def odoo(request):
    version, protocol = request.param
    sb = OdooSandbox(version=version)
    sb.start()
    settings = OdooSettings(
        url=sb.url, db=sb.db_name, username=sb.bridge_login, api_key=sb.bridge_api_key, protocol=protocol
    )
    yield sb, OdooClient.connect(settings)
    sb.stop()


def test_the_client_reads_the_version_and_logs_in(odoo):
    sb, client = odoo
    assert client.version == sb.version
    assert client.uid == sb.bridge_uid


def test_auto_picks_json2_on_19_and_jsonrpc_before():
    for version, expected in ((17, "jsonrpc"), (19, "json2")):
        sb = OdooSandbox(version=version)
        sb.start()
        try:
            settings = OdooSettings(
                url=sb.url, db=sb.db_name, username=sb.bridge_login, api_key=sb.bridge_api_key
            )
            assert OdooClient.connect(settings).transport.name == expected
        finally:
            sb.stop()


def test_a_wrong_key_is_an_authentication_error_that_names_no_secret(odoo):
    sb, client = odoo
    settings = OdooSettings(
        url=sb.url,
        db=sb.db_name,
        username=sb.bridge_login,
        api_key="wrong-key-123456",
        protocol=client.transport.name,
    )
    with pytest.raises(AuthenticationFailed) as raised:
        OdooClient.connect(settings)
    assert "wrong-key-123456" not in str(raised.value)


def test_create_read_write_and_search_read(odoo):
    sb, client = odoo
    (partner,) = client.create(
        "res.partner", [{"name": "Acme Ltd", "email": "ap@acme.test", "is_company": True}], xmlids=["acme"]
    )
    client.write("res.partner", [partner], {"phone": "+64 9 555 0100"})
    (row,) = client.read("res.partner", [partner], ["name", "phone", "write_date"])
    assert (row["name"], row["phone"]) == ("Acme Ltd", "+64 9 555 0100")
    found = client.search_read("res.partner", [("email", "=", "ap@acme.test")], ["name"], limit=5)
    assert [r["id"] for r in found] == [partner]


def test_a_record_not_yet_visible_is_a_transient_error(odoo):
    _, client = odoo
    with pytest.raises(NotYetVisible):
        client.read_one("res.partner", 999_999, ["name"], expect=True)
    assert client.read_one("res.partner", 999_999, ["name"]) is None


def test_a_business_error_is_permanent_with_odoos_message(odoo):
    sb, client = odoo
    partner = client.create("res.partner", [{"name": "Posted Customer"}], xmlids=["posted"])[0]
    line = {"name": "Work", "quantity": 1, "price_unit": 100}
    move = sb.env("bridge").create(  # an invoice with its lines in one call: the sandbox's ORM directly
        "account.move",
        [{"move_type": "out_invoice", "partner_id": partner, "invoice_line_ids": [(0, 0, line)]}],
    )[0]
    client.call("account.move", "action_post", ids=[move])
    with pytest.raises(PermanentError) as raised:  # Odoo 17 account_move.py _post: "must be in draft"
        client.call("account.move", "action_post", ids=[move])
    assert raised.value.note.startswith("Odoo")
    assert "must be in draft" in raised.value.note


def test_serialization_failures_are_retried_until_the_call_goes_through(odoo):
    sb, client = odoo
    sb.faults.serialization_failures(calls=2)
    (partner,) = client.create("res.partner", [{"name": "Retried Ltd"}], xmlids=["retried"])
    assert partner
    assert client.search("res.partner", [("name", "=", "Retried Ltd")]) == [partner]


def test_an_outage_that_outlasts_the_retries_is_transient(odoo):
    sb, client = odoo
    sb.faults.http_errors(status=502, count=10)
    client.attempts = 2
    with pytest.raises(TransientError):
        client.search("res.partner", [])


def test_acting_in_a_company_sets_the_company_of_new_records(odoo):
    sb, client = odoo
    second = sb.company_ids[1]
    (partner,) = client.in_company(second).create(
        "res.partner", [{"name": "Second Co Customer", "company_id": second}], xmlids=["second_co"]
    )
    (row,) = client.in_company(second).read("res.partner", [partner], ["company_id"])
    company = row["company_id"]
    assert (company[0] if isinstance(company, list) else company) == second


def test_streaming_reads_one_page_at_a_time_in_write_date_order(odoo):
    _, client = odoo
    client.create(
        "res.partner",
        [{"name": f"Streamed {i:03d}"} for i in range(45)],
        xmlids=[f"streamed_{i}" for i in range(45)],
    )
    calls = client.calls
    stream = client.stream("res.partner", [("name", "like", "Streamed")], ["name"], page_size=20)
    next(stream)
    assert client.calls == calls + 1
    assert 1 + sum(1 for _ in stream) == 45


def test_a_method_returning_nothing_over_xmlrpc_is_taken_as_done(odoo):
    sb, client = odoo
    partner = client.create("res.partner", [{"name": "Invoice Customer"}], xmlids=["invoiced"])[0]
    move = sb.env("bridge").create(  # an invoice with its lines in one call: the sandbox's ORM directly
        "account.move",
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner,
                "invoice_line_ids": [(0, 0, {"name": "Work", "quantity": 1, "price_unit": 100})],
            }
        ],
    )[0]
    client.call("account.move", "action_post", ids=[move])
    assert client.call("account.move", "button_draft", ids=[move]) is None  # XML-RPC: "cannot marshal None"
    assert client.read("account.move", [move], ["state"])[0]["state"] == "draft"


@pytest.fixture(params=[16, 17, 18, 19], ids=lambda v: f"odoo{v}")
def any_version(request):
    sb = OdooSandbox(version=request.param)
    sb.start()
    settings = OdooSettings(url=sb.url, db=sb.db_name, username=sb.login, api_key=sb.api_key)
    yield sb, OdooClient.connect(settings)
    sb.stop()


def test_the_partner_fields_of_each_version_can_all_be_read(any_version):
    _, client = any_version
    partner = client.create(
        "res.partner",
        [client.adapter.partner_values({"name": "Adapted", "mobile": "+64 21 555 0100"})],
        xmlids=["adapted"],
    )[0]
    (row,) = client.read("res.partner", [partner], client.adapter.partner_fields())
    assert row["name"] == "Adapted"
    if client.version >= 19:  # no mobile field: the number is kept in phone
        assert "mobile" not in row and row["phone"] == "+64 21 555 0100"
    else:
        assert row["mobile"] == "+64 21 555 0100"


@pytest.mark.parametrize("kind", ["service", "consumable", "storable"])
def test_a_product_of_each_kind_is_created_in_each_versions_terms(any_version, kind):
    _, client = any_version
    (product,) = client.create(
        "product.template",
        [{"name": f"Product {kind}"} | client.adapter.product_type_values(kind)],
        xmlids=[f"product_{kind}"],
    )
    fields = ["type", "is_storable"] if client.version >= 18 else ["type", "detailed_type"]
    (row,) = client.read("product.template", [product], fields)
    expected = client.adapter.product_type_values(kind)
    assert {k: row[k] for k in expected} == expected


def test_a_tax_included_in_price_is_written_in_each_versions_terms(any_version):
    _, client = any_version
    values = {"name": "GST on Income 15%", "amount": 15.0, "amount_type": "percent", "type_tax_use": "sale"}
    (tax,) = client.create(
        "account.tax", [values | client.adapter.tax_included_values(True)], xmlids=["gst_included"]
    )
    (row,) = client.read("account.tax", [tax], ["price_include"])
    assert row["price_include"] is True


def test_an_account_is_archived_in_each_versions_terms(any_version):
    sb, client = any_version
    field, archived = client.adapter.account_archived_field()
    values = {
        "name": "Sales Adapted",
        "code": "200900",
        "account_type": "income",
    } | client.adapter.account_company_values(sb.company_ids[0])
    (account,) = client.create("account.account", [values], xmlids=["sales_adapted"])
    client.write("account.account", [account], {field: archived})
    (row,) = client.with_archived().read("account.account", [account], [field])
    assert row[field] is archived


def lose_the_answer_to_the_next_write(sb, client) -> list[str]:
    """The next create/load/write is committed by the sandbox and its answer dropped (a lost response),
    then retried by the client. Returns the methods sent from then on, to show the loss happened."""
    transport, original = client.transport, client.transport.call
    sent: list[str] = []

    def call(model, method, *rest):
        if method in ("create", "load", "write") and not sent:
            sb.faults.drop_connections(count=1, after_commit=True)
        if sent or method in ("create", "load", "write"):
            sent.append(method)
        return original(model, method, *rest)

    transport.call = call
    return sent


def test_a_create_whose_answer_is_lost_after_the_commit_and_retried_makes_one_record(odoo):
    sb, client = odoo
    sent = lose_the_answer_to_the_next_write(sb, client)
    (partner,) = client.create(
        "res.partner", [{"name": "Lost Answer Ltd", "is_company": True}], xmlids=["contact_person_lost"]
    )
    assert len(sent) >= 2 and sent[0] == sent[1]  # the write was sent, its answer lost, and sent again
    assert client.search("res.partner", [("name", "=", "Lost Answer Ltd")]) == [partner]
    assert client.xmlid_lookup("res.partner", "contact_person_lost") == partner


def test_a_create_redone_from_the_start_returns_what_the_first_one_made(odoo):
    _, client = odoo
    vals = [{"name": "Again Ltd"}, {"name": "Again Two Ltd"}]
    first = client.create("res.partner", vals, xmlids=["again_1", "again_2"])
    again = client.create("res.partner", vals, xmlids=["again_1", "again_2"])
    assert again == first
    assert sorted(client.search("res.partner", [("name", "like", "Again")])) == sorted(first)


def test_a_create_makes_only_the_records_whose_external_ids_are_new_and_keeps_the_order(odoo):
    _, client = odoo
    (existing,) = client.create("res.partner", [{"name": "Already Ltd"}], xmlids=["already"])
    ids = client.create(
        "res.partner",
        [{"name": "New One Ltd", "email": "one@new.test"}, {"name": "Already Ltd"}, {"name": "New Two Ltd"}],
        xmlids=["new_one", "already", "new_two"],
    )
    assert ids[1] == existing and len(set(ids)) == 3
    rows = {r["id"]: r for r in client.read("res.partner", ids, ["name", "email"])}
    assert [rows[i]["name"] for i in ids] == ["New One Ltd", "Already Ltd", "New Two Ltd"]
    assert rows[ids[0]]["email"] == "one@new.test" and not rows[ids[2]]["email"]
    assert client.search("res.partner", [("name", "=", "Already Ltd")]) == [existing]


def test_a_create_needs_one_valid_external_id_per_record(odoo):
    _, client = odoo
    with pytest.raises(ValueError, match="2 records but 1 external ids"):
        client.create("res.partner", [{"name": "A"}, {"name": "B"}], xmlids=["only_one"])
    with pytest.raises(ValueError, match="twice"):
        client.create("res.partner", [{"name": "A"}, {"name": "B"}], xmlids=["same", "same"])
    with pytest.raises(ValueError, match="not an external id name"):
        client.create("res.partner", [{"name": "A"}], xmlids=["has.dot"])
    assert client.search("res.partner", [("name", "in", ["A", "B"])]) == []


def test_a_create_refuses_lines_to_create_inside_a_record(odoo):
    _, client = odoo
    (partner,) = client.create("res.partner", [{"name": "Lines Customer"}], xmlids=["lines_customer"])
    line = {"name": "Work", "quantity": 1, "price_unit": 100}
    with pytest.raises(ValueError, match="own external id"):
        client.create(
            "account.move",
            [{"move_type": "out_invoice", "partner_id": partner, "invoice_line_ids": [(0, 0, line)]}],
            xmlids=["invoice_with_lines"],
        )


def test_xmlid_names_carry_only_safe_characters_and_keep_distinct_keys_distinct():
    from bridge.odoo.client import xmlid_name

    uuid = "0f6a2c1e-5a7b-4c3d-9e8f-112233445566"
    assert xmlid_name("contact", uuid) == f"contact_{uuid}"  # names already in Odoo stay the same
    dotted, underscored = (
        xmlid_name("contact_person", 7, "a.b@x.test"),
        xmlid_name("contact_person", 7, "a_b@x.test"),
    )
    assert dotted != underscored
    assert all(c.isalnum() or c in "_-" for c in dotted + underscored)
    assert xmlid_name("contact_person", 7, "a.b@x.test") == dotted  # stable


def test_a_create_retried_after_a_lost_load_in_an_upsert_makes_one_record(odoo):
    sb, client = odoo
    sent = lose_the_answer_to_the_next_write(sb, client)
    partner, created = client.upsert(
        "res.partner", "contact_0f6a2c1e", {"name": "Lost Answer Ltd", "is_company": True}
    )
    assert created
    assert sent[:2] == ["load", "load"]
    assert client.search("res.partner", [("name", "=", "Lost Answer Ltd")]) == [partner]
    assert client.xmlid_lookup("res.partner", "contact_0f6a2c1e") == partner


def test_an_upsert_by_external_id_updates_the_record_it_made(odoo):
    _, client = odoo
    first, created = client.upsert(
        "res.partner", "contact_abc", {"name": "Upserted", "email": "u@example.com"}
    )
    again, created_again = client.upsert("res.partner", "contact_abc", {"name": "Upserted Ltd"})
    assert (created, created_again, again) == (True, False, first)
    assert client.read("res.partner", [first], ["name", "email"])[0] == {
        "id": first,
        "name": "Upserted Ltd",
        "email": "u@example.com",
    }


def test_a_float_field_is_read_back_as_the_decimal_written_on_every_transport(odoo):
    _, client = odoo
    (product,) = client.create(
        "product.template", [{"name": "Priced", "list_price": Decimal("7.35")}], xmlids=["priced"]
    )
    (row,) = client.read("product.template", [product], ["name", "list_price"])
    assert isinstance(row["list_price"], Decimal) and row["list_price"] == Decimal("7.35")
    client.write("product.template", [product], {"list_price": Decimal("19.99")})
    (row,) = client.search_read("product.template", [("id", "=", product)], ["list_price"])
    assert isinstance(row["list_price"], Decimal) and str(row["list_price"]) == "19.99"
    assert client.read_one("product.template", product, ["list_price"])["list_price"] == Decimal("19.99")


def test_a_monetary_field_is_read_back_as_a_decimal(odoo):
    sb, client = odoo
    (partner,) = client.create("res.partner", [{"name": "Monetary Customer"}], xmlids=["monetary"])
    line = {"name": "Work", "quantity": 3, "price_unit": 33.33}
    move = sb.env("bridge").create(
        "account.move",
        [{"move_type": "out_invoice", "partner_id": partner, "invoice_line_ids": [(0, 0, line)]}],
    )[0]
    types = client.fields_of("account.move")
    assert types["amount_untaxed"]["type"] == "monetary"
    (row,) = client.read("account.move", [move], ["amount_untaxed", "partner_id"])
    assert row["amount_untaxed"] == Decimal("99.99") and isinstance(row["amount_untaxed"], Decimal)
