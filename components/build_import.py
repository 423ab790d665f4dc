"""Import on the Build page: upload or paste a flow (or one action), pick a block to edit.

Reading and checking is the core's (``flow.read_document``, ``splice.blocks_of``,
``block.read_action``); this module turns its errors into messages and never touches the
block being built unless a load succeeds. The imported text is kept byte for byte (the upload's
bytes, not a re-decoded copy), so an unedited download gives the same file back. A flow with one
Get profile block opens it at once; with several, the list says which ones have problems. The
file a block opened from the page address came from (components.block_link) takes that block
back when it is imported again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from components import build_state as state
from components.build_preview import document_in_hand
from components.problems import count_text
from components.text import code, literal
from profile_block.documents import flow, splice
from profile_block.documents.document import ImportedDocument, size_problem
from profile_block.documents.splice import Opened
from profile_block.model import editing
from profile_block.model.block import ActionFormatError, GetProfileBlock, Problem, read_action
from profile_block.model.link import Source

CANDIDATE = "build_import_candidate"
ERROR = "build_import_error"
FLASH = "build_import_flash"
UPLOADER = "build_import_file"
PASTE = "build_import_text"
IMPORT_COUNT = "build_import_count"
EXPANDER = "build_import_open"
# The browser refuses larger files before they reach the page (with only an icon on the file): the
# limit is well above any flow, so a wrong file arrives and its size is explained in words.
UPLOAD_LIMIT_MB = 20


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
    problems: list[Problem] = field(default_factory=list)   # its problems in the flow


# ---- reading ------------------------------------------------------------------------------

def _next_import_id() -> int:
    count = st.session_state.get(IMPORT_COUNT, 0) + 1
    st.session_state[IMPORT_COUNT] = count
    return count


def _returning(document: ImportedDocument, source_name: str) -> Opened | None:
    """The block of ``document`` that the block opened from the page address was edited from, if
    this is that file again (same name, same kind, a Get profile block with that Identifier)."""
    source: Source | None = st.session_state.get(state.LINK_SOURCE)
    if source is None or source.name != source_name or source.kind != document.kind:
        return None
    return next((b for b in splice.blocks_of(document) if b.original_id == source.original_id), None)


def _open(opened: Opened, source_name: str, import_id: int, block: GetProfileBlock | None = None) -> None:
    """Edit the block ``opened`` (as the document has it, or ``block`` in its place)."""
    actions = opened.doc.document.get("Actions", []) if opened.doc.kind == "flow" else [opened.action]
    context = state.EditingContext(opened, source_name, len(actions), import_id)
    state.load_block(block if block is not None else read_action(opened.action)[0], context)
    st.session_state[EXPANDER] = False   # done importing: show the builder


def _read(data: str | bytes, source_name: str) -> None:
    """Load ``data`` (kept byte for byte): an action, a flow's only block or the block the page
    address kept goes straight into the builder; a flow with several blocks is listed."""
    try:
        document = flow.read_document(data)
        document.require_unicode()        # a lone surrogate: no widget could show the block
        blocks = splice.blocks_of(document)
        if not blocks:
            raise flow.DocumentError(
                f"{source_name} is a flow, but it has no Get profile block (no action of type "
                "GetCustomerProfile) to edit.")
        returning = _returning(document, source_name)
        import_id = _next_import_id()
        if document.kind == "flow":
            st.session_state[CANDIDATE] = Candidate(import_id, source_name, document)
        flash = None
        if returning is not None:
            _open(returning, source_name, import_id, state.block())
            shown = returning.original_id or "(no Identifier)"
            flash = (f"Your block went back into {source_name} as block {shown}: the downloads give the "
                     "file with it, every other byte as in the file.")
        elif document.kind == "action" or (len(blocks) == 1 and _readable(blocks[0])):
            _open(blocks[0], source_name, import_id)
            shown = state.block().action_id or "(no Identifier)"
            flash = (f"Loaded block {shown} from {source_name}." if document.kind == "action" else
                     f"Opened block {shown}, the only Get profile block of {source_name}.")
        st.session_state[FLASH] = flash
    except (flow.DocumentError, ActionFormatError) as exc:
        st.session_state[ERROR] = f"Could not import {source_name}: {exc} Your block is unchanged."
        return
    st.session_state[ERROR] = None


def _readable(opened: Opened) -> bool:
    try:
        read_action(opened.action)
    except ActionFormatError:
        return False
    return True


def _on_upload() -> None:
    # Whatever happens next, what was said about the previous file no longer holds.
    st.session_state[ERROR] = None
    uploaded = st.session_state.get(UPLOADER)
    if uploaded is None:      # the user removed the file: nothing to read
        return
    too_large = size_problem(uploaded.name, uploaded.size)
    if too_large:
        st.session_state[ERROR] = f"Could not import {too_large} Your block is unchanged."
        return
    _read(uploaded.getvalue(), uploaded.name)


def _on_paste() -> None:
    st.session_state[ERROR] = None
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
    """The Get-profile blocks of a flow with a one-line summary and their problems in it each."""
    try:
        _, found = flow.document_problems(document)
    except Exception:  # noqa: BLE001 - an odd flow still lists its blocks
        found = []
    rows = []
    for opened in splice.blocks_of(document):
        own = [p for p in found if p.block_id == opened.original_id]
        try:
            block, notes = read_action(opened.action)
        except ActionFormatError as exc:
            rows.append(Listed(opened.position, opened.original_id, "", [], str(exc), own))
            continue
        rows.append(Listed(opened.position, opened.original_id, editing.summary(block), notes, problems=own))
    return rows


def _on_edit(import_id: int, position: int) -> None:
    candidate: Candidate | None = st.session_state.get(CANDIDATE)
    if candidate is None or candidate.import_id != import_id:
        return
    for opened in splice.blocks_of(_document_in_hand(candidate)):
        if opened.position == position:
            _open(opened, candidate.source_name, import_id)
            st.session_state[FLASH] = None
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
                             max_upload_size=UPLOAD_LIMIT_MB,
                             help="A .json file: a whole flow, or one GetCustomerProfile action.")
            st.caption(f"A file over {UPLOAD_LIMIT_MB} MB is refused by the browser before it reaches "
                       "this page (a red mark on the file): no flow is that large.")
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
                if row.problems:
                    errors = any(p.is_error for p in row.problems)
                    st.badge(count_text(row.problems), color="red" if errors else "orange",
                             icon=":material/error:" if errors else ":material/warning:")
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
