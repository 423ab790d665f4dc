"""Build page: design a Get profile block, see its JSON, import and export it.

Thin on purpose: the block model is ``st.session_state["block"]`` (see components.build_state);
the sections are components; every rule is in profile_block. The open section and the preview
form one fragment, so a change reruns only that part of the page.
"""

import streamlit as st

from components import build_fields, build_import, build_preview, build_request, build_settings
from components import build_state as state
from profile_block.block import attribute_budget


def _problems():
    return build_preview.current_problems(state.block(), state.editing())


@st.fragment(key=state.BUILDER_FRAGMENT)
def builder() -> None:
    """The open section and the preview, in one fragment: a change reruns just this part of the
    page (not the sidebar, title and import), and the preview and the problems shown next to
    the widgets always come from the same run."""
    problems = _problems()
    editor, preview = st.columns([7, 4], gap="large")
    with editor:
        # One section at a time: a page drawing every section at once redraws hundreds of
        # widgets on each click (and st.tabs draws every panel).
        state.seed(state.TAB, state.TABS[0])
        section = st.segmented_control("Section", state.TABS, key=state.TAB, required=True,
                                       label_visibility="collapsed", width="stretch",
                                       persist_state="session")
        if section == state.TABS[0]:
            build_request.render(problems)
        elif section == state.TABS[1]:
            build_fields.render(problems)
        else:
            build_settings.render(problems)
    with preview:
        block = state.block()
        build_preview.render_header()
        used, limit = attribute_budget(block.fields)
        build_fields.render_budget(used, limit, block.fields)
        build_preview.render(block, problems)


st.title("Build a Get profile block", anchor=False)
st.caption("Amazon Connect › Customer profiles › **Get profile** (flow-language `GetCustomerProfile`): "
           "choose who to look for and what to bring back; copy the JSON or download an importable flow.")
build_import.render_import()
build_import.render_banner(state.block())
builder()
