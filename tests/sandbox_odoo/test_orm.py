"""ORM behaviour over XML-RPC: domains, paging, timestamps, x2many commands, companies (odoo-facts §1.7, §4)."""

from __future__ import annotations

import datetime as dt
import re
import threading
import xmlrpc.client

import pytest

from .conftest import JsonRpc, XmlRpc


@pytest.fixture
def partners(admin_xml):
    names = [
        ("Alpha Ltd", "alpha@x.com", "AU", True, 5),
        ("beta pty", "beta@y.com", "NZ", False, 0),
        ("Gamma", False, "AU", True, 2),
        ("Delta", "delta@x.com", "US", False, 1),
    ]
    ids = {}
    for name, email, country, is_company, rank in names:
        cid = admin_xml("res.country", "search", [("code", "=", country)])[0]
        ids[name] = admin_xml(
            "res.partner",
            "create",
            {
                "name": name,
                "email": email,
                "country_id": cid,
                "is_company": is_company,
                "customer_rank": rank,
            },
        )
    return ids


def _names(admin_xml, domain, **kw):
    return sorted(r["name"] for r in admin_xml("res.partner", "search_read", domain, ["name"], **kw))


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ([("name", "=", "Gamma")], ["Gamma"]),
        ([("name", "!=", "Gamma"), ("customer_rank", ">", 0)], ["Alpha Ltd", "Delta"]),
        ([("customer_rank", "in", [0, 1])], ["Delta", "beta pty"]),
        ([("customer_rank", "not in", [0, 1]), ("customer_rank", "<=", 5)], ["Alpha Ltd", "Gamma"]),
        ([("customer_rank", ">=", 2), ("customer_rank", "<", 5)], ["Gamma"]),
        ([("email", "like", "@x.com")], ["Alpha Ltd", "Delta"]),
        ([("name", "like", "beta")], ["beta pty"]),
        ([("name", "like", "BETA")], []),
        ([("name", "ilike", "BETA")], ["beta pty"]),
        ([("name", "=ilike", "ALPHA%")], ["Alpha Ltd"]),
        ([("name", "=like", "G_mma")], ["Gamma"]),
        ([("email", "=", False), ("customer_rank", "=", 2)], ["Gamma"]),
        (["|", ("name", "=", "Gamma"), ("name", "=", "Delta")], ["Delta", "Gamma"]),
        (
            ["!", ("is_company", "=", True), ("customer_rank", "<", 10), ("email", "!=", False)],
            ["Delta", "beta pty"],
        ),
        (
            ["&", ("is_company", "=", True), "|", ("email", "ilike", "alpha"), ("email", "=", False)],
            ["Alpha Ltd", "Gamma"],
        ),
        ([("country_id.code", "=", "AU")], ["Alpha Ltd", "Gamma"]),
        ([("country_id", "=", "New Zealand")], ["beta pty"]),
    ],
)
def test_domain_operators(admin_xml, partners, domain, expected):
    ids = list(partners.values())
    assert _names(admin_xml, [("id", "in", ids), *domain]) == expected


def test_invalid_field_in_domain_is_a_value_error(admin_xml):
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.partner", "search", [("nope", "=", 1)])
    assert err.value.faultCode == 1 and "Invalid field res.partner.nope" in err.value.faultString


def test_invalid_operator_is_refused(admin_xml):
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.partner", "search", [("name", "~", "x")])
    assert "Invalid leaf" in err.value.faultString


def test_child_of_follows_parent_id(admin_xml):
    parent = admin_xml("res.partner", "create", {"name": "Parent Co", "is_company": True})
    child = admin_xml("res.partner", "create", {"name": "Kid", "parent_id": parent})
    grandchild = admin_xml("res.partner", "create", {"name": "Grandkid", "parent_id": child})
    assert sorted(admin_xml("res.partner", "search", [("id", "child_of", parent)])) == [
        parent,
        child,
        grandchild,
    ]
    assert admin_xml("res.partner", "read", [child], ["display_name"])[0]["display_name"] == "Parent Co, Kid"


