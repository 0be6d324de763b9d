"""consumers.framework.matching: the one refusal every find gives when a match key is not unique."""

from __future__ import annotations

import pytest

from bridge.errors import PermanentError
from consumers.framework.matching import MAX_LISTED, Candidate, refuse_ambiguous


def refusal(**overrides) -> PermanentError:
    args = {
        "matching": "Xero account",
        "name": "Sales",
        "among": "Odoo account",
        "by": "name",
        "candidates": [Candidate(7, "Sales"), Candidate(3, "sales")],
    } | overrides
    with pytest.raises(PermanentError) as raised:
        refuse_ambiguous(args.pop("matching"), args.pop("name"), **args)
    return raised.value


def test_the_note_names_the_record_the_key_and_the_candidates_by_id_with_the_remedy():
    error = refusal(code="200", candidates=[Candidate(7, "Sales", "200"), Candidate(3, "sales", "0200")])
    assert error.note == (
        "ambiguous match for Xero account 200 'Sales': 2 Odoo accounts have the same name: "
        "#3 0200 'sales', #7 200 'Sales'; map the right one with `bridge mapping set`"
    )
    assert error.details == {"candidates": [3, 7], "matched_by": "name"}


def test_xero_ids_are_listed_bare_in_text_order_and_labels_ending_in_x_take_es():
    error = refusal(
        matching="Odoo tax",
        among="Xero tax rate",
        candidates=[Candidate("TAX002", "B"), Candidate("OUTPUT", "A")],
    )
    assert "2 Xero tax rates have the same name: OUTPUT 'A', TAX002 'B';" in error.note
    assert "Odoo taxes" in refusal(among="Odoo tax").note


def test_past_ten_candidates_the_rest_are_counted_but_all_are_in_the_details():
    many = [Candidate(i, f"Tag {i}") for i in range(MAX_LISTED + 3, 0, -1)]
    error = refusal(candidates=many)
    assert f"#{MAX_LISTED} 'Tag {MAX_LISTED}', and 3 more;" in error.note
    assert f"#{MAX_LISTED + 1} " not in error.note
    assert error.details["candidates"] == list(range(1, MAX_LISTED + 4))


def test_a_record_without_a_name_says_so():
    assert "#4 (no name), #5 'Tag'" in refusal(candidates=[Candidate(5, "Tag"), Candidate(4, False)]).note
