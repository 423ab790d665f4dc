"""The Request part of the Build page: the identifiers (search key + value) and AND/OR.

Each row is a view of ``block.identifiers[i]``; its callbacks write into the model. Rows are
keyed by position plus a request generation, bumped on add/remove/move so that the widgets of
moved rows re-initialise from the model.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components import build_state as state
from components.problems import show_inline
from components.text import code, literal
from profile_block.model import editing, keys, readiness, references
from profile_block.model.block import MAX_IDENTIFIERS, OPERATORS, Identifier, Problem

CUSTOM_KEY = "\u0000custom"          # the "Custom key…" choice of the key picker
STATIC, DYNAMIC = "Static", "Dynamic"
REQUEST_GEN = "build_request_gen"
# What a row held in the mode it is not showing, so switching back loses nothing.
MEMORY = "build_value_memory"
VALUE_VERSIONS = "build_value_versions"
# Rows whose contact value was just picked and wants a key nobody has typed yet: a prompt, not an error.
AWAITING_KEY = "build_awaiting_key"
DEFAULT_REFERENCE = "$.CustomerEndpoint.Address"
OPERATOR_HELP = {
    "AND": "AND: a profile must match every identifier.",
    "OR": "OR: a profile may match any one of the identifiers.",
}
AT_MOST = f"A Get profile block searches by at most {MAX_IDENTIFIERS} identifiers."


def _rkey(i: int, part: str) -> str:
    return state.wkey("req", st.session_state.get(REQUEST_GEN, 0), i, part)


def _restructure() -> None:
    """Rows moved, came or went: their widgets re-read the model."""
    st.session_state[REQUEST_GEN] = st.session_state.get(REQUEST_GEN, 0) + 1
    st.session_state[MEMORY] = {}
    st.session_state[VALUE_VERSIONS] = {}
    st.session_state[AWAITING_KEY] = set()


def _memory(i: int) -> dict[str, str]:
    return st.session_state.setdefault(MEMORY, {}).setdefault(i, {})


def _vkey(i: int, part: str) -> str:
    """Key of a value widget of row i; a new version re-reads the model after a mode change."""
    version = st.session_state.setdefault(VALUE_VERSIONS, {}).get(i, 0)
    return _rkey(i, f"{part}@{version}")


def _refresh_value(i: int) -> None:
    """The row's value widgets re-initialise from the model on the next run."""
    versions = st.session_state.setdefault(VALUE_VERSIONS, {})
    versions[i] = versions.get(i, 0) + 1


# ---- callbacks: widget -> model -------------------------------------------------------------

def _add() -> None:
    block = state.block()
    if editing.add_identifier(block) and readiness.is_suggestion(block, len(block.identifiers) - 1):
        state.suggested_rows().add(len(block.identifiers) - 1)    # a guess until the user keeps it
    _restructure()
    state.changed()


def _remove(i: int) -> None:
    editing.remove_identifier(state.block(), i)
    rows = state.suggested_rows()
    moved = {r - 1 if r > i else r for r in rows if r != i}
    rows.clear()
    rows.update(moved)
    _restructure()
    state.changed()


def _move(i: int, step: int) -> None:
    if editing.move_identifier(state.block(), i, step):
        rows = state.suggested_rows()
        swapped = {i + step if r == i else i if r == i + step else r for r in rows}
        rows.clear()
        rows.update(swapped)
    _restructure()
    state.changed()


def _confirm(i: int) -> None:
    """The row is the user's now: kept as suggested, or edited."""
    state.suggested_rows().discard(i)


def _on_keep(i: int) -> None:
    _confirm(i)
    state.changed()


def _set_key(i: int, key: str) -> None:
    _confirm(i)
    if editing.set_key(state.block(), i, key):
        _refresh_value(i)        # the suggested value followed the key: show the new one


def _on_key_choice(i: int) -> None:
    choice = st.session_state[_rkey(i, "key")]
    if choice == CUSTOM_KEY:
        _set_key(i, st.session_state.get(_rkey(i, "custom"), ""))
    elif choice is not None:
        _set_key(i, choice)
    state.changed()


def _on_custom_key(i: int) -> None:
    _set_key(i, st.session_state[_rkey(i, "custom")])
    state.changed()


def _on_mode(i: int) -> None:
    _confirm(i)
    ident = state.block().identifiers[i]
    mode = st.session_state[_vkey(i, "mode")]
    memory = _memory(i)
    if mode == DYNAMIC and not references.is_reference(ident.value):
        memory[STATIC] = ident.value
        ident.value = memory.get(DYNAMIC, DEFAULT_REFERENCE)
    elif mode == STATIC and references.is_reference(ident.value):
        memory[DYNAMIC] = ident.value
        ident.value = memory.get(STATIC, "")
    _refresh_value(i)
    state.changed()


