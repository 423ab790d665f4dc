"""Import on the Build page: upload or paste a flow (or one action), pick a block to edit.

Reading and checking is the core's (``flow.load_document``, ``find_get_profile_actions``,
``block.read_action``); this module turns its errors into messages and never touches the
block being built unless a load succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from components import build_state as state
from components.build_preview import flow_document
from profile_block import editing, flow
from profile_block.block import ActionFormatError, GetProfileBlock, Problem, read_action

CANDIDATE = "build_import_candidate"
ERROR = "build_import_error"
FLASH = "build_import_flash"
UPLOADER = "build_import_file"
PASTE = "build_import_text"
IMPORT_COUNT = "build_import_count"
EXPANDER = "build_import_open"


@dataclass
class Candidate:
    """A flow that was read and whose Get-profile blocks are listed for editing."""

    import_id: int
    source_name: str
    flow: dict[str, Any]


@dataclass
class Listed:
    """One Get-profile block of a candidate flow, as the listing shows it."""

    action_id: str
    summary: str
    notes: list[Problem]
    unreadable: str = ""     # why the action cannot be edited, if it cannot


# ---- reading ------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise flow.DocumentError("The file is not UTF-8 text, so it is not a flow or an action.") from None


def _read(text: str, source_name: str) -> None:
    """Load ``text``: one action goes straight into the builder; a flow is listed."""
    try:
        kind, document = flow.load_document(text)
        if kind == "action":
            block, notes = read_action(document)
            state.load_block(block, None, notes)
            st.session_state[FLASH] = f"Loaded block {block.action_id} from {source_name}."
            st.session_state[EXPANDER] = False   # done importing: show the builder
        else:
            if not flow.find_get_profile_actions(document):
                raise flow.DocumentError(
                    f"{source_name} is a flow, but it has no Get profile block (no action of type "
                    "GetCustomerProfile) to edit.")
            count = st.session_state.get(IMPORT_COUNT, 0) + 1
            st.session_state[IMPORT_COUNT] = count
            st.session_state[CANDIDATE] = Candidate(count, source_name, document)
            st.session_state[FLASH] = None
    except (flow.DocumentError, ActionFormatError) as exc:
        st.session_state[ERROR] = f"Could not import {source_name}: {exc} Your block is unchanged."
        return
    st.session_state[ERROR] = None


def _on_upload() -> None:
    uploaded = st.session_state.get(UPLOADER)
    if uploaded is None:      # the user removed the file: nothing to read
        return
    try:
        text = _decode(uploaded.getvalue())
    except flow.DocumentError as exc:
        st.session_state[ERROR] = f"Could not import {uploaded.name}: {exc} Your block is unchanged."
        return
    _read(text, uploaded.name)


def _on_paste() -> None:
    text = st.session_state.get(PASTE, "")
    if not text.strip():
        st.session_state[ERROR] = "There is nothing to load: paste a flow or an action first."
        return
    _read(text, "the pasted text")


def _flow_in_hand(candidate: Candidate) -> dict[str, Any]:
    """The candidate flow, with the block being edited from it as it is now (edits are kept)."""
    current = state.editing()
    if current is not None and current.import_id == candidate.import_id:
        try:
            return flow_document(state.block(), current)
        except Exception:  # noqa: BLE001 - fall back to the flow as uploaded
            return candidate.flow
    return candidate.flow


def listing(document: dict[str, Any]) -> list[Listed]:
    """The Get-profile blocks of a flow with a one-line summary each."""
    rows = []
    for action in flow.find_get_profile_actions(document):
        action_id = str(action.get("Identifier", "")) if isinstance(action, dict) else ""
        try:
            block, notes = read_action(action)
        except ActionFormatError as exc:
            rows.append(Listed(action_id, "", [], str(exc)))
            continue
        rows.append(Listed(action_id, editing.summary(block), notes))
    return rows


def _on_edit(import_id: int, action_id: str) -> None:
    candidate: Candidate | None = st.session_state.get(CANDIDATE)
    if candidate is None or candidate.import_id != import_id:
        return
    document = _flow_in_hand(candidate)
    for action in flow.find_get_profile_actions(document):
        if isinstance(action, dict) and str(action.get("Identifier", "")) == action_id:
            block, notes = read_action(action)
            context = state.EditingContext(document, action_id, candidate.source_name,
                                           len(document.get("Actions", [])), import_id)
            state.load_block(block, context, notes)
            st.session_state[FLASH] = None
            st.session_state[EXPANDER] = False   # done importing: show the builder
            return


def _on_fresh() -> None:
    state.reset_block()
    st.session_state[FLASH] = None


# ---- rendering ----------------------------------------------------------------------------

def render_import() -> None:
    """The Import expander (outside the builder fragment: a load reruns the whole page)."""
    candidate: Candidate | None = st.session_state.get(CANDIDATE)
    error = st.session_state.get(ERROR)
    # Tracked open/closed state: a closed expander draws nothing, which keeps every other
    # rerun of the page cheap (the uploader and the text area are costly to redraw).
    with st.expander("Import a flow or a block", icon=":material/upload_file:", key=EXPANDER,
                     on_change="rerun") as expander:
        if not expander.open:
            return
        st.caption("A flow exported from the Amazon Connect console, or a single Get profile action "
                   "(JSON, at most 256,000 characters). Nothing changes in your block until a load succeeds.")
        upload, paste = st.tabs(["Upload a file", "Paste JSON"])
        with upload:
            st.file_uploader("Flow or action file", key=UPLOADER, on_change=_on_upload,
                             help="A .json file: a whole flow, or one GetCustomerProfile action.")
        with paste:
            st.text_area("Flow or action JSON", key=PASTE, height=160,
                         placeholder='{"Version": "2019-10-30", "Actions": [...]}  or  one action')
            st.button("Load", key="build-import-load", on_click=_on_paste, icon=":material/input:")
        if error:
            st.error(error, icon=":material/error:")
        if candidate is not None:
            _render_listing(candidate)


def _render_listing(candidate: Candidate) -> None:
    rows = listing(_flow_in_hand(candidate))
    current = state.editing()
    editing_id = (current.original_id if current is not None and current.import_id == candidate.import_id
                  else None)
    st.markdown(f"**Get profile blocks in {candidate.source_name}** · {len(rows)} found")
    for row in rows:
        with st.container(border=True, horizontal=True, vertical_alignment="center"):
            with st.container():
                st.markdown(f"`{row.action_id or '(no Identifier)'}`")
                if row.unreadable:
                    st.caption(f":red[Cannot be edited: {row.unreadable}]")
                else:
                    notes = f" · {len(row.notes)} reading note{'s' if len(row.notes) != 1 else ''}" \
                        if row.notes else ""
                    st.caption(row.summary + notes)
            if editing_id == row.action_id:
                st.badge("Editing", icon=":material/edit:", color="green")
            else:
                st.button("Edit this block", key=f"build-edit-{candidate.import_id}-{row.action_id}",
                          on_click=_on_edit, args=(candidate.import_id, row.action_id),
                          disabled=bool(row.unreadable), icon=":material/edit:")


def render_banner(block: GetProfileBlock) -> None:
    """Where the block came from, what the downloads contain, and reading notes."""
    flash = st.session_state.pop(FLASH, None)   # said once
    context = state.editing()
    if context is not None:
        with st.container(border=True, horizontal=True, vertical_alignment="center"):
            st.markdown(
                f":material/account_tree: Editing block **`{context.original_id}`** of the imported flow "
                f"**{context.source_name}** ({context.action_count} actions). "
                "“Download flow JSON” gives that whole flow back with only this block changed.")
            st.button("Start a fresh standalone block", key="build-fresh", on_click=_on_fresh,
                      icon=":material/note_add:")
    elif flash:
        st.success(flash, icon=":material/check_circle:")
    for note in state.reading_notes():
        st.warning(f"Reading the imported block: {note.message}", icon=":material/info:")
