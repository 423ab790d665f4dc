"""The Response part of the Build page: the field checklist, custom attributes, the budget meter.

One ``st.pills`` (multiple choice) per group of catalogue fields, each option labelled with its
flow name; picking one appends it to ``block.fields`` (ProfileResponseData keeps the order of
ticking). A tick reruns the preview alone, and closed groups draw nothing: one element per group
(not one per field) keeps every rerun of the page cheap for the browser, which redraws the page's
elements at each run whether or not they changed (benchmarks/builder_rerun.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components import build_state as state
from components.problems import show_inline
from components.text import literal
from profile_block.flow_context.flow_reads import READ_PART
from profile_block.model import editing, fields
from profile_block.model.block import Problem

# The filter text: a view setting, not block data, so it survives new blocks; kept apart from its
# box (whose state Streamlit drops on a page that does not draw it), so it survives page switches.
FILTER = "build_field_filter"
FILTER_BOX = "build_field_filter.box"
ATTRIBUTE_ERROR = "build_attribute_error"


def _pills_key(group: str) -> str:
    """The key of a group's pills; a new one for another filter text (other options, other widget)."""
    return state.wkey("fields", group, st.session_state.get(FILTER, ""))


_ATTRIBUTE_VERSION = "build_new_attribute_version"


def _attribute_input_key() -> str:
    # A new box after each added attribute: a box set back to "" in a callback kept showing the text
    # in the browser (its drawing did not change), so "Add attribute" left the name there.
    return state.wkey("new-attribute", st.session_state.get(_ATTRIBUTE_VERSION, 0))


# ---- callbacks ------------------------------------------------------------------------------

def _on_tick(group: str, names: Sequence[str]) -> None:
    """A pill of ``group`` (showing ``names``) was picked or dropped: the same change in the block
    (a picked field goes to the end, so the order of ticking is the order of the response)."""
    picked = set(st.session_state[_pills_key(group)] or [])
    block = state.block()
    for name in names:
        editing.set_field(block, name, name in picked)
    # The pills already show their new state: only the preview (meter, counts, JSON) and the flow
    # map (which reads the block brings back) change.
    st.rerun(scope=state.edit_scope([state.PREVIEW_FRAGMENT, state.MAP_FRAGMENT]))


def _on_group(group: str, names: Sequence[str], selected: bool) -> None:
    editing.set_fields(state.block(), names, selected)
    st.session_state[_pills_key(group)] = list(names) if selected else []
    state.changed()


def _on_tick_read(name: str) -> None:
    """The one-click fix of a reads warning: tick the field the flow reads (its pills follow)."""
    block = state.block()
    editing.set_field(block, name, True)
    entry = fields.FIELDS_BY_NAME.get(name)
    if entry is not None:
        st.session_state[_pills_key(entry.group)] = [n for n in block.fields if n in {
            f.name for f in fields.fields_in_group(entry.group)}]
    state.changed()


def _render_reads(problems: list[Problem]) -> None:
    """The flow's reads that this block does not bring back (profile_block.flow_context.flow_reads),
    each with a button that ticks the field when it is one the block can fetch."""
    reads = [p for p in problems if p.part.startswith(f"{READ_PART}:")]
    if not reads:
        return
    block = state.block()
    offered: set[str] = set()
    for problem in reads:
        st.warning(literal(problem.message), icon=":material/warning:")
        name = problem.part.split(":", 1)[1]
        if name not in offered and name not in block.fields and fields.field_for(name) is not None:
            offered.add(name)
            st.button(f"Tick {name}", key=state.wkey("tick-read", name), icon=":material/add_task:",
                      on_click=_on_tick_read, args=(name,))


def _on_add_attribute() -> None:
    text = st.session_state.get(_attribute_input_key(), "")
    reason = editing.add_custom_attribute(state.block(), text)
    st.session_state[ATTRIBUTE_ERROR] = reason
    if reason is None:       # added: an empty box for the next one (a refused name stays to be fixed)
        st.session_state[_ATTRIBUTE_VERSION] = st.session_state.get(_ATTRIBUTE_VERSION, 0) + 1
    state.changed()


# ---- rendering ------------------------------------------------------------------------------

def matches(entry: fields.ResponseField, text: str) -> bool:
    """Whether the filter box lets ``entry`` through (case-insensitive, on the flow name)."""
    return text.casefold() in entry.name.casefold()


def _source(shown: Sequence[fields.ResponseField]) -> str:
    """Where a group's values come from in the API Profile, e.g. "from ShippingAddress.*"."""
    parents = {f.api_path[0] for f in shown if len(f.api_path) > 1}
    return f"from {parents.pop()}.*" if len(parents) == 1 else "top-level Profile fields"


def group_key(group: str) -> str:
    """Session key of a group's expander: open or closed survives new blocks (a view setting)."""
    return f"build_group_open.{group}"


def _open_by_default(group: str) -> bool:
    # The groups of top-level Profile fields start open; the four address groups (40 repetitive
    # fields read from address objects) start closed, which keeps the page short and each
    # click cheap (a closed group draws no checkboxes).
    return all(len(f.api_path) == 1 for f in fields.fields_in_group(group))


