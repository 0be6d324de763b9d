"""Call and error shapes of XML-RPC, JSON-RPC and JSON-2 (odoo-facts §1.1–§1.5)."""

from __future__ import annotations

import datetime as dt
import logging
import xmlrpc.client

import pytest
import requests

from .conftest import Json2, JsonRpc, XmlRpc


def test_xmlrpc_common_version_reports_the_server_version_per_version(make_sandbox, version):
    sb = make_sandbox(version)
    info = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/common").version()
    assert info["server_version_info"][:2] == [version, 0]
    assert info["server_serie"] == f"{version}.0"
    assert info["server_version"].startswith(f"{version}.0")


def test_observed_17_server_version_string(sb):
    info = JsonRpc(sb, sb.login, sb.password).raw("common", "version", [])["result"]
    assert info["server_version"] == "17.0-20240709"  # "Observed on a real Odoo 17.0" section


def test_xmlrpc_authenticate_returns_uid_or_false(sb):
    common = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/common")
    assert common.authenticate(sb.db_name, "admin", "admin", {}) == sb.uid
    assert common.authenticate(sb.db_name, "admin", "wrong", {}) is False
    assert common.login(sb.db_name, "bridge", "bridge") == sb.bridge_uid


def test_xmlrpc_create_dict_returns_id_and_list_returns_ids(admin_xml):
    one = admin_xml("res.partner", "create", {"name": "One"})
    many = admin_xml("res.partner", "create", [{"name": "A"}, {"name": "B"}])
    assert isinstance(one, int)
    assert isinstance(many, list) and len(many) == 2 and one not in many


def test_xmlrpc_fault_code_3_for_bad_password(sb, admin_xml):
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml.object.execute_kw(sb.db_name, sb.uid, "nope", "res.partner", "search", [[]], {})
    assert err.value.faultCode == 3


def test_xmlrpc_fault_code_4_for_access_error(sb):
    demo = XmlRpc(sb, "demo", "demo")
    with pytest.raises(xmlrpc.client.Fault) as err:
        demo("ir.model.data", "search_read", [], ["name"])
    assert err.value.faultCode == 4
    assert "ir.model.data" in err.value.faultString


def test_xmlrpc_fault_code_2_for_validation_error_without_class_name(admin_xml):
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.partner.category", "create", {"color": 3})  # name is required
    assert err.value.faultCode == 2
    assert "mandatory field" in err.value.faultString
    assert "ValidationError" not in err.value.faultString


def test_xmlrpc_fault_code_1_with_traceback_for_unknown_field(admin_xml):
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.partner", "create", {"name": "X", "no_such_field": 1})
    assert err.value.faultCode == 1
    assert "Traceback" in err.value.faultString
    assert "Invalid field 'no_such_field' on model 'res.partner'" in err.value.faultString


def test_xmlrpc_none_return_faults_after_commit(admin_xml):
    """§1.5: button_draft returns None; XML-RPC cannot marshal it, but the change is committed."""
    move = admin_xml(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": 3,
            "invoice_line_ids": [(0, 0, {"name": "x", "price_unit": 10})],
        },
    )
    assert admin_xml("account.move", "action_post", [move]) is False
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("account.move", "button_draft", [move])
    assert err.value.faultCode == 1
    assert "cannot marshal None" in err.value.faultString
    assert admin_xml("account.move", "read", [move], ["state"])[0]["state"] == "draft"


def test_xmlrpc_private_method_is_access_error(admin_xml):
    with pytest.raises(xmlrpc.client.Fault) as err:
        admin_xml("res.partner", "_compute_display_name", [1])
    assert err.value.faultCode == 4


def test_xmlrpc_execute_without_kwargs(sb, admin_xml):
    ids = admin_xml.object.execute(
        sb.db_name, sb.uid, sb.password, "res.country", "search", [("code", "=", "AU")]
    )
    assert len(ids) == 1


def test_jsonrpc_error_envelope_is_http_200_with_dotted_name(sb):
    rpc = JsonRpc(sb, sb.login, sb.password)
    data = rpc.call_raw("res.partner.category", "create", {"color": 1})
    assert data["error"]["code"] == 200
    assert data["error"]["message"] == "Odoo Server Error"
    assert data["error"]["data"]["name"] == "odoo.exceptions.ValidationError"
    assert set(data["error"]["data"]) == {"name", "debug", "message", "arguments", "context"}


