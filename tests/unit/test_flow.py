"""flow.py: loading documents, wrapping a block in a flow, find/replace in a console export, flow checks."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from profile_block.documents.flow import (
    MAX_FLOW_CHARS,
    DocumentError,
    dump_document,
    find_get_profile_actions,
    load_document,
    read_document,
    validate_flow,
    wrap_in_flow,
)
from profile_block.documents.splice import export, open_block
from profile_block.flow_context.flow_graph import read_graph
from profile_block.model.block import BRANCHES, GetProfileBlock, Identifier, read_action
from tests.unit.helpers import about, errors, valid_block
from tests.unit.strategies import valid_blocks

FIXTURE = Path(__file__).parent / "fixtures" / "flow_with_two_blocks.json"
WELCOME = "0b6d4f2e-8f1a-4c7e-9d3b-5a1e2c4f6a01"
BY_PHONE = "3f2a9c1d-6b4e-4d8a-a7c2-9e1f0b3d5c12"
BY_ACCOUNT = "7c1e5a3b-2d4f-4a6e-8b9c-0d1e2f3a4b23"
SET_ATTRS = "a4d2e6f8-1b3c-4e5a-9f7d-2c4e6a8b0d34"
SORRY = "c9e1a3b5-7d2f-4c6e-8a0b-1d3f5e7a9c45"
BYE = "e5f7a9b1-3c5d-4e7f-9a1b-3c5d7e9f1a56"


@pytest.fixture
def exported() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def all_next_actions(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k == "NextAction"]
        return found + [x for k, v in node.items() if k != "NextAction" for x in all_next_actions(v)]
    if isinstance(node, list):
        return [x for item in node for x in all_next_actions(item)]
    return []


def without_action(flow: dict[str, Any], action_id: str) -> str:
    """The flow's JSON without one action and its metadata entry (what an edit of it may change)."""
    rest = copy.deepcopy(flow)
    rest["Actions"] = [a for a in rest["Actions"] if a["Identifier"] != action_id]
    rest["Metadata"]["ActionMetadata"].pop(action_id, None)
    return json.dumps(rest)


def replace_block(flow: dict[str, Any], original_id: str, block: GetProfileBlock) -> dict[str, Any]:
    """The flow the export of an edit gives (spliced into the flow's text), read back."""
    return json.loads(export(open_block(read_document(json.dumps(flow, indent=2)), original_id), block).text)


# --- load_document ------------------------------------------------------------------------------------

def test_load_a_flow_and_an_action() -> None:
    kind, flow = load_document(FIXTURE.read_text(encoding="utf-8"))
    assert kind == "flow" and len(flow["Actions"]) == 6
    kind, action = load_document(json.dumps(valid_block().to_action()))
    assert kind == "action" and action["Type"] == "GetCustomerProfile"


def test_a_flow_without_get_profile_blocks_is_still_a_flow() -> None:
    kind, flow = load_document('{"Version": "2019-10-30", "Actions": []}')
    assert kind == "flow" and find_get_profile_actions(flow) == []


def test_too_large_document_says_its_size_and_the_limit() -> None:
    text = json.dumps({"Actions": [], "pad": "x" * MAX_FLOW_CHARS})
    with pytest.raises(DocumentError) as info:
        load_document(text)
    assert f"{len(text):,}" in str(info.value) and "256,000" in str(info.value)


def test_not_json_says_line_and_column() -> None:
    with pytest.raises(DocumentError, match=r"not JSON.*line 2, column 2"):
        load_document('{"Actions": []\n}}')


@pytest.mark.parametrize("text, cause", [
    ("", "empty"),
    ("   \n", "empty"),
    ("[1, 2]", "an array"),
    ('"flow"', "a string"),
    ("null", "null"),
    ('{"Actions": {}}', "not an array"),
    ('{"Type": "MessageParticipant", "Parameters": {}}', "single MessageParticipant action"),
    ('{"name": "x", "foo": 1}', "neither a flow.*name, foo"),
    ('{"Actions": [], "x": NaN}', "NaN"),
    ("[" * 5000 + "]" * 5000, "nest"),
    ('{"a":' * 70 + "1" + "}" * 70, "nest"),
])
def test_unusable_documents_are_refused_with_a_reason(text: str, cause: str) -> None:
    with pytest.raises(DocumentError, match=cause):
        load_document(text)


def test_byte_order_mark_and_bytes_are_accepted() -> None:
    assert load_document("\ufeff" + '{"Actions": []}')[0] == "flow"
    assert load_document(b'{"Actions": []}')[0] == "flow"
    with pytest.raises(DocumentError, match="UTF-8"):
        load_document(b'{"Actions": ["\xff"]}')


