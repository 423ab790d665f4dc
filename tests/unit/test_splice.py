"""splice.py over the 17 real flows: an unedited export is the same bytes, an edit changes only the
action and its own metadata entry, in the document's own style; legacy blocks and their metadata are
brought up to date only once edited; renames touch only the tokens that name the block."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest

from profile_block.documents.document import DocumentError, ImportedDocument, read_document
from profile_block.documents.flow import document_problems
from profile_block.documents.splice import (
    Opened,
    block_file,
    blocks_of,
    changed_lines,
    export,
    flow_file,
    lines_text,
    needs_rewrite,
    text_index,
)
from profile_block.model.block import Identifier, read_action
from tests.splice_helpers import around

REAL_FLOWS = Path(__file__).parents[1] / "fixtures" / "real-flows"
FILES = sorted(REAL_FLOWS.glob("*.json"))
NAMES = [p.name for p in FILES]
UNREADABLE = {"13-aicc-get-profile-wrong-params-only.json": "Parameters without the action",
              "17-aicc-complete-pattern-concatenated.json": "3 JSON values one after another"}
READABLE = [p for p in FILES if p.name not in UNREADABLE]
WITH_BLOCKS = [p for p in READABLE if p.name != "06-sbs-modules-cases-create-only.json"]
FLOWS = [p for p in WITH_BLOCKS if "Actions" in json.loads(p.read_text("utf-8"))]
PRETTY_FLOWS = [p for p in FLOWS if p.read_text("utf-8").count("\n") > 5]


def test_all_17_real_files_are_here() -> None:
    assert len(FILES) == 17 and len(READABLE) == 15 and len(WITH_BLOCKS) == 14 and len(FLOWS) == 10


def only_block(doc: ImportedDocument) -> Opened:
    (opened,) = blocks_of(doc)
    return opened


def action_text(text: str, position: int) -> str:
    item = text_index(read_document(text)).actions[position]
    return text[item.start:item.end]


# --- unedited: byte for byte ------------------------------------------------------------------------

@pytest.mark.parametrize("path", FILES, ids=NAMES)
def test_every_real_file_comes_back_byte_for_byte_when_unedited(path: Path) -> None:
    data = path.read_bytes()
    if path.name in UNREADABLE:
        with pytest.raises(DocumentError, match=UNREADABLE[path.name]):
            read_document(data)
        return
    doc = read_document(data)
    assert doc.data == data
    for opened in blocks_of(doc):
        block = read_action(opened.action)[0]
        exported = export(opened, block)
        assert exported.data == data and not exported.changed
        download = flow_file(block, opened) if doc.kind == "flow" else block_file(block, opened)
        assert download.encode("utf-8") == data


def test_a_flow_without_a_get_profile_block_has_nothing_to_edit() -> None:
    assert blocks_of(read_document((REAL_FLOWS / "06-sbs-modules-cases-create-only.json").read_bytes())) == []


# --- edits: only the action and its metadata entry --------------------------------------------------

def edits(block: Any) -> None:
    """A typical edit: one more field, a second identifier (AND), another Success target."""
    block.fields.append(next(f for f in ("BirthDate", "City", "Gender") if f not in block.fields))
    block.identifiers.append(Identifier("_account", "$.Attributes.account"))
    block.operator = "AND"
    block.branches["Success"] = block.branches["NoMatchingError"] or "elsewhere"


@pytest.mark.parametrize("path", WITH_BLOCKS, ids=[p.name for p in WITH_BLOCKS])
def test_an_edit_changes_only_the_action_and_its_metadata_entry(path: Path) -> None:
    data = path.read_bytes()
    doc = read_document(data)
    opened = only_block(doc)
    block = read_action(opened.action)[0]
    edits(block)
    exported = export(opened, block)
    assert exported.changed
    assert around(exported.text, opened.position) == around(doc.text, opened.position)
    again = read_action(text_index(read_document(exported.text)).actions[opened.position].value)
    assert again[0] == block and not [n for n in again[1] if n.is_error]


# Hand-written documents with mixed layouts: their style is checked by the style tests below.
MIXED_LAYOUTS = {"11-aicc-q-in-connect-self-service-flow.json", "12-aicc-get-profile-action.json",
                 "14-aicc-import-errors-wrong-flat.json", "15-aicc-import-errors-correct.json",
                 "16-aicc-error-handling-pattern2.json"}
UNIFORM = [p for p in WITH_BLOCKS if p.name not in MIXED_LAYOUTS]
assert MIXED_LAYOUTS <= {p.name for p in WITH_BLOCKS}, "a name above is misspelt"


@pytest.mark.parametrize("path", UNIFORM, ids=[p.name for p in UNIFORM])
def test_the_edited_action_is_written_as_the_document_writes_json(path: Path) -> None:
    """The action reads exactly as the document's own serialiser would write it (console exports are
    uniform, so the edited lines are the only lines that differ)."""
    doc = read_document(path.read_bytes())
    opened = only_block(doc)
    block = read_action(opened.action)[0]
    edits(block)
    exported = export(opened, block)
    written = action_text(exported.text, opened.position)
    value = json.loads(written)
    if "\n" not in doc.text.strip():
        assert written == json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    else:
        indent = exported.text[:exported.action_start].rsplit("\n", 1)[1]
        assert written == json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + indent)


def test_a_console_export_edit_changes_only_the_lines_that_say_something_new() -> None:
    """Git-friendly: ticking one field in real flow 01 (legacy) changes the request and field lines
    and the two metadata flags that described the legacy request, nothing else."""
    doc = read_document((REAL_FLOWS / "01-sbs-agentworkspace-guide.json").read_bytes())
    opened = only_block(doc)
    block = read_action(opened.action)[0]
    block.fields.append("City")
    exported = export(opened, block)
    assert lines_text(changed_lines(exported)) == "lines 71, 77–78, 345–346 and 352–353"


def whole_file_diff(old: str, new: str) -> list[tuple[int, int]]:
    matcher = difflib.SequenceMatcher(None, old.split("\n"), new.split("\n"), autojunk=False)
    return [(j1 + 1, max(j2, j1 + 1)) for tag, _, _, j1, j2 in matcher.get_opcodes() if tag != "equal"]


@pytest.mark.parametrize("path", WITH_BLOCKS, ids=[p.name for p in WITH_BLOCKS])
def test_the_changed_lines_are_those_a_whole_file_diff_finds(path: Path) -> None:
    doc = read_document(path.read_bytes())
    opened = only_block(doc)
    for change in (edits, lambda b: setattr(b, "action_id", "renamed")):
        block = read_action(opened.action)[0]
        change(block)
        exported = export(opened, block)
        assert changed_lines(exported) == whole_file_diff(doc.text, exported.text)


# --- style variants made from real files ------------------------------------------------------------

def _variants(text: str) -> dict[str, str]:
    value = json.loads(text)
    two = json.dumps(value, indent=2, ensure_ascii=False)
    return {
        "minified": json.dumps(value, separators=(",", ":"), ensure_ascii=False),
        "one line with spaces": json.dumps(value, ensure_ascii=False) + "\n",
        "2-space, final newline": two + "\n",
        "2-space, no final newline": two,
        "4-space": json.dumps(value, indent=4, ensure_ascii=False) + "\n",
        "tab": json.dumps(value, indent="\t", ensure_ascii=False) + "\n",
        "CRLF": (two + "\n").replace("\n", "\r\n"),
        "BOM + CRLF": "\ufeff" + (two + "\n").replace("\n", "\r\n"),
        "ASCII escapes": json.dumps(value, indent=2) + "\n",
    }


STYLE_CASES = [(p, name) for p in PRETTY_FLOWS[:4] + [REAL_FLOWS / "09-starterkit-jp-main-inbound.json"]
               for name in _variants(p.read_text("utf-8"))]


@pytest.mark.parametrize("path, variant", STYLE_CASES, ids=[f"{p.name[:2]}-{v}" for p, v in STYLE_CASES])
def test_style_variants_round_trip_and_edits_keep_the_style(path: Path, variant: str) -> None:
    text = _variants(path.read_text("utf-8"))[variant]
    data = text.encode("utf-8")
    doc = read_document(data)
    opened = only_block(doc)
    block = read_action(opened.action)[0]
    assert export(opened, block).data == data                       # unedited: the same bytes
    edits(block)
    new = export(opened, block).text
    assert around(new, opened.position) == around(text, opened.position)
    written = action_text(new, opened.position)
    value = json.loads(written)
    indent = {"4-space": 4, "tab": "\t"}.get(variant, 2)
    nl = "\r\n" if "CRLF" in variant else "\n"
    base = new[:new.index(written)].rsplit("\n", 1)[-1]
    if variant == "minified":
        expected = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    elif variant == "one line with spaces":
        expected = json.dumps(value, ensure_ascii=False)
    else:
        expected = json.dumps(value, indent=indent, ensure_ascii=variant == "ASCII escapes").replace(
            "\n", nl + base)
    assert written == expected
    assert new.count("\n") == new.count("\r\n") if "CRLF" in variant else "\r" not in new
    assert new.startswith("\ufeff") == variant.startswith("BOM")
    assert new.endswith("\n") == text.endswith("\n")


# --- legacy blocks and the designer's metadata ------------------------------------------------------

def edited_entry(name: str, change: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(metadata entry before, after, action after) for an edit of real flow ``name``'s block."""
    doc = read_document((REAL_FLOWS / name).read_bytes())
    opened = only_block(doc)
    block = read_action(opened.action)[0]
    change(block)
    flow = json.loads(export(opened, block).text)
    after = flow["Metadata"]["ActionMetadata"][block.action_id]
    action = flow["Actions"][opened.position]
    return doc.document["Metadata"]["ActionMetadata"][opened.original_id], after, action