def test_jsonrpc_none_result_has_no_result_key(sb):
    rpc = JsonRpc(sb, sb.login, sb.password)
    move = rpc(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": 3,
            "invoice_line_ids": [[0, 0, {"name": "x", "price_unit": 5}]],
        },
    )
    rpc("account.move", "action_post", [move])
    data = rpc.call_raw("account.move", "button_cancel", [move])
    assert "result" not in data and "error" not in data


def test_jsonrpc_access_denied_name(sb):
    rpc = JsonRpc(sb, sb.login, sb.password)
    data = rpc.raw("object", "execute_kw", [sb.db_name, sb.uid, "bad", "res.partner", "search", [[]], {}])
    assert data["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"


def test_jsonrpc_missing_record_is_missing_error(sb):
    rpc = JsonRpc(sb, sb.login, sb.password)
    data = rpc.call_raw("res.partner", "read", [99999], ["name"])
    assert data["error"]["data"]["name"] == "odoo.exceptions.MissingError"


def test_api_key_replaces_password_on_xmlrpc(sb):
    rpc = XmlRpc(sb, sb.bridge_login, sb.bridge_api_key)
    assert rpc.uid == sb.bridge_uid
    assert rpc("res.partner", "search_count", []) > 0


def test_api_key_expiration_is_enforced_on_18_and_ignored_on_17(make_sandbox):
    past = dt.datetime(2025, 1, 1)
    sb18 = make_sandbox(18, api_key_expiration=past)
    sb17 = make_sandbox(17, api_key_expiration=past)
    common18 = xmlrpc.client.ServerProxy(f"{sb18.url}/xmlrpc/2/common")
    common17 = xmlrpc.client.ServerProxy(f"{sb17.url}/xmlrpc/2/common")
    assert common18.authenticate(sb18.db_name, "bridge", sb18.bridge_api_key, {}) is False
    assert common17.authenticate(sb17.db_name, "bridge", sb17.bridge_api_key, {}) == sb17.bridge_uid


def test_2fa_user_needs_an_api_key_over_rpc(sb):
    sb.enable_2fa("bridge")
    common = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/common")
    assert common.authenticate(sb.db_name, "bridge", sb.bridge_password, {}) is False
    assert common.authenticate(sb.db_name, "bridge", sb.bridge_api_key, {}) == sb.bridge_uid


def test_json2_search_read_with_named_arguments(make_sandbox):
    sb = make_sandbox(19)
    j2 = Json2(sb, sb.bridge_api_key)
    r = j2.post(
        "res.country",
        "search_read",
        {"domain": [["code", "in", ["AU", "NZ"]]], "fields": ["code"], "order": "code"},
    )
    assert r.status_code == 200
    assert [c["code"] for c in r.json()] == ["AU", "NZ"]


def test_json2_create_always_returns_a_list(make_sandbox):
    sb = make_sandbox(19)
    r = Json2(sb, sb.bridge_api_key).post("res.partner", "create", {"vals_list": {"name": "Solo"}})
    assert r.status_code == 200 and isinstance(r.json(), list) and len(r.json()) == 1


def test_json2_record_method_takes_ids_in_body(make_sandbox):
    sb = make_sandbox(19)
    j2 = Json2(sb, sb.bridge_api_key)
    pid = j2.post("res.partner", "create", {"vals_list": [{"name": "Old"}]}).json()[0]
    assert j2.post("res.partner", "write", {"ids": [pid], "vals": {"name": "New"}}).json() is True
    assert j2.post("res.partner", "read", {"ids": [pid], "fields": ["name"]}).json()[0]["name"] == "New"


@pytest.mark.parametrize(
    ("model", "method", "body", "status", "name"),
    [
        ("res.partner", "search", {"nope": 1}, 422, "werkzeug.exceptions.UnprocessableEntity"),
        ("res.partner", "search", {"ids": [1], "domain": []}, 422, "werkzeug.exceptions.UnprocessableEntity"),
        (
            "res.partner.category",
            "create",
            {"vals_list": [{"color": 1}]},
            422,
            "odoo.exceptions.ValidationError",
        ),
        ("res.partner", "read", {"ids": [99999], "fields": ["name"]}, 404, "odoo.exceptions.MissingError"),
        ("no.such.model", "search", {"domain": []}, 404, "werkzeug.exceptions.NotFound"),
        ("res.partner", "no_such_method", {}, 404, "werkzeug.exceptions.NotFound"),
        ("res.partner", "_private", {}, 403, "odoo.exceptions.AccessError"),
    ],
)
def test_json2_error_status_and_body(make_sandbox, model, method, body, status, name):
    sb = make_sandbox(19)
    r = Json2(sb, sb.bridge_api_key).post(model, method, body)
    assert r.status_code == status
    assert set(r.json()) == {"name", "message", "arguments", "context", "debug"}
    assert r.json()["name"] == name


def test_json2_access_error_is_403(make_sandbox):
    sb = make_sandbox(19)
    key = sb.add_api_key(
        "demo", expiration=dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=30)
    )
    r = Json2(sb, key).post("ir.model.data", "search", {"domain": []})
    assert r.status_code == 403 and r.json()["name"] == "odoo.exceptions.AccessError"