def test_dump_document_is_indented_unicode_text_with_final_newline() -> None:
    assert dump_document({"a": ["é"]}) == '{\n  "a": [\n    "é"\n  ]\n}\n'


# --- wrap_in_flow -------------------------------------------------------------------------------------

def test_wrapped_flow_has_the_console_shape() -> None:
    block = valid_block(branches={"Success": "next-step"})
    flow = wrap_in_flow(block)
    assert list(flow) == ["Version", "StartAction", "Metadata", "Actions"]
    assert flow["Version"] == "2019-10-30" and flow["StartAction"] == block.action_id
    assert flow["Metadata"]["entryPointPosition"] == {"x": 40, "y": 40}
    meta = flow["Metadata"]["ActionMetadata"]
    assert meta[block.action_id]["customerProfilesAction"] == "GetCustomerProfile"
    assert all(set(m["position"]) == {"x", "y"} for m in meta.values())
    assert set(meta) == {a["Identifier"] for a in flow["Actions"]}
    assert flow["Actions"][0]["Identifier"] == block.action_id


def test_every_next_action_of_a_wrapped_flow_resolves() -> None:
    block = valid_block(branches={"Success": "ok", "MultipleFoundError": "ok", "NoneFoundError": "",
                                  "NoMatchingError": "err"})
    flow = wrap_in_flow(block)
    ids = [a["Identifier"] for a in flow["Actions"]]
    assert len(ids) == len(set(ids)) == 4   # the block, ok, err, one generated ending for None found
    assert set(all_next_actions(flow)) <= set(ids) and "" not in all_next_actions(flow)
    endings = flow["Actions"][1:]
    assert all(a["Type"] == "DisconnectParticipant" and a["Parameters"] == {} and a["Transitions"] == {}
               for a in endings)
    (generated,) = [e["NextAction"] for e in flow["Actions"][0]["Transitions"]["Errors"]
                    if e["ErrorType"] == "NoneFoundError"]
    assert generated not in ("ok", "err") and generated in ids
    assert validate_flow(flow) == []


def test_typed_branch_targets_become_placeholders_the_designer_shows_by_name() -> None:
    block = valid_block(branches={"Success": "Greet caller", "MultipleFoundError": "",
                                  "NoneFoundError": "", "NoMatchingError": ""})
    flow = wrap_in_flow(block)
    meta = flow["Metadata"]["ActionMetadata"]
    assert meta["Greet caller"]["isFriendlyName"] is True
    generated = flow["Actions"][0]["Transitions"]["Errors"][0]["NextAction"]
    assert "isFriendlyName" not in meta[generated] and "isFriendlyName" not in meta[block.action_id]
    assert read_graph(flow).actions["Greet caller"].described == "'Greet caller' (Disconnect / hang up)"


def test_wrapped_blocks_do_not_overlap_on_the_canvas() -> None:
    block = valid_block(branches={"Success": "a", "MultipleFoundError": "b", "NoneFoundError": "c",
                                  "NoMatchingError": "d"})
    positions = [(m["position"]["x"], m["position"]["y"])
                 for m in wrap_in_flow(block)["Metadata"]["ActionMetadata"].values()]
    assert len(positions) == 5 and len(set(positions)) == 5
    ys = sorted(y for x, y in positions if x == positions[1][0])
    assert all(b - a >= 150 for a, b in zip(ys, ys[1:], strict=False))


def test_wrapping_is_deterministic_so_preview_equals_download() -> None:
    block = valid_block()
    assert dump_document(wrap_in_flow(block)) == dump_document(wrap_in_flow(copy.deepcopy(block)))


def test_wrapped_flow_loads_back_as_the_block() -> None:
    block = valid_block(branches={"Success": "ok"})
    kind, flow = load_document(dump_document(wrap_in_flow(block)))
    (action,) = find_get_profile_actions(flow)
    again, notes = read_action(action)
    assert kind == "flow" and notes == []
    assert again.identifiers == block.identifiers and again.fields == block.fields
    assert again.branches["Success"] == "ok"


@settings(max_examples=150, deadline=None)
@given(valid_blocks())
def test_every_valid_block_wraps_into_a_valid_flow(block: GetProfileBlock) -> None:
    flow = wrap_in_flow(block)
    ids = {a["Identifier"] for a in flow["Actions"]}
    assert set(all_next_actions(flow)) <= ids
    assert errors(validate_flow(flow)) == []


# --- find / replace in a console export ------------------------------------------------------------------

def test_find_get_profile_actions_in_document_order(exported: dict[str, Any]) -> None:
    assert [a["Identifier"] for a in find_get_profile_actions(exported)] == [BY_PHONE, BY_ACCOUNT]
    assert find_get_profile_actions({"Actions": [1, None, {"Type": "GetCustomerProfile"}]}) == [
        {"Type": "GetCustomerProfile"}]


