"""The Data page's Profiles section: the domain's profiles page by page (or what a search key
finds), the profile count, and a form to add, edit and delete a profile.

The table asks the local service for one page at a time (an indexed query), so a rerun costs
the same at 1,000 or 100,000 profiles. The form sends CSV cells to the service, which checks
them as the API would; its errors name the column, shown beside that field.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from profile_block.model import keys
from profile_block.running import local_service, profile_form
from profile_block.running.local_service import CsvFormat, ProfilesPage

from . import connection
from .data_common import DataTarget, describe_error, notify
from .text import code, literal

PAGE_SIZES = (25, 50, 100, 500)
PAGE = "data_page"                  # widget: 1-based page number
PAGE_SIZE = "data_page_size"
SEARCH_KEY, SEARCH_VALUE = "data_search_key", "data_search_value"
SEARCH = "data_search"              # the search applied: (key, value) or None
FORM = "data_form"                  # the open form: {"nonce": n, "original": cells} or None
FORM_ERRORS = "data_form_errors"    # column -> message ("" for the whole profile)
SELECTED = "data_selected"          # ProfileId of the row selected in the table ("" for none)
SHOW_NEXT = "data_show_next"        # a ProfileId the next run's table shows (set after a save)
_NONCE = "data_form_nonce"


def _open_form(original: dict[str, str]) -> None:
    """Open the form on ``original`` ({} for a new profile); fresh widgets each time."""
    st.session_state[_NONCE] = st.session_state.get(_NONCE, 0) + 1
    st.session_state[FORM] = {"nonce": st.session_state[_NONCE], "original": dict(original)}
    st.session_state[FORM_ERRORS] = {}


def _close_form() -> None:
    st.session_state[FORM] = None
    st.session_state[FORM_ERRORS] = {}


def _apply_search() -> None:
    value = (st.session_state.get(SEARCH_VALUE) or "").strip()
    st.session_state[SEARCH] = (st.session_state[SEARCH_KEY], value) if value else None


def _clear_search() -> None:
    st.session_state[SEARCH] = None
    st.session_state[SEARCH_VALUE] = ""


def _show_pending_profile() -> None:
    """After a save: the table shows just that profile (a search by _profileId). Done before the
    search widgets are drawn, as Streamlit requires."""
    profile_id = st.session_state.pop(SHOW_NEXT, None)
    if profile_id:
        st.session_state[SEARCH] = ("_profileId", profile_id)
        st.session_state[SEARCH_KEY], st.session_state[SEARCH_VALUE] = "_profileId", profile_id


def _render_search(custom_keys: list[str]) -> tuple[str, str] | None:
    options = [k.name for k in keys.STANDARD_KEYS if not k.integration] + custom_keys + \
        [k.name for k in keys.STANDARD_KEYS if k.integration]
    if st.session_state.get(SEARCH_KEY) not in options:
        st.session_state[SEARCH_KEY] = options[0]
    key_col, value_col, go_col, clear_col = st.columns([3, 4, 1, 1], vertical_alignment="bottom")
    key_col.selectbox("Search key", options, key=SEARCH_KEY, format_func=keys.key_label)
    value_col.text_input("Value", key=SEARCH_VALUE, placeholder="exact value, e.g. +15555550100",
                         on_change=_apply_search)
    go_col.button("Search", icon=":material/search:", on_click=_apply_search, key="data_search_go")
    searching = st.session_state.get(SEARCH)
    clear_col.button("Show all", on_click=_clear_search, key="data_search_clear", disabled=searching is None)
    return searching


def _fetch(target: DataTarget, searching: tuple[str, str] | None, page: int, size: int) -> ProfilesPage:
    if searching is None:
        return local_service.profiles_page(target.endpoint, target.domain, (page - 1) * size, size)
    return local_service.search_profiles(target.endpoint, target.domain, searching[0], searching[1], size)


def render(target: DataTarget, fmt: CsvFormat) -> None:
    """The Profiles section."""
    _show_pending_profile()
    searching = _render_search(st.session_state.get(connection.CUSTOM_KEYS, []))
    size = st.session_state.setdefault(PAGE_SIZE, 50)
    page_number = max(1, int(st.session_state.get(PAGE, 1)))
    try:
        page = _fetch(target, searching, page_number, size)
        if searching is None and page.count and not page.rows:     # the domain shrank: last page
            page_number = max(1, math.ceil(page.count / size))
            st.session_state[PAGE] = page_number
            page = _fetch(target, searching, page_number, size)
    except local_service.LocalServiceError as exc:
        st.error(f"The profiles could not be read: {literal(exc)}", icon=":material/error:")
        return
    selected = _render_table(page, searching, page_number, size)
    _render_actions(target, selected)
    form = st.session_state.get(FORM)
    if form:
        _render_form(target, fmt, form)


def _render_table(page: ProfilesPage, searching: tuple[str, str] | None, page_number: int,
                  size: int) -> dict[str, str] | None:
    pages = max(1, math.ceil(page.count / size))
    st.session_state[PAGE] = min(page_number, pages)
    if searching is None:
        first = page.offset + 1 if page.rows else 0
        st.markdown(f"**{page.count:,} profile{'s' if page.count != 1 else ''}** in this domain · "
                    f"showing {first:,}–{page.offset + len(page.rows):,}")
    else:
        more = f"the first {len(page.rows)}; more match" if page.more else f"{len(page.rows)}"
        st.markdown(f"**{more}** found by {code(searching[0])} = {code(searching[1])} · "
                    f"{page.count:,} profiles in this domain")
    if not page.rows:
        st.info("No profile matches this search." if searching else
                "This domain has no profiles yet: add one below, or import a CSV.", icon=":material/info:")
        return None
    frame = pd.DataFrame(page.rows, columns=profile_form.table_columns(page.columns)).fillna("")
    event = st.dataframe(frame, hide_index=True, on_select="rerun", selection_mode="single-row",
                         key=f"data_table:{searching}:{page_number}:{size}",
                         height=min(38 + 35 * len(frame), 420),
                         column_config={"ProfileId": st.column_config.TextColumn("ProfileId", pinned=True)})
    if searching is None:
        pager, sizer, _ = st.columns([2, 2, 5], vertical_alignment="bottom")
        pager.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key=PAGE)
        sizer.selectbox("Rows per page", PAGE_SIZES, key=PAGE_SIZE)
    chosen = event.selection.rows if event is not None else []
    selected = page.rows[chosen[0]] if chosen else None
    st.session_state[SELECTED] = selected["ProfileId"] if selected else ""
    return selected


def _render_actions(target: DataTarget, selected: dict[str, str] | None) -> None:
    bar = st.container(horizontal=True)
    add, edit, delete = bar, bar, bar
    add.button("Add a profile", icon=":material/person_add:", on_click=_open_form, args=({},),
               key="data_add")
    edit.button("Edit selected", icon=":material/edit:", disabled=selected is None, key="data_edit",
                on_click=_open_form, args=(selected or {},),
                help="Select a row of the table (click its left edge) to edit that profile.")
    with delete.popover("Delete", icon=":material/delete:", disabled=selected is None,
                        help="Delete the profile selected in the table."):
        if selected:
            st.warning(f"Delete profile {code(selected['ProfileId'])} from domain "
                       f"**{literal(target.domain)}**? This cannot be undone.", icon=":material/warning:")
            if st.button("Delete it", type="primary", key="data_delete_confirm"):
                _delete(target, selected["ProfileId"])


def _delete(target: DataTarget, profile_id: str) -> None:
    try:
        target.client().delete_profile(DomainName=target.domain, ProfileId=profile_id)
    except Exception as exc:  # noqa: BLE001 -- shown to the user, the page goes on
        notify("error", f"The profile was not deleted: {describe_error(exc)}")
    else:
        notify("success", f"Deleted profile {profile_id}.")
        _close_form()
    st.rerun()


# --- the form -------------------------------------------------------------------------------
def _field(column: str, label: str, fmt: CsvFormat, value: str, key: str) -> str:
    choices = fmt.choices.get(column)
    if choices:
        options = ["", *choices] + ([value] if value and value not in choices else [])
        return st.selectbox(label, options, index=options.index(value), key=key,
                            format_func=lambda v: v or "(not set)")
    if column in fmt.json_members:
        return st.text_area(label, value=value, key=key, help="The API's JSON for this member.")
    return st.text_input(label, value=value, key=key)


def _render_form(target: DataTarget, fmt: CsvFormat, form: dict[str, Any]) -> None:
    nonce, original = form["nonce"], form["original"]
    errors: dict[str, str] = st.session_state.get(FORM_ERRORS) or {}
    prefix = profile_form.attribute_prefix(fmt)
    adding = not original
    values: dict[str, str] = {}
    with st.form(f"data_form:{nonce}"):
        st.subheader("New profile" if adding else f"Edit profile {original['ProfileId']}", anchor=False)
        st.caption("Empty fields are not set. Values are checked the way Customer Profiles checks "
                   "CreateProfile / UpdateProfile; nothing is saved while any is wrong.")
        drawn = {c for _, columns in profile_form.form_sections(fmt) for c in columns}
        elsewhere = [f"{c}: {m}" if c else m for c, m in errors.items()
                     if c not in drawn and not c.startswith(prefix) and c != "attributes"]
        if elsewhere:
            st.error("Not saved. " + " ".join(elsewhere), icon=":material/error:")
        for section, columns in profile_form.form_sections(fmt):
            if section in profile_form.OPEN_SECTIONS:
                box: Any = st.container()
                box.markdown(f"**{section}**")
            else:
                opened = any(original.get(c) for c in columns) or any(c in errors for c in columns)
                box = st.expander(section, expanded=opened)
            grid = box.columns(3)
            for i, column in enumerate(columns):
                with grid[i % 3]:
                    label = column.split(".", 1)[1] if "." in column else column
                    values[column] = _field(column, label, fmt, original.get(column, ""),
                                            f"data_field:{nonce}:{column}")
                    if column in errors:
                        st.markdown(f":red[{literal(errors[column])}]")
        st.markdown(f"**{prefix[:-1]}** (custom attributes)")
        rows = profile_form.attribute_rows(original, prefix) or [{"name": "", "value": ""}]
        edited = st.data_editor(pd.DataFrame(rows, columns=["name", "value"]), num_rows="dynamic",
                                key=f"data_attrs:{nonce}", hide_index=True, width="stretch",
                                column_config={"name": st.column_config.TextColumn("Name"),
                                               "value": st.column_config.TextColumn("Value")})
        for column, message in errors.items():
            if column.startswith(prefix) or column == "attributes":
                st.markdown(f":red[{literal(column)}: {literal(message)}]")
        save, cancel = st.columns([1, 5])
        submitted = save.form_submit_button("Create profile" if adding else "Save changes", type="primary")
        cancelled = cancel.form_submit_button("Cancel")
    if cancelled:
        _close_form()
        st.rerun()
    if submitted:
        _save(target, fmt, original, values, edited)


def _save(target: DataTarget, fmt: CsvFormat, original: dict[str, str], values: dict[str, str],
          attributes: pd.DataFrame) -> None:
    prefix = profile_form.attribute_prefix(fmt)
    attribute_cells, problems = profile_form.attribute_cells(
        attributes[["name", "value"]].itertuples(index=False, name=None), prefix)
    if problems:
        st.session_state[FORM_ERRORS] = {"attributes": " ".join(problems)}
        st.rerun()
    changes = profile_form.edited_cells(original, {**values, **attribute_cells},
                                        ignore_prefixes=(fmt.key_prefix,))
    if original:
        if not changes:
            notify("info", "Nothing changed.")
            _close_form()
            st.rerun()
        changes["ProfileId"] = original["ProfileId"]
    try:
        report = local_service.load_rows(target.endpoint, target.domain, [changes], commit=True)
    except local_service.LocalServiceError as exc:
        st.session_state[FORM_ERRORS] = {"": str(exc)}
        st.rerun()
    if not report.committed:
        st.session_state[FORM_ERRORS] = {e["column"]: e["message"] for e in report.errors}
        st.rerun()
    profile_id = report.profile_ids[0] if report.profile_ids else original.get("ProfileId", "")
    notify("success", f"{'Created' if not original else 'Saved'} profile {profile_id} in domain "
                      f"{target.domain}: Lookup finds it now.")
    _close_form()
    st.session_state[SHOW_NEXT] = profile_id
    st.rerun()
