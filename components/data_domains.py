"""The Data page's Domains section: the local service's domains with their profile counts,
switch the one in use, create one, delete one, and reset the demo domain (asked twice)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from profile_block.running import aws, local_service

from . import connection
from .data_common import DataTarget, describe_error, notify
from .text import literal

RESET_ASKED = "data_reset_asked"
DEFAULT_EXPIRATION_DAYS = 366


def _domain_rows(target: DataTarget) -> list[dict[str, object]]:
    client = target.client()
    rows = []
    for name in aws.list_domains(client):
        stats = client.get_domain(DomainName=name).get("Stats", {})
        rows.append({"Domain": name, "Profiles": stats.get("ProfileCount", 0),
                     "In use": "✓" if name == target.domain else ""})
    return rows


def _use(domain: str) -> None:
    connection.use_local_domain(domain)
    notify("success", f"Now using domain {domain}: the sidebar, Lookup and this page work on it.")
    st.rerun()


def render(target: DataTarget, demo_domain: str) -> None:
    """The Domains section (works with no domain at all: create one or reset the demo)."""
    try:
        rows = _domain_rows(target)
    except Exception as exc:  # noqa: BLE001 -- e.g. faults injected on the service: shown, page goes on
        st.error(f"The domains could not be listed: {literal(describe_error(exc))}", icon=":material/error:")
        rows = []
    names = [str(r["Domain"]) for r in rows]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="data_domains")
        others = [n for n in names if n != target.domain]
        if others:
            pick, go = st.columns([3, 1], vertical_alignment="bottom")
            choice = pick.selectbox("Switch to", others, key="data_switch_to")
            if go.button("Use this domain", key="data_switch"):
                _use(choice)

    left, right = st.columns(2, gap="large")
    with left, st.form("data_create_domain", border=True):
        st.markdown("**Create a domain**")
        name = st.text_input("Domain name", key="data_new_domain", placeholder="letters, digits, _ and -")
        days = st.number_input("Default expiration (days)", min_value=1, max_value=1098,
                               value=DEFAULT_EXPIRATION_DAYS, key="data_new_domain_days")
        if st.form_submit_button("Create", icon=":material/add:"):
            _create(target, name.strip(), int(days))
    with right:
        _render_delete(target, names)
        _render_reset(target, demo_domain)


def _create(target: DataTarget, name: str, days: int) -> None:
    try:
        target.client().create_domain(DomainName=name, DefaultExpirationDays=days)
    except Exception as exc:  # noqa: BLE001 -- the service's words, beside the form
        st.error(f"Domain not created: {literal(describe_error(exc))}", icon=":material/error:")
        return
    connection.forget_domains()
    connection.use_local_domain(name)
    notify("success", f"Created domain {name}; it is now the domain in use (empty: add profiles or import "
                      "a CSV).")
    st.rerun()


def _render_delete(target: DataTarget, names: list[str]) -> None:
    with st.container(border=True):
        st.markdown("**Delete a domain**")
        if not names:
            st.caption("There is no domain to delete.")
            return
        doomed = st.selectbox("Domain", names, key="data_delete_domain")
        sure = st.checkbox(f"Yes, delete {doomed} and all its profiles", key="data_delete_domain_sure")
        if st.button("Delete domain", icon=":material/delete_forever:", disabled=not sure,
                     key="data_delete_domain_go"):
            try:
                target.client().delete_domain(DomainName=doomed)
            except Exception as exc:  # noqa: BLE001
                st.error(f"Domain not deleted: {literal(describe_error(exc))}", icon=":material/error:")
                return
            connection.forget_domains()
            st.session_state.pop("data_delete_domain_sure", None)
            notify("success", f"Deleted domain {doomed}.")
            st.rerun()


def _render_reset(target: DataTarget, demo_domain: str) -> None:
    with st.container(border=True):
        st.markdown(f"**Reset the {demo_domain} domain**")
        st.caption(f"Puts domain {demo_domain} back to its original demo data: every change to it (added, "
                   "edited or deleted profiles, keys) is lost. Other domains are left alone.")
        if not st.session_state.get(RESET_ASKED):
            if st.button(f"Reset {demo_domain}…", icon=":material/restart_alt:", key="data_reset"):
                st.session_state[RESET_ASKED] = True
                st.rerun()
            return
        st.warning(f"Really reset domain **{demo_domain}**? Its current data is replaced by the original "
                   "demo data.", icon=":material/warning:")
        yes, no = st.columns(2)
        if yes.button(f"Yes, reset {demo_domain}", type="primary", key="data_reset_confirm"):
            st.session_state[RESET_ASKED] = False
            try:
                message = local_service.reset_demo(target.endpoint)
            except local_service.LocalServiceError as exc:
                notify("error", f"Not reset: {exc}")
            else:
                connection.forget_domains()
                notify("success", message)
            st.rerun()
        if no.button("Cancel", key="data_reset_cancel"):
            st.session_state[RESET_ASKED] = False
            st.rerun()
