"""The Build page and the flow around the block: placeholders, reads warnings, the flow map."""

from __future__ import annotations

import json
from pathlib import Path

from profile_block.flow_context.flow_map import BLOCK_FILL, MISSING_FILL
from tests.app.conftest import full, model, show, texts, widget
from tests.app.test_build_import import edit_buttons, upload


def test_typed_branch_targets_are_said_to_become_disconnect_placeholders(build):
    assert not any(c.startswith("Block JSON") and "placeholder" in c for c in texts(build, "caption"))
    show(build, "Identifier & branches")
    widget(build, "text_input", "Success").input("Greet caller").run()
    full(build)
    [caption] = [c for c in texts(build, "caption") if c.startswith("Block JSON") and "placeholder" in c]
    assert "('Greet caller') becomes a Disconnect / hang up placeholder of that name" in caption


REAL = Path(__file__).parents[1] / "fixtures" / "real-flows"


def open_flow(build, name: str, drop: str = "") -> None:
    """Import a public flow (with one response field removed from its block) and edit its block."""
    document = json.loads((REAL / name).read_text("utf-8"))
    if drop:
        block = next(a for a in document["Actions"] if a["Type"] == "GetCustomerProfile")
        block["Parameters"]["ProfileResponseData"].remove(drop)
    upload(build, name, json.dumps(document).encode())
    if edit_buttons(build):   # a flow with one block opens it at once
        edit_buttons(build)[0].click().run()
        full(build)
    assert build.session_state["build_editing"] is not None


def map_dot(at) -> str:
    charts = at.get("graphviz_chart")
    assert len(charts) == 1
    return charts[0].proto.spec


def test_a_read_the_block_does_not_bring_back_is_warned_beside_the_checklist_and_one_click_ticks_it(build):
    open_flow(build, "11-aicc-q-in-connect-self-service-flow.json", drop="LastName")
    show(build, "Response fields")
    warnings = [w for w in texts(build, "warning") if "$.Customer.LastName" in w]
    assert len(warnings) == 2   # beside the checklist: update-attrs and update-q-session read it
    assert any("'update-attrs' (Set contact attributes) reads $.Customer.LastName" in w for w in warnings)
    dot = map_dot(build)
    assert "⚠ missing LastName" in dot and MISSING_FILL in dot
    [tick] = [b for b in build.button if b.label == "Tick LastName"]
    tick.click().run()
    full(build)
    assert "LastName" in model(build).fields
    assert not [w for w in texts(build, "warning") if "$.Customer.LastName" in w]
    assert "⚠ missing" not in map_dot(build)


def test_the_map_of_an_imported_flow_names_every_action_and_highlights_the_block(build):
    open_flow(build, "11-aicc-q-in-connect-self-service-flow.json")
    # 19 actions: the map starts as the block's neighbourhood; the whole flow is the user's choice.
    assert 'label="lex-bot\\n' not in map_dot(build) and 'label="check-channel\\n' in map_dot(build)
    widget(build, "segmented_control", "Show").set_value("Whole flow").run()
    full(build)
    dot = map_dot(build)
    for name in ("get-profile", "associate-profile", "update-attrs", "check-channel"):
        assert f'label="{name}\\n' in dot
    assert BLOCK_FILL in dot and "layout=neato" in dot    # the designer's positions are used
    for label in ("Success", "Multiple found", "None found", "Error"):
        assert label in dot
    # The user's choice: the neighbourhood of the block within one step.
    widget(build, "segmented_control", "Show").set_value("Around the block").run()
    full(build)
    widget(build, "number_input", "Steps from the block").set_value(1).run()
    full(build)
    near = map_dot(build)
    assert 'label="get-profile\\n' in near and 'label="check-channel\\n' not in near
    assert any("within 1 step" in c for c in texts(build, "caption"))


def test_a_block_built_from_scratch_shows_its_branch_targets(build):
    assert not build.get("graphviz_chart")     # the lone block's map starts closed: nothing drawn
    show(build, "Identifier & branches")
    widget(build, "text_input", "Success").input("Greet caller").run()
    build.session_state["flow_map_open.block"] = True
    full(build)
    dot = map_dot(build)
    assert 'label="Greet caller\\nDisconnect / hang up"' in dot
