"""Batch page: a CSV of test contacts through the block in one go, with expected results.

Thin: the block is ``st.session_state["block"]`` (the Build page's, or the one the page address holds,
see components.block_link), the connection comes from the
sidebar (components.connection), the contacts from components.batch_contacts, the run (a
background thread owned by the session) from components.batch_run, the results from
components.batch_results; every rule is in profile_block.running.batch and profile_block.running.batch_csv.
"""

import streamlit as st

from components import batch_contacts, batch_results, batch_run, block_link, connection, lookup_block
from components import build_state as state

block_link.restore()
block = state.block()
block_link.write(block, state.editing())
active = connection.current()
examples = active.examples if active is not None and active.ok and active.is_local else []

st.title("Batch run: a regression suite for the block", anchor=False)
st.caption("Run a CSV of test contacts through the block, each with the branch and `$.Customer` values it "
           "should produce, and see which still do. The same CSV runs in CI with "
           "`python -m profile_block batch`.")
block_link.render_notice()
lookup_block.render(block)

contacts_col, run_col = st.columns([3, 2], gap="large")
with contacts_col:
    st.subheader("Test contacts", anchor=False)
    batch_contacts.render_source(block, examples)
    source = batch_contacts.current()
    checked = batch_contacts.check(source, block) if source is not None else None
    if source is not None and checked is not None:
        batch_contacts.render_summary(source, checked, block)
with run_col:
    st.subheader("Run", anchor=False)
    batch_run.render_controls(active, block, source, checked)
    batch_run.render_progress()

run = batch_run.current()
if run is not None and not run.job.state().running:
    batch_results.render(run)
