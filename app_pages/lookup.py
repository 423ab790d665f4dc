"""Lookup page: run the block for one test contact and see the branch and the $.Customer attributes.

Thin: the block is ``st.session_state["block"]`` (the Build page's; read from the page address or
created here when this page is opened first, see components.block_link), the connection comes
from the sidebar (components.connection), the lookup is
profile_block.running.lookup.run_lookup, the widgets are components.lookup_*.
"""

import streamlit as st

from components import (
    block_link,
    connection,
    flow_map,
    lookup_block,
    lookup_contact,
    lookup_faults,
    lookup_result,
)
from components import build_state as state
from components.text import literal
from profile_block.running import aws
from profile_block.running.lookup import run_lookup

block_link.restore()
block = state.block()
block_link.write(block, state.editing())
active = connection.current()

st.title("Try the block: live lookup", anchor=False)
st.caption("For a test contact, which branch does the block take and which `$.Customer` attributes does "
           "the rest of the flow get? The lookup calls Customer Profiles SearchProfiles for real.")
block_link.render_notice()
lookup_block.render(block)

contact_col, result_col = st.columns([1, 2], gap="large")
with contact_col:
    contact = lookup_contact.render(block, active.examples if active and active.ok else [])
    if active is not None and active.starting:
        st.info(literal(active.message), icon=":material/hourglass_top:")
    elif active is None or not active.ok:
        reason = active.message if active else (
            "this page was opened by its address before the app's start page ran, so the sidebar "
            "connection panel is missing. Open the app's start page, then come back to Lookup.")
        st.error(f"Not connected: {literal(reason)}", icon=":material/cloud_off:")
    else:
        st.caption(f"Searching {active.where}.")
    run = st.button("Run lookup", type="primary", icon=":material/person_search:", key="lookup_run",
                    disabled=active is None or not active.ok)
    if active is not None and active.is_local:
        lookup_contact.render_example_buttons(block, active.examples)
        lookup_contact.render_examples(active.examples)
    fail_next_slot = st.container()   # filled after the lookup: it shows whether the lookup spent it

with result_col:
    run = st.session_state.pop(lookup_contact.RUN_NOW, False) or run
    if run and active is not None and active.ok:
        with st.spinner("Searching…"):
            result = run_lookup(active.client(), block, contact, active.domain)
            lookup_result.remember(result, active.where)
    last = st.session_state.get(lookup_result.LAST)
    if last is None:
        st.info("Fill in the test contact and press **Run lookup**.", icon=":material/touch_app:")
    else:
        lookup_result.render(*last)
        result = last[0]
        flow_map.render_trace(block, state.editing(), result.branch, result.next_action)

if active is not None and active.is_local and active.connection and active.connection.endpoint_url:
    with fail_next_slot:
        lookup_faults.render(active.connection.endpoint_url, aws.client_attempts(active.client()))
lookup_result.render_history(st.session_state.get(lookup_result.HISTORY, []))
