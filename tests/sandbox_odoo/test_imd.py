"""ir.model.data: unique (module, name), admin-group ACL, cleanup on unlink (odoo-facts §3.14)."""

from __future__ import annotations

import threading
import xmlrpc.client

import pytest

from .conftest import JsonRpc, XmlRpc


@pytest.fixture
def bridge(sb):
    return XmlRpc(sb, sb.bridge_login, sb.bridge_password)


def _xid(rpc, name, res_id, model="res.partner"):
    return rpc(
        "ir.model.data",
        "create",
        {"module": "xero_bridge", "name": name, "model": model, "res_id": res_id, "noupdate": True},
    )


def test_external_id_lookup_by_module_and_name(bridge):
    pid = bridge("res.partner", "create", {"name": "Xero Contact"})
    _xid(bridge, "contact_abc", pid)
    rows = bridge(
        "ir.model.data",
        "search_read",
        [("module", "=", "xero_bridge"), ("name", "=", "contact_abc")],
        ["model", "res_id"],
    )
    assert rows == [{"id": rows[0]["id"], "model": "res.partner", "res_id": pid}]
    assert bridge("ir.model.data", "check_object_reference", "xero_bridge", "contact_abc") == [
        "res.partner",
        pid,
    ]


def test_duplicate_module_and_name_is_a_validation_error(sb, bridge):
    _xid(bridge, "contact_dup", 3)
    with pytest.raises(xmlrpc.client.Fault) as err:
        _xid(bridge, "contact_dup", 4)
    assert err.value.faultCode == 2 and "unique" in err.value.faultString
    data = JsonRpc(sb, sb.bridge_login, sb.bridge_password).call_raw(
        "ir.model.data",
        "create",
        {"module": "xero_bridge", "name": "contact_dup", "model": "res.partner", "res_id": 5},
    )
    assert data["error"]["data"]["name"] == "odoo.exceptions.ValidationError"


def test_same_name_in_another_module_is_allowed(bridge):
    _xid(bridge, "contact_same", 3)
    assert bridge(
        "ir.model.data",
        "create",
        {"module": "other", "name": "contact_same", "model": "res.partner", "res_id": 3},
    )


def test_concurrent_creates_of_one_external_id_leave_one_row(sb):
    """Two transactions insert the same (module, name): the second commit fails, like a unique index."""
    with pytest.raises(Exception) as err, sb.transaction("bridge") as env:
        env.create(
            "ir.model.data", [{"module": "xero_bridge", "name": "race", "model": "res.partner", "res_id": 3}]
        )
        sb.env("bridge").create(
            "ir.model.data", {"module": "xero_bridge", "name": "race", "model": "res.partner", "res_id": 3}
        )
    assert type(err.value).__name__ == "ValidationError"
    assert sb.env("bridge").search_count("ir.model.data", [("name", "=", "race")]) == 1


def test_external_id_names_cannot_contain_spaces(bridge):
    with pytest.raises(xmlrpc.client.Fault):
        _xid(bridge, "has space", 3)


def test_internal_user_cannot_read_or_write_model_data(sb):
    demo = XmlRpc(sb, "demo", "demo")
    for call in (
        lambda: demo("ir.model.data", "search", []),
        lambda: _xid(demo, "nope", 3),
        lambda: demo("ir.model.data", "check_object_reference", "base", "main_company"),
    ):
        with pytest.raises(xmlrpc.client.Fault) as err:
            call()
        assert err.value.faultCode == 4


def test_bridge_without_access_rights_group_is_refused(make_sandbox):
    sb = make_sandbox(17, bridge_groups=("base.group_user",))
    with pytest.raises(xmlrpc.client.Fault) as err:
        XmlRpc(sb, sb.bridge_login, sb.bridge_password)("ir.model.data", "search", [])
    assert err.value.faultCode == 4


def test_unlinking_a_record_removes_its_external_ids(bridge):
    pid = bridge("res.partner", "create", {"name": "Gone"})
    _xid(bridge, "contact_gone", pid)
    bridge("res.partner", "unlink", [pid])
    assert bridge("ir.model.data", "search", [("name", "=", "contact_gone")]) == []


def test_create_with_external_id_in_one_transaction(sb):
    """A record and its external id written in one call: both or neither."""
    with sb.transaction("bridge") as env:
        pid = env.create("res.partner", [{"name": "Atomic"}])[0]
        env.create(
            "ir.model.data",
            [{"module": "xero_bridge", "name": "contact_atomic", "model": "res.partner", "res_id": pid}],
        )
    sb.faults.rollback_after_work(1)
    with pytest.raises(RuntimeError):
        sb.env("bridge").create("res.partner", {"name": "Never"})
    assert sb.env("bridge").search("res.partner", [("name", "=", "Never")]) == []
    assert sb.env("bridge").search_count("ir.model.data", [("name", "=", "contact_atomic")]) == 1


def test_parallel_xmlrpc_creates_of_one_external_id(sb):
    errors: list[int] = []
    ok: list[int] = []

    def worker(i):
        rpc = XmlRpc(sb, sb.bridge_login, sb.bridge_password)
        try:
            ok.append(_xid(rpc, "contact_parallel", 3))
        except xmlrpc.client.Fault as fault:
            errors.append(fault.faultCode)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ok) == 1 and errors == [2, 2, 2]