def add_city(block: Any) -> None:
    block.fields.append("City")


@pytest.mark.parametrize("name", ["01-sbs-agentworkspace-guide.json", "02-sbs-agentworkspace-handler.json",
                                  "07-gts-get-customer-profile-information.json",
                                  "08-gts-partner-assessment-entry.json"])
def test_an_edited_legacy_block_gets_the_current_request_and_metadata(name: str) -> None:
    before, after, action = edited_entry(name, add_city)
    value = before and json.loads((REAL_FLOWS / name).read_text("utf-8"))
    legacy = next(a for a in value["Actions"] if a["Type"] == "GetCustomerProfile")
    phone = legacy["Parameters"]["ProfileRequestData"]["PhoneNumber"]
    assert action["Parameters"]["ProfileRequestData"] == {"IdentifierName": "_phone",
                                                          "IdentifierValue": phone}
    assert after == {**before,
                     "parameters": {"ProfileRequestData": {"IdentifierValue": {"useDynamic": True}}},
                     "useDynamic": {"IdentifierName": True, "IdentifierValue": True}}
    assert "PhoneNumber" not in json.dumps(after)
    assert list(after) == list(before)      # same keys, same order: nothing added


def test_an_edited_static_legacy_block_has_no_dynamic_flags() -> None:
    before, after, action = edited_entry("03-sbs-backend-guide.json", add_city)
    assert action["Parameters"]["ProfileRequestData"] == {"IdentifierName": "_phone",
                                                          "IdentifierValue": "+642108895745"}
    assert after == before == {"position": before["position"], "useDynamic": {},
                               "customerProfilesAction": "GetCustomerProfile"}


