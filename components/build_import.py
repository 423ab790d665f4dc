"""Import on the Build page: upload or paste a flow (or one action), pick a block to edit.

Reading and checking is the core's (``flow.read_document``, ``splice.blocks_of``,
``block.read_action``); this module turns its errors into messages and never touches the
block being built unless a load succeeds. The imported text is kept byte for byte (the upload's
bytes, not a re-decoded copy), so an unedited download gives the same file back.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components import build_state as state
from components.build_preview import document_in_hand
from components.text import code, literal
from profile_block import editing, flow, splice
from profile_block.block import ActionFormatError, GetProfileBlock, Problem, read_action
from profile_block.document import ImportedDocument

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
    document: ImportedDocument


@dataclass
class Listed:
    """One Get-profile block of a candidate flow, as the listing shows it."""

    position: int            # its index in the flow's Actions (Identifiers may repeat)
    action_id: str
    summary: str
    notes: list[Problem]
    unreadable: str = ""     # why the action cannot be edited, if it cannot


# ---- reading ------------------------------------------------------------------------------

def _next_import_id() -> int:
    count = st.session_state.get(IMPORT_COUNT, 0) + 1
    st.session_state[IMPORT_COUNT] = count
    return count


def _read(data: str | bytes, source_name: str) -> None:
    """Load ``data`` (kept byte for byte): one action goes straight into the builder; a flow is listed."""
    try:
        document = flow.read_document(data)
        if document.kind == "action":
            (opened,) = splice.blocks_of(document)
            block = read_action(opened.action)[0]
            state.load_block(block, state.EditingContext(opened, source_name, 1, _next_import_id()))
            shown = block.action_id or "(no Identifier)"
            st.session_state[FLASH] = f"Loaded block {shown} from {source_name}."
            st.session_state[EXPANDER] = False   # done importing: show the builder
        else:
            if not flow.find_get_profile_actions(document.document):
                raise flow.DocumentError(
                    f"{source_name} is a flow, but it has no Get profile block (no action of type "
                    "GetCustomerProfile) to edit.")
            st.session_state[CANDIDATE] = Candidate(_next_import_id(), source_name, document)
            st.session_state[FLASH] = None
    except (flow.DocumentError, ActionFormatError) as exc:
        st.session_state[ERROR] = f"Could not import {source_name}: {exc} Your block is unchanged."
        return
    st.session_state[ERROR] = None


def _on_upload() -> None:
    uploaded = st.session_state.get(UPLOADER)
    if uploaded is None:      # the user removed the file: nothing to read
        return
    _read(uploaded.getvalue(), uploaded.name)


def _on_paste() -> None:
    text = st.session_state.get(PASTE, "")
    if not text.strip():
        st.session_state[ERROR] = "There is nothing to load: paste a flow or an action first."
        return
    _read(text, "the pasted text")


def _document_in_hand(candidate: Candidate) -> ImportedDocument:
    """The candidate flow, with the block being edited from it as it is now (edits are kept)."""
    current = state.editing()
    if current is not None and current.import_id == candidate.import_id:
        try:
            return document_in_hand(state.block(), current).doc
        except Exception:  # noqa: BLE001 - fall back to the flow as uploaded
            return candidate.document
    return candidate.document


def listing(document: ImportedDocument) -> list[Listed]:
    """The Get-profile blocks of a flow with a one-line summary each."""
    rows = []
    for opened in splice.blocks_of(document):
        try:
            block, notes = read_action(opened.action)
        except ActionFormatError as exc:
            rows.append(Listed(opened.position, opened.original_id, "", [], str(exc)))
            continue
        rows.append(Listed(opened.position, opened.original_id, editing.summary(block), notes))
    return rows


def _on_edit(import_id: int, position: int) -> None:
    candidate: Candidate | None = st.session_state.get(CANDIDATE)
    if candidate is None or candidate.import_id != import_id:
        return
    document = _document_in_hand(candidate)
    for opened in splice.blocks_of(document):
        if opened.position == position:
            context = state.EditingContext(opened, candidate.source_name,
                                           len(document.document.get("Actions", [])), import_id)
            state.load_block(read_action(opened.action)[0], context)
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
            st.error(literal(error), icon=":material/error:")
        if candidate is not None:
            _render_listing(candidate)


def _render_listing(candidate: Candidate) -> None:
    rows = listing(_document_in_hand(candidate))
    current = state.editing()
    editing_at = (current.opened.position if current is not None and current.import_id == candidate.import_id
                  else None)
    st.markdown(f"**Get profile blocks in {literal(candidate.source_name)}** · {len(rows)} found")
    for row in rows:
        with st.container(border=True, horizontal=True, vertical_alignment="center"):
            with st.container():
                st.markdown(code(row.action_id) if row.action_id else "(no Identifier)")
                if row.unreadable:
                    st.caption(f":red[Cannot be edited: {literal(row.unreadable)}]")
                else:
                    notes = f" · {len(row.notes)} reading note{'s' if len(row.notes) != 1 else ''}" \
                        if row.notes else ""
                    st.caption(literal(row.summary) + notes)
            if editing_at == row.position:
                st.badge("Editing", icon=":material/edit:", color="green")
            else:
                st.button("Edit this block", key=f"build-edit-{candidate.import_id}-{row.position}",
                          on_click=_on_edit, args=(candidate.import_id, row.position),
                          disabled=bool(row.unreadable), icon=":material/edit:")


def render_banner(block: GetProfileBlock) -> None:
    """Where the block came from and what the downloads contain."""
    flash = st.session_state.pop(FLASH, None)   # said once
    context = state.editing()
    if context is not None:
        with st.container(border=True, horizontal=True, vertical_alignment="center"):
            if context.kind == "flow":
                st.markdown(
                    f":material/account_tree: Editing block **{code(context.original_id)}** of the imported "
                    f"flow **{literal(context.source_name)}** ({context.action_count} actions). “Download "
                    "flow JSON” gives that flow back byte for byte, except this block once you change it.")
            else:
                st.markdown(
                    f":material/data_object: Editing the action imported from "
                    f"**{literal(context.source_name)}**. “Download block JSON” gives that file back byte "
                    "for byte until you change the block.")
            st.button("Start a fresh standalone block", key="build-fresh", on_click=_on_fresh,
                      icon=":material/note_add:")
    if flash:
        st.success(literal(flash), icon=":material/check_circle:")