def test_json2_bad_key_is_401(make_sandbox):
    sb = make_sandbox(19)
    r = Json2(sb, "not-a-key").post("res.partner", "search", {"domain": []})
    assert r.status_code == 401 and r.json()["name"] == "werkzeug.exceptions.Unauthorized"


def test_json2_refuses_the_password(make_sandbox):
    sb = make_sandbox(19)
    assert Json2(sb, sb.bridge_password).post("res.partner", "search", {"domain": []}).status_code == 401


def test_json2_none_return_is_null(make_sandbox):
    sb = make_sandbox(19)
    j2 = Json2(sb, sb.api_key)
    move = j2.post(
        "account.move",
        "create",
        {
            "vals_list": [
                {
                    "move_type": "out_invoice",
                    "partner_id": 3,
                    "invoice_line_ids": [[0, 0, {"name": "x", "price_unit": 1}]],
                }
            ]
        },
    ).json()[0]
    assert j2.post("account.move", "action_post", {"ids": [move]}).json() is False
    r = j2.post("account.move", "button_draft", {"ids": [move]})
    assert r.status_code == 200 and r.text == "null"


@pytest.mark.parametrize("version", [16, 17, 18])
def test_json2_does_not_exist_before_19(make_sandbox, version):
    sb = make_sandbox(version)
    assert Json2(sb, sb.api_key).post("res.partner", "search", {"domain": []}).status_code == 404


def test_web_version_only_on_19(make_sandbox):
    sb19, sb18 = make_sandbox(19), make_sandbox(18)
    r = requests.get(f"{sb19.url}/web/version", timeout=5)
    assert r.status_code == 200 and r.json()["version_info"][0] == 19
    assert requests.get(f"{sb18.url}/web/version", timeout=5).status_code == 404


def test_19_logs_a_deprecation_warning_per_rpc_call(make_sandbox, caplog):
    sb = make_sandbox(19)
    rpc = XmlRpc(sb, sb.login, sb.password)  # one call (authenticate)
    with caplog.at_level(logging.WARNING, logger="odoo.addons.rpc.controllers"):
        caplog.clear()
        rpc("res.partner", "search", [])
        JsonRpc(sb, sb.login, sb.password)
    notices = [
        r
        for r in caplog.records
        if r.name.startswith("odoo.addons.rpc.controllers") and "deprecated" in r.getMessage()
    ]
    assert len(notices) == 2


def test_17_logs_no_deprecation_warning(sb, caplog):
    with caplog.at_level(logging.WARNING):
        XmlRpc(sb, sb.login, sb.password)("res.partner", "search", [])
    assert not [r for r in caplog.records if "deprecated" in r.getMessage()]


def test_error_shapes_are_the_same_on_every_version(make_sandbox, version):
    sb = make_sandbox(version)
    xml = XmlRpc(sb, sb.login, sb.password)
    with pytest.raises(xmlrpc.client.Fault) as err:
        xml("res.partner.category", "create", {"color": 1})
    assert err.value.faultCode == 2
    data = JsonRpc(sb, sb.login, sb.password).call_raw("res.partner", "write", [99999], {"name": "x"})
    assert (data["error"]["code"], data["error"]["data"]["name"]) == (200, "odoo.exceptions.MissingError")
    with pytest.raises(xmlrpc.client.Fault) as err:
        XmlRpc(sb, "demo", "demo")("ir.model.data", "search", [])
    assert err.value.faultCode == 4


