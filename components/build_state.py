"""Session-state plumbing of the Build page: the block model, widget keys, imported flows.

The block being built lives in ``st.session_state["block"]`` as a ``GetProfileBlock``: it is
the one truth, and every widget is a view of it. A widget's key carries the block generation
(``st.session_state["block_gen"]``), bumped whenever a whole block is loaded (import, reset),
so that widgets re-initialise from the model instead of keeping stale values. Widgets that
are not rendered lose their state (page switch, filter); ``seed`` puts the model's value back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

import streamlit as st

from profile_block.documents.splice import Opened
from profile_block.model.block import GetProfileBlock

BLOCK = "block"
GENERATION = "block_gen"
# The imported flow or action a block came from.
EDITING = "build_editing"
# The imported file a block opened from the page address was edited from (profile_block.model.link.Source):
# importing that file again puts the block back into it.
LINK_SOURCE = "build_link_source"

# The builder's tabs (labels are the tab widget's values, so they stay fixed).
# Identifier rows whose key and value "Add identifier" guessed and the user has not confirmed yet.
SUGGESTED = "build_suggested_rows"
TAB = "build_tab"
TABS = ("Request", "Response fields", "Identifier & branches")

# The page's three parts that rerun alone: the open section (a widget in it reruns it), the download
# buttons, and the preview (problems, budget, JSON). A change of the block reruns the section and the
# preview (``changed``); a field tick, the preview alone; the buttons only when their file names change.
EDITOR_FRAGMENT = "build-editor"
DOWNLOADS_FRAGMENT = "build-downloads"
PREVIEW_FRAGMENT = "build-preview"
MAP_FRAGMENT = "build-map"
# The download buttons were last drawn with the imported file's own names (the block is unchanged):
# the next edit may change it, so it redraws them too (then named ...-edited.json).
ORIGINAL_NAMES = "build_downloads_original_names"


@dataclass
class EditingContext:
    """A block loaded from an imported flow or action: downloads give that document back, with only
    this block's action (and its metadata entry) changed, and only once the block changes."""

    opened: Opened            # the document as imported (exact text) and which action it is
    source_name: str          # file name, or "the pasted text"
    action_count: int = 0
    import_id: int = 0        # which import it came from (several blocks of one flow can be edited)
    rewrite: bool = False     # write the action in the current shape even while the block is unchanged

    @property
    def original_id(self) -> str:
        """The Identifier the block had in the document."""
        return self.opened.original_id

    @property
    def kind(self) -> str:
        return self.opened.doc.kind


def block() -> GetProfileBlock:
    """The block being built, created on first use."""
    if BLOCK not in st.session_state:
        st.session_state[BLOCK] = GetProfileBlock()
    return st.session_state[BLOCK]


def suggested_rows() -> set[int]:
    """The identifier rows still holding an unconfirmed guess of "Add identifier"."""
    return st.session_state.setdefault(SUGGESTED, set())


def generation() -> int:
    return st.session_state.setdefault(GENERATION, 0)


def wkey(*parts: object) -> str:
    """A widget key tied to the current block generation."""
    return ".".join(["build", str(generation()), *map(str, parts)])


def seed(key: str, value: Any) -> None:
    """Give a widget its model value unless it already holds the user's."""
    if key not in st.session_state:
        st.session_state[key] = value


def changed(*, file_names: bool = False) -> NoReturn:
    """End a widget callback that changed the block: rerun the open section and the preview (and
    the download buttons when ``file_names``: their names carry the Identifier). The last
    statement of the callback: it stops it."""
    st.rerun(scope=edit_scope([EDITOR_FRAGMENT, PREVIEW_FRAGMENT, MAP_FRAGMENT], file_names=file_names))


def edit_scope(parts: list[str], *, file_names: bool = False) -> list[str]:
    """The parts an edit reruns: ``parts``, and the download buttons when their names change (the
    Identifier is in them; an imported file's own name is used only while the block is unchanged)."""
    return parts + ([DOWNLOADS_FRAGMENT] if file_names or st.session_state.get(ORIGINAL_NAMES) else [])


def editing() -> EditingContext | None:
    return st.session_state.get(EDITING)


def load_block(new: GetProfileBlock, context: EditingContext | None = None) -> None:
    """Make ``new`` the block being built; widgets re-initialise from it. What reading an imported
    block noticed is part of the problems of the document it would download (flow.document_problems),
    shown with the others while it still holds."""
    st.session_state[BLOCK] = new
    st.session_state[EDITING] = context
    st.session_state.pop(LINK_SOURCE, None)
    st.session_state.pop(SUGGESTED, None)
    st.session_state[GENERATION] = generation() + 1


def reset_block() -> None:
    """Back to a fresh standalone block (the imported flow is forgotten)."""
    load_block(GetProfileBlock())

