"""Import on the Build page: flows are listed, a block loads into the widgets, bad files lose nothing."""

from __future__ import annotations

import json

import pytest

from profile_block.documents.flow import MAX_FLOW_CHARS
from profile_block.model.block import GetProfileBlock
from tests.app.conftest import (
    button,
    downloads,
    field_box,
    files_given,
    full,
    model,
    open_groups,
    preview,
    show,
    texts,
    ticked_names,
    widget,
)
from tests.app.flows import dumps, flow_without_get_profile, maximal_action, sample_flow


def open_import(at):
    """Open the Import expander (closed, it draws nothing), as a click on it does."""
    at.session_state["build_import_open"] = True
    return full(at)


def upload(at, name: str, content: bytes):
    open_import(at)
    at.file_uploader[0].upload(name, content, "application/json").run()
    return full(at)


def paste(at, text: str):
    open_import(at)
    widget(at, "text_area", "Flow or action JSON").input(text)
    button(at, "Load").click().run()
    return full(at)


def edit_buttons(at):
    return [b for b in at.button if b.label == "Edit this block"]


def test_the_import_expander_draws_nothing_until_opened(build):
    assert not build.file_uploader and not build.text_area
    open_import(build)
    assert len(build.file_uploader) == 1 and len(build.text_area) == 1


def test_a_flow_lists_its_get_profile_blocks_and_one_loads_into_the_widgets(build):
    upload(build, "inbound.json", dumps(sample_flow()))
    listed = " ".join(texts(build, "markdown") + texts(build, "caption"))
    assert "gp-phone" in listed and "gp-email-account" in listed
    assert "_email AND _account → 3 fields" in listed
    assert "_phone → 2 fields" in listed
    assert len(edit_buttons(build)) == 2
    # Nothing is loaded until the user picks a block.
    assert model(build).action_id not in ("gp-phone", "gp-email-account")

    edit_buttons(build)[1].click().run()
    full(build)
    block = model(build)
    assert block.action_id == "gp-email-account"
    assert block.operator == "AND" and block.fields == ["EmailAddress", "ShippingCity", "Attributes.tier"]
    # The widgets show the loaded block.
    assert [s.value for s in build.selectbox if s.label == "Search key"] == ["_email", "_account"]
    assert widget(build, "segmented_control", "Match").value == "AND"
    assert [t.value for t in build.text_input if t.label == "Key after Attributes."] == ["email", "account"]
    open_groups(build)
    assert field_box(build, "EmailAddress").value and field_box(build, "ShippingCity").value
    assert widget(build, "multiselect", "In the response (× removes one)").value == ["Attributes.tier"]
    assert not field_box(build, "FirstName").value
    show(build, "Identifier & branches")
    assert widget(build, "text_input", "Action Identifier").value == "gp-email-account"
    assert widget(build, "text_input", "Success").value == "greet"
    # The preview is the action as the imported file writes it (Errors in the file's order).
    assert preview(build) == sample_flow()["Actions"][3]
    banner = " ".join(texts(build, "markdown"))
    assert "gp-email-account" in banner and "inbound.json" in banner and "byte for byte" in banner


def test_editing_an_imported_block_keeps_the_rest_of_the_flow(build):
    upload(build, "inbound.json", dumps(sample_flow()))
    edit_buttons(build)[0].click().run()
    show(build, "Response fields")
    field_box(build, "BirthDate").check().run()
    full(build)
    from components.build_preview import flow_text
    edited = json.loads(flow_text(model(build), build.session_state["build_editing"]))
    original = sample_flow()
    assert edited["Metadata"] == original["Metadata"]
    changed = [a["Identifier"] for a, b in zip(edited["Actions"], original["Actions"], strict=True) if a != b]
    assert changed == ["gp-phone"]
    assert edited["Actions"][1]["Parameters"]["ProfileResponseData"] == ["FirstName", "LastName", "BirthDate"]


def test_a_single_action_loads_directly(build):
    open_import(build)
    widget(build, "text_area", "Flow or action JSON").input(json.dumps(maximal_action("pasted-one")))
    button(build, "Load").click().run()
    # Said once, on the run the load caused; the Import expander closes to show the builder.
    assert any("Loaded block pasted-one" in s for s in texts(build, "success"))
    assert not build.text_area
    full(build)
    assert not any("pasted-one" in s for s in texts(build, "success"))
    block = model(build)
    assert block.action_id == "pasted-one"
    assert len(block.identifiers) == 5 and len(block.fields) == 65
    open_groups(build)
    assert len(ticked_names(build)) == 55
    # The maximal block is over the worst-case budget: the meter says so, and it is a warning,
    # not an error, so the downloads stay enabled.
    meter = [e.proto.text for e in build.get("progress")]
    assert meter and "16,830 / 14,000" in meter[0] and "over the limit" in meter[0]
    assert any("Warning" in m and "14,000" in m for m in texts(build, "markdown"))
    assert not any(d.disabled for d in downloads(build).values())
    assert all(files_given(build).values()), "a budget warning gives the files"


