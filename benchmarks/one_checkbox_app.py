"""The baseline of benchmarks/builder_rerun.py: a Streamlit page with one checkbox and nothing else."""

import streamlit as st

st.checkbox("Tick me")