def test_order_limit_offset_page_stably(admin_xml, partners):
    ids = list(partners.values())
    page1 = admin_xml(
        "res.partner", "search", [("id", "in", ids)], order="customer_rank desc, id asc", limit=2
    )
    page2 = admin_xml(
        "res.partner", "search", [("id", "in", ids)], order="customer_rank desc, id asc", limit=2, offset=2
    )
    assert page1 == [partners["Alpha Ltd"], partners["Gamma"]]
    assert page2 == [partners["Delta"], partners["beta pty"]]
    assert admin_xml("res.partner", "search_count", [("id", "in", ids)]) == 4


def test_unknown_order_field_is_refused(admin_xml):
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.partner", "search", [], order="nope desc")
    assert "Invalid field 'nope'" in err.value.faultString


def test_archived_records_need_active_test_false(admin_xml):
    pid = admin_xml("res.partner", "create", {"name": "Sleeping", "active": False})
    assert admin_xml("res.partner", "search", [("name", "=", "Sleeping")]) == []
    assert admin_xml(
        "res.partner", "search", [("name", "=", "Sleeping")], context={"active_test": False}
    ) == [pid]
    assert admin_xml("res.partner", "search", [("name", "=", "Sleeping"), ("active", "=", False)]) == [pid]


def test_read_many2one_as_pair_or_bare_id_with_load_none(admin_xml, sb):
    au = admin_xml("res.country", "search", [("code", "=", "AU")])[0]
    pid = admin_xml("res.partner", "create", {"name": "Load", "country_id": au})
    assert admin_xml("res.partner", "read", [pid], ["country_id"])[0]["country_id"] == [au, "Australia"]
    assert admin_xml("res.partner", "read", [pid], ["country_id"], load=False)[0]["country_id"] == au
    assert sb.env().read("res.partner", pid, ["country_id"], load=None)[0]["country_id"] == au


def test_read_unknown_field_is_refused(admin_xml):
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.partner", "read", [1], ["nope"])
    assert "Invalid field 'nope' on model 'res.partner'" in err.value.faultString


def test_write_date_is_naive_utc_transaction_start_and_write_uid_is_the_writer(sb, admin_xml):
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    pid = admin_xml("res.partner", "create", {"name": "Stamp"})
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    bridge = XmlRpc(sb, sb.bridge_login, sb.bridge_password)
    bridge("res.partner", "write", [pid], {"phone": "1"})
    row = admin_xml(
        "res.partner", "read", [pid], ["create_date", "write_date", "create_uid", "write_uid"], load=False
    )[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["create_date"])
    created = dt.datetime.strptime(row["create_date"], "%Y-%m-%d %H:%M:%S")
    assert before <= created <= after
    assert row["write_date"] >= row["create_date"]
    assert (row["create_uid"], row["write_uid"]) == (sb.uid, sb.bridge_uid)


def test_all_records_of_one_call_share_the_transaction_timestamp(sb):
    with sb.transaction("admin") as env:
        a = env.create("res.partner", [{"name": "T1"}])[0]
        b = env.create("res.partner", [{"name": "T2"}])[0]
        env.write("res.partner", [a], {"phone": "x"})
    rows = sb.env().read("res.partner", [a, b], ["write_date"])
    assert rows[0]["write_date"] == rows[1]["write_date"]


def test_write_date_filter_with_string_watermark(admin_xml):
    pid = admin_xml("res.partner", "create", {"name": "Watermark"})
    stamp = admin_xml("res.partner", "read", [pid], ["write_date"])[0]["write_date"]
    assert pid in admin_xml("res.partner", "search", [("write_date", ">=", stamp)])
    assert pid not in admin_xml("res.partner", "search", [("write_date", ">", "2999-01-01 00:00:00")])


def test_required_field_missing_is_a_validation_error(admin_xml):
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.partner.bank", "create", {"partner_id": 1})
    assert err.value.faultCode == 2 and "acc_number" in err.value.faultString


def test_wrong_selection_value_is_refused(admin_xml):
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.partner", "create", {"name": "S", "type": "weird"})
    assert "Wrong value for res.partner.type: 'weird'" in err.value.faultString


def test_many2one_to_a_missing_record_is_refused(admin_xml):
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.partner", "create", {"name": "S", "country_id": 99999})
    assert err.value.faultCode == 2