def _on_filter() -> None:
    """Keep the new filter text; open every group that has a field matching it."""
    text = st.session_state.get(FILTER_BOX, "")
    st.session_state[FILTER] = text
    if text:
        for group in fields.GROUPS:
            if any(matches(f, text) for f in fields.fields_in_group(group)):
                st.session_state[group_key(group)] = True


def _render_group(group: str, shown: Sequence[fields.ResponseField], selected: set[str],
                  problems: list[Problem]) -> None:
    names = [f.name for f in shown]
    total = len(fields.fields_in_group(group))
    key = group_key(group)
    if key not in st.session_state:
        # Drawn while a filter is set (back from another page), the group shows its matches.
        st.session_state[key] = _open_by_default(group) or bool(st.session_state.get(FILTER))
    # A fixed label: a label that changes makes the browser redraw the expander closed.
    label = f"**{group}** · {total} fields"
    with st.expander(label, key=key, on_change="rerun") as expander:
        if not expander.open:
            return
        head = st.container(horizontal=True, gap="small", vertical_alignment="center")
        head.button("All", key=state.wkey("all", group), type="tertiary", on_click=_on_group,
                    args=(group, names, True), icon=":material/done_all:")
        head.button("None", key=state.wkey("none", group), type="tertiary", on_click=_on_group,
                    args=(group, names, False), icon=":material/remove_done:")
        head.caption(_source(shown), width="stretch")
        pills = _pills_key(group)
        state.seed(pills, [n for n in names if n in selected])
        st.pills(f"{group} fields", names, selection_mode="multi", key=pills, on_change=_on_tick,
                 args=(group, names), label_visibility="collapsed")
    # Outside the expander: a problem stays visible when the group is closed.
    show_inline(problems, *(f"field:{n}" for n in names))


def _on_custom_selection() -> None:
    kept = set(st.session_state[state.wkey("custom-list")])
    block = state.block()
    for name in editing.custom_and_unknown_fields(block):
        if name not in kept:
            editing.set_field(block, name, False)
    state.changed()


def _render_custom(problems: list[Problem]) -> None:
    st.markdown("**Custom attributes**")
    entries = editing.custom_and_unknown_fields(state.block())
    if entries:
        list_key = state.wkey("custom-list")
        # The model decides what is listed: re-read it on every draw.
        st.session_state[list_key] = entries
        st.multiselect("In the response (× removes one)", entries, key=list_key,
                       on_change=_on_custom_selection, accept_new_options=False)
        show_inline(problems, *(f"field:{n}" for n in entries))
    with st.form(state.wkey("attribute-form"), border=False, enter_to_submit=True):
        row = st.container(horizontal=True, vertical_alignment="bottom")
        with row:
            st.text_input("New custom attribute: Attributes.", key=_attribute_input_key(),
                          placeholder="e.g. tier", width=320,
                          help=literal("A profile attribute your domain defines; the flow reads it as "
                                       "$.Customer.Attributes.<name>."))
            st.form_submit_button("Add attribute", icon=":material/add:", on_click=_on_add_attribute)
    reason = st.session_state.get(ATTRIBUTE_ERROR)
    if reason:
        st.error(literal(reason), icon=":material/error:")


def render(problems: list[Problem]) -> None:
    """The checklist and custom attributes (call inside the fields fragment)."""
    block = state.block()
    selected = set(block.fields)
    st.caption("What to store on the contact when one profile is found: each field F becomes "
               "`$.Customer.F`, in the order you tick them. The budget meter is beside the JSON.")
    show_inline(problems, "fields")
    _render_reads(problems)
    state.seed(FILTER_BOX, st.session_state.get(FILTER, ""))
    text = st.text_input("Filter fields", key=FILTER_BOX, placeholder="Type to narrow the list, e.g. city",
                         icon=":material/filter_list:", on_change=_on_filter)
    any_shown = False
    for group in fields.GROUPS:
        shown = [f for f in fields.fields_in_group(group) if matches(f, text)]
        if shown:
            any_shown = True
            _render_group(group, shown, selected, problems)
    if not any_shown:
        st.info(f"No standard field has “{literal(text)}” in its name. "
                "Custom attributes can have any name: add it below.")
    _render_custom(problems)


def selection_summary(selected: Sequence[str]) -> str:
    """ "Personal 2/9 · Phone 0/4 · … · custom 1": how many fields each group has ticked."""
    chosen = set(selected)
    parts = [f"{group} {sum(f.name in chosen for f in fields.fields_in_group(group))}/"
             f"{len(fields.fields_in_group(group))}" for group in fields.GROUPS]
    others = len(editing.custom_and_unknown_fields_of(selected))
    if others:
        parts.append(f"custom {others}")
    return " · ".join(parts)


def render_budget(used: int, limit: int, selected: Sequence[str]) -> None:
    """The selection counts and the worst-case attribute budget meter (in the preview column)."""
    over = used > limit
    count = len(selected)
    # Past the limit the problems list just below says why and what to do (Problem part "budget").
    st.progress(min(used / limit, 1.0) if limit else 1.0,
                text=f"**{count} field{'s' if count != 1 else ''}** · worst-case attribute budget "
                     f"{used:,} / {limit:,} characters" + (" · :orange[**over the limit**]" if over else ""))
    st.caption(selection_summary(selected))
