"""GetProfileBlock.validate: one test per rule, checking the part and that the message names the cause."""

from __future__ import annotations

import pytest

from profile_block.model.block import (
    BRANCHES,
    MAX_FIELDS_IN_BUDGET,
    Identifier,
    Problem,
    attribute_budget,
    check_action_id,
)
from profile_block.model.fields import STANDARD_FIELDS
from tests.unit.helpers import about, errors, valid_block


def only(problems: list[Problem], part: str) -> Problem:
    found = about(problems, part)
    assert len(found) == 1, problems
    return found[0]


def test_a_valid_block_has_no_problem() -> None:
    assert valid_block().validate() == []


def test_the_default_block_is_valid() -> None:
    # The page starts from GetProfileBlock(): a phone search with a fresh UUID.
    from profile_block.model.block import GetProfileBlock
    assert GetProfileBlock().validate() == []


def test_no_identifier_is_an_error_on_request() -> None:
    p = only(valid_block(identifiers=[]).validate(), "request")
    assert p.is_error and "no identifier" in p.message


def test_more_than_five_identifiers_is_an_error_on_request() -> None:
    idents = [Identifier(f"key{i}", f"v{i}") for i in range(6)]
    p = only(valid_block(identifiers=idents, operator="AND").validate(), "request")
    assert p.is_error and "6 identifiers" in p.message and "at most 5" in p.message


def test_five_identifiers_are_fine() -> None:
    idents = [Identifier(f"key{i}", f"v{i}") for i in range(5)]
    assert valid_block(identifiers=idents, operator="AND").validate() == []


@pytest.mark.parametrize("operator", ["", "XOR", "not"])
def test_operator_other_than_and_or_is_an_error_with_two_identifiers(operator: str) -> None:
    idents = [Identifier("_phone", "$.CustomerEndpoint.Address"), Identifier("_account", "$.Attributes.acct")]
    p = only(valid_block(identifiers=idents, operator=operator).validate(), "operator")
    assert p.is_error and "AND" in p.message and "OR" in p.message
    if operator:
        assert operator in p.message


def test_lower_case_operator_message_says_upper_case() -> None:
    idents = [Identifier("_phone", "1"), Identifier("_email", "a@example.com")]
    p = only(valid_block(identifiers=idents, operator="and").validate(), "operator")
    assert "upper case" in p.message and "'AND'" in p.message


def test_operator_is_ignored_with_one_identifier() -> None:
    assert valid_block(operator="").validate() == []


def test_empty_key_name_is_an_error_on_the_criterion_key() -> None:
    p = only(valid_block(identifiers=[Identifier("", "x")]).validate(), "criterion:0:key")
    assert p.is_error and "empty" in p.message


def test_invalid_key_name_names_the_bad_characters() -> None:
    idents = [Identifier("_phone", "1"), Identifier("my key!", "x")]
    p = only(valid_block(identifiers=idents).validate(), "criterion:1:key")
    assert p.is_error and "my key!" in p.message and "'!'" in p.message


def test_too_long_key_name_is_an_error() -> None:
    p = only(valid_block(identifiers=[Identifier("k" * 65, "x")]).validate(), "criterion:0:key")
    assert p.is_error and "65 characters" in p.message


def test_custom_key_that_looks_standard_is_a_warning() -> None:
    p = only(valid_block(identifiers=[Identifier("phone", "x")]).validate(), "criterion:0:key")
    assert not p.is_error and "_phone" in p.message


def test_custom_key_is_fine() -> None:
    assert valid_block(identifiers=[Identifier("loyaltyNumber", "$.Attributes.loyalty")]).validate() == []


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_value_is_an_error_on_the_criterion_value(value: str) -> None:
    p = only(valid_block(identifiers=[Identifier("_phone", value)]).validate(), "criterion:0:value")
    assert p.is_error and "empty" in p.message


