"""The Build page and the flow around the block: placeholders, reads warnings, the flow map."""

from __future__ import annotations

from tests.app.conftest import full, show, texts, widget


def test_typed_branch_targets_are_said_to_become_disconnect_placeholders(build):
    assert not any("placeholder" in c for c in texts(build, "caption"))
    show(build, "Identifier & branches")
    widget(build, "text_input", "Success").input("Greet caller").run()
    full(build)
    [caption] = [c for c in texts(build, "caption") if "placeholder" in c]
    assert "('Greet caller') becomes a Disconnect / hang up placeholder of that name" in caption
