"""Build page: design a Get profile block, see its JSON, import and export it.

Thin on purpose: the block model is ``st.session_state["block"]`` (see components.build_state);
the sections are components; every rule is in profile_block. The open section, the download
buttons and the preview are fragments (see build_state.changed): an edit reruns the section and
the preview, a field tick (which changes nothing on the left) the preview alone.
"""

import streamlit as st

from components import (
    block_link,
    build_fields,
    build_import,
    build_preview,
    build_request,
    build_settings,
    flow_map,
)
from components import build_state as state
from profile_block.model.block import attribute_budget


@st.fragment(key=state.EDITOR_FRAGMENT)
def editor() -> None:
    """The open section. One section at a time: a page drawing every section at once redraws
    hundreds of widgets on each click (and st.tabs draws every panel)."""
    problems = build_preview.problems_now()
    state.seed(state.TAB, state.TABS[0])
    section = st.segmented_control("Section", state.TABS, key=state.TAB, required=True,
                                   label_visibility="collapsed", width="stretch", persist_state="session")
    if section == state.TABS[0]:
        build_request.render(problems)
    elif section == state.TABS[1]:
        build_fields.render(problems)
    else:
        build_settings.render(problems)


@st.fragment(key=state.DOWNLOADS_FRAGMENT)
def downloads() -> None:
    """The download buttons: drawn again only when their file names change, so a click right
    after an edit always reaches the button it was aimed at."""
    build_preview.render_downloads(state.block(), state.editing())


@st.fragment(key=state.PREVIEW_FRAGMENT)
def preview() -> None:
    """What a change of the block shows: what the downloads hold, the problems, the budget, the JSON."""
    build_preview.note_clicks_applied()
    block = state.block()
    problems = build_preview.problems_now()
    in_address = block_link.write(block, state.editing())
    build_preview.render_status(block, problems)
    if not in_address:
        st.caption("This block is too large for the page address: a reload starts from a fresh block.")
    used, limit = attribute_budget(block.fields)
    build_fields.render_budget(used, limit, block.fields)
    build_preview.render_json(block)


@st.fragment(key=state.MAP_FRAGMENT)
def flow_map_section() -> None:
    """The flow around the block (drawn again with each change of the block: its reads change)."""
    flow_map.render_build_map(state.block(), state.editing())


block_link.restore()
st.title("Build a Get profile block", anchor=False)
st.caption("Amazon Connect › Customer profiles › **Get profile** (flow-language `GetCustomerProfile`): "
           "choose who to look for and what to bring back; copy the JSON or download an importable flow.")
build_import.render_import()
build_import.render_banner(state.block())
block_link.render_notice()
left, right = st.columns([5, 6], gap="medium")   # at 1400 px a key and its value fit on one line
with left:
    editor()
with right:
    build_preview.render_header()
    downloads()
    preview()
flow_map_section()