def test_static_value_over_255_characters_is_an_error() -> None:
    p = only(valid_block(identifiers=[Identifier("_account", "9" * 256)]).validate(), "criterion:0:value")
    assert p.is_error and "256 characters" in p.message and "255" in p.message


def test_static_value_of_255_characters_is_fine() -> None:
    assert valid_block(identifiers=[Identifier("_account", "9" * 255)]).validate() == []


def test_an_undocumented_reference_is_a_warning_not_an_error() -> None:
    block = valid_block(identifiers=[Identifier("_phone", "$.Caller.Number")])
    p = only(block.validate(), "criterion:0:value")
    assert not p.is_error and "$.Caller.Number" in p.message and "$.Attributes.<key>" in p.message


@pytest.mark.parametrize("value", ["$.", "$.Attributes.", "$.Attributes..x", "$.Attributes.a b",
                                   "$.SegmentAttributes['x", "$.External"])
def test_a_malformed_reference_is_an_error(value: str) -> None:
    p = only(valid_block(identifiers=[Identifier("_phone", value)]).validate(), "criterion:0:value")
    assert p.is_error and value in p.message


def test_reference_without_key_is_an_error() -> None:
    p = only(valid_block(identifiers=[Identifier("_phone", "$.Attributes")]).validate(), "criterion:0:value")
    assert p.is_error and "names no key" in p.message


@pytest.mark.parametrize("value", ["$.CustomerEndpoint.Address", "$.Attributes.acct", "$.Lex.Slots.phone",
                                   "$.External.phone", "$.Customer.PhoneNumber", "$.ContactId",
                                   "$.StoredCustomerInput", "$.InitialContactId", "$.Queue.Name",
                                   "$.SystemEndpoint.Address", "$.SegmentAttributes['connect:Subtype']",
                                   "$.Media.Sip.Headers.From", "$.FlowAttributes.x", "$['AwsRegion']"])
def test_known_references_are_fine(value: str) -> None:
    assert valid_block(identifiers=[Identifier("_phone", value)]).validate() == []


def test_reference_inside_static_text_is_a_warning() -> None:
    p = only(valid_block(identifiers=[Identifier("_phone", "tel:$.CustomerEndpoint.Address")]).validate(),
             "criterion:0:value")
    assert not p.is_error and "whole value" in p.message


def test_unknown_response_field_is_an_error_with_a_suggestion() -> None:
    p = only(valid_block(fields=["FirstName", "Frstname"]).validate(), "field:Frstname")
    assert p.is_error and "'Frstname' is not a response field" in p.message and "FirstName" in p.message


def test_invalid_custom_field_is_an_error() -> None:
    p = only(valid_block(fields=["Attributes.has space"]).validate(), "field:Attributes.has space")
    assert p.is_error and "white space" in p.message


def test_lower_case_attributes_prefix_is_explained() -> None:
    p = only(valid_block(fields=["attributes.tier"]).validate(), "field:attributes.tier")
    assert p.is_error and "Attributes.tier" in p.message


def test_profile_id_as_a_field_is_explained() -> None:
    p = only(valid_block(fields=["ProfileId"]).validate(), "field:ProfileId")
    assert p.is_error and "always stored" in p.message


def test_duplicate_fields_is_one_error_per_duplicate() -> None:
    problems = valid_block(fields=["City", "FirstName", "City", "City"]).validate()
    found = about(problems, "field:City")
    assert len(found) == 2 and all(p.is_error and "more than once" in p.message for p in found)


@pytest.mark.parametrize("action_id, cause", [
    ("", "empty"),
    ("a" * 51, "51 characters"),
    ("my:block", ":"),
    ("a(b)", "( )"),
    ("x$y", "$"),
    ("{x}", "{ }"),
])
def test_invalid_action_identifier_is_an_error(action_id: str, cause: str) -> None:
    p = only(valid_block(action_id=action_id).validate(), "identifier")
    assert p.is_error and cause in p.message


