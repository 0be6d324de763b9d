"""Model.load() answers as Odoo 16/17 do: problems are messages, never faults.

Sources: odoo/models.py ``load`` / ``_convert_records`` (``_log``) and
odoo/addons/base/models/ir_fields.py (``db_id_for``, ``_str_to_boolean``, ``_str_to_integer``,
``_format_import_error``); "Missing required value for the field 'Value' (value)" is the text of
odoo/addons/test_impex/tests/test_load.py ``test_required_string_field``.
"""

from __future__ import annotations

import pytest


def _load(rpc, model, fields, rows):
    return rpc(model, "load", fields, rows)


def test_a_missing_many2one_database_id_is_a_message_not_a_fault(admin_xml):
    result = _load(
        admin_xml, "res.partner", ["id", "name", "country_id/.id"], [["t.nowhere", "Lost", "999999"]]
    )
    assert result["ids"] is False and result["nextrow"] == 0
    (message,) = result["messages"]
    assert {k: message[k] for k in ("rows", "record", "type", "field", "field_name", "message")} == {
        "rows": {"from": 0, "to": 0},
        "record": 0,
        "type": "error",
        "field": "country_id",
        "field_name": "Country",
        "message": "No matching record found for database id '999999' in field 'Country'",
    }
    assert admin_xml("res.partner", "search", [("name", "=", "Lost")]) == []


@pytest.mark.parametrize(("version", "view_mode"), [(17, "tree,form"), (18, "list,form")])
def test_the_message_points_at_the_possible_values(make_sandbox, version, view_mode):
    sb = make_sandbox(version)
    result = sb.env().call("res.partner", "load", ["name", "country_id/.id"], [["Lost", "999999"]])
    moreinfo = result["messages"][0]["moreinfo"]
    assert moreinfo["res_model"] == "ir.model.data" and moreinfo["domain"] == [["model", "=", "res.country"]]
    assert moreinfo["view_mode"] == view_mode and moreinfo["help"] == "See all possible values"


def test_one_bad_row_rolls_back_every_row_and_its_external_id(admin_xml):
    rows = [["t.kept", "Kept?", ""], ["t.bad", "Bad", "999999"]]
    result = _load(admin_xml, "res.partner", ["id", "name", "country_id/.id"], rows)
    assert result["ids"] is False and [m["record"] for m in result["messages"]] == [1]
    assert admin_xml("res.partner", "search", [("name", "=", "Kept?")]) == []
    assert admin_xml("ir.model.data", "search", [("module", "=", "t")]) == []


def test_good_rows_are_created_with_their_external_ids(admin_xml):
    au = admin_xml("res.country", "search", [("code", "=", "AU")])[0]
    result = _load(admin_xml, "res.partner", ["id", "name", "country_id/.id"], [["t.ok", "Fine", str(au)]])
    assert result["messages"] == [] and len(result["ids"]) == 1
    assert admin_xml("res.partner", "read", result["ids"], ["country_id"])[0]["country_id"][0] == au


def test_an_archived_record_cannot_be_referenced_by_database_id(admin_xml):
    """db_id_for searches [('id', '=', value)], so active_test hides archived records."""
    parent = admin_xml("res.partner", "create", {"name": "Gone Co", "is_company": True, "active": False})
    result = _load(admin_xml, "res.partner", ["name", "parent_id/.id"], [["Child", str(parent)]])
    assert (
        result["messages"][0]["message"]
        == f"No matching record found for database id '{parent}' in field 'Related Company'"
    )


def test_references_by_external_id_and_by_name(admin_xml):
    fields = ["name", "country_id/id"]
    ok = _load(admin_xml, "res.partner", fields, [["By xmlid", "base.au"]])
    missing = _load(admin_xml, "res.partner", fields, [["No xmlid", "base.nowhere"]])
    by_name = _load(admin_xml, "res.partner", ["name", "country_id"], [["By name", "Australia"]])
    assert ok["messages"] == [] and by_name["messages"] == []
    assert (
        missing["messages"][0]["message"]
        == "No matching record found for external id 'base.nowhere' in field 'Country'"
    )


def test_an_unknown_boolean_is_an_error_with_a_hint(admin_xml):
    result = _load(admin_xml, "res.partner", ["name", "active"], [["Maybe", "maybe"]])
    (message,) = result["messages"]
    assert result["ids"] is False and message["type"] == "error"
    assert message["message"] == "Unknown value 'maybe' for boolean field 'Active'"
    assert message["moreinfo"] == "Use '1' for yes and '0' for no"


def test_numbers_and_dates_that_do_not_parse_are_reported_per_field(admin_xml):
    result = _load(admin_xml, "res.partner", ["name", "color", "date"], [["N", "seven", "31/12/2024"]])
    assert [m["message"] for m in result["messages"]] == [
        "'seven' does not seem to be an integer for field 'Color Index'",
        "'31/12/2024' does not seem to be a valid date for field 'Date'",
    ]


def test_a_missing_required_value_is_reported_with_its_field(admin_xml):
    result = _load(admin_xml, "res.partner.bank", ["partner_id/.id"], [["1"]])
    (message,) = result["messages"]
    assert message["message"] == "Missing required value for the field 'Account Number' (acc_number)"
    assert message["field"] == "acc_number" and result["ids"] is False


def test_an_unknown_record_database_id_is_reported(admin_xml):
    result = _load(admin_xml, "res.partner", [".id", "name"], [["999999", "Who"]])
    assert result["messages"][0]["message"] == "Unknown database identifier '999999'"
    assert result["messages"][0]["field"] == ".id"


def test_a_second_load_with_the_same_external_id_updates_the_record(admin_xml):
    first = _load(admin_xml, "res.partner", ["id", "name"], [["t.same", "One"]])["ids"]
    second = _load(admin_xml, "res.partner", ["id", "name"], [["t.same", "Two"]])["ids"]
    assert first == second and admin_xml("res.partner", "read", first, ["name"])[0]["name"] == "Two"


def test_a_one2many_column_of_database_ids_links_the_records(admin_xml):
    """_str_to_one2many with references only: Command.link then Command.update(id, {}) per id."""
    kids = [admin_xml("res.partner", "create", {"name": f"Kid {i}"}) for i in (1, 2)]
    result = _load(
        admin_xml, "res.partner", ["name", "child_ids/.id"], [["Parent", ",".join(map(str, kids))]]
    )
    (parent,) = result["ids"]
    assert [r["parent_id"][0] for r in admin_xml("res.partner", "read", kids, ["parent_id"])] == [
        parent,
        parent,
    ]