def _on_static(i: int) -> None:
    _confirm(i)
    ident = state.block().identifiers[i]
    ident.value = st.session_state[_vkey(i, "static")]
    if references.is_reference(ident.value):
        # A value starting with "$." is a reference in the flow language: show it as one.
        _refresh_value(i)
    state.changed()


def _on_namespace(i: int) -> None:
    _confirm(i)
    namespace = st.session_state[_vkey(i, "ns")]
    if namespace is not None:
        ident = state.block().identifiers[i]
        split = editing.split_reference(ident.value)
        key = split[1] if split else ""
        ident.value = editing.reference_value(namespace, key)
        awaiting = st.session_state.setdefault(AWAITING_KEY, set())
        if references.NAMESPACES_BY_NAME[namespace].keyed and not key:
            awaiting.add(i)
        else:
            awaiting.discard(i)
        _refresh_value(i)
    state.changed()


def _on_reference_key(i: int) -> None:
    _confirm(i)
    ident = state.block().identifiers[i]
    split = editing.split_reference(ident.value)
    if split:
        ident.value = editing.reference_value(split[0], st.session_state[_vkey(i, "refkey")])
    st.session_state.setdefault(AWAITING_KEY, set()).discard(i)
    state.changed()


def _on_raw_reference(i: int) -> None:
    _confirm(i)
    state.block().identifiers[i].value = st.session_state[_vkey(i, "raw")]
    _refresh_value(i)
    state.changed()


def _on_operator() -> None:
    choice = st.session_state[state.wkey("operator")]
    if choice is None:   # clicking the selected segment unselects it: that is not a choice
        st.session_state[state.wkey("operator")] = state.block().operator
    else:
        state.block().operator = choice
    state.changed()


# ---- rendering: model -> widgets ------------------------------------------------------------

def key_options(current: str, custom_keys: Sequence[str]) -> list[str]:
    """Standard keys, then the domain's custom keys, then "Custom key…"."""
    options = [k.name for k in keys.STANDARD_KEYS]
    options += [k for k in custom_keys if k not in options]
    options.append(CUSTOM_KEY)
    return options


def _key_label(name: str) -> str:
    return "Custom key…" if name == CUSTOM_KEY else keys.key_label(name)


def _render_key(i: int, ident: Identifier, custom_keys: Sequence[str], problems: list[Problem]) -> None:
    options = key_options(ident.key, custom_keys)
    choice_key = _rkey(i, "key")
    state.seed(choice_key, ident.key if ident.key in options else CUSTOM_KEY)
    choice = st.selectbox(
        "Search key", options, key=choice_key, format_func=_key_label, on_change=_on_key_choice, args=(i,),
        help="Standard keys, then the custom keys found in the connected domain. "
             "Pick “Custom key…” to type any other key name.")
    if choice == CUSTOM_KEY:
        custom_key = _rkey(i, "custom")
        state.seed(custom_key, "" if ident.key in options else ident.key)
        st.text_input("Custom key name", key=custom_key, on_change=_on_custom_key, args=(i,),
                      placeholder="e.g. loyaltyId", max_chars=200,
                      help=literal("Letters, digits, '_' and '-', at most 64 characters."))
    show_inline(problems, f"criterion:{i}:key")


def _render_value(i: int, ident: Identifier, problems: list[Problem]) -> None:
    mode_key = _vkey(i, "mode")
    dynamic = references.is_reference(ident.value)
    state.seed(mode_key, DYNAMIC if dynamic else STATIC)
    st.segmented_control(
        "Value", [STATIC, DYNAMIC], key=mode_key, on_change=_on_mode, args=(i,), required=True,
        help=literal("Static: the same text for every contact. Dynamic: a value of the contact, "
                     "read when the flow runs ($.CustomerEndpoint.Address, $.Attributes.<key> …)."))
    if not dynamic:
        static_key = _vkey(i, "static")
        state.seed(static_key, ident.value)
        st.text_input("Static value", key=static_key, on_change=_on_static, args=(i,),
                      placeholder="e.g. +15555550100", label_visibility="collapsed")
    else:
        _render_reference(i, ident)
    split = editing.split_reference(ident.value) if dynamic else None
    if split and not split[1] and i in st.session_state.get(AWAITING_KEY, set()):
        # Just picked, nothing typed yet: say what to do; the problems list still counts it.
        st.info(f"Now type the key to read after {code(split[0])}, for example `account`.",
                icon=":material/keyboard:")
    else:
        show_inline(problems, f"criterion:{i}:value")


