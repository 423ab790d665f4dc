"""The Lookup page's test contact: one input per contact value the block reads, plus demo values.

The values live in ``st.session_state["lookup_contact"]`` (contact path -> text) so that they
survive page switches; each input is a view of that dict. They are also kept in the page address
(``?contact=...``, profile_block.contact_link), as the block is: a reload starts a new session,
which session state does not survive, and would put the demo values back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from components.text import code, literal, literal_rows
from profile_block import references
from profile_block.block import GetProfileBlock
from profile_block.contact_link import PARAMETER, contact_link, read_contact_link
from profile_block.link import LinkError
from profile_block.lookup import contact_paths, suggest_contact_value

CONTACT = "lookup_contact"
RUN_NOW = "lookup_run_now"    # set by a demo-value button: run the lookup in this rerun


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


def _use_example(path: str, value: str) -> None:
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
    """For each contact value, buttons that fill in a demo value of the key that reads it."""
    for path in contact_paths(block):
        _example_buttons(block, path, examples)


def _example_buttons(block: GetProfileBlock, path: str, examples: Sequence[Mapping[str, Any]]) -> None:
    keys_here = set(_referencing_keys(block, path))
    matching = [e for e in examples if e.get("key") in keys_here]
    if not matching:
        return
    st.caption(f"Demo values for {literal(path)} (click one to fill it in and run the lookup):")
    row = st.container(horizontal=True, gap="small")
    with row:
        for n, example in enumerate(matching[:6]):
            st.button(literal(f"{example['value']} · {example.get('expect', '')}"),
                      key=f"lookup_example:{path}:{n}", on_click=_use_example,
                      args=(path, str(example["value"])), help=literal(example.get("note", "")))


def render_examples(examples: Sequence[Mapping[str, Any]]) -> None:
    """The local service's demo values, to try each branch."""
    if not examples:
        return
    with st.expander("Demo values in the local sandbox (domain demo)", icon=":material/lightbulb:"):
        st.table(literal_rows({"Value": e["value"], "Search key": e["key"], "Finds": e.get("expect", ""),
                               "Why": e.get("note", "")} for e in examples))