def test_a_legacy_block_with_empty_flags_gets_the_console_flags_it_lacked() -> None:
    before, after, _ = edited_entry("05-sbs-financial-contactflow.json", add_city)
    assert before["parameters"] == {} and before["useDynamic"] == {}
    assert after["parameters"] == {"ProfileRequestData": {"IdentifierValue": {"useDynamic": True}}}
    assert after["useDynamic"] == {"IdentifierName": True, "IdentifierValue": True}


def test_current_blocks_keep_their_metadata_while_the_request_is_unchanged() -> None:
    for name in ("09-starterkit-jp-main-inbound.json", "10-starterkit-jp-self-service-agent.json"):
        before, after, _ = edited_entry(name, add_city)
        assert after == before


def test_a_static_value_drops_the_dynamic_flags_and_keeps_the_key_label() -> None:
    def static(block: Any) -> None:
        block.identifiers[0].value = "+81312345678"
    before, after, _ = edited_entry("09-starterkit-jp-main-inbound.json", static)
    assert "customerProfilesAction" not in after            # 09 has none: none is added
    assert after["parameters"] == {"ProfileRequestData": {"IdentifierName": {"displayName": "電話"}}}
    assert after["useDynamic"] == {}


def test_another_key_drops_its_stale_label() -> None:
    def email(block: Any) -> None:
        block.identifiers[0] = Identifier("_email", "$.Attributes.email")
    _, after, _ = edited_entry("10-starterkit-jp-self-service-agent.json", email)
    assert after["parameters"] == {"ProfileRequestData": {"IdentifierValue": {"useDynamic": True}}}
    assert after["useDynamic"] == {"IdentifierName": True, "IdentifierValue": True}
    assert after["customerProfilesAction"] == "GetCustomerProfile"


