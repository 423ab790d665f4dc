"""The right-hand side of the Build page: downloads, problems and the live JSON preview.

The two download buttons are drawn apart from the parts an edit reruns (a button drawn again
gets a new file id, and a click aimed at the old one is lost) and make their file when clicked,
from the model as it is once the click's own rerun has run its callbacks (``_ClickedDownload``):
a value typed and not yet committed when the button is clicked is in the file. They are never
disabled, because a click on a disabled button is lost even when the rerun it causes (the value
that fixes the error) would enable it; with errors they give no file and the caption says why.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable

import streamlit as st

from components import build_state as state
from components.json_view import json_view
from components.problems import count_text, show_list
from components.session_runs import SessionReader
from components.text import literal
from profile_block.documents import flow, splice
from profile_block.documents.splice import Opened
from profile_block.model import readiness
from profile_block.model.block import GetProfileBlock, Problem, read_action


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "block"


def is_unchanged(block: GetProfileBlock, editing: state.EditingContext) -> bool:
    """Whether the download would give the imported document byte for byte."""
    try:
        return not splice.export(editing.opened, block, rewrite=editing.rewrite).changed
    except Exception:  # noqa: BLE001 - a block that cannot be written is not the imported one
        return False


def _edited_name(block: GetProfileBlock, editing: state.EditingContext) -> str:
    """The imported file's name while the download is that file unchanged, else ``<name>-edited.json``."""
    name = editing.source_name
    if name.endswith(".json") and is_unchanged(block, editing):
        return name
    stem = name.rsplit(".", 1)[0] if name.endswith(".json") else "flow" if editing.kind == "flow" else "block"
    return f"{_safe_name(stem)}-edited.json"


def block_file_name(block: GetProfileBlock, editing: state.EditingContext | None = None) -> str:
    if editing is not None and editing.kind == "action":
        return _edited_name(block, editing)
    return f"get-profile-{_safe_name(block.action_id)}.json"


def flow_file_name(block: GetProfileBlock, editing: state.EditingContext | None) -> str:
    if editing is not None and editing.kind == "flow":
        return _edited_name(block, editing)
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


_MEMO = "build_problems_memo"


def problems_now() -> list[Problem]:
    """``current_problems`` of the block being built; worked out once per change of the block (the
    builder and the preview part each ask in a run)."""
    block, editing = state.block(), state.editing()
    key = (id(block), id(editing), bool(editing and editing.rewrite))
    memo = st.session_state.get(_MEMO)
    if memo is not None and memo[0] == key and memo[1] == block:
        return memo[2]
    problems = current_problems(block, editing)
    st.session_state[_MEMO] = (key, copy.deepcopy(block), problems)
    return problems


def placeholder_caption(block: GetProfileBlock) -> str:
    """What the flow download does with typed branch targets (flow.wrap_in_flow), in one sentence."""
    typed = list(dict.fromkeys(t for t in block.branches.values() if t and t != block.action_id))
    if not typed:
        return ""
    names = ", ".join(f"'{literal(t)}'" for t in typed)
    return (f" In the flow JSON, each branch target you typed ({names}) becomes a Disconnect / hang up "
            "placeholder of that name: replace it with the real block in the flow designer.")


class DownloadRefused(ValueError):
    """The block has errors: no file (the page says which errors)."""


MakeText = Callable[[GetProfileBlock, "state.EditingContext | None"], str]


def download_bytes(make: MakeText, block: GetProfileBlock, editing: state.EditingContext | None) -> bytes:
    """The file a download button gives: ``make``'s text as UTF-8 (so a byte-order mark or CRLF
    line ends come back exactly as imported), refused while the block has errors."""
    errors = [p for p in current_problems(block, editing) if p.is_error]
    if errors:
        raise DownloadRefused(f"{len(errors)} error(s): {errors[0].message}")
    return make(block, editing).encode("utf-8")


# Clicks on each download button as the server received them, and as the preview part has seen
# them (it runs after every callback of the click's rerun, so by then the model holds the edit the
# click committed).
_CLICKS = "build_download_clicks"
_APPLIED = "build_download_clicks_applied"


def _on_download_click(kind: str) -> None:
    clicks = st.session_state.setdefault(_CLICKS, {})
    clicks[kind] = clicks.get(kind, 0) + 1
    st.rerun(scope=state.PREVIEW_FRAGMENT)   # not the buttons: their file ids stay valid


def note_clicks_applied() -> None:
    """Call first in the preview part: every callback of this run has run."""
    st.session_state[_APPLIED] = dict(st.session_state.get(_CLICKS, {}))


