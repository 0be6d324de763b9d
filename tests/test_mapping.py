"""`bridge mapping show|auto|set|clear ENTITY`: an entity's mapping table (its bindings), generic over
entities — shown here with contact groups ⇄ partner tags. Mapping never creates, changes or deletes a
record in Xero or Odoo; a pair set by hand is never re-paired by sync."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.cli.sandboxed import SandboxedBridge
from bridge.store import bindings, mismatches
from bridge.store.bindings import MappedByHand
from bridge.store.mismatches import MismatchFilter

TAG = "res.partner.category"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """No worker: nothing syncs by itself, so what is bound is what `bridge mapping` bound."""
    w = SandboxedBridge(home=str(tmp_path_factory.mktemp("mapping") / "home"), workers=0).start()
    yield w
    w.stop()


@pytest.fixture
def synced(tmp_path):
    """A bridge of its own, for what sync does with a mapping (the test starts its worker)."""
    w = SandboxedBridge(home=str(tmp_path / "home"), workers=0).start()
    yield w
    w.stop()


def bridge(world: SandboxedBridge, *args: str):
    return CliRunner().invoke(main, list(args), env=world.environ)


def xero_group(world: SandboxedBridge, name: str) -> str:
    created = world.xero_api("PUT", "ContactGroups", json={"ContactGroups": [{"Name": name}]})
    assert created.status_code == 200, created.text
    return created.json()["ContactGroups"][0]["ContactGroupID"]


def xero_group_names(world: SandboxedBridge) -> list[str]:
    org = world.xero.org()
    with org.lock:
        return sorted(g["Name"] for g in org.contact_groups.values() if g.get("Status", "ACTIVE") == "ACTIVE")


def tag(world: SandboxedBridge, name: str) -> int:
    (tag_id,) = world.odoo.env("admin").create(TAG, [{"name": name}])
    return tag_id


def pair_of(world: SandboxedBridge, xero_id: str):
    with world.runtime.db.session() as session:
        found = bindings.by_xero(session, "demo", "contact_group", xero_id)
        if found is not None:
            session.expunge(found)
        return found


def test_auto_binds_unique_matches_and_reports_ambiguous_and_missing_records_on_each_side(world):
    both = xero_group(world, "Auto Wholesale")
    twice = xero_group(world, "Auto Retail")
    xero_group(world, "Auto Xero Only")
    odoo_both = tag(world, "Auto Wholesale")
    retail = [tag(world, "Auto Retail"), tag(world, "Auto Retail")]
    tag(world, "Auto Odoo Only")
    xero_before, odoo_before = xero_group_names(world), world.odoo.env("admin").search_count(TAG, [])

    result = bridge(world, "mapping", "auto", "contact_group", "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    matched = [(m["xero"]["id"], m["odoo"]["id"]) for m in report["matched"]]
    assert (both, odoo_both) in matched
    ambiguous = {(a["id"], a["reason"]) for a in report["ambiguous"]}
    assert (
        twice,
        "ambiguous match for Xero contact group 'Auto Retail': 2 Odoo tags have the same name: "
        f"#{retail[0]} 'Auto Retail', #{retail[1]} 'Auto Retail'; map the right one with `bridge mapping set`",
    ) in ambiguous
    assert {a["id"] for a in report["ambiguous"]} >= {
        twice,
        *retail,
    }  # the two tags: Xero's match is contested
    assert "Auto Xero Only" in [m["name"] for m in report["missing_in_odoo"]]
    assert "Auto Odoo Only" in [m["name"] for m in report["missing_in_xero"]]
    bound = pair_of(world, both)
    assert (bound.odoo_id, bound.manual) == (odoo_both, False)
    assert pair_of(world, twice) is None
    # nothing created, renamed or deleted on either side
    assert xero_group_names(world) == xero_before
    assert world.odoo.env("admin").search_count(TAG, []) == odoo_before


def test_auto_prints_a_report_a_person_reads(world):
    xero_group(world, "Report Only In Xero")
    tag(world, "Report Only In Odoo")
    result = bridge(world, "mapping", "auto", "contact_group", "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "contact_group on demo (dry run: nothing bound)" in out
    only_xero = out.index("missing in Odoo")
    only_odoo = out.index("missing in Xero")
    assert "'Report Only In Xero'" in out[only_xero:only_odoo]
    assert "'Report Only In Odoo'" in out[only_odoo:]
    assert out.rstrip().splitlines()[-1].startswith("already mapped ")


def test_a_dry_run_of_auto_binds_nothing(world):
    group = xero_group(world, "Dry Twin")
    tag_id = tag(world, "Dry Twin")
    result = bridge(world, "mapping", "auto", "contact_group", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    assert [group, tag_id] in [
        [m["xero"]["id"], m["odoo"]["id"]] for m in json.loads(result.stdout)["matched"]
    ]
    assert pair_of(world, group) is None


def test_set_maps_two_records_by_hand_by_name_and_by_odoo_id(world):
    group = xero_group(world, "Hand Trade")
    tag_id = tag(world, "Hand Trade Customers")
    result = bridge(world, "mapping", "set", "contact_group", "hand trade", f"id:{tag_id}")
    assert result.exit_code == 0, result.output
    assert "mapped by hand: Xero" in result.stdout
    bound = pair_of(world, group)
    assert (bound.odoo_id, bound.manual) == (tag_id, True)
    # each side's state as it is now: neither record is changed by mapping them
    assert bound.snapshot["xero"]["name"] == "Hand Trade"
    assert bound.snapshot["odoo"]["name"] == "Hand Trade Customers"
    assert "Hand Trade" in xero_group_names(world)
    assert world.odoo.env("admin").read(TAG, [tag_id], ["name"])[0]["name"] == "Hand Trade Customers"


def test_set_turns_an_auto_mapping_of_the_same_pair_into_a_manual_one(world):
    group = xero_group(world, "Promote Me")
    tag_id = tag(world, "Promote Me")
    assert bridge(world, "mapping", "auto", "contact_group").exit_code == 0
    assert pair_of(world, group).manual is False
    result = bridge(world, "mapping", "set", "contact_group", group, f"id:{tag_id}")
    assert result.exit_code == 0, result.output
    assert pair_of(world, group).manual is True


def test_set_refuses_a_record_mapped_to_another_unless_forced(world):
    group = xero_group(world, "Taken Group")
    first, second = tag(world, "Taken Group"), tag(world, "Taken Group Other")
    assert bridge(world, "mapping", "set", "contact_group", group, f"id:{first}").exit_code == 0

    refused = bridge(world, "mapping", "set", "contact_group", group, f"id:{second}")
    assert refused.exit_code == 1
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.output
    assert "is already mapped: --force replaces it" in refused.stderr
    assert pair_of(world, group).odoo_id == first

    forced = bridge(world, "mapping", "set", "contact_group", group, f"id:{second}", "--force")
    assert forced.exit_code == 0, forced.output
    assert f"removed Xero {group} 'Taken Group' ⇄ Odoo #{first} 'Taken Group'" in forced.stdout
    assert pair_of(world, group).odoo_id == second
    with world.runtime.db.session() as session:
        assert bindings.by_odoo(session, "demo", "contact_group", first) is None


def test_an_unknown_or_ambiguous_reference_is_one_line_naming_the_candidates(world):
    xero_group(world, "Ref Group")
    twins = [tag(world, "Ref Twin"), tag(world, "Ref Twin")]
    unknown = bridge(world, "mapping", "set", "contact_group", "No Such Group", "Ref Twin")
    assert unknown.exit_code == 1 and "Traceback" not in unknown.output
    assert (
        unknown.stderr
        == "mapping contact_group: no Xero contact group with the id, code or name 'No Such Group'\n"
    )
    ambiguous = bridge(world, "mapping", "set", "contact_group", "Ref Group", "Ref Twin")
    assert ambiguous.exit_code == 1
    assert ambiguous.stderr.strip() == (
        "mapping contact_group: several Odoo tags have the name 'Ref Twin': "
        f"Odoo #{twins[0]} 'Ref Twin', Odoo #{twins[1]} 'Ref Twin' (give id:N)"
    )


def test_show_lists_each_pair_with_ids_names_and_how_it_was_made(world):
    auto_group, hand_group = xero_group(world, "Show Auto"), xero_group(world, "Show Hand")
    auto_tag, hand_tag = tag(world, "Show Auto"), tag(world, "Show Hand Tag")
    assert bridge(world, "mapping", "auto", "contact_group").exit_code == 0
    assert bridge(world, "mapping", "set", "contact_group", "Show Hand", "Show Hand Tag").exit_code == 0
    lines = bridge(world, "mapping", "show", "contact_group").stdout.splitlines()
    assert f"auto    Xero {auto_group} 'Show Auto'  ⇄  Odoo #{auto_tag} 'Show Auto'" in lines
    assert f"manual  Xero {hand_group} 'Show Hand'  ⇄  Odoo #{hand_tag} 'Show Hand Tag'" in lines
    rows = [
        json.loads(line)
        for line in bridge(world, "mapping", "show", "contact_group", "--json").stdout.splitlines()
    ]
    assert {"xero": {"id": hand_group, "code": None, "name": "Show Hand"},
            "odoo": {"id": hand_tag, "code": None, "name": "Show Hand Tag"}, "manual": True} in rows  # fmt: skip


def test_clear_removes_one_mapping_by_a_name_and_all_of_them_with_all(world):
    group = xero_group(world, "Clear One")
    tag(world, "Clear One")
    assert bridge(world, "mapping", "auto", "contact_group").exit_code == 0
    assert pair_of(world, group) is not None
    one = bridge(world, "mapping", "clear", "contact_group", "clear one")
    assert one.exit_code == 0, one.output
    assert "1 contact_group mapping(s) removed from demo" in one.stdout
    assert pair_of(world, group) is None
    assert "Clear One" in xero_group_names(world)  # the records stay

    assert bridge(world, "mapping", "auto", "contact_group").exit_code == 0
    everything = bridge(world, "mapping", "clear", "contact_group", "--all", "--yes")
    assert everything.exit_code == 0, everything.output
    assert bridge(world, "mapping", "show", "contact_group").stdout.startswith("no contact_group mapped")


def test_sync_never_re_pairs_a_record_mapped_by_hand(world):
    with world.runtime.db.session() as session:
        bindings.bind(session, "demo", "contact_group", xero_id="x-hand", odoo_id=9001, manual=True)
    with pytest.raises(MappedByHand, match="is mapped by hand"), world.runtime.db.session() as session:
        bindings.bind(session, "demo", "contact_group", xero_id="x-hand", odoo_id=9002, content_hash="h")
    with pytest.raises(MappedByHand), world.runtime.db.session() as session:
        bindings.bind(session, "demo", "contact_group", xero_id="x-other", odoo_id=9001, content_hash="h")
    assert (pair_of(world, "x-hand").odoo_id, pair_of(world, "x-hand").manual) == (9001, True)


def test_a_pair_mapped_by_hand_syncs_later_changes_but_not_the_difference_it_was_mapped_with(synced):
    group = xero_group(synced, "Hand Synced")
    tag_id = tag(synced, "Hand Synced Tag")  # its webhook waits on the broker: no worker yet
    assert bridge(synced, "mapping", "set", "contact_group", group, f"id:{tag_id}").exit_code == 0
    synced.start_worker()
    synced.settle()
    assert "Hand Synced" in xero_group_names(synced)  # the tag's creation is what was mapped: no rename
    assert "Hand Synced Tag" not in xero_group_names(synced)  # nor a second group

    synced.odoo.env("admin").write(TAG, [tag_id], {"name": "Hand Synced Renamed"})
    assert synced.wait(lambda: "Hand Synced Renamed" in xero_group_names(synced))
    assert "Hand Synced" not in xero_group_names(synced)
    assert (pair_of(synced, group).odoo_id, pair_of(synced, group).manual) == (tag_id, True)


def test_a_record_matching_one_mapped_by_hand_to_another_is_a_mismatch_not_a_merge(synced):
    """Xero group "Guard" is mapped by hand to one tag; a second tag named "Guard" finds that group by
    name. Writing to it would merge the two tags' groups: the event is a mismatch naming the owner."""
    group = xero_group(synced, "Guard")
    owner = tag(synced, "Guard Owner")
    assert bridge(synced, "mapping", "set", "contact_group", group, f"id:{owner}").exit_code == 0
    intruder = tag(synced, "Guard")  # its webhook waits on the broker: no worker yet
    synced.start_worker()
    synced.settle()
    with synced.runtime.db.session() as session:
        entries = [
            (m.source_id, m.note) for m in mismatches.find(session, MismatchFilter(entity="contact_group"))
        ]
    assert [source for source, _ in entries] == [str(intruder)]
    assert f"mapped by hand to Odoo tag {owner}" in entries[0][1], entries
    assert (pair_of(synced, group).odoo_id, pair_of(synced, group).manual) == (owner, True)
    assert xero_group_names(synced).count("Guard") == 1