def test_reading_notes_are_shown_as_warnings(build):
    legacy = {"Identifier": "old-one", "Type": "GetCustomerProfile",
              "Parameters": {"ProfileRequestData": {"PhoneNumber": "$.CustomerEndpoint.Address"},
                             "ProfileResponseData": ["FirstName"]},
              "Transitions": {}}
    paste(build, json.dumps(legacy))
    assert model(build).identifiers[0].key == "_phone"
    assert any("PhoneNumber" in w for w in texts(build, "warning"))


def test_fresh_block_button_leaves_the_imported_flow(build):
    upload(build, "inbound.json", dumps(sample_flow()))
    edit_buttons(build)[0].click().run()
    full(build)
    button(build, "Start a fresh standalone block").click().run()
    full(build)
    assert model(build) == GetProfileBlock(action_id=model(build).action_id)
    assert build.session_state["build_editing"] is None
    assert not [b for b in build.button if b.label == "Start a fresh standalone block"]


BAD_FILES = {
    "not JSON": (b"this is not { json", "not JSON"),
    "too large": (b"{" + b" " * MAX_FLOW_CHARS + b"}", "256,000"),
    "no block": (dumps(flow_without_get_profile()), "no Get profile block"),
    "neither flow nor action": (b'{"hello": "world"}', ""),
    "not UTF-8": (b"\xff\xfe\x00bad", "UTF-8"),
    # A JSON escape of half a surrogate pair: valid JSON, but text no page can show (issue 18).
    "lone surrogate in the Identifier": (
        dumps({**maximal_action(), "Identifier": "gp-\ud800"}),
        "not Unicode: Identifier (line 2, column 17) holds a lone surrogate"),
    "lone surrogate elsewhere in a flow": (
        dumps({**sample_flow(), "Description": "caf\udce9"}), "not Unicode: Description (line "),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_gets_a_clear_message_and_the_block_is_kept(build, case):
    content, words = BAD_FILES[case]
    show(build, "Response fields")
    field_box(build, "FirstName").check().run()
    full(build)
    before = model(build)
    before_json = preview(build)
    upload(build, "broken.json", content)
    errors = " ".join(texts(build, "error"))
    assert "Could not import broken.json" in errors and "unchanged" in errors
    assert words in errors
    assert model(build) is before and preview(build) == before_json
    assert field_box(build, "FirstName").value


def test_pasting_nothing_or_garbage_keeps_the_block(build):
    before = model(build).to_action()
    paste(build, "   ")
    assert any("nothing to load" in e for e in texts(build, "error"))
    paste(build, "[1, 2, 3]")
    assert any("Could not import the pasted text" in e for e in texts(build, "error"))
    assert model(build).to_action() == before


def test_a_flow_with_one_get_profile_block_opens_it_at_once(build):
    one = sample_flow()
    one["Actions"] = [a for a in one["Actions"] if a["Identifier"] != "gp-email-account"]
    one["Actions"][1]["Transitions"]["Errors"][1]["NextAction"] = "bye"
    open_import(build)
    build.file_uploader[0].upload("one.json", dumps(one), "application/json").run()
    assert any("Opened block gp-phone, the only Get profile block of one.json" in s
               for s in texts(build, "success"))
    full(build)
    assert model(build).action_id == "gp-phone"
    assert build.session_state["build_editing"].original_id == "gp-phone"
    assert not edit_buttons(build)


def test_the_list_of_blocks_marks_the_ones_with_problems(build):
    flow = sample_flow()
    flow["Actions"][3]["Parameters"]["ProfileRequestData"]["SearchCriteria"][1]["IdentifierName"] = "bad key"
    upload(build, "inbound.json", dumps(flow))
    assert len(edit_buttons(build)) == 2
    badges = [m for m in texts(build, "markdown") if "badge[" in m and "Still open" not in m]
    # One block has an error; the other, none: one badge, saying how many.
    assert len(badges) == 1 and "1 error" in badges[0], badges
