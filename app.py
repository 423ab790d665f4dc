"""Get-profile block studio: entry point and router.

Sets the page up, draws the sidebar connection panel (shared by every page) and runs the
page st.navigation picked. Pages live in pages/, shared widgets in components/, every rule
in profile_block/.
"""

import streamlit as st

st.set_page_config(page_title="Get-profile block studio", page_icon=":material/person_search:", layout="wide")

PAGES = [
    st.Page("pages/build.py", title="Build", icon=":material/construction:", default=True),
    st.Page("pages/lookup.py", title="Lookup", icon=":material/search:"),
]

navigation = st.navigation(PAGES)
# The connection panel (backend, domain) goes here, before the page runs.
navigation.run()
