"""Every problem of ``document_problems`` at the line and column of what it concerns."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profile_block.documents.document import DocumentError, read_document
from profile_block.documents.flow import document_problems
from profile_block.documents.problem_location import locate_problems
from profile_block.model.block import ActionFormatError, Position
from tests.unit.test_fuzz_import import ACTION, FIXTURE, mutated


def at(text: str, needle: str, nth: int = 0) -> Position:
    """Line and column (1-based) of the nth occurrence of ``needle`` in ``text``."""
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    line = text.count("\n", 0, pos) + 1
    return Position(line, pos - (text.rfind("\n", 0, pos) + 1) + 1)


def located(text: str) -> dict[str, list[Position]]:
    """{part: positions} of the document's problems, in the order found."""
    doc = read_document(text)
    found: dict[str, list[Position]] = {}
    for problem in locate_problems(doc, document_problems(doc)[1]):
        assert problem.position is not None
        found.setdefault(problem.part, []).append(problem.position)
    return found


def action(**parameters: Any) -> dict[str, Any]:
    return {"Identifier": "blk", "Type": "GetCustomerProfile", "Parameters": parameters,
            "Transitions": {"NextAction": "n", "Errors": [
                {"NextAction": "n", "ErrorType": "NoMatchingError"},
                {"NextAction": "n", "ErrorType": "MultipleFoundError"},
                {"NextAction": "n", "ErrorType": "NoneFoundError"}]}}


def test_search_criteria_problems_point_at_their_key_and_value() -> None:
    request = {"SearchCriteria": [{"IdentifierName": "_phone", "IdentifierValue": "$.Attributes.a"},
                                  {"IdentifierName": "bad key!", "IdentifierValue": ""}],
               "LogicalOperator": "XOR"}
    text = json.dumps(action(ProfileRequestData=request, ProfileResponseData=["FirstName"]), indent=2)
    found = located(text)
    assert found["criterion:1:key"] == [at(text, '"IdentifierName"', 1)]
    assert found["criterion:1:value"] == [at(text, '"IdentifierValue"', 1)]
    assert found["operator"] == [at(text, '"LogicalOperator"')]


def test_misspelled_legacy_and_misplaced_requests_point_where_the_block_read_them() -> None:
    misspelled = json.dumps(action(ProfileRequestData={"IdentiferName": "_phone", "IdentiferValue": " x"}),
                            indent=4)
    found = located(misspelled)
    assert found["criterion:0:key"] == [at(misspelled, '"IdentiferName"')]
    assert found["criterion:0:value"] == [at(misspelled, '"IdentiferValue"')] * 2   # misspelt + spaces

    legacy = json.dumps(action(ProfileRequestData={"PhoneNumber": "$.Nope.Path"}), indent=1)
    found = located(legacy)
    assert found["request"] == [at(legacy, '"ProfileRequestData"')]
    assert found["criterion:0:value"] == [at(legacy, '"PhoneNumber"')]

    flat = json.dumps(action(IdentifierName="_phone", IdentifierValue="$.CustomerEndpoint.Address"), indent=2)
    assert located(flat)["request"] == [at(flat, '"Parameters"')]


def test_a_field_listed_twice_is_reported_at_its_second_copy() -> None:
    text = json.dumps(action(ProfileRequestData={"IdentifierName": "_phone", "IdentifierValue": "v"},
                             ProfileResponseData=["FirstName", "Nope", "FirstName", "Nope"]), indent=2)
    found = located(text)
    assert found["field:FirstName"] == [at(text, '"FirstName"', 1)]
    # Unknown at the first copy, listed twice at the second.
    assert found["field:Nope"] == [at(text, '"Nope"'), at(text, '"Nope"', 1)]


def test_branches_point_at_their_next_action_and_missing_parts_at_what_holds_them() -> None:
    flow = {"Version": "2019-10-30", "StartAction": "gone", "Actions": [
        action(ProfileRequestData={"IdentifierName": "_phone", "IdentifierValue": "v"}),
        {"Identifier": "blk", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}},
        {"Identifier": "b2", "Type": "GetCustomerProfile",
         "Parameters": {"ProfileRequestData": {"IdentifierName": "_phone", "IdentifierValue": "v"}}}]}
    text = json.dumps(flow, indent="\t")
    found = located(text)
    assert found["flow"] == [at(text, '"StartAction"'), at(text, '"Identifier": "blk"', 1)]
    # Branches of the first block lead to "n", which is not in the flow: each at its NextAction.
    assert found["branch:Success"][0] == at(text, '"NextAction"')
    assert found["branch:NoneFoundError"][0] == at(text, '"NextAction"', 3)
    # The second block has no Transitions at all: its branches are reported at the action.
    assert found["branch:Success"][1] == at(text, '{\n\t\t\t"Identifier": "b2"')


def test_columns_count_characters_after_a_byte_order_mark_and_keys_written_twice() -> None:
    text = '\ufeff{"Identifier": "blk", "Type": "GetCustomerProfile", "Identifier": "é", ' \
           '"Parameters": {"ProfileRequestData": {"IdentifierName": "_phone", "IdentifierValue": ""}}}'
    found = located(text)
    body = text[1:]   # an editor shows no column for the mark
    assert found["document"] == [at(body, '"Identifier"', 1)]
    assert found["criterion:0:value"] == [at(body, '"IdentifierValue"')]


@pytest.mark.parametrize("name", ["14-aicc-import-errors-wrong-flat.json",
                                  "05-sbs-financial-contactflow.json"])
def test_every_problem_of_a_real_flow_has_a_position_inside_the_text(name: str) -> None:
    from tests.unit.test_document import REAL_FLOWS

    text = (REAL_FLOWS / name).read_text(encoding="utf-8")
    doc = read_document(text)
    for problem in locate_problems(doc, document_problems(doc)[1]):
        assert problem.position is not None
        line = text.splitlines()[problem.position.line - 1]
        assert 1 <= problem.position.column <= len(line)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated(ACTION), mutated(FIXTURE)), st.sampled_from([None, 1, "\t"]))
def test_any_damaged_document_has_every_problem_at_a_place_in_its_text(document: Any, indent: Any) -> None:
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    try:
        doc = read_document(text)
        problems = document_problems(doc)[1]
    except (DocumentError, ActionFormatError):
        return
    lines = text.split("\n")
    for problem in locate_problems(doc, problems):
        assert problem.position is not None
        assert 1 <= problem.position.line <= len(lines)
        assert 1 <= problem.position.column <= len(lines[problem.position.line - 1])
