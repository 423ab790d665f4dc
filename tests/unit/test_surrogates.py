"""Text that is not Unicode (lone surrogates) is an error that says where, wherever it comes in:
the block's typed parts, an imported document, a contacts CSV; and saying so never fails."""

from __future__ import annotations

import json
import sys

import pytest

from profile_block.documents import jsontext
from profile_block.documents.document import DocumentError, read_document
from profile_block.documents.flow import document_problems, wrap_in_flow
from profile_block.model.block import BRANCHES, Identifier, Problem, validate_action
from profile_block.model.surrogates import (
    first_in_json,
    is_unicode,
    lone_surrogate_at,
    shown,
    surrogate_problem,
)
from profile_block.running.batch_csv import BatchInputError, ContactsReader, text_lines
from tests.unit.helpers import about, errors, valid_block

LONE = "\ud800"


def test_the_rule_finds_a_lone_surrogate_and_says_where_escaped():
    assert lone_surrogate_at("ab" + LONE) == 2 and lone_surrogate_at("ok 😀") is None
    assert not is_unicode("ab" + LONE) and not is_unicode("\udfff") and is_unicode("ok 😀 café")
    assert shown("a\ud800b\udfff") == "a\\ud800b\\udfff" and shown("ok 😀") == "ok 😀"
    said = surrogate_problem("x\udc01", "The action Identifier")
    assert said is not None and said.startswith("The action Identifier holds a lone surrogate (\\udc01 at "
                                                "character 2)")
    said.encode("utf-8")
    assert surrogate_problem("café", "x") is None


def test_the_json_walk_finds_keys_and_values_and_survives_any_depth():
    assert first_in_json({"a": [1, {"b": "x"}, {"c" + LONE: 2}]}) == ["a", 2, "c" + LONE]
    assert first_in_json(["ok", {"k": ["v", LONE]}]) == [1, "k", 1]
    assert first_in_json({"a": ["ok", 1, None, True]}) is None
    deep: list = []
    for _ in range(sys.getrecursionlimit() * 5):
        deep = [deep]
    assert first_in_json(deep) is None


@pytest.mark.parametrize("change, part", [
    ({"action_id": "get-" + LONE}, "identifier"),
    ({"identifiers": [Identifier("_phone", "+1555" + LONE)]}, "criterion:0:value"),
    ({"identifiers": [Identifier("loyalty" + LONE, "x")]}, "criterion:0:key"),
    ({"fields": ["Attributes.tier" + LONE]}, "field:Attributes.tier" + LONE),
    ({"branches": {**{b: "" for b in BRANCHES}, "NoneFoundError": "next" + LONE}}, "branch:NoneFoundError"),
])
def test_a_typed_part_with_a_lone_surrogate_is_an_error_on_that_part(change, part):
    problems = valid_block(**change).validate()
    found = errors(about(problems, part))
    assert len(found) == 1 and "holds a lone surrogate (\\ud800 at character" in found[0].message
    for problem in problems:       # every problem can be shown and printed
        problem.message.encode("utf-8")


def test_a_problem_is_always_text_a_page_or_terminal_can_show():
    problem = Problem("error", "identifier", "quoted '" + LONE + "'", "block-" + LONE)
    assert problem.message == "quoted '\\ud800'" and problem.block_id == "block-\\ud800"


def action_text(identifier: str) -> str:
    """A valid action whose Identifier is ``identifier``, as JSON text (surrogates as escapes)."""
    return json.dumps(valid_block(action_id=identifier).to_action())


def test_an_action_whose_identifier_holds_one_is_one_error_with_its_line():
    doc = read_document(action_text("block-" + LONE))
    assert [s.path for s in doc.lone_surrogates] == ["Identifier"]
    blocks, problems = document_problems(doc)
    assert blocks == 1 and len(errors(problems)) == 1       # said once (not by the block check too)
    assert problems[0].part == "document" and problems[0].message.startswith(
        "Identifier (line 1, column ")
    assert "holds a lone surrogate" in problems[0].message
    assert validate_action(doc.document)                     # the block check alone says it too


def test_a_flow_says_every_place_keys_included_and_the_page_refuses_to_open_it():
    flow = wrap_in_flow(valid_block())
    flow["Metadata"]["note" + LONE] = "x"
    flow["Actions"][1]["Parameters"]["Text"] = "bye \udfff"
    text = json.dumps(flow, indent=2)
    doc = read_document(text)
    spots = [(s.path, s.key) for s in doc.lone_surrogates]
    assert spots == [("Metadata", "note" + LONE), ("Actions[1].Parameters.Text", None)]
    messages = [p.message for p in document_problems(doc)[1] if p.part == "document"]
    assert messages[0].startswith('The key "note\\ud800" of Metadata (line ')
    assert messages[1].startswith("Actions[1].Parameters.Text (line ")
    with pytest.raises(DocumentError, match=r"not Unicode: .*Text|not Unicode: The key"):
        doc.require_unicode()


def test_a_well_formed_pair_and_plain_text_are_no_problem():
    text = action_text("block-😀")                 # json.dumps writes the emoji as a surrogate pair escape
    assert "\\ud83d\\ude00" in text
    doc = read_document(text)
    assert doc.lone_surrogates == () and not errors(document_problems(doc)[1])
    doc.require_unicode()
    assert jsontext.lone_surrogates('{"a": "\\\\ud800"}') == []      # an escaped backslash, then text


def contacts(text: str) -> list:
    block = valid_block()
    return list(ContactsReader(text_lines(text), block, "contacts.csv"))


def test_a_contacts_csv_cell_or_column_name_with_one_says_line_and_column():
    with pytest.raises(BatchInputError, match=r"contacts.csv, line 3: The CustomerEndpoint.Address cell "
                                              r"holds a lone surrogate \(\\ud800 at character 4\)"):
        contacts("id,CustomerEndpoint.Address\na,+1555\nb,+15" + LONE + "5\n")
    with pytest.raises(BatchInputError, match=r"line 1: The name of column 2 holds a lone surrogate"):
        contacts("id,Customer" + LONE + "\na,b\n")
    assert len(contacts("id,CustomerEndpoint.Address\na,+1555 😀\n")) == 1


def test_a_surrogate_character_itself_in_given_text_is_found_too():
    doc = read_document('{"Identifier": "a' + LONE + '", "Type": "GetCustomerProfile"}')
    assert [(s.path, s.position) for s in doc.lone_surrogates] == [("Identifier", 15)]