class _ClickedDownload:
    """The data of one download button: made when clicked, from the model as it is once the
    click's own rerun has run its callbacks (a text box the click left commits its value then).

    The browser sends the request for the file before the rerun that carries the click and the
    typed value; so the n-th call of this button's data waits until the preview part has seen
    the n-th click since the button was drawn (at most ``CLICK_WAIT_S``)."""

    CLICK_WAIT_S = 10.0

    def __init__(self, kind: str, make: MakeText) -> None:
        self._kind, self._make = kind, make
        self._session = SessionReader()
        self._expected = st.session_state.get(_CLICKS, {}).get(kind, 0)
        self._lock = threading.Lock()

    def __call__(self) -> bytes:
        with self._lock:
            self._expected += 1
            expected = self._expected
        self._session.wait_until(lambda get: get(_APPLIED, {}).get(self._kind, 0) >= expected,
                                 self.CLICK_WAIT_S)
        return download_bytes(self._make, self._session.get(state.BLOCK), self._session.get(state.EDITING))


def change_caption(block: GetProfileBlock, editing: state.EditingContext) -> str:
    """What the flow download changes in the imported document, in one sentence."""
    exported = splice.export(editing.opened, block, rewrite=editing.rewrite)
    name = literal(editing.source_name)
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
        # Rewritten, the download is no longer the imported file: its name says so.
        st.rerun(scope=state.edit_scope([state.PREVIEW_FRAGMENT], file_names=True))


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


def render_downloads(block: GetProfileBlock, editing: state.EditingContext | None) -> None:
    """The two download buttons (drawn by the builder: a tick does not redraw them)."""
    common = {"mime": "application/json", "on_click": _on_download_click, "icon": ":material/download:"}
    block_name, flow_name = block_file_name(block, editing), flow_file_name(block, editing)
    st.session_state[state.ORIGINAL_NAMES] = editing is not None and editing.source_name in (block_name,
                                                                                             flow_name)
    row = st.container(horizontal=True)
    row.download_button("Download block JSON", _ClickedDownload("block", block_text), args=("block",),
                        file_name=block_name, key="build-download-block", **common)
    row.download_button("Download flow JSON", _ClickedDownload("flow", flow_text), args=("flow",),
                        file_name=flow_name, key="build-download-flow", **common)


def render_status(block: GetProfileBlock, problems: list[Problem]) -> None:
    """What the downloads hold (or why they give nothing yet) and the problems."""
    editing = state.editing()
    errors = sum(p.is_error for p in problems)
    if errors:
        st.caption(f":red[Fix {errors} error{'s' if errors != 1 else ''} to download: "
                   "until then the buttons give no file.]")
    elif editing is None:
        st.caption("Block JSON: the action alone. Flow JSON: a whole flow the Connect console imports."
                   + placeholder_caption(block))
    elif editing.kind == "flow":
        st.caption("Block JSON: this action as written in the flow. Flow JSON: the imported flow. "
                   + change_caption(block, editing))
    else:
        st.caption("Block JSON: the imported action. Flow JSON: a new flow around it. "
                   + change_caption(block, editing) + placeholder_caption(block))
    if editing is not None:
        render_rewrite_offer(block, editing)
    notes = readiness.open_items(block, state.suggested_rows())
    if any(p.part.startswith("branch") for p in problems):   # the flow's check already says it
        notes = [n for n in notes if n.part != "branches"]
    show_list(problems, heading=f"**Problems** · {count_text(problems)}", notes=notes)


PREVIEW_LINES, PREVIEW_HEIGHT = 20, 420      # a longer action scrolls in a box this many pixels high


def render_json(block: GetProfileBlock) -> None:
    """The block JSON, as the block download gives it."""
    try:
        action_text = block_text(block, state.editing())
    except Exception as exc:  # noqa: BLE001 - the preview says what is wrong instead of crashing
        st.error(f"This block cannot be written as JSON yet: {literal(exc)}")
        return
    # A long action scrolls inside the preview rather than stretching the page, which then stays one
    # screen high with the section beside it (the AND/OR control and the identifiers in view).
    # Lines are not wrapped: a wrapped line split "IdentifierName": from its value; a line longer
    # than the column (a long reference) scrolls sideways instead (issue 19.3).
    json_view(action_text, label="the block JSON", copy_label="Copy block JSON",
              max_height=PREVIEW_HEIGHT if action_text.count("\n") > PREVIEW_LINES else None)
