"""Build page: design a Get profile block, see its JSON, import and export it.

Thin on purpose: the block model is ``st.session_state["block"]`` (see components.build_state);
the sections are components; every rule is in profile_block. Each section is a keyed fragment,
so a change reruns only the sections it affects (a field tick: the budget meter and preview).
"""

import streamlit as st

from components import build_fields, build_import, build_preview, build_request, build_settings
from components import build_state as state
from profile_block.block import attribute_budget


def _problems():
    return build_preview.current_problems(state.block(), state.editing())


@st.fragment(key=state.REQUEST_FRAGMENT)
def request_section() -> None:
    build_request.render(_problems())


@st.fragment(key=state.FIELDS_FRAGMENT)
def fields_section() -> None:
    build_fields.render(_problems())


@st.fragment(key=state.SETTINGS_FRAGMENT)
def settings_section() -> None:
    build_settings.render(_problems())


@st.fragment(key=state.PREVIEW_FRAGMENT)
def preview_section() -> None:
    block = state.block()
    problems = _problems()
    build_preview.render_header()
    used, limit = attribute_budget(block.fields)
    build_fields.render_budget(used, limit, block.fields)
    build_preview.render(block, problems)


st.title("Build a Get profile block", anchor=False)
st.caption("Amazon Connect › Customer profiles › **Get profile** (flow-language `GetCustomerProfile`): "
           "choose who to look for and what to bring back; copy the JSON or download an importable flow.")
build_import.render_import()
build_import.render_banner(state.block())

builder, preview = st.columns([7, 4], gap="large")
with builder:
    # One section at a time: a page drawing every section at once redraws hundreds of widgets on
    # each click (and st.tabs draws every panel), which made a tick several times slower.
    state.seed(state.TAB, state.TABS[0])
    section = st.segmented_control("Section", state.TABS, key=state.TAB, required=True,
                                   label_visibility="collapsed", width="stretch", persist_state="session")
    if section == state.TABS[0]:
        request_section()
    elif section == state.TABS[1]:
        fields_section()
    else:
        settings_section()
with preview:
    preview_section()
