"""What is still open before a flow can use a block: notes apart from the problems."""

from __future__ import annotations

from profile_block.model import editing
from profile_block.model.block import BRANCHES, GetProfileBlock
from profile_block.model.readiness import is_suggestion, open_items, suggestion_text


def test_a_new_block_has_no_problems_but_says_what_is_open():
    block = GetProfileBlock()
    assert not block.validate()
    notes = {n.part: n.message for n in open_items(block)}
    assert set(notes) == {"fields", "branches"}
    assert notes["fields"].startswith("Only ProfileId and ProfileARN come back")
    assert notes["branches"].startswith("0 of 4 branches connected")
    assert "(Success, Multiple found, None found, Error) ends there" in notes["branches"]


def test_fields_and_connected_branches_close_their_notes():
    block = GetProfileBlock(fields=["FirstName"])
    block.branches = {b: "" for b in BRANCHES} | {"Success": "greet", "NoMatchingError": "sorry"}
    notes = {n.part: n.message for n in open_items(block)}
    assert set(notes) == {"branches"}
    assert notes["branches"].startswith("2 of 4 branches connected") and "(Multiple found, None found)" in \
        notes["branches"]
    block.branches = {b: "next" for b in BRANCHES}
    assert open_items(block) == []


def test_an_added_identifier_is_a_suggestion_until_it_is_changed():
    block = GetProfileBlock(fields=["FirstName"], branches={b: "next" for b in BRANCHES})
    editing.add_identifier(block)
    assert is_suggestion(block, 1)
    [note] = open_items(block, suggested={1})
    assert note.part == "criterion:1" and note.where == "identifier 2"
    assert note.message == "_email by $.Attributes.email is a suggestion: keep it or change it."
    assert "joined to the others by **OR**" in suggestion_text(block, 1)
    assert open_items(block) == []                      # confirmed by the user: not noted
    block.identifiers[1].value = "$.Attributes.mail"
    assert not is_suggestion(block, 1) and open_items(block, suggested={1}) == []
