"""The right-hand side of the Build page: problems, downloads and the live JSON preview."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

import streamlit as st

from components import build_state as state
from components.problems import count_text, show_list
from profile_block import flow, splice
from profile_block.block import GetProfileBlock, Problem, read_action
from profile_block.splice import Opened


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "block"


def _edited_name(editing: state.EditingContext) -> str:
    name = editing.source_name
    stem = name.rsplit(".", 1)[0] if name.endswith(".json") else "flow" if editing.kind == "flow" else "block"
    return f"{_safe_name(stem)}-edited.json"


def block_file_name(block: GetProfileBlock, editing: state.EditingContext | None = None) -> str:
    if editing is not None and editing.kind == "action":
        return _edited_name(editing)
    return f"get-profile-{_safe_name(block.action_id)}.json"


def flow_file_name(block: GetProfileBlock, editing: state.EditingContext | None) -> str:
    if editing is not None and editing.kind == "flow":
        return _edited_name(editing)
    return f"get-profile-flow-{_safe_name(block.action_id)}.json"


def _opened(editing: state.EditingContext | None) -> Opened | None:
    return editing.opened if editing is not None else None


def flow_text(block: GetProfileBlock, editing: state.EditingContext | None) -> str:
    """What "Download flow JSON" gives (the core's one source of it)."""
    return splice.flow_file(block, _opened(editing), rewrite=bool(editing and editing.rewrite))


def block_text(block: GetProfileBlock, editing: state.EditingContext | None) -> str:
    """What the preview shows and "Download block JSON" gives (the core's one source of both)."""
    return splice.block_file(block, _opened(editing), rewrite=bool(editing and editing.rewrite))


def document_in_hand(block: GetProfileBlock, editing: state.EditingContext) -> Opened:
    """The imported document as the download would give it now, with the block opened in it."""
    return splice.reopened(editing.opened, block, rewrite=editing.rewrite)


def current_problems(block: GetProfileBlock, editing: state.EditingContext | None) -> list[Problem]:
    """The block's problems; for an imported document, the verdict on the document the download
    would give (the same check as ``validate``), limited to this block and the whole document."""
    if editing is None:
        return block.validate()
    try:
        _, found = flow.document_problems(document_in_hand(block, editing).doc)
    except Exception:  # noqa: BLE001 - an odd imported flow must not break the page
        return block.validate()
    own = [p for p in found if p.block_id in ("", block.action_id)]
    return [Problem(p.severity, p.part, p.message) if p.block_id == block.action_id else p for p in own]


def _download(make: Callable[[GetProfileBlock, state.EditingContext | None], str], block: GetProfileBlock,
              editing: state.EditingContext | None) -> Callable[[], bytes]:
    # Built when the button is clicked, from the block as it was shown; bytes, so a byte-order
    # mark or CRLF line ends come back exactly as imported.
    snapshot = copy.deepcopy(block)
    return lambda: make(snapshot, editing).encode("utf-8")


def change_caption(block: GetProfileBlock, editing: state.EditingContext) -> str:
    """What the flow download changes in the imported document, in one sentence."""
    exported = splice.export(editing.opened, block, rewrite=editing.rewrite)
    name = editing.source_name
    if not exported.changed:
        return f"Unchanged so far: the download is {name} byte for byte."
    ranges = splice.changed_lines(exported)
    where = "its only line" if exported.text.count("\n") <= 1 else splice.lines_text(ranges)
    return (f"Changed in {name}: this block's action and its metadata entry only ({where} of the file); "
            "every other byte is as imported.")


def _on_rewrite(value: bool) -> None:
    context = state.editing()
    if context is not None:
        context.rewrite = value


def render_rewrite_offer(block: GetProfileBlock, editing: state.EditingContext) -> None:
    """For a block written in an older or odd shape (legacy request, misplaced or misspelled parts):
    it stays as it is while unchanged, unless the user asks for the current shape."""
    try:
        unchanged = block == read_action(editing.opened.action)[0]
        offer = unchanged and splice.needs_rewrite(editing.opened)
    except Exception:  # noqa: BLE001 - nothing to offer for an unreadable action
        offer = False
    if not offer:
        return
    if editing.rewrite:
        st.caption("This block will be written in the current shape, its designer metadata with it.")
        st.button("Keep it as imported", key="build-rewrite-off", on_click=_on_rewrite, args=(False,),
                  icon=":material/undo:")
    else:
        st.caption("This block is written in an older or unusual shape (see the problems). It stays exactly "
                   "as imported until you change the block, or:")
        st.button("Write it in the current shape", key="build-rewrite-on", on_click=_on_rewrite,
                  args=(True,), icon=":material/auto_fix_high:")


def render_header() -> None:
    st.subheader("Block JSON", anchor=False)


def render(block: GetProfileBlock, problems: list[Problem]) -> None:
    """Problems, the two downloads and the preview (call inside the preview fragment)."""
    editing = state.editing()
    errors = sum(p.is_error for p in problems)
    show_list(problems, heading=f"**Problems** · {count_text(problems)}")
    try:
        action_text = block_text(block, editing)
    except Exception as exc:  # noqa: BLE001 - the preview says what is wrong instead of crashing
        action_text = ""
        st.error(f"This block cannot be written as JSON yet: {exc}")
    blocked = errors > 0 or not action_text
    reason = f"Fix {errors} error{'s' if errors != 1 else ''} to download." if errors else ""
    common = {"mime": "application/json", "on_click": "ignore", "disabled": blocked,
              "icon": ":material/download:"}
    row = st.container(horizontal=True)
    row.download_button("Download block JSON", _download(block_text, block, editing),
                        file_name=block_file_name(block, editing), key="build-download-block", **common)
    row.download_button("Download flow JSON", _download(flow_text, block, editing),
                        file_name=flow_file_name(block, editing), key="build-download-flow", **common)
    if reason:
        st.caption(f":red[{reason}]")
    elif editing is None:
        st.caption("Block JSON: the action alone. Flow JSON: a whole flow the Connect console imports.")
    elif editing.kind == "flow":
        st.caption("Block JSON: this action as written in the flow. Flow JSON: the imported flow. "
                   + change_caption(block, editing))
    else:
        st.caption("Block JSON: the imported action. Flow JSON: a new flow around it. "
                   + change_caption(block, editing))
    if editing is not None:
        render_rewrite_offer(block, editing)
    if action_text:
        # A long action scrolls inside the preview rather than stretching the page.
        height = 640 if action_text.count("\n") > 40 else "content"
        st.code(action_text, language="json", wrap_lines=True, height=height)