FK_17 = (
    "The operation cannot be completed: another model requires the record being deleted. If possible, archive "
    "it instead.\n\nModel: Contact (res.partner)\nConstraint: res_partner_country_id_fkey\n"
)
FK_19 = (
    "The operation cannot be completed: Another model is using the record you are trying to delete.\n\n"
    "The troublemaker is: 'Contact' (res.partner)\nThanks to the following constraint: 'Country' (country_id)\n"
    "How about archiving the record instead?"
)


@pytest.mark.parametrize(("version", "message"), [(16, FK_17), (17, FK_17), (18, FK_17), (19, FK_19)])
def test_a_missing_many2one_target_is_the_foreign_key_validation_error(make_sandbox, version, message):
    """The INSERT hits res_partner_country_id_fkey; PostgreSQL names the referencing table, and the RPC
    layer words it: 16–18 odoo/service/model.py _as_validation_error (16.0 build of 2023-03,
    Martel-IT/odoo-16-core; the one-line "Model: …, Constraint: …" is 15.0's check()), 19
    odoo/orm/models.py _sql_error_to_message_generic (test_rpc/tests/test_error.py test_02_delete)."""
    rpc = JsonRpc(make_sandbox(version), "admin", "admin")
    error = rpc.call_raw("res.partner", "create", {"name": "S", "country_id": 99999})["error"]["data"]
    assert (error["name"], error["message"]) == ("odoo.exceptions.ValidationError", message)


def test_deleting_a_restricted_target_names_the_referencing_model(sb, admin_xml):
    be = admin_xml("res.country", "search", [("code", "=", "BE")])[0]  # no states refer to it
    admin_xml("res.partner", "create", {"name": "Uses BE", "country_id": be})
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.country", "unlink", [be])
    assert err.value.faultString == FK_17


NOT_NULL_16_18 = (
    "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another "
    "model requires the record being deleted. If possible, archive it instead.\n\n"
    "Model: Bank Accounts (res.partner.bank)\nField: Account Number (acc_number)\n"
)
NOT_NULL_19 = (
    "The operation cannot be completed: Missing required value for the field 'Account Number' (acc_number).\n"
    "Model: 'Bank Accounts' (res.partner.bank)\n- create/update: a mandatory field is not set\n"
    "- delete: another model requires the record being deleted, you can archive it instead\n"
)


@pytest.mark.parametrize(
    ("version", "message"),
    [(16, NOT_NULL_16_18), (17, NOT_NULL_16_18), (18, NOT_NULL_16_18), (19, NOT_NULL_19)],
)
def test_a_missing_mandatory_value_names_model_and_field(make_sandbox, version, message):
    """16–18 odoo/service/model.py _as_validation_error (two lines, also on the 16.0 build of 2023-03);
    19 odoo/orm/models.py _sql_error_to_message_generic, prefixed in odoo/service/model.py retrying
    (test_rpc/tests/test_error.py test_01_create)."""
    rpc = XmlRpc(make_sandbox(version), "admin", "admin")
    with pytest.raises(xmlrpc.client.Fault) as err:
        rpc("res.partner.bank", "create", {"partner_id": 1})
    assert err.value.faultString == message


def test_a_failing_call_commits_nothing(admin_xml):
    with pytest.raises(xmlrpc.client.Fault):
        admin_xml("res.partner", "create", [{"name": "Kept?"}, {"name": "Bad", "type": "weird"}])
    assert admin_xml("res.partner", "search", [("name", "=", "Kept?")]) == []


@pytest.fixture
def tagged(admin_xml):
    """A partner with tags t1, t2 (many2many) and two children (one2many); t3 unused."""
    t1, t2, t3 = (admin_xml("res.partner.category", "create", {"name": n}) for n in ("t1", "t2", "t3"))
    pid = admin_xml(
        "res.partner",
        "create",
        {
            "name": "Cmd",
            "category_id": [(6, 0, [t1, t2])],
            "child_ids": [(0, 0, {"name": "c1"}), (0, 0, {"name": "c2"})],
        },
    )
    children = sorted(admin_xml("res.partner", "read", [pid], ["child_ids"])[0]["child_ids"])
    return pid, (t1, t2, t3), children


