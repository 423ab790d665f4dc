"""The Data page's Custom keys section: the domain's custom search keys, add one (declared the way
the demo's ``loyaltyId`` is), attach a value to a profile (AddProfileKey)."""

from __future__ import annotations

import streamlit as st

from profile_block.model import keys
from profile_block.running import local_service

from . import connection
from .data_common import DataTarget, describe_error, notify
from .text import code, literal

ATTACH_PROFILE = "data_attach_profile"


def render(target: DataTarget, selected_profile: str = "") -> None:
    """The Custom keys section."""
    custom = st.session_state.get(connection.CUSTOM_KEYS, [])
    if custom:
        listed = ", ".join(code(k) for k in custom)
        st.markdown(f"Custom search keys of domain **{literal(target.domain)}**: {listed}")
    else:
        st.info(f"Domain **{literal(target.domain)}** has no custom search key yet: only the standard ones "
                "(`_phone`, `_email`, `_account`, `_fullName`, `_profileId`).", icon=":material/info:")
    add, attach = st.columns(2, gap="large")
    with add, st.form("data_add_key", border=True):
        st.markdown("**Add a custom key**")
        st.caption("Declared in a profile object type's Keys (a SECONDARY identifier), as the demo's "
                   "`loyaltyId` is. A Get profile block can then search by it.")
        name = st.text_input("Key name", key="data_new_key", placeholder="e.g. memberId")
        if st.form_submit_button("Add key", icon=":material/key:"):
            _add_key(target, name.strip())
    with attach, st.form("data_attach_key", border=True):
        st.markdown("**Attach a value to a profile**")
        st.caption("AddProfileKey: the profile is then found by this key and value.")
        attachable = custom + [k.name for k in keys.STANDARD_KEYS if k.integration]
        key = st.selectbox("Key", attachable, key="data_attach_key_name", format_func=keys.key_label)
        profile_id = st.text_input("ProfileId", value=selected_profile, key=ATTACH_PROFILE,
                                   placeholder="select a profile in the Profiles section, or paste its id")
        value = st.text_input("Value", key="data_attach_value")
        if st.form_submit_button("Attach", icon=":material/link:"):
            _attach(target, key, profile_id.strip(), value)


def _add_key(target: DataTarget, name: str) -> None:
    problem = keys.check_key_name(name)
    if problem:
        st.error(literal(problem), icon=":material/error:")
        return
    try:
        object_type = local_service.define_key(target.endpoint, target.domain, name)
    except local_service.LocalServiceError as exc:
        st.error(f"Key not added: {literal(exc)}", icon=":material/error:")
        return
    connection.forget_domains()
    notify("success", f"Added custom key {name} to domain {target.domain} (object type {object_type}). "
                      "Attach values to profiles to find them by it.")
    st.rerun()


def _attach(target: DataTarget, key: str | None, profile_id: str, value: str) -> None:
    if not key:
        st.error("Add a custom key first.", icon=":material/error:")
        return
    try:
        target.client().add_profile_key(DomainName=target.domain, ProfileId=profile_id, KeyName=key,
                                        Values=[value])
    except Exception as exc:  # noqa: BLE001 -- the service's words, beside the form
        st.error(f"Not attached: {literal(describe_error(exc))}", icon=":material/error:")
        return
    notify("success", f"Attached {key} = {value} to profile {profile_id}: Lookup finds it by that key now.")
    st.rerun()