def test_search_criteria_get_no_guessed_flags() -> None:
    def two(block: Any) -> None:
        block.identifiers.append(Identifier("_email", "$.Attributes.email"))
        block.operator = "OR"
    before, after, action = edited_entry("10-starterkit-jp-self-service-agent.json", two)
    assert action["Parameters"]["ProfileRequestData"]["LogicalOperator"] == "OR"
    assert after == {**before, "parameters": {"ProfileRequestData": {}}, "useDynamic": {}}


def test_hand_written_metadata_without_flags_gets_none() -> None:
    before, after, _ = edited_entry("11-aicc-q-in-connect-self-service-flow.json",
                                    lambda b: setattr(b.identifiers[0], "value", "$.Attributes.phone"))
    assert after == before == {"position": {"x": 280, "y": 820}, "isFriendlyName": True}


def test_an_untouched_legacy_block_is_offered_a_rewrite_and_a_current_one_is_not() -> None:
    legacy = only_block(read_document((REAL_FLOWS / "01-sbs-agentworkspace-guide.json").read_bytes()))
    current = only_block(read_document((REAL_FLOWS / "09-starterkit-jp-main-inbound.json").read_bytes()))
    assert needs_rewrite(legacy) and not needs_rewrite(current)
    block = read_action(legacy.action)[0]
    rewritten = json.loads(export(legacy, block, rewrite=True).text)
    assert rewritten["Actions"][legacy.position]["Parameters"]["ProfileRequestData"] == {
        "IdentifierName": "_phone", "IdentifierValue": "$.Attributes.PhoneNumber"}


# --- misplaced parts --------------------------------------------------------------------------------

def test_misplaced_identifier_parts_are_named_and_an_edit_moves_them_in() -> None:
    data = (REAL_FLOWS / "14-aicc-import-errors-wrong-flat.json").read_bytes()
    doc = read_document(data)
    opened = only_block(doc)
    block, notes = read_action(opened.action)
    assert block.identifiers == [Identifier("_phone", "$.CustomerEndpoint.Address")]
    (note,) = [n for n in notes if n.part == "request"]
    assert note.is_error and "belong inside ProfileRequestData" in note.message
    assert not any("add at least one" in p.message for p in document_problems(doc)[1])
    block.fields.append("FirstName")
    action = json.loads(export(opened, block).text)
    assert action["Parameters"] == {"ProfileRequestData": {"IdentifierName": "_phone",
                                                           "IdentifierValue": "$.CustomerEndpoint.Address"},
                                    "ProfileResponseData": ["FirstName"]}
    assert export(opened, read_action(opened.action)[0]).data == data