def test_the_fixture_is_a_valid_flow(exported: dict[str, Any]) -> None:
    assert validate_flow(exported) == []


def test_replace_changes_only_the_edited_block(exported: dict[str, Any]) -> None:
    original = copy.deepcopy(exported)
    block = GetProfileBlock.from_action(find_get_profile_actions(exported)[1])
    block.identifiers.append(Identifier("_phone", "$.CustomerEndpoint.Address"))
    block.fields = ["LastName", "Attributes.vip"]
    block.branches["NoneFoundError"] = BYE

    result = replace_block(exported, BY_ACCOUNT, block)

    assert exported == original                       # the input is not modified
    assert without_action(result, BY_ACCOUNT) == without_action(original, BY_ACCOUNT)
    new_action = result["Actions"][2]
    assert list(new_action) == ["Parameters", "Identifier", "Type", "Transitions"]   # key order kept
    assert GetProfileBlock.from_action(new_action) == block
    assert new_action["Parameters"]["ProfileRequestData"]["SearchCriteria"][2] == {
        "IdentifierName": "_phone", "IdentifierValue": "$.CustomerEndpoint.Address"}
    assert validate_flow(result) == []


def test_replace_keeps_unknown_keys_of_the_action(exported: dict[str, Any]) -> None:
    exported["Actions"][1]["Parameters"]["FutureOption"] = {"x": 1}
    exported["Actions"][1]["Transitions"]["Conditions"] = []
    exported["Actions"][1]["Comment"] = "kept"
    block = GetProfileBlock.from_action(exported["Actions"][1])
    block.fields.append("City")
    action = replace_block(exported, BY_PHONE, block)["Actions"][1]
    assert action["Parameters"]["FutureOption"] == {"x": 1}
    assert action["Transitions"]["Conditions"] == []
    assert action["Comment"] == "kept"
    assert action["Parameters"]["ProfileResponseData"][-1] == "City"


def test_replace_with_the_same_block_changes_not_a_byte(exported: dict[str, Any]) -> None:
    block = GetProfileBlock.from_action(exported["Actions"][2])
    result = replace_block(exported, BY_ACCOUNT, block)
    assert dump_document(result) == dump_document(exported)


def test_replace_updates_error_entries_in_place(exported: dict[str, Any]) -> None:
    errors_before = exported["Actions"][1]["Transitions"]["Errors"]
    errors_before.reverse()
    errors_before.append({"ErrorType": "NoneFoundError", "NextAction": BYE})    # a repeat: dropped
    block = GetProfileBlock.from_action(exported["Actions"][1])
    block.branches["NoneFoundError"] = SORRY
    after = replace_block(exported, BY_PHONE, block)["Actions"][1]["Transitions"]["Errors"]
    assert after == [
        {"NextAction": SORRY, "ErrorType": "NoMatchingError"},
        {"NextAction": SORRY, "ErrorType": "NoneFoundError"},
        {"NextAction": BY_ACCOUNT, "ErrorType": "MultipleFoundError"},
    ]
    assert [list(e) for e in after] == [["NextAction", "ErrorType"]] * 3


def test_renaming_the_block_updates_every_reference(exported: dict[str, Any]) -> None:
    block = GetProfileBlock.from_action(exported["Actions"][1])
    block.action_id = "lookup-by-phone"
    result = replace_block(exported, BY_PHONE, block)

    assert BY_PHONE not in json.dumps(result)
    welcome = result["Actions"][0]
    assert welcome["Transitions"]["NextAction"] == "lookup-by-phone"
    assert welcome["Transitions"]["Errors"][0]["NextAction"] == "lookup-by-phone"
    keys = list(result["Metadata"]["ActionMetadata"])
    assert keys == [k if k != BY_PHONE else "lookup-by-phone" for k in exported["Metadata"]["ActionMetadata"]]
    assert result["Metadata"]["Annotations"][0]["actionId"] == "lookup-by-phone"
    entry = result["Metadata"]["ActionMetadata"]["lookup-by-phone"]
    assert entry == exported["Metadata"]["ActionMetadata"][BY_PHONE]   # useDynamic, position kept
    # Apart from the rename, the rest of the document is the same.
    assert json.dumps(result).replace("lookup-by-phone", BY_PHONE) == json.dumps(exported)
    assert validate_flow(result) == []


def test_renaming_the_start_block_updates_start_action(exported: dict[str, Any]) -> None:
    exported["StartAction"] = BY_PHONE
    block = GetProfileBlock.from_action(exported["Actions"][1])
    block.action_id = "first"
    assert replace_block(exported, BY_PHONE, block)["StartAction"] == "first"


