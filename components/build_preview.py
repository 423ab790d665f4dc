"""The right-hand side of the Build page: problems, downloads and the live JSON preview."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import streamlit as st

from components import build_state as state
from components.problems import count_text, show_list
from profile_block import flow
from profile_block.block import GetProfileBlock, Problem


def to_json(document: Any) -> str:
    """The exact text the preview shows and the downloads contain (the core's one serialisation)."""
    return flow.dump_document(document)


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "block"


def block_file_name(block: GetProfileBlock) -> str:
    return f"get-profile-{_safe_name(block.action_id)}.json"


def flow_file_name(block: GetProfileBlock, editing: state.EditingContext | None) -> str:
    if editing:
        stem = editing.source_name.rsplit(".", 1)[0] if editing.source_name.endswith(".json") else "flow"
        return f"{_safe_name(stem)}-edited.json"
    return f"get-profile-flow-{_safe_name(block.action_id)}.json"


def flow_document(block: GetProfileBlock, editing: state.EditingContext | None) -> dict[str, Any]:
    """The flow "Download flow JSON" gives: the imported flow with this block replaced, or a new one."""
    if editing:
        return flow.replace_block(editing.flow, editing.original_id, block)
    return flow.wrap_in_flow(block)


def current_problems(block: GetProfileBlock, editing: state.EditingContext | None) -> list[Problem]:
    """The block's problems; inside an imported flow also the flow-level ones about it."""
    if editing is None:
        return block.validate()
    try:
        found = flow.validate_flow(flow_document(block, editing))
    except Exception:  # noqa: BLE001 - an odd imported flow must not break the page
        return block.validate()
    own = [p for p in found if p.block_id in ("", block.action_id)]
    return [Problem(p.severity, p.part, p.message) if p.block_id == block.action_id else p for p in own]


def _flow_text(block: GetProfileBlock, editing: state.EditingContext | None) -> Callable[[], str]:
    # Built when the button is clicked, from the block as it was shown.
    snapshot = copy.deepcopy(block)
    return lambda: to_json(flow_document(snapshot, editing))


def render_header() -> None:
    st.subheader("Block JSON", anchor=False)


def render(block: GetProfileBlock, problems: list[Problem]) -> None:
    """Problems, the two downloads and the preview (call inside the preview fragment)."""
    editing = state.editing()
    errors = sum(p.is_error for p in problems)
    show_list(problems, heading=f"**Problems** · {count_text(problems)}")
    try:
        action_text = to_json(block.to_action())
    except Exception as exc:  # noqa: BLE001 - the preview says what is wrong instead of crashing
        action_text = ""
        st.error(f"This block cannot be written as JSON yet: {exc}")
    blocked = errors > 0 or not action_text
    reason = f"Fix {errors} error{'s' if errors != 1 else ''} to download." if errors else ""
    common = {"mime": "application/json", "on_click": "ignore", "disabled": blocked,
              "icon": ":material/download:"}
    row = st.container(horizontal=True)
    row.download_button("Download block JSON", action_text, file_name=block_file_name(block),
                        key="build-download-block", **common)
    row.download_button("Download flow JSON", _flow_text(block, editing),
                        file_name=flow_file_name(block, editing), key="build-download-flow", **common)
    if reason:
        st.caption(f":red[{reason}]")
    else:
        st.caption("Block JSON: the action alone. Flow JSON: "
                   + ("the imported flow with only this block changed." if editing
                      else "a whole flow the Connect console imports."))
    if action_text:
        # A long action scrolls inside the preview rather than stretching the page.
        height = 640 if action_text.count("\n") > 40 else "content"
        st.code(action_text, language="json", wrap_lines=True, height=height)