def test_every_forbidden_identifier_character_is_rejected() -> None:
    for c in "%:(\\/)=$,;[]{}":
        assert check_action_id(f"a{c}b") is not None, c
    assert check_action_id("a" * 50) is None
    assert check_action_id("5f0d1c1e-9a53-4c47-9a37-0c3a1c6f2b10") is None


def test_budget_arithmetic() -> None:
    assert attribute_budget([]) == (255, 14_000)
    assert attribute_budget(["FirstName", "City"]) == (3 * 255, 14_000)
    assert MAX_FIELDS_IN_BUDGET == 53


def test_budget_over_14000_is_a_warning() -> None:
    names = [f.name for f in STANDARD_FIELDS][:MAX_FIELDS_IN_BUDGET + 1]
    p = only(valid_block(fields=names).validate(), "budget")
    assert not p.is_error and "14,000" in p.message and f"{len(names) + 1} × 255" in p.message


def test_budget_at_the_limit_is_fine() -> None:
    names = [f.name for f in STANDARD_FIELDS][:MAX_FIELDS_IN_BUDGET]
    assert about(valid_block(fields=names).validate(), "budget") == []


def test_duplicate_criteria_is_a_warning() -> None:
    idents = [Identifier("_phone", "$.CustomerEndpoint.Address"), Identifier("_email", "x@example.com"),
              Identifier("_phone", "$.CustomerEndpoint.Address")]
    p = only(valid_block(identifiers=idents).validate(), "criterion:2:key")
    assert not p.is_error and "repeats identifier 1" in p.message


def test_invalid_branch_target_is_an_error_on_that_branch() -> None:
    branches = {b: "" for b in BRANCHES} | {"NoneFoundError": "bad/target"}
    p = only(valid_block(branches=branches).validate(), "branch:NoneFoundError")
    assert p.is_error and "None found" in p.message and "/" in p.message


def test_empty_branch_targets_are_fine_for_a_lone_block() -> None:
    assert valid_block(branches={}).validate() == []


def test_problems_show_where_they_are_in_words() -> None:
    assert Problem("error", "criterion:1:value", "m").where == "criterion 2 value"
    assert Problem("error", "field:ShippingCity", "m").where == "field ShippingCity"
    assert Problem("error", "branch:NoMatchingError", "m").where == "Error branch"
    assert Problem("error", "identifier", "m").where == "action Identifier"


def test_every_problem_is_reported_at_once() -> None:
    block = valid_block(action_id="", identifiers=[Identifier("", ""), Identifier("_phone", "$.Nope..x")],
                        operator="", fields=["Nope"])
    parts = {p.part for p in errors(block.validate())}
    assert parts == {"identifier", "operator", "criterion:0:key", "criterion:0:value",
                     "criterion:1:value", "field:Nope"}


def test_block_budget_method_is_the_used_part_of_the_budget() -> None:
    block = valid_block(fields=["FirstName", "City", "Attributes.tier"])
    assert block.attribute_budget() == attribute_budget(block.fields)[0] == 4 * 255


def test_a_static_value_with_outer_spaces_is_a_warning():
    from profile_block.model.block import GetProfileBlock, Identifier

    for value, where in ((" +15555550100", "starts"), ("A-1001 ", "ends"), (" x ", "starts and ends")):
        problems = GetProfileBlock(identifiers=[Identifier("_account", value)]).validate()
        assert [(p.severity, p.part) for p in problems] == [("warning", "criterion:0:value")]
        assert f"{where} with white space" in problems[0].message


def test_a_custom_attribute_with_a_dot_is_an_ambiguous_path_warning():
    from profile_block.model.block import GetProfileBlock

    problems = GetProfileBlock(fields=["Attributes.a.b", "Attributes.ab"]).validate()
    assert [(p.severity, p.part) for p in problems] == [("warning", "field:Attributes.a.b")]
    assert "$.Customer.Attributes.a.b is ambiguous" in problems[0].message