def _rel(admin_xml, pid, field):
    return sorted(admin_xml("res.partner", "read", [pid], [field])[0][field])


def test_x2many_create_and_replace_on_create(admin_xml, tagged):
    pid, (t1, t2, _), children = tagged
    assert _rel(admin_xml, pid, "category_id") == [t1, t2]
    assert [r["name"] for r in admin_xml("res.partner", "read", children, ["name"])] == ["c1", "c2"]


def test_x2many_update_command_1(admin_xml, tagged):
    pid, _, (c1, _) = tagged
    admin_xml("res.partner", "write", [pid], {"child_ids": [(1, c1, {"name": "c1b"})]})
    assert admin_xml("res.partner", "read", [c1], ["name"])[0]["name"] == "c1b"


def test_x2many_delete_command_2_deletes_the_record(admin_xml, tagged):
    pid, _, (c1, c2) = tagged
    admin_xml("res.partner", "write", [pid], {"child_ids": [(2, c2)]})
    assert _rel(admin_xml, pid, "child_ids") == [c1]
    assert admin_xml("res.partner", "search", [("id", "=", c2)], context={"active_test": False}) == []


def test_x2many_unlink_command_3_keeps_the_record(admin_xml, tagged):
    pid, (t1, t2, _), (c1, c2) = tagged
    admin_xml("res.partner", "write", [pid], {"category_id": [(3, t1)], "child_ids": [(3, c1)]})
    assert _rel(admin_xml, pid, "category_id") == [t2] and _rel(admin_xml, pid, "child_ids") == [c2]
    assert admin_xml("res.partner", "read", [c1], ["parent_id"])[0]["parent_id"] is False
    assert admin_xml("res.partner.category", "search", [("id", "=", t1)]) == [t1]


def test_x2many_link_command_4(admin_xml, tagged):
    pid, (t1, t2, t3), _ = tagged
    orphan = admin_xml("res.partner", "create", {"name": "orphan"})
    admin_xml("res.partner", "write", [pid], {"category_id": [(4, t3)], "child_ids": [(4, orphan)]})
    assert _rel(admin_xml, pid, "category_id") == [t1, t2, t3]
    assert orphan in _rel(admin_xml, pid, "child_ids")


def test_x2many_clear_command_5(admin_xml, tagged):
    pid, _, _ = tagged
    admin_xml("res.partner", "write", [pid], {"category_id": [(5,)], "child_ids": [(5,)]})
    assert _rel(admin_xml, pid, "category_id") == [] and _rel(admin_xml, pid, "child_ids") == []


def test_x2many_set_command_6_and_plain_id_list(admin_xml, tagged):
    pid, (_, _, t3), _ = tagged
    admin_xml("res.partner", "write", [pid], {"category_id": [(6, 0, [t3])]})
    assert _rel(admin_xml, pid, "category_id") == [t3]
    admin_xml("res.partner", "write", [pid], {"category_id": [(5,)]})
    admin_xml("res.partner", "write", [pid], {"category_id": [t3]})
    assert _rel(admin_xml, pid, "category_id") == [t3]


def test_x2many_link_to_a_missing_record_is_refused(admin_xml, tagged):
    pid, _, _ = tagged
    with pytest.raises(xmlrpc.client.Fault):
        admin_xml("res.partner", "write", [pid], {"category_id": [(4, 99999)]})


def test_invalid_x2many_command_is_refused(admin_xml):
    with pytest.raises(xmlrpc.client.Fault):
        admin_xml("res.partner", "create", {"name": "X", "category_id": [(9, 0, 0)]})


def test_unlink_missing_ids_is_silent_but_write_raises_missing_error(admin_xml):
    assert admin_xml("res.partner", "unlink", [99999]) is True
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.partner", "write", [99999], {"name": "x"})
    assert err.value.faultCode == 2 and "does not exist" in err.value.faultString


def test_restricted_delete_is_refused(admin_xml):
    au = admin_xml("res.country", "search", [("code", "=", "AU")])[0]
    admin_xml("res.partner", "create", {"name": "Uses AU", "country_id": au})
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.country", "unlink", [au])
    assert err.value.faultCode in (2, 4)