# --- renames ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", FLOWS, ids=[p.name for p in FLOWS])
def test_a_rename_touches_only_the_tokens_that_name_the_block(path: Path) -> None:
    doc = read_document(path.read_bytes())
    opened = only_block(doc)
    block = read_action(opened.action)[0]
    block.action_id = "renamed-lookup"
    new = export(opened, block).text
    old_token, new_token = json.dumps(opened.original_id), json.dumps("renamed-lookup")
    assert old_token not in new and new.count(new_token) == doc.text.count(old_token)
    renamed_back = new.replace(new_token, old_token)
    if needs_rewrite(opened):   # a legacy block: renaming is an edit, so it is written up to date
        assert around(renamed_back, opened.position) == around(doc.text, opened.position)
    else:
        assert renamed_back == doc.text
    problems = document_problems(read_document(new))[1]
    assert not [p for p in problems if p.is_error and "renamed-lookup" in p.message]


def test_a_self_loop_follows_the_rename() -> None:
    doc = read_document((REAL_FLOWS / "11-aicc-q-in-connect-self-service-flow.json").read_bytes())
    opened = only_block(doc)
    block = read_action(opened.action)[0]
    block.branches["NoMatchingError"] = opened.original_id      # retry on error
    block.action_id = "retry-me"
    action = json.loads(export(opened, block).text)["Actions"][opened.position]
    assert {"ErrorType": "NoMatchingError", "NextAction": "retry-me"} in action["Transitions"]["Errors"]


# --- the edited action keeps its order --------------------------------------------------------------

def test_errors_order_member_order_and_unknown_keys_are_kept() -> None:
    text = (REAL_FLOWS / "12-aicc-get-profile-action.json").read_text("utf-8")
    value = json.loads(text)
    value["Transitions"]["Conditions"] = []
    value["Comment"] = "kept"
    doc = read_document(json.dumps(value, indent=2))
    opened = only_block(doc)
    block = read_action(opened.action)[0]
    block.branches["NoneFoundError"] = "somewhere-else"
    action = json.loads(export(opened, block).text)
    assert list(action) == list(value)
    assert [list(e.items()) for e in action["Transitions"]["Errors"]] == [
        [("ErrorType", "MultipleFoundError"), ("NextAction", "handle-multiple")],
        [("ErrorType", "NoneFoundError"), ("NextAction", "somewhere-else")],
        [("ErrorType", "NoMatchingError"), ("NextAction", "error-handler")]]
    assert action["Transitions"]["Conditions"] == [] and action["Comment"] == "kept"


# --- downloads --------------------------------------------------------------------------------------

def test_the_block_download_of_a_minified_flow_is_its_action_as_written() -> None:
    doc = read_document((REAL_FLOWS / "05-sbs-financial-contactflow.json").read_bytes())
    opened = only_block(doc)
    block = read_action(opened.action)[0]
    block.fields.append("City")
    shown = block_file(block, opened)
    assert shown.count("\n") == 1 and shown.rstrip("\n") in flow_file(block, opened)
    assert json.loads(shown)["Parameters"]["ProfileResponseData"][-1] == "City"


def test_a_lone_action_downloads_as_the_file_and_a_new_flow() -> None:
    data = (REAL_FLOWS / "16-aicc-error-handling-pattern2.json").read_bytes()
    opened = only_block(read_document(data))
    block = read_action(opened.action)[0]
    assert block_file(block, opened).encode() == data
    flow = json.loads(flow_file(block, opened))
    assert flow["StartAction"] == block.action_id and flow["Actions"][0]["Identifier"] == block.action_id


def test_repeated_keys_are_errors_with_their_path() -> None:
    text = (REAL_FLOWS / "12-aicc-get-profile-action.json").read_text("utf-8").replace(
        '"ProfileResponseData"', '"ProfileResponseData": [], "ProfileResponseData"', 1)
    doc = read_document(text)
    (problem,) = [p for p in document_problems(doc)[1] if p.part == "document"]
    assert problem.is_error and 'Parameters has the key "ProfileResponseData" twice' in problem.message