def test_legacy_xmlrpc_endpoint_uses_string_fault_codes(sb):
    obj = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/object")
    with pytest.raises(xmlrpc.client.Fault) as err:
        obj.execute_kw(sb.db_name, sb.uid, sb.password, "res.partner", "write", [[99999], {"name": "x"}], {})
    assert err.value.faultCode.startswith("warning -- MissingError")
    with pytest.raises(xmlrpc.client.Fault) as err:
        obj.execute_kw(sb.db_name, sb.uid, "bad", "res.partner", "search", [[]], {})
    assert err.value.faultCode == "AccessDenied"


def test_rights_probe_check_access_rights_until_18(make_sandbox, version):
    sb = make_sandbox(version)
    demo = XmlRpc(sb, "demo", "demo")
    if version <= 18:
        assert demo("ir.model.data", "check_access_rights", "read", raise_exception=False) is False
        assert demo("res.partner", "check_access_rights", "write", raise_exception=False) is True
    else:
        with pytest.raises(xmlrpc.client.Fault):
            demo("ir.model.data", "check_access_rights", "read", raise_exception=False)
    if version >= 18:
        assert demo("ir.model.data", "has_access", [], "read") is False
        assert (
            XmlRpc(sb, sb.bridge_login, sb.bridge_password)("ir.model.data", "has_access", [], "write")
            is True
        )


def test_18_non_admin_keys_need_an_expiry_within_90_days(make_sandbox):
    sb = make_sandbox(18)
    soon = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=30)
    with pytest.raises(ValueError):
        sb.add_api_key("demo")
    with pytest.raises(ValueError):
        sb.add_api_key("demo", expiration=soon + dt.timedelta(days=365))
    key = sb.add_api_key("demo", expiration=soon)
    assert (
        xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/common").authenticate(sb.db, "demo", key, {})
        == sb.demo_uid
    )
    assert sb.add_api_key("admin")  # Settings admins may create keys without expiry
    assert make_sandbox(17).add_api_key("demo")  # 17: keys never expire


def test_json2_context_get_gives_the_keys_own_uid(make_sandbox):
    sb = make_sandbox(19)
    r = Json2(sb, sb.bridge_api_key).post("res.users", "context_get", {})
    assert r.status_code == 200 and r.json()["uid"] == sb.bridge_uid


def test_web_read_reads_an_invoice_with_its_lines_in_one_call(make_sandbox):
    sb = make_sandbox(17)
    rpc = XmlRpc(sb, sb.login, sb.password)
    move = rpc(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": 3,
            "invoice_line_ids": [(0, 0, {"name": "L1", "price_unit": 7, "quantity": 2})],
        },
    )
    spec = {
        "name": {},
        "partner_id": {"fields": {"display_name": {}}},
        "currency_id": {},
        "invoice_line_ids": {"fields": {"name": {}, "quantity": {}, "price_unit": {}}},
    }
    [inv] = rpc("account.move", "web_read", [move], spec)
    assert inv["partner_id"] == {
        "id": 3,
        "display_name": rpc("res.partner", "read", [3], ["display_name"])[0]["display_name"],
    }
    assert isinstance(inv["currency_id"], int)
    assert [(line["name"], line["quantity"], line["price_unit"]) for line in inv["invoice_line_ids"]] == [
        ("L1", 2.0, 7.0)
    ]
    page = rpc("account.move", "web_search_read", [("id", "=", move)], {"name": {}}, limit=10)
    assert page == {"length": 1, "records": [{"id": move, "name": "/"}]}


def test_web_read_does_not_exist_on_16(make_sandbox):
    sb = make_sandbox(16)
    rpc = XmlRpc(sb, sb.login, sb.password)
    with pytest.raises(xmlrpc.client.Fault):
        rpc("res.partner", "web_read", [3], {"name": {}})
    page = rpc("res.country", "web_search_read", [("code", "=", "AU")], ["name"])
    assert page["length"] == 1 and page["records"][0]["name"] == "Australia"
