"""The Lookup page's "Make the next lookup fail" control (local service only): throttled, a service
error, or slow past the client's read timeout, so the Error branch can be tried on demand.

The failure is a counted fault of the local service (profile_block.running.local_service.fail_next_lookup):
it fails exactly the calls of the next lookup, and the sidebar's connection check (a domain call)
spends none of it. What is pending is read back from the service on every run, so a lookup that
spent it shows at once.
"""

from __future__ import annotations

import streamlit as st

from components.text import literal
from profile_block.running import aws, local_service

_CHOICE = "lookup_fail_next_choice"
_NOTICE = "lookup_fail_next_notice"
_EFFECT = {
    "Throttled": "ThrottlingException on every attempt",
    "Service error": "InternalServerException on every attempt",
    "Slow past the timeout": "no answer within the read timeout",
}


def _arm(endpoint: str, attempts: int) -> None:
    failure = st.session_state[_CHOICE]
    try:
        local_service.fail_next_lookup(endpoint, failure, attempts, aws.READ_TIMEOUT_S)
    except local_service.LocalServiceError as exc:
        st.session_state[_NOTICE] = f"Not set: {exc}"


def _cancel(endpoint: str) -> None:
    try:
        local_service.cancel_next_failures(endpoint)
    except local_service.LocalServiceError as exc:
        st.session_state[_NOTICE] = f"Not cancelled: {exc}"


def render(endpoint: str, attempts: int) -> None:
    """The control, for the local service at ``endpoint``; a lookup's client makes ``attempts`` calls."""
    with st.expander("Make the next lookup fail", icon=":material/bolt:"):
        notice = st.session_state.pop(_NOTICE, None)
        if notice:
            st.error(literal(notice), icon=":material/error:")
        try:
            pending = local_service.pending_failure(local_service.get_faults(endpoint))
        except local_service.LocalServiceError as exc:
            st.error(f"The local service's fault settings could not be read: {literal(exc)}",
                     icon=":material/error:")
            return
        st.caption(f"The local service fails the next lookup's calls (all {attempts} attempts: the client "
                   "retries), so it takes the Error branch with its reason. The connection check is not "
                   "affected; the lookup after it is answered normally.")
        st.session_state.setdefault(_CHOICE, next(iter(local_service.NEXT_LOOKUP_FAILURES)))
        st.radio("Failure", list(local_service.NEXT_LOOKUP_FAILURES), key=_CHOICE, horizontal=True,
                 captions=[_EFFECT[f] for f in local_service.NEXT_LOOKUP_FAILURES])
        if st.session_state[_CHOICE] == "Slow past the timeout":
            wait = attempts * (aws.READ_TIMEOUT_S + 1)
            st.caption(f"Each attempt waits out the {aws.READ_TIMEOUT_S} s read timeout: the lookup takes "
                       f"about {wait} s.")
        row = st.container(horizontal=True, vertical_alignment="center")
        row.button("Fail the next lookup", key="lookup_fail_next", icon=":material/bolt:",
                   on_click=_arm, args=(endpoint, attempts))
        if pending is not None:
            failure, calls = pending
            row.button("Cancel", key="lookup_fail_next_cancel", on_click=_cancel, args=(endpoint,))
            st.warning(f"The next lookup will fail: **{failure}** ({calls} call"
                       f"{'s' if calls != 1 else ''} to go).", icon=":material/bolt:")
