"""The baseline of benchmarks/lookup_click.py: one button whose click draws one line."""

import streamlit as st

if st.button("Run lookup"):
    st.write("Clicked.")
