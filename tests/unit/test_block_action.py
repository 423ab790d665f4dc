"""to_action / read_action: both request forms, legacy and misspelled imports, odd shapes, round trips."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from profile_block.model.block import (
    ActionFormatError,
    GetProfileBlock,
    Identifier,
    read_action,
    validate_action,
)
from tests.unit.helpers import about, errors, valid_block
from tests.unit.strategies import valid_blocks

REAL_FLOWS = Path(__file__).parents[1] / "fixtures" / "real-flows"


def action(request: Any, fields: Any = ("FirstName",), transitions: Any = None,
           **extra: Any) -> dict[str, Any]:
    """An action as a file would hold it; ``fields`` given as a tuple becomes an array."""
    response = list(fields) if isinstance(fields, tuple) else fields
    obj: dict[str, Any] = {"Identifier": "blk-1", "Type": "GetCustomerProfile",
                           "Parameters": {"ProfileRequestData": request, "ProfileResponseData": response}}
    if transitions is not None:
        obj["Transitions"] = transitions
    obj.update(extra)
    return obj


# --- to_action ------------------------------------------------------------------------------------

def test_to_action_single_form_exact_json() -> None:
    block = GetProfileBlock(
        action_id="5f0d1c1e-9a53-4c47-9a37-0c3a1c6f2b10",
        identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address")],
        fields=["FirstName", "LastName", "City", "Attributes.tier"],
        branches={"Success": "ok", "MultipleFoundError": "many", "NoneFoundError": "none",
                  "NoMatchingError": "err"},
    )
    expected = """{
  "Parameters": {
    "ProfileRequestData": {
      "IdentifierName": "_phone",
      "IdentifierValue": "$.CustomerEndpoint.Address"
    },
    "ProfileResponseData": [
      "FirstName",
      "LastName",
      "City",
      "Attributes.tier"
    ]
  },
  "Identifier": "5f0d1c1e-9a53-4c47-9a37-0c3a1c6f2b10",
  "Type": "GetCustomerProfile",
  "Transitions": {
    "NextAction": "ok",
    "Errors": [
      {
        "NextAction": "err",
        "ErrorType": "NoMatchingError"
      },
      {
        "NextAction": "many",
        "ErrorType": "MultipleFoundError"
      },
      {
        "NextAction": "none",
        "ErrorType": "NoneFoundError"
      }
    ]
  }
}"""
    assert json.dumps(block.to_action(), indent=2) == expected


def test_to_action_search_criteria_for_several_identifiers() -> None:
    block = valid_block(identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address"),
                                     Identifier("_account", "$.Attributes.acct")], operator="AND")
    request = block.to_action()["Parameters"]["ProfileRequestData"]
    assert request == {
        "SearchCriteria": [{"IdentifierName": "_phone", "IdentifierValue": "$.CustomerEndpoint.Address"},
                           {"IdentifierName": "_account", "IdentifierValue": "$.Attributes.acct"}],
        "LogicalOperator": "AND",
    }


def test_to_action_keeps_field_order_and_unconnected_branches_are_empty() -> None:
    block = valid_block(fields=["City", "FirstName", "Attributes.z", "Attributes.a"], branches={})
    act = block.to_action()
    assert act["Parameters"]["ProfileResponseData"] == ["City", "FirstName", "Attributes.z", "Attributes.a"]
    assert act["Transitions"]["NextAction"] == ""
    assert [e["ErrorType"] for e in act["Transitions"]["Errors"]] == [
        "NoMatchingError", "MultipleFoundError", "NoneFoundError"]
    assert all(e["NextAction"] == "" for e in act["Transitions"]["Errors"])
    assert list(act) == ["Parameters", "Identifier", "Type", "Transitions"]


def layout(value: Any) -> Any:
    """The shape of a JSON value: object keys in order, array items, error types; no other values."""
    if isinstance(value, dict):
        return [(k, layout(v) if k != "ErrorType" else v) for k, v in value.items()]
    if isinstance(value, list):
        return [layout(v) for v in value]
    return type(value).__name__


@pytest.mark.parametrize("name", ["01-sbs-agentworkspace-guide.json", "05-sbs-financial-contactflow.json",
                                  "09-starterkit-jp-main-inbound.json",
                                  "10-starterkit-jp-self-service-agent.json"])
def test_a_new_block_is_laid_out_like_a_console_export(name: str) -> None:
    flow = json.loads((REAL_FLOWS / name).read_text("utf-8"))
    (exported,) = [a for a in flow["Actions"] if a["Type"] == "GetCustomerProfile"]
    new = valid_block(branches={b: "x" for b in ("Success", "MultipleFoundError", "NoneFoundError",
                                                 "NoMatchingError")}).to_action()
    assert list(new) == list(exported)
    assert layout(new["Transitions"]) == layout(exported["Transitions"])
    assert list(new["Parameters"]) == list(exported["Parameters"])


def test_to_action_of_a_block_without_identifiers_does_not_fail() -> None:
    assert valid_block(identifiers=[]).to_action()["Parameters"]["ProfileRequestData"] == {}


# --- reading: current shapes ------------------------------------------------------------------------

def test_read_single_form() -> None:
    block, notes = read_action(action({"IdentifierName": "_email", "IdentifierValue": "$.Attributes.mail"}))
    assert notes == []
    assert block.identifiers == [Identifier("_email", "$.Attributes.mail")]
    assert block.action_id == "blk-1" and block.fields == ["FirstName"]


def test_read_search_criteria_form_with_operator() -> None:
    block, notes = read_action(action({
        "SearchCriteria": [{"IdentifierName": "_phone", "IdentifierValue": "1"},
                           {"IdentifierName": "_email", "IdentifierValue": "a@example.com"}],
        "LogicalOperator": "AND"}))
    assert notes == []
    assert block.operator == "AND" and [i.key for i in block.identifiers] == ["_phone", "_email"]


def test_read_transitions_in_any_order() -> None:
    block, _ = read_action(action({"IdentifierName": "_phone", "IdentifierValue": "1"}, transitions={
        "NextAction": "ok", "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "err"},
                                       {"ErrorType": "MultipleFoundError", "NextAction": "many"}]}))
    assert block.branches == {"Success": "ok", "MultipleFoundError": "many", "NoneFoundError": "",
                              "NoMatchingError": "err"}


@pytest.mark.parametrize("operator, expected", [(None, ""), ("XOR", "XOR")])
def test_search_criteria_missing_or_other_operator_is_kept_for_validate(operator: str | None,
                                                                        expected: str) -> None:
    request: dict[str, Any] = {"SearchCriteria": [{"IdentifierName": "_phone", "IdentifierValue": "1"},
                                                  {"IdentifierName": "_email", "IdentifierValue": "e"}]}
    if operator is not None:
        request["LogicalOperator"] = operator
    obj = action(request)
    block, _ = read_action(obj)
    assert block.operator == expected
    assert [p.part for p in errors(validate_action(obj))] == ["operator"]


def test_search_criteria_with_one_item_warns_it_will_be_exported_in_single_form() -> None:
    one = [{"IdentifierName": "_phone", "IdentifierValue": "1"}]
    block, notes = read_action(action({"SearchCriteria": one, "LogicalOperator": "OR"}))
    assert block.identifiers == [Identifier("_phone", "1")]
    (note,) = notes
    assert note.part == "request" and not note.is_error and "single form" in note.message


# --- reading: legacy, misspelled, ambiguous ---------------------------------------------------------

@pytest.mark.parametrize("legacy, key", [("PhoneNumber", "_phone"), ("EmailAddress", "_email")])
def test_legacy_request_is_converted_with_a_warning(legacy: str, key: str) -> None:
    block, notes = read_action(action({legacy: "$.CustomerEndpoint.Address"}))
    assert block.identifiers == [Identifier(key, "$.CustomerEndpoint.Address")]
    (note,) = notes
    assert note.part == "request" and not note.is_error
    assert "legacy" in note.message and "stays as it is" in note.message and "current form" in note.message
    assert block.to_action()["Parameters"]["ProfileRequestData"] == {
        "IdentifierName": key, "IdentifierValue": "$.CustomerEndpoint.Address"}


def test_misspelled_single_form_is_accepted_with_warnings() -> None:
    request = {"IdentiferName": "_phone", "IdentiferValue": "$.CustomerEndpoint.Address"}
    block, notes = read_action(action(request))
    assert block.identifiers == [Identifier("_phone", "$.CustomerEndpoint.Address")]
    assert {n.part for n in notes} == {"criterion:0:key", "criterion:0:value"}
    assert all(not n.is_error and "misspelling" in n.message for n in notes)
    assert "IdentiferName" not in json.dumps(block.to_action())


def test_misspelled_members_inside_search_criteria() -> None:
    block, notes = read_action(action({
        "SearchCriteria": [{"IdentifierName": "_phone", "IdentifierValue": "1"},
                           {"IdentiferName": "_email", "IdentifierValue": "e"}], "LogicalOperator": "OR"}))
    assert block.identifiers[1] == Identifier("_email", "e")
    assert [n.part for n in notes] == ["criterion:1:key"]


def test_both_request_forms_is_an_ambiguous_error_and_search_criteria_wins() -> None:
    obj = action({"IdentifierName": "_phone", "IdentifierValue": "1",
                  "SearchCriteria": [{"IdentifierName": "_email", "IdentifierValue": "e"},
                                     {"IdentifierName": "_account", "IdentifierValue": "a"}],
                  "LogicalOperator": "OR"})
    block, notes = read_action(obj)
    assert [i.key for i in block.identifiers] == ["_email", "_account"]
    (note,) = about(notes, "request")
    assert note.is_error and "Ambiguous request" in note.message
    assert any(p.message.startswith("Ambiguous request") for p in validate_action(obj))


def test_response_data_as_object_is_accepted_with_a_warning() -> None:
    block, notes = read_action(action({"IdentifierName": "_phone", "IdentifierValue": "1"},
                                      fields={"LastName": "", "FirstName": "", "City": ""}))
    assert block.fields == ["LastName", "FirstName", "City"]
    (note,) = notes
    assert note.part == "fields" and not note.is_error and "object" in note.message
    assert block.to_action()["Parameters"]["ProfileResponseData"] == ["LastName", "FirstName", "City"]


# --- reading: wrong types -----------------------------------------------------------------------------

@pytest.mark.parametrize("obj, cause", [
    ([], "an array"),
    ("GetCustomerProfile", "a string"),
    (None, "null"),
    ({"Identifier": "x"}, "no \"Type\""),
    ({"Type": "MessageParticipant", "Identifier": "x"}, "MessageParticipant"),
])
def test_not_an_action_raises_action_format_error(obj: Any, cause: str) -> None:
    with pytest.raises(ActionFormatError, match=cause):
        read_action(obj)


def test_non_text_value_is_an_error_note_and_left_empty() -> None:
    block, notes = read_action(action({"IdentifierName": "_phone", "IdentifierValue": ["+1555"]}))
    assert block.identifiers == [Identifier("_phone", "")]
    (note,) = notes
    assert note.is_error and note.part == "criterion:0:value" and "must be text" in note.message
    assert "an array" in note.message


def test_numeric_value_is_read_as_text_with_a_warning() -> None:
    block, notes = read_action(action({"IdentifierName": "_account", "IdentifierValue": 12345}))
    assert block.identifiers == [Identifier("_account", "12345")]
    assert [(n.severity, n.part) for n in notes] == [("warning", "criterion:0:value")]


@pytest.mark.parametrize("mutate, part", [
    (lambda a: a.__setitem__("Parameters", []), "request"),
    (lambda a: a["Parameters"].__setitem__("ProfileRequestData", "x"), "request"),
    (lambda a: a["Parameters"]["ProfileRequestData"].__setitem__("SearchCriteria", {}), "request"),
    (lambda a: a["Parameters"]["ProfileRequestData"]["SearchCriteria"].__setitem__(0, 7), "criterion:0:key"),
    (lambda a: a["Parameters"]["ProfileRequestData"].__setitem__("LogicalOperator", True), "operator"),
    (lambda a: a["Parameters"].__setitem__("ProfileResponseData", 3), "fields"),
    (lambda a: a["Parameters"]["ProfileResponseData"].append(None), "fields"),
    (lambda a: a.__setitem__("Transitions", [1]), "branches"),
    (lambda a: a["Transitions"].__setitem__("Errors", "x"), "branches"),
    (lambda a: a["Transitions"].__setitem__("NextAction", {}), "branch:Success"),
    (lambda a: a["Transitions"]["Errors"][1].__setitem__("NextAction", 1.5), "branch:MultipleFoundError"),
    (lambda a: a.__setitem__("Identifier", None), "identifier"),
])
def test_wrong_types_become_notes_on_the_right_part(mutate: Any, part: str) -> None:
    obj = valid_block(identifiers=[Identifier("_phone", "1"), Identifier("_email", "e")],
                      branches={"Success": "a", "MultipleFoundError": "b", "NoneFoundError": "c",
                                "NoMatchingError": "d"}).to_action()
    mutate(obj)
    problems = validate_action(obj)
    assert about(problems, part), problems


def test_unknown_error_type_is_ignored_with_a_warning() -> None:
    _, notes = read_action(action({"IdentifierName": "_phone", "IdentifierValue": "1"}, transitions={
        "NextAction": "a", "Errors": [{"ErrorType": "NoMatchingCondition", "NextAction": "b"}]}))
    (note,) = notes
    assert note.part == "branches" and "NoMatchingCondition" in note.message


def test_duplicate_error_type_keeps_the_first() -> None:
    block, notes = read_action(action({"IdentifierName": "_phone", "IdentifierValue": "1"}, transitions={
        "Errors": [{"ErrorType": "NoneFoundError", "NextAction": "first"},
                   {"ErrorType": "NoneFoundError", "NextAction": "second"}]}))
    assert block.branches["NoneFoundError"] == "first"
    assert [n.part for n in notes] == ["branch:NoneFoundError"]


def test_validate_action_lists_notes_and_block_problems_once() -> None:
    obj = action({"PhoneNumber": "$.Nope."})
    problems = validate_action(obj)
    assert [(p.severity, p.part) for p in problems] == [
        ("warning", "request"), ("error", "criterion:0:value")]


# --- round trip ---------------------------------------------------------------------------------------

EXAMPLES = [
    valid_block(),
    valid_block(identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address"),
                             Identifier("_fullName", "Ada Lovelace"),
                             Identifier("loyalty", "$.Attributes.loyalty")], operator="AND",
                fields=[], branches={"Success": "s", "MultipleFoundError": "", "NoneFoundError": "n",
                                     "NoMatchingError": "e"}),
    valid_block(fields=["ShippingAddress1", "BillingState", "Attributes.x.y"]),
]


@pytest.mark.parametrize("block", EXAMPLES)
def test_round_trip_examples(block: GetProfileBlock) -> None:
    again, notes = read_action(block.to_action())
    assert again == block and notes == []


@settings(max_examples=300, deadline=None)
@given(valid_blocks())
def test_round_trip_of_every_valid_block(block: GetProfileBlock) -> None:
    assert errors(block.validate()) == []
    action_json = json.loads(json.dumps(block.to_action()))
    again, notes = read_action(action_json)
    assert notes == []
    assert again == block
    assert GetProfileBlock.from_action(action_json) == block
    assert again.to_action() == block.to_action()


def test_equality_ignores_the_operator_of_a_single_identifier_only() -> None:
    assert valid_block(operator="AND") == valid_block(operator="OR")
    two = [Identifier("_phone", "1"), Identifier("_email", "e")]
    two_again = copy.deepcopy(two)
    assert valid_block(identifiers=two, operator="AND") != valid_block(identifiers=two_again, operator="OR")
    assert valid_block(fields=["City"]) != valid_block(fields=["FirstName"])
