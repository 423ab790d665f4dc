"""Data page: the local Customer Profiles service's own data (local sandbox only): browse and
search a domain's profiles, add, edit and delete them, import and export CSV, manage domains and
custom keys, and set the service's faults.

Thin: the service is reached through its HTTP API (boto3, as for AWS) and its admin routes
(profile_block.running.local_service); the sections are components.data_*.
"""

import streamlit as st

from components import connection, data_domains, data_faults, data_keys, data_profiles, data_transfer
from components.data_common import DataTarget, csv_format, render_notice
from components.text import literal
from profile_block.running.local_service import LocalServiceError

SECTIONS = ("Profiles", "Import / export", "Domains", "Custom keys", "Faults")
NEEDS_A_DOMAIN = ("Profiles", "Import / export", "Custom keys")

st.title("Your data in the local service", anchor=False)
st.caption("The profiles the local Customer Profiles service answers with: try your block on data that "
           "looks like yours. Changes show at once in Lookup.")
active = connection.current()
if active is not None and active.starting:
    st.info(literal(active.message), icon=":material/hourglass_top:")
    st.stop()
if active is None or not active.is_local or active.connection is None:
    st.info("This page edits the data of the local Customer Profiles service. Choose **Local sandbox** "
            "in the sidebar to use it (your AWS domains are not edited here).", icon=":material/info:")
    st.stop()

target = DataTarget(active.connection.endpoint_url or "", active.domain, active.connection)
render_notice()
if not active.ok:
    st.warning(f"{literal(active.message)} The Domains and Faults sections still work.",
               icon=":material/warning:")
st.session_state.setdefault("data_section", SECTIONS[0])
section = st.segmented_control("Section", SECTIONS, key="data_section", required=True,
                               label_visibility="collapsed")
if section in NEEDS_A_DOMAIN and not active.ok:
    st.info("Fix the connection first (see above), or create a domain in **Domains**.",
            icon=":material/info:")
elif section == "Profiles":
    try:
        data_profiles.render(target, csv_format(target.endpoint))
    except LocalServiceError as exc:
        st.error(f"The local service did not answer: {literal(exc)}", icon=":material/error:")
elif section == "Import / export":
    data_transfer.render(target)
elif section == "Domains":
    data_domains.render(target, active.demo_domain)
elif section == "Custom keys":
    data_keys.render(target, st.session_state.get(data_profiles.SELECTED, ""))
else:
    data_faults.render(target)