def _ns_label(name: str) -> str:
    return references.NAMESPACES_BY_NAME[name].label


def _render_reference(i: int, ident: Identifier) -> None:
    names = [n.name for n in references.NAMESPACES]
    split = editing.split_reference(ident.value)
    ns_key = _vkey(i, "ns")
    if split is None:
        # A reference no namespace fits (typed or imported): keep it, editable as text.
        raw_key = _vkey(i, "raw")
        state.seed(raw_key, ident.value)
        st.text_input("Reference", key=raw_key, on_change=_on_raw_reference, args=(i,),
                      help=literal("A whole-value reference such as $.Attributes.account."))
        state.seed(ns_key, None)
        st.selectbox("…or pick a contact value", names, key=ns_key, format_func=_ns_label,
                     on_change=_on_namespace, args=(i,), placeholder="Pick a contact value")
        return
    namespace, ref_key = split
    state.seed(ns_key, namespace)
    st.selectbox("Contact value", names, key=ns_key, format_func=_ns_label,
                 on_change=_on_namespace, args=(i,), label_visibility="collapsed")
    if references.NAMESPACES_BY_NAME[namespace].keyed:
        refkey_key = _vkey(i, "refkey")
        state.seed(refkey_key, ref_key)
        st.text_input(f"Key after {namespace}.", key=refkey_key, on_change=_on_reference_key, args=(i,),
                      placeholder="e.g. account")
    st.caption(f"Reads {code(ident.value)} when the flow runs.")


def _render_row(i: int, count: int, custom_keys: Sequence[str], problems: list[Problem]) -> None:
    ident = state.block().identifiers[i]
    with st.container(border=True):
        head = st.container(horizontal=True, vertical_alignment="center")
        # How this row joins the ones above, in view wherever the page is scrolled to (the AND/OR
        # control sits above the first row).
        joined = f" :gray[· joined by {state.block().operator}]" if i > 0 else ""
        head.markdown(f"**Identifier {i + 1}**{joined}")
        head.space("stretch")
        head.button("", icon=":material/arrow_upward:", key=_rkey(i, "up"), type="tertiary",
                    help="Move up", disabled=i == 0, on_click=_move, args=(i, -1))
        head.button("", icon=":material/arrow_downward:", key=_rkey(i, "down"), type="tertiary",
                    help="Move down", disabled=i == count - 1, on_click=_move, args=(i, 1))
        head.button("", icon=":material/delete:", key=_rkey(i, "remove"), type="tertiary",
                    help="Remove this identifier" if count > 1 else "A block needs at least one identifier",
                    disabled=count <= 1, on_click=_remove, args=(i,))
        # One above the other, each the card's full width: side by side in this column, the select
        # boxes cut "Phone number (_phone)" and "Customer phone number" short.
        _render_key(i, ident, custom_keys, problems)
        _render_value(i, ident, problems)
        if i in state.suggested_rows() and readiness.is_suggestion(state.block(), i):
            with st.container(horizontal=True, vertical_alignment="center"):
                st.info(readiness.suggestion_text(state.block(), i), icon=":material/lightbulb:",
                        width="stretch")
                st.button("Keep it", key=_rkey(i, "keep"), on_click=_on_keep, args=(i,),
                          icon=":material/check:", help="Search by this key and value as suggested.")


def render(problems: list[Problem]) -> None:
    """The Request section (call inside the request fragment)."""
    block = state.block()
    count = len(block.identifiers)
    custom_keys = st.session_state.get("custom_keys", [])
    st.caption("Who to look for: each identifier is a search key and the value to search it by.")
    show_inline(problems, "request")
    if count >= 2:
        # Above the identifiers: it is about all of them, and stays in view however many there are.
        op_key = state.wkey("operator")
        state.seed(op_key, block.operator if block.operator in OPERATORS else None)
        with st.container(horizontal=True, vertical_alignment="bottom"):
            operator = st.segmented_control("Match", list(OPERATORS), key=op_key, on_change=_on_operator)
            st.caption(OPERATOR_HELP.get(operator or "", "Pick AND or OR."))
        show_inline(problems, "operator")
    # Every identifier in the page itself, never in a scroll box of its own: a nested box showed
    # only the first of five and cut its messages (issue 19.3).
    for i in range(count):
        _render_row(i, count, custom_keys, problems)
    full = count >= MAX_IDENTIFIERS
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button("Add identifier", icon=":material/add:", on_click=_add, disabled=full,
                  key=state.wkey("add"), help=AT_MOST if full else "Search by one more key (at most five).")
        if full:
            st.caption(AT_MOST)
