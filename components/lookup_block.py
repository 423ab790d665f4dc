"""The Lookup page's summary of the block being tested (it is edited on the Build page)."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from components.problems import count_text
from components.text import code, literal
from profile_block.model import keys
from profile_block.model.block import BRANCH_LABELS, BRANCHES, GetProfileBlock

BUILD_PAGE = "app_pages/build.py"


def render(block: GetProfileBlock) -> None:
    """What the block searches by, what it brings back, where each branch goes, its problems."""
    with st.container(border=True):
        head, link = st.columns([4, 1], vertical_alignment="center")
        shown_id = code(block.action_id) if block.action_id else "(none)"
        head.markdown(f"**Block being tested** · Identifier {shown_id}")
        with link:
            try:
                st.page_link(BUILD_PAGE, label="Edit on Build", icon=":material/construction:")
            except StreamlitAPIException:  # the page runs alone (no st.navigation): words instead
                st.caption("Edit it on the Build page.")
        joiner = f" **{block.operator}** " if len(block.identifiers) > 1 else ""
        searched = joiner.join(f"{literal(keys.key_label(i.key))} = {code(i.value) if i.value else '(empty)'}"
                               for i in block.identifiers)
        st.markdown(f"Searches by {searched or '(no identifier)'}")
        if block.fields:
            shown = ", ".join(code(name) for name in block.fields[:12])
            more = f" and {len(block.fields) - 12} more" if len(block.fields) > 12 else ""
            st.markdown(f"Brings back `ProfileId` and {len(block.fields)} field"
                        f"{'s' if len(block.fields) != 1 else ''}: {shown}{more}")
        else:
            st.markdown("Brings back `ProfileId` and `ProfileARN` only (no response fields ticked on the "
                        "Build page).")
        targets = " · ".join(f"{BRANCH_LABELS[b]} → {code(block.branches.get(b) or 'not connected')}"
                             for b in BRANCHES)
        st.caption(f"Branches: {targets}")
        problems = block.validate()
        errors = [p for p in problems if p.is_error]
        if errors:
            st.warning(f"The block has {count_text(problems)} (see the Build page). The lookup still runs "
                       "what the block would send; a contact it cannot send takes the Error branch.",
                       icon=":material/warning:")
