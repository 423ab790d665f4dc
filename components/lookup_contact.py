"""The Lookup page's test contact: one input per contact value the block reads, plus demo values.

The values live in ``st.session_state["lookup_contact"]`` (contact path -> text) so that they
survive page switches; each input is a view of that dict. They are also kept in the page address
(``?contact=...``, profile_block.model.contact_link), as the block is: a reload starts a new session,
which session state does not survive, and would put the demo values back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from components.text import code, literal, literal_rows
from profile_block.model import references
from profile_block.model.block import GetProfileBlock
from profile_block.model.contact_link import PARAMETER, contact_link, read_contact_link
from profile_block.model.link import LinkError
from profile_block.running.demo_contacts import demo_contacts
from profile_block.running.lookup import contact_paths, suggest_contact_value

CONTACT = "lookup_contact"
RUN_NOW = "lookup_run_now"    # set by a demo-contact button: run the lookup in this rerun
MAX_DEMO_BUTTONS = 8          # every branch, a few ways (the demo data gives at most about as many)


def _input_key(path: str) -> str:
    return f"lookup_contact_input:{path}"


def _stored() -> dict[str, str]:
    return st.session_state.setdefault(CONTACT, {})


def _restore() -> str:
    """On a session's first visit, the contact the page address holds; why it could not be read."""
    if CONTACT in st.session_state:
        return ""
    text = st.query_params.get(PARAMETER)
    if not text:
        return ""
    try:
        st.session_state[CONTACT] = read_contact_link(text)
    except LinkError as exc:
        return f"The test contact in this page's address could not be read: {exc} Demo values are used."
    return ""


def _write(contact: dict[str, str]) -> None:
    text = contact_link(contact)
    if not text:
        if PARAMETER in st.query_params:
            del st.query_params[PARAMETER]
    elif st.query_params.get(PARAMETER) != text:
        st.query_params[PARAMETER] = text


def _on_input(path: str) -> None:
    _stored()[path] = st.session_state[_input_key(path)]


def _use_contact(contact: Mapping[str, str]) -> None:
    for path, value in contact.items():
        _stored()[path] = value
        st.session_state[_input_key(path)] = value
    st.session_state[RUN_NOW] = True


def _referencing_keys(block: GetProfileBlock, path: str) -> list[str]:
    return [i.key for i in block.identifiers
            if references.is_reference(i.value) and references.check_reference(i.value) is None
            and references.parse_reference(i.value).path == path]


def render(block: GetProfileBlock, examples: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Draw the inputs; return the test contact (contact path -> value) for the paths the block reads."""
    st.subheader("Test contact", anchor=False)
    problem = _restore()
    if problem:
        st.warning(literal(problem), icon=":material/link_off:")
    paths = contact_paths(block)
    statics = [i for i in block.identifiers if not references.is_reference(i.value)]
    if not paths:
        st.info("This block uses only static values, so every contact sends the same search: "
                "nothing to fill in.", icon=":material/info:")
    stored = _stored()
    for path in paths:
        key = _input_key(path)
        if key not in st.session_state:
            # First visit or back from another page: the stored value, else a demo suggestion.
            st.session_state[key] = stored.setdefault(path, suggest_contact_value(path, block, examples))
        used_by = ", ".join(code(k) for k in _referencing_keys(block, path))
        st.text_input(literal(path), key=key, on_change=_on_input, args=(path,),
                      help=f"The value of {code('$.' + path)} for this contact; searched with {used_by}.")
    for ident in statics:
        st.caption(f"{code(ident.key)} is searched with the static value "
                   f"{code(ident.value) if ident.value else '(empty)'}.")
    contact = {path: stored.get(path, "") for path in paths}
    _write(contact)
    return contact


def render_example_buttons(block: GetProfileBlock, examples: Sequence[Mapping[str, Any]]) -> None:
    """Demo contacts made for this block (profile_block.model.demo_contacts): a value for every contact
    value it reads, under its AND/OR, each labelled with the branch it takes; a click fills them all
    in and runs the lookup."""
    contacts = demo_contacts(block, examples)
    if not contacts:
        return
    st.caption("Demo contacts for this block, labelled with the branch each takes (click one to fill "
               "it in and run the lookup):")
    with st.container(horizontal=True, gap="small"):
        for n, demo in enumerate(contacts[:MAX_DEMO_BUTTONS]):
            values = ", ".join(f"{path} = {value or '(empty)'}" for path, value in demo.contact.items())
            st.button(literal(demo.label), key=f"lookup_demo_contact:{n}", on_click=_use_contact,
                      args=(dict(demo.contact),), help=literal(f"Fills in {values}."))


def render_examples(examples: Sequence[Mapping[str, Any]]) -> None:
    """The local service's demo values, to try each branch."""
    if not examples:
        return
    with st.expander("Demo values in the local sandbox (domain demo)", icon=":material/lightbulb:"):
        st.table(literal_rows({"Value": e["value"], "Search key": e["key"], "Finds": e.get("expect", ""),
                               "Why": e.get("note", "")} for e in examples))