def test_a_self_loop_follows_the_rename(exported: dict[str, Any]) -> None:
    block = GetProfileBlock.from_action(exported["Actions"][1])
    block.branches["NoMatchingError"] = BY_PHONE       # retry on error
    block.action_id = "retry-me"
    action = replace_block(exported, BY_PHONE, block)["Actions"][1]
    assert action["Transitions"]["Errors"][2] == {"ErrorType": "NoMatchingError", "NextAction": "retry-me"}


def test_an_edit_adds_no_metadata_keys_and_keeps_the_entry_when_the_request_is_unchanged(
        exported: dict[str, Any]) -> None:
    meta = exported["Metadata"]["ActionMetadata"][BY_ACCOUNT]
    del meta["customerProfilesAction"]
    block = GetProfileBlock.from_action(exported["Actions"][2])
    block.fields.append("City")
    entry = replace_block(exported, BY_ACCOUNT, block)["Metadata"]["ActionMetadata"][BY_ACCOUNT]
    assert entry == meta    # no customerProfilesAction added; useDynamic and position as they were


def test_replace_of_an_unknown_block_is_a_document_error(exported: dict[str, Any]) -> None:
    with pytest.raises(DocumentError, match="no GetCustomerProfile action.*nope"):
        replace_block(exported, "nope", valid_block())
    with pytest.raises(DocumentError):
        replace_block(exported, SET_ATTRS, valid_block())   # exists, but is not a Get-profile block


@settings(max_examples=100, deadline=None)
@given(valid_blocks())
def test_replacing_with_any_block_keeps_the_rest(block: GetProfileBlock) -> None:
    exported = json.loads(FIXTURE.read_text(encoding="utf-8"))
    block.action_id = BY_ACCOUNT
    result = replace_block(exported, BY_ACCOUNT, block)
    assert without_action(result, BY_ACCOUNT) == without_action(exported, BY_ACCOUNT)
    assert GetProfileBlock.from_action(result["Actions"][2]) == block


# --- validate_flow --------------------------------------------------------------------------------------

def test_dangling_next_action_is_an_error_on_that_branch(exported: dict[str, Any]) -> None:
    exported["Actions"][2]["Transitions"]["Errors"][1]["NextAction"] = "gone"
    problems = validate_flow(exported)
    (p,) = problems
    assert p.is_error and p.part == "branch:NoneFoundError" and p.block_id == BY_ACCOUNT
    assert "'gone'" in p.message and "not an action in this flow" in p.message


def test_a_lone_action_may_point_anywhere() -> None:
    assert valid_block(branches={b: "elsewhere" for b in BRANCHES}).validate() == []


def test_unconnected_branch_inside_a_flow_is_an_error(exported: dict[str, Any]) -> None:
    del exported["Actions"][1]["Transitions"]["Errors"][0]
    (p,) = validate_flow(exported)
    assert p.is_error and p.part == "branch:MultipleFoundError" and "not connected" in p.message


def test_block_problems_carry_the_block_id(exported: dict[str, Any]) -> None:
    exported["Actions"][2]["Parameters"]["ProfileRequestData"]["LogicalOperator"] = "XOR"
    exported["Actions"][1]["Parameters"]["ProfileResponseData"].append("Nope")
    problems = validate_flow(exported)
    assert {(p.block_id, p.part) for p in problems} == {(BY_ACCOUNT, "operator"), (BY_PHONE, "field:Nope")}


def test_flow_level_warnings_version_and_action_count(exported: dict[str, Any]) -> None:
    exported["Version"] = "2020-01-01"
    exported["Actions"] += [{"Identifier": f"end-{i}", "Type": "DisconnectParticipant", "Parameters": {},
                             "Transitions": {}} for i in range(245)]
    problems = validate_flow(exported)
    assert [(p.severity, p.part) for p in problems] == [("warning", "flow"), ("warning", "flow")]
    assert "2019-10-30" in problems[0].message and "251 actions" in problems[1].message


def test_flow_level_errors_start_action_and_duplicate_ids(exported: dict[str, Any]) -> None:
    exported["StartAction"] = "missing"
    exported["Actions"].append(copy.deepcopy(exported["Actions"][0]))
    messages = [p.message for p in about(validate_flow(exported), "flow")]
    assert any("StartAction 'missing'" in m for m in messages)
    assert any(f"More than one action has the Identifier '{WELCOME}'" in m for m in messages)


def test_validate_flow_refuses_what_is_not_a_flow() -> None:
    with pytest.raises(DocumentError):
        validate_flow([])    # type: ignore[arg-type]
    with pytest.raises(DocumentError):
        validate_flow({"Type": "GetCustomerProfile"})