def test_company_isolation_with_allowed_company_ids(sb, admin_xml):
    c1, c2 = sb.company_ids
    p1 = admin_xml("res.partner", "create", {"name": "Only C1", "company_id": c1})
    p2 = admin_xml("res.partner", "create", {"name": "Only C2", "company_id": c2})
    shared = admin_xml("res.partner", "create", {"name": "Shared"})
    ids = [p1, p2, shared]
    in_c2 = admin_xml("res.partner", "search", [("id", "in", ids)], context={"allowed_company_ids": [c2]})
    assert sorted(in_c2) == sorted([p2, shared])
    both = admin_xml("res.partner", "search", [("id", "in", ids)], context={"allowed_company_ids": [c1, c2]})
    assert sorted(both) == sorted(ids)
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.partner", "read", [p1], ["name"], context={"allowed_company_ids": [c2]})
    assert err.value.faultCode == 4


def test_first_allowed_company_is_env_company_for_defaults(sb, admin_xml):
    c1, c2 = sb.company_ids
    att = admin_xml(
        "ir.attachment",
        "create",
        {"name": "a.txt", "datas": "aGVsbG8="},
        context={"allowed_company_ids": [c2, c1]},
    )
    assert admin_xml("ir.attachment", "read", [att], ["company_id"], load=False)[0]["company_id"] == c2


def test_unauthorized_company_in_context_is_access_error(sb):
    demo = XmlRpc(sb, "demo", "demo")  # demo belongs to the first company only
    with pytest.raises(xmlrpc.client.Fault) as err:
        demo("res.partner", "search", [], context={"allowed_company_ids": [sb.company_ids[1]]})
    assert err.value.faultCode == 4 and "unauthorized or invalid companies" in err.value.faultString


def test_creating_a_record_in_a_company_outside_the_context_is_refused(sb, admin_xml):
    c1, c2 = sb.company_ids
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml(
            "res.partner",
            "create",
            {"name": "Wrong", "company_id": c2},
            context={"allowed_company_ids": [c1]},
        )
    assert err.value.faultCode == 4


def test_a_second_writer_waits_for_the_row_lock_then_retries(sb):
    """PostgreSQL row locks: the second UPDATE blocks until the first transaction commits, then fails
    with a serialization error that Odoo's retry loop absorbs (§1.6)."""
    pid = sb.env().create("res.partner", {"name": "Race"})
    second: list = []
    with sb.transaction("admin") as env:
        env.write("res.partner", [pid], {"phone": "first"})
        worker = threading.Thread(
            target=lambda: second.append(sb.env("bridge").write("res.partner", pid, {"phone": "second"}))
        )
        worker.start()
        worker.join(0.3)
        assert worker.is_alive()  # blocked on the row lock
        assert sb.env().read("res.partner", pid, ["phone"])[0]["phone"] is False
    worker.join(5)
    assert second == [True]
    assert sb.env().read("res.partner", pid, ["phone", "write_uid"], load=None)[0] == {
        "id": pid,
        "phone": "second",
        "write_uid": sb.bridge_uid,
    }


def test_a_write_in_the_same_thread_on_a_locked_row_is_a_deadlock(sb):
    pid = sb.env().create("res.partner", {"name": "Self"})
    with pytest.raises(Exception) as err, sb.transaction("admin") as env:
        env.write("res.partner", [pid], {"phone": "first"})
        sb.env("bridge").write("res.partner", pid, {"phone": "second"})
    assert type(err.value).__name__ == "LockNotAvailable"


def test_a_concurrent_commit_after_our_snapshot_is_a_serialization_failure(sb):
    pid = sb.env().create("res.partner", {"name": "Stale"})
    with pytest.raises(Exception) as err, sb.transaction("admin") as env:
        env.read("res.partner", [pid], ["name"])
        sb.env("bridge").write("res.partner", pid, {"phone": "meanwhile"})  # commits after our snapshot
        env.write("res.partner", [pid], {"phone": "stale"})
    assert type(err.value).__name__ == "SerializationFailure"
    assert sb.env().read("res.partner", pid, ["phone"])[0]["phone"] == "meanwhile"