# ---------------------------------------------------------------------------- accounts and tax rates


def odoo_account(world: SandboxedBridge, code: str, name: str, account_type: str = "income") -> int:
    (account,) = world.odoo.env("admin").create(
        "account.account", [{"code": code, "name": name, "account_type": account_type}]
    )
    return account


def test_auto_maps_accounts_by_code_then_by_name(world):
    by_code = odoo_account(world, "200", "Sales of Goods")  # Xero's 200 is "Sales"
    by_name = odoo_account(world, "610000", "Advertising", "expense")  # Xero's is 400 "Advertising"
    result = bridge(world, "mapping", "auto", "account", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    matched = {(m["xero"]["code"], m["odoo"]["id"]) for m in report["matched"]}
    assert {("200", by_code), ("400", by_name)} <= matched
    assert "Foreign Exchange Gain" in [m["name"] for m in report["missing_in_xero"]]  # created by no one


def test_auto_maps_tax_rates_by_rate_and_scope(world):
    admin = world.odoo.env("admin")
    sale = admin.search("account.tax", [("type_tax_use", "=", "sale"), ("amount", "=", 15)])
    purchase = admin.search("account.tax", [("type_tax_use", "=", "purchase"), ("amount", "=", 15)])
    result = bridge(world, "mapping", "auto", "tax_rate", "--json")
    assert result.exit_code == 0, result.output
    matched = {(m["xero"]["id"], m["odoo"]["id"]) for m in json.loads(result.stdout)["matched"]}
    assert {("OUTPUT2", sale[0]), ("INPUT2", purchase[0])} <= matched  # Xero's 15% GST on Income / Expenses


def test_set_maps_an_account_by_its_codes_on_both_sides(world):
    odoo_account(world, "445000", "Other Income Odoo")
    result = bridge(world, "mapping", "set", "account", "260", "445000")
    assert result.exit_code == 0, result.output
    shown = bridge(world, "mapping", "show", "account").stdout.splitlines()
    assert any(
        line.startswith("manual")
        and "[260] 'Other Revenue'" in line
        and "[445000] 'Other Income Odoo'" in line
        for line in shown
    ), shown


def test_set_refuses_a_record_the_entity_does_not_sync(world):
    org = world.xero.org()
    with org.lock:
        bank = next(a["AccountID"] for a in org.accounts.values() if a["Type"] == "BANK")
    result = bridge(world, "mapping", "set", "account", bank, "200")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"mapping account: Xero {bank} ") and result.stderr.endswith(
        "is not a record account syncs on demo\n"
    )  # a bank account is the bank_account entity's
