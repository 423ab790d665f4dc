"""The action Identifier and the branch targets (NextAction of each branch) of the Build page."""

from __future__ import annotations

import streamlit as st

from components import build_state as state
from components.problems import show_inline
from components.text import literal
from profile_block.model.block import BRANCH_LABELS, BRANCHES, Problem, new_action_id

BRANCH_HELP = {
    "Success": "Exactly one profile matched: its fields are stored as $.Customer.<field>.",
    "MultipleFoundError": "More than one profile matched.",
    "NoneFoundError": "No profile matched.",
    "NoMatchingError": "The lookup failed: an invalid value, a throttled or failed API call.",
}


def _id_key() -> str:
    # A new generation of the input after "New ID", so it shows the new value.
    return state.wkey("action-id", st.session_state.get("build_id_version", 0))


def _on_action_id() -> None:
    state.block().action_id = st.session_state[_id_key()]
    state.changed(file_names=True)


def _on_new_id() -> None:
    state.block().action_id = new_action_id()
    st.session_state["build_id_version"] = st.session_state.get("build_id_version", 0) + 1
    state.changed(file_names=True)


def _on_branch(branch: str) -> None:
    state.block().branches[branch] = st.session_state[state.wkey("branch", branch)].strip()
    state.changed()


def render_identifier(problems: list[Problem]) -> None:
    block = state.block()
    key = _id_key()
    state.seed(key, block.action_id)
    row = st.container(horizontal=True, vertical_alignment="bottom")
    with row:
        st.text_input("Action Identifier", key=key, on_change=_on_action_id, max_chars=200,
                      help=literal("The block's Identifier in the flow: up to 50 characters, none of "
                                   "% : ( \\ / ) = $ , ; [ ] { }. The Connect console uses UUIDs."))
        st.button("New ID", icon=":material/autorenew:", key=state.wkey("new-id"), on_click=_on_new_id,
                  help="Replace it with a fresh UUID")
    show_inline(problems, "identifier")


BRANCHES_OPEN = "build_branches_open"     # the Branches expander: open or closed (a view setting)


def render_branches(problems: list[Problem]) -> None:
    block = state.block()
    connected = sum(1 for b in BRANCHES if block.branches.get(b))
    if any(p.part.startswith("branch:") for p in problems):
        st.session_state[BRANCHES_OPEN] = True     # a branch problem is shown, not hidden
    state.seed(BRANCHES_OPEN, False)
    # A fixed label (the count is beside it): a label that changes makes the browser redraw the
    # expander closed, under the cursor of someone typing the next target.
    st.caption(f"{connected} of {len(BRANCHES)} branches connected")
    with st.expander("Branches", key=BRANCHES_OPEN, on_change="rerun", icon=":material/call_split:"):
        if state.editing() is None:
            st.caption("Optional: the Identifier of the action each branch goes to (its NextAction). "
                       "Left empty, the downloaded flow ends the contact on that branch.")
        else:
            st.caption("The Identifier of the action each branch goes to (its NextAction); inside the "
                       "imported flow each must name one of its actions.")
        left, right = st.columns(2)
        for n, branch in enumerate(BRANCHES):
            key = state.wkey("branch", branch)
            state.seed(key, block.branches.get(branch, ""))
            with left if n % 2 == 0 else right:
                st.text_input(BRANCH_LABELS[branch], key=key, on_change=_on_branch, args=(branch,),
                              help=literal(BRANCH_HELP[branch]), placeholder="Identifier of the next action")
                show_inline(problems, f"branch:{branch}")


def render(problems: list[Problem]) -> None:
    """Action Identifier and branches (call inside the settings fragment)."""
    render_identifier(problems)
    render_branches(problems)