def test_snapshot_isolation_hides_uncommitted_rows_from_other_callers(sb):
    with sb.transaction("admin") as env:
        pid = env.create("res.partner", [{"name": "Invisible"}])[0]
        assert sb.env("bridge").search("res.partner", [("id", "=", pid)]) == []
    assert sb.env("bridge").search("res.partner", [("id", "=", pid)]) == [pid]


def test_attachment_datas_is_base64_with_size_and_mimetype(admin_xml):
    att = admin_xml(
        "ir.attachment",
        "create",
        {"name": "note.txt", "datas": "aGVsbG8=", "res_model": "res.partner", "res_id": 3},
    )
    row = admin_xml("ir.attachment", "read", [att], ["file_size", "mimetype", "datas"])[0]
    assert (row["file_size"], row["mimetype"], row["datas"]) == (5, "text/plain", "aGVsbG8=")
    with pytest.raises(xmlrpc.client.Fault):
        admin_xml("ir.attachment", "create", {"name": "bad.bin", "datas": "***not base64***"})


def test_contacts_require_a_name_but_addresses_do_not(admin_xml):
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.partner", "create", {"email": "noname@x"})
    assert "Contacts require a name" in err.value.faultString
    parent = admin_xml("res.partner", "create", {"name": "HQ", "is_company": True})
    assert admin_xml("res.partner", "create", {"type": "invoice", "parent_id": parent})


def test_editing_an_order_line_bumps_the_order_write_date(sb):
    with sb.transaction("admin") as env:
        product = env.create("product.product", [{"name": "Widget"}])[0]
        line = {"product_id": product, "price_unit": 1, "tax_id": [(6, 0, [])]}
        order = env.create("sale.order", [{"partner_id": 3, "order_line": [(0, 0, line)]}])[0]
    line = sb.env().read("sale.order", order, ["order_line"])[0]["order_line"][0]
    before = sb.env().read("sale.order", order, ["write_date", "write_uid"], load=None)[0]
    sb.env("bridge").write("sale.order.line", line, {"price_unit": 2})
    after = sb.env().read("sale.order", order, ["write_date", "write_uid", "amount_total"], load=None)[0]
    assert after["write_date"] > before["write_date"] and after["write_uid"] == sb.bridge_uid
    assert after["amount_total"] == 2.0


def test_group_restricted_field_is_refused_to_other_users(sb, admin_xml):
    demo = XmlRpc(sb, "demo", "demo")
    pid = admin_xml("res.partner", "create", {"name": "Credit", "credit_limit": 500})
    assert "credit_limit" not in demo("res.partner", "read", [pid])[0]
    for call in (
        lambda: demo("res.partner", "read", [pid], ["credit_limit"]),
        lambda: demo("res.partner", "write", [pid], {"credit_limit": 1}),
    ):
        with pytest.raises(xmlrpc.client.Fault) as err:
            call()
        assert err.value.faultCode == 4
    assert admin_xml("res.partner", "read", [pid], ["credit_limit"])[0]["credit_limit"] == 500


def test_company_dependent_fields_hold_one_value_per_company(sb, admin_xml):
    c1, c2 = sb.company_ids
    term_30 = admin_xml("account.payment.term", "search", [("name", "=", "30 Days")])[0]
    pid = admin_xml("res.partner", "create", {"name": "Per company"}, context={"allowed_company_ids": [c1]})
    admin_xml(
        "res.partner",
        "write",
        [pid],
        {"property_payment_term_id": term_30},
        context={"allowed_company_ids": [c2]},
    )

    def term(company):
        return admin_xml(
            "res.partner",
            "read",
            [pid],
            ["property_payment_term_id"],
            load=False,
            context={"allowed_company_ids": [company]},
        )[0]["property_payment_term_id"]

    assert (term(c1), term(c2)) == (False, term_30)
    assert admin_xml(
        "res.partner",
        "search",
        [("id", "=", pid), ("property_payment_term_id", "=", term_30)],
        context={"allowed_company_ids": [c2]},
    ) == [pid]
    assert (
        admin_xml(
            "res.partner",
            "search",
            [("id", "=", pid), ("property_payment_term_id", "=", term_30)],
            context={"allowed_company_ids": [c1]},
        )
        == []
    )


