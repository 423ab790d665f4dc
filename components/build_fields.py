"""The Response part of the Build page: the field checklist, custom attributes, the budget meter.

One ``st.checkbox`` per catalogue field, labelled with its flow name; ticking appends to
``block.fields`` (ProfileResponseData keeps the order of ticking). A tick reruns only the
budget meter and the preview (keyed fragments), not the 55 checkboxes.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components import build_state as state
from components.problems import show_inline
from profile_block import editing, fields
from profile_block.block import Problem

FILTER = "build_field_filter"           # survives new blocks: it is a view setting, not block data
ATTRIBUTE_ERROR = "build_attribute_error"


def _field_key(name: str) -> str:
    return state.wkey("field", name)


def _attribute_input_key() -> str:
    return state.wkey("new-attribute")


# ---- callbacks ------------------------------------------------------------------------------

def _on_tick(name: str) -> None:
    editing.set_field(state.block(), name, st.session_state[_field_key(name)])
    # The checkbox already shows its new state: only the meter and the preview change.
    state.rerun(state.BUDGET_FRAGMENT, state.PREVIEW_FRAGMENT)


def _on_group(names: Sequence[str], selected: bool) -> None:
    editing.set_fields(state.block(), names, selected)
    for name in names:
        st.session_state[_field_key(name)] = selected
    state.rerun(state.FIELDS_FRAGMENT, state.BUDGET_FRAGMENT, state.PREVIEW_FRAGMENT)


def _on_add_attribute() -> None:
    text = st.session_state.get(_attribute_input_key(), "")
    reason = editing.add_custom_attribute(state.block(), text)
    st.session_state[ATTRIBUTE_ERROR] = reason
    if reason is None:
        st.session_state[_attribute_input_key()] = ""
    state.rerun(state.FIELDS_FRAGMENT, state.BUDGET_FRAGMENT, state.PREVIEW_FRAGMENT)


def _on_remove_entry(name: str) -> None:
    editing.set_field(state.block(), name, False)
    state.rerun(state.FIELDS_FRAGMENT, state.BUDGET_FRAGMENT, state.PREVIEW_FRAGMENT)


# ---- rendering ------------------------------------------------------------------------------

def matches(entry: fields.ResponseField, text: str) -> bool:
    """Whether the filter box lets ``entry`` through (case-insensitive, on the flow name)."""
    return text.casefold() in entry.name.casefold()


def _source(shown: Sequence[fields.ResponseField]) -> str:
    """Where a group's values come from in the API Profile, e.g. "from ShippingAddress.*"."""
    parents = {f.api_path[0] for f in shown if len(f.api_path) > 1}
    return f"from {parents.pop()}.*" if len(parents) == 1 else "top-level Profile fields"


def _render_group(group: str, shown: Sequence[fields.ResponseField], selected: set[str],
                  problems: list[Problem]) -> None:
    names = [f.name for f in shown]
    with st.container(border=True):
        head = st.container(horizontal=True, vertical_alignment="center")
        head.markdown(f"**{group}** :gray[· {_source(shown)}]")
        head.space("stretch")
        head.button("All", key=state.wkey("all", group), type="tertiary", on_click=_on_group,
                    args=(names, True), help=f"Tick every {group} field shown")
        head.button("None", key=state.wkey("none", group), type="tertiary", on_click=_on_group,
                    args=(names, False), help=f"Untick every {group} field shown")
        row = st.container(horizontal=True, gap="small")
        for entry in shown:
            key = _field_key(entry.name)
            state.seed(key, entry.name in selected)
            row.checkbox(entry.name, key=key, on_change=_on_tick, args=(entry.name,), width=185)
        show_inline(problems, *(f"field:{n}" for n in names))


def _render_custom(block_fields: list[str], problems: list[Problem]) -> None:
    st.markdown("**Custom attributes**")
    st.caption("Profile attributes your domain defines, returned as `$.Customer.Attributes.<name>`.")
    block = state.block()
    for name in editing.custom_and_unknown_fields(block):
        row = st.container(horizontal=True, vertical_alignment="center")
        row.markdown(f"`{name}`")
        row.button("", icon=":material/close:", key=state.wkey("drop", name), type="tertiary",
                   help=f"Remove {name} from the response", on_click=_on_remove_entry, args=(name,))
        show_inline(problems, f"field:{name}")
    with st.form(state.wkey("attribute-form"), border=False, enter_to_submit=True):
        row = st.container(horizontal=True, vertical_alignment="bottom")
        with row:
            st.text_input("New custom attribute: Attributes.", key=_attribute_input_key(),
                          placeholder="e.g. tier", width=320)
            st.form_submit_button("Add attribute", icon=":material/add:", on_click=_on_add_attribute)
    reason = st.session_state.get(ATTRIBUTE_ERROR)
    if reason:
        st.error(reason, icon=":material/error:")


def render(problems: list[Problem]) -> None:
    """The checklist and custom attributes (call inside the fields fragment)."""
    block = state.block()
    selected = set(block.fields)
    st.subheader("Response", anchor=False)
    st.caption("What to store on the contact when one profile is found: each field F becomes "
               "`$.Customer.F`, in the order you tick them.")
    show_inline(problems, "fields")
    text = st.text_input("Filter fields", key=FILTER, placeholder="Type to narrow the list, e.g. city",
                         icon=":material/filter_list:")
    any_shown = False
    for group in fields.GROUPS:
        shown = [f for f in fields.fields_in_group(group) if matches(f, text)]
        if shown:
            any_shown = True
            _render_group(group, shown, selected, problems)
    if not any_shown:
        st.info(f"No standard field has “{text}” in its name. "
                "Custom attributes can have any name: add it below.")
    _render_custom(block.fields, problems)


def render_budget(used: int, limit: int, problems: list[Problem], field_count: int) -> None:
    """The worst-case attribute budget meter (call inside the budget fragment)."""
    over = used > limit
    st.progress(min(used / limit, 1.0) if limit else 1.0,
                text=f"Worst-case attribute budget: {used:,} / {limit:,} characters"
                     + (" — over the limit" if over else ""))
    st.caption(f"{field_count} field{'s' if field_count != 1 else ''} selected. Every Customer Profiles "
               "attribute of a flow shares this budget; each value can take up to 255 characters.")
    show_inline(problems, "budget")
