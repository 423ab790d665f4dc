"""The Data page's Faults section: the running local service's fault settings (throttle rate,
error rate, latency, "throttle the next N"), read and changed through its admin route.

The service applies them to its profile calls only (SearchProfiles and the other profile reads and
writes), not to domain calls: the sidebar's connection check (ListDomains) neither spends nor trips
on them, so a lookup runs and lands on the Error branch."""

from __future__ import annotations

import streamlit as st

from profile_block.running import local_service

from .data_common import DataTarget, notify
from .text import literal

SCOPE = ("Faults apply to the local service's profile calls: SearchProfiles (Lookup, Batch), creating, "
         "changing and deleting profiles (this page, boto3 scripts). Domain calls (the sidebar's connection "
         "check, the domain list, custom keys) are answered normally, so a lookup runs and takes the Error "
         "branch.")
# Every fault, the counted ones the Lookup page sets too (error_next, slow_next).
OFF = {"throttle_rate": 0.0, "error_rate": 0.0, "latency_ms": 0, "throttle_next": 0, "error_next": 0,
       "slow_next": 0}


def render(target: DataTarget) -> None:
    """The Faults section (works whatever the faults do to API calls: the route is not faulted)."""
    try:
        current = local_service.get_faults(target.endpoint)
    except local_service.LocalServiceError as exc:
        st.error(f"The fault settings could not be read: {literal(exc)}", icon=":material/error:")
        return
    active = [f"{name} {value}" for name, value in current.items() if value]
    if active:
        st.warning("Faults are on: " + ", ".join(active) + ".", icon=":material/warning:")
    else:
        st.success("No faults: every call to the local service is answered normally.",
                   icon=":material/check_circle:")
    st.caption(SCOPE)
    with st.form("data_faults", border=True):
        left, right = st.columns(2, gap="large")
        throttle = left.slider("Throttle rate", 0.0, 1.0, float(current.get("throttle_rate", 0.0)), 0.05,
                               help="Share of profile calls answered with ThrottlingException (429).")
        error = left.slider("Error rate", 0.0, 1.0, float(current.get("error_rate", 0.0)), 0.05,
                            help="Share of the other profile calls answered with "
                                 "InternalServerException (500).")
        latency = right.number_input("Latency (ms)", 0, 60_000, int(current.get("latency_ms", 0)), 50,
                                     help="Added to every profile call before it is answered.")
        next_n = right.number_input("Throttle the next N calls", 0, 1_000,
                                    int(current.get("throttle_next", 0)),
                                    help="Exactly the next N profile calls are throttled, then they are "
                                         "answered again (for trying a client's retries).")
        apply, off = st.columns([1, 5])
        if apply.form_submit_button("Apply", type="primary"):
            _set(target, {"throttle_rate": throttle, "error_rate": error, "latency_ms": int(latency),
                          "throttle_next": int(next_n)})
        if off.form_submit_button("Turn all off"):
            _set(target, OFF)


def _set(target: DataTarget, settings: dict[str, float | int]) -> None:
    try:
        now = local_service.set_faults(target.endpoint, settings)
    except local_service.LocalServiceError as exc:
        st.error(f"Not changed: {literal(exc)}", icon=":material/error:")
        return
    shown = ", ".join(f"{k} {v}" for k, v in now.items() if v) or "none"
    notify("success", f"Fault settings applied (active: {shown}).")
    st.rerun()