def test_company_dependent_default_applies_to_every_company(sb, admin_xml):
    c1, c2 = sb.company_ids
    categ = admin_xml("product.category", "create", {"name": "Goods"}, context={"allowed_company_ids": [c1]})
    read = admin_xml(
        "product.category", "read", [categ], ["property_cost_method"], context={"allowed_company_ids": [c2]}
    )
    assert read[0]["property_cost_method"] == "standard"


@pytest.mark.parametrize("model", ["res.partner", "res.partner.category", "product.category"])
def test_recursive_parents_are_refused(admin_xml, model):
    a = admin_xml(model, "create", {"name": "A"})
    b = admin_xml(model, "create", {"name": "B", "parent_id": a})
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml(model, "write", [a], {"parent_id": b})
    assert err.value.faultCode == 2 and "recursive" in err.value.faultString


def test_currency_rate_company_rate_is_relative_to_the_company_currency(sb, admin_xml):
    c1, c2 = sb.company_ids  # USD and AUD companies
    usd, eur, aud = (sb.ids["currencies"][c] for c in ("USD", "EUR", "AUD"))
    admin_xml(
        "res.currency.rate",
        "create",
        {"name": "2026-11-01", "currency_id": aud, "rate": 2.0, "company_id": c2},
    )
    rid = admin_xml(
        "res.currency.rate",
        "create",
        {"name": "2026-11-01", "currency_id": usd, "company_rate": 0.65, "company_id": c2},
        context={"allowed_company_ids": [c2]},
    )
    row = admin_xml(
        "res.currency.rate",
        "read",
        [rid],
        ["rate", "company_rate", "inverse_company_rate"],
        context={"allowed_company_ids": [c2]},
    )[0]
    assert row["rate"] == pytest.approx(1.3) and row["company_rate"] == pytest.approx(0.65)
    assert row["inverse_company_rate"] == pytest.approx(1 / 0.65)
    admin_xml(
        "res.currency.rate",
        "write",
        [rid],
        {"inverse_company_rate": 2.0},
        context={"allowed_company_ids": [c2]},
    )
    assert admin_xml("res.currency.rate", "read", [rid], ["rate"], context={"allowed_company_ids": [c2]})[0][
        "rate"
    ] == pytest.approx(1.0)
    eur_rate = admin_xml(
        "res.currency.rate", "create", {"name": "2026-11-01", "currency_id": eur, "rate": 0.9}
    )
    assert admin_xml("res.currency.rate", "read", [eur_rate], ["company_rate"])[0][
        "company_rate"
    ] == pytest.approx(0.9)


def test_currency_rate_must_be_positive_and_unique_per_day(admin_xml, sb):
    """res_currency.py _sql_constraints unique_name_per_day, worded by 17 odoo/service/model.py
    _as_validation_error: "The operation cannot be completed: <its message>"."""
    eur = sb.ids["currencies"]["EUR"]
    with pytest.raises(xmlrpc.client.Fault):
        admin_xml("res.currency.rate", "create", {"name": "2026-10-01", "currency_id": eur, "rate": 0})
    admin_xml("res.currency.rate", "create", {"name": "2026-10-01", "currency_id": eur, "rate": 0.9})
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.currency.rate", "create", {"name": "2026-10-01", "currency_id": eur, "rate": 0.8})
    assert err.value.faultCode == 2
    assert (
        err.value.faultString == "The operation cannot be completed: Only one currency rate per day allowed!"
    )


def test_a_zero_in_a_required_number_field_is_a_value(admin_xml):
    """Odoo stores False written to a float/integer/monetary column as 0 (fields.py Float
    convert_to_column), so NOT NULL never fires for them: a 0 % tax is a valid tax."""
    tax = admin_xml("account.tax", "create", {"name": "Zero rated", "amount": 0.0, "type_tax_use": "sale"})
    assert admin_xml("account.tax", "read", [tax], ["amount"])[0]["amount"] == 0.0
