"""The Lookup page's result: branch banner, $.Customer table, matches, request/response, history."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import streamlit as st

from components.json_view import json_view
from components.text import code, literal, literal_rows
from profile_block.model.block import BRANCH_LABELS, ERROR, MULTIPLE_FOUND, NONE_FOUND, SUCCESS
from profile_block.running.lookup import LookupResult, match_summary

HISTORY = "lookup_history"     # session key: list[tuple[str, LookupResult]], newest first
LAST = "lookup_last"           # session key: (LookupResult, where it ran) shown under the button
HISTORY_SIZE = 10
RESPONSE_HEIGHT = 480         # px: a longer SearchProfiles response scrolls in its box

_BANNERS = {
    SUCCESS: (st.success, ":material/check_circle:"),
    MULTIPLE_FOUND: (st.warning, ":material/group:"),
    NONE_FOUND: (st.info, ":material/person_off:"),
    ERROR: (st.error, ":material/error:"),
}


def remember(result: LookupResult, where: str) -> None:
    """Keep ``result`` (run on ``where``, e.g. "domain **demo** on the local sandbox") as the one
    shown and at the top of the session's history."""
    st.session_state[LAST] = (result, where)
    history = st.session_state.setdefault(HISTORY, [])
    history.insert(0, (datetime.now().strftime("%H:%M:%S"), result))
    del history[HISTORY_SIZE:]


def branch_text(result: LookupResult) -> str:
    """"**Success** branch (`Success`) → next action `abc`" in markdown."""
    target = f"next action {code(result.next_action)}" if result.next_action else \
        "next action not connected yet (set it on the Build page)"
    label = BRANCH_LABELS.get(result.branch, result.branch)
    shown_code = f" ({code(result.branch)})" if label != result.branch else ""
    return f"**{label}** branch{shown_code} → {target}"


def render(result: LookupResult, where: str) -> None:
    """The branch prominently, then what the flow gets and what was sent."""
    show, icon = _BANNERS.get(result.branch, (st.info, None))
    show(f"{branch_text(result)}  \n{literal(result.reason)}", icon=icon)
    st.caption(f"Test contact: {literal(result.contact_text)} · searched {where} · "
               f"took {result.elapsed_ms:,.1f} ms")
    if result.branch == SUCCESS:
        st.markdown("**Contact attributes the flow gets**")
        st.table(literal_rows({"Attribute": path, "Value": value} for path, value in result.customer_rows()))
        if len(result.customer) == 1:
            st.caption("Only ProfileId: tick response fields on the Build page to bring back more.")
    elif result.branch == MULTIPLE_FOUND:
        more = " (the first few; more exist)" if result.response and result.response.get("NextToken") else ""
        st.markdown(f"**Profiles that matched**{more} · no `$.Customer` attributes are set on this branch")
        st.table(literal_rows(match_summary(p) for p in result.matches))
    else:
        st.caption("No `$.Customer` attributes are set on this branch.")
    if result.request is not None:
        with st.expander("SearchProfiles request and response", icon=":material/data_object:"):
            st.markdown("Request (boto3 `search_profiles` arguments)")
            json_view(json.dumps(result.request, indent=2), label="the SearchProfiles request",
                      copy_label="Copy request")
            st.markdown("Response")
            json_view(json.dumps(result.response, indent=2, default=str), label="the SearchProfiles response",
                      copy_label="Copy response", max_height=RESPONSE_HEIGHT)


def _found(result: LookupResult) -> str:
    if result.branch == SUCCESS:
        return str(result.customer.get("$.Customer.ProfileId", ""))
    if result.branch == MULTIPLE_FOUND:
        return f"{len(result.matches)}{'+' if (result.response or {}).get('NextToken') else ''} profiles"
    if result.branch == NONE_FOUND:
        return "no profile"
    return result.error_class or "-"


def render_history(history: Sequence[tuple[str, LookupResult]]) -> None:
    """The session's last lookups, newest first, to compare contacts."""
    if not history:
        return
    st.subheader("Recent lookups", anchor=False)
    st.table(literal_rows({
        "At": at,
        "Test contact": r.contact_text,
        "Branch": BRANCH_LABELS.get(r.branch, r.branch),
        "Found": _found(r),
        "ms": f"{r.elapsed_ms:,.1f}",
    } for at, r in history))
