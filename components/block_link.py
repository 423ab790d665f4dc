"""The block being built, kept in the page address (``?b=...``, see profile_block.model.link).

Written whenever the block changes, read when a session starts: a reload, a bookmark or a link
sent to a colleague opens the same block, on the Build and the Lookup page. A broken or foreign
address opens a fresh block and says why.

A block edited from an imported flow (or action) is kept in the address with the file's name and
its Identifier there, not the file: after a reload the block is open as a standalone block, the
page says to import that file again, and importing it puts this block back into it
(components.build_import).
"""

from __future__ import annotations

import streamlit as st

from components import build_state as state
from components.text import code, literal
from profile_block.model.block import GetProfileBlock
from profile_block.model.link import PARAMETER, LinkError, Source, block_link, fits, read_link

CHECKED = "block_link_checked"      # this session has read its address
NOTICE = "block_link_notice"        # why the address's block could not be opened (said once)


def restore() -> None:
    """Call first on a page that shows the block: on a session's first run, open the block its
    address holds (or a fresh one, with a notice, when the address cannot be read)."""
    if CHECKED in st.session_state:
        return
    st.session_state[CHECKED] = True
    text = st.query_params.get(PARAMETER)
    if not text:
        return
    try:
        linked = read_link(text)
    except LinkError as exc:
        state.load_block(GetProfileBlock())
        st.session_state[NOTICE] = (f"The block in this page's address could not be opened: {exc} "
                                    "A fresh block is open instead.")
        return
    state.load_block(linked.block)
    st.session_state[state.LINK_SOURCE] = linked.source


def source_of(context: state.EditingContext | None) -> Source | None:
    """The imported file the block comes from, as an address records it."""
    if context is not None:
        return Source(context.source_name, context.original_id, context.kind)
    return st.session_state.get(state.LINK_SOURCE)


def write(block: GetProfileBlock, context: state.EditingContext | None) -> bool:
    """Put the block into the page address, when it changed; False (and no block in the address)
    when the block is too large for one."""
    text = block_link(block, source_of(context))
    if not fits(text):
        if PARAMETER in st.query_params:
            del st.query_params[PARAMETER]
        return False
    if st.query_params.get(PARAMETER) != text:
        st.query_params[PARAMETER] = text
    return True


def render_notice() -> None:
    """What the page address did to the block: could not be read, or holds only part of it."""
    failed = st.session_state.pop(NOTICE, None)
    if failed:
        st.warning(literal(failed), icon=":material/link_off:")
    source: Source | None = st.session_state.get(state.LINK_SOURCE)
    if source is not None and state.editing() is None:
        st.info(f"This block was opened from the page address. It was edited from "
                f"**{literal(source.name)}** (block {code(source.original_id)}), and an address holds the "
                f"block, not the file: import **{literal(source.name)}** again and this block goes back "
                "into it, every other byte as in the file. Until then the downloads give the block alone.",
                icon=":material/link:")
