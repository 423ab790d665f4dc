"""The Build page with each of the 17 real flows: uploaded and opened, the downloads give the file back
byte for byte, and the page's verdict (errors that refuse the downloads, or a refused import) is the
one ``python -m profile_block validate`` gives the same file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.build_preview import DownloadRefused, block_text, download_bytes, flow_text
from profile_block.cli import main as cli_main
from tests.app.conftest import button, full, model, show, texts, widget
from tests.app.test_build_import import edit_buttons, upload

REAL_FLOWS = Path(__file__).parents[1] / "fixtures" / "real-flows"
FILES = sorted(REAL_FLOWS.glob("*.json"))


def validate_exit_code(path: Path) -> int:
    return cli_main(["validate", str(path)])


def open_real_file(build, path: Path) -> None:
    upload(build, path.name, path.read_bytes())
    if edit_buttons(build):
        edit_buttons(build)[0].click().run()
        full(build)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_a_real_file_comes_back_byte_for_byte_and_the_verdict_is_validates(build, path: Path, capsys):
    code = validate_exit_code(path)
    capsys.readouterr()
    data = path.read_bytes()
    open_real_file(build, path)
    editing = build.session_state["build_editing"] if "build_editing" in build.session_state else None
    refused = [e for e in texts(build, "error") if f"Could not import {path.name}" in e]
    if code == 2:
        assert refused and editing is None
        return
    if editing is None:
        # A flow without a Get profile block: validate says so and passes; the page has nothing to open.
        assert path.name.startswith("06-") and code == 0
        assert any("no Get profile block" in e for e in refused)
        return
    assert not refused
    block = model(build)
    make = flow_text if editing.kind == "flow" else block_text
    assert make(block, editing).encode("utf-8") == data
    refusing = any(c.startswith(":red[Fix ") for c in texts(build, "caption"))
    assert refusing == (code == 1)
    if code == 1:
        with pytest.raises(DownloadRefused):
            download_bytes(make, block, editing)
    else:
        assert download_bytes(make, block, editing) == data


def test_an_edit_on_the_page_changes_only_that_block_of_a_minified_export(build):
    path = REAL_FLOWS / "05-sbs-financial-contactflow.json"
    open_real_file(build, path)
    show(build, "Identifier & branches")
    target = widget(build, "text_input", "Success")
    target.input("9118e2fb-c62f-4c29-9eff-e93da91cac29").run()
    full(build)
    editing = build.session_state["build_editing"]
    new = flow_text(model(build), editing)
    old = path.read_text("utf-8")
    assert "\n" not in new and len(new) - len(old) < 400
    changed = json.loads(new)
    was = json.loads(old)
    assert changed["Actions"][:editing.opened.position] == was["Actions"][:editing.opened.position]
    assert any("Changed in 05-sbs-financial-contactflow.json" in c for c in texts(build, "caption"))


def test_a_legacy_block_can_be_written_in_the_current_shape_without_other_changes(build):
    path = REAL_FLOWS / "01-sbs-agentworkspace-guide.json"
    open_real_file(build, path)
    editing = build.session_state["build_editing"]
    assert flow_text(model(build), editing).encode() == path.read_bytes()
    button(build, "Write it in the current shape").click().run()
    full(build)
    flow = json.loads(flow_text(model(build), build.session_state["build_editing"]))
    action = flow["Actions"][editing.opened.position]
    assert action["Parameters"]["ProfileRequestData"] == {"IdentifierName": "_phone",
                                                          "IdentifierValue": "$.Attributes.PhoneNumber"}
    button(build, "Keep it as imported").click().run()
    full(build)
    assert flow_text(model(build), build.session_state["build_editing"]).encode() == path.read_bytes()
