"""The Batch page's test contacts: upload a CSV, start from the demo examples, or download a
template made for the current block; the chosen CSV is checked against the block.

The CSV in use lives in ``st.session_state["batch_source"]`` (name + text) so that it survives
page switches and block edits; it is checked again on every run of the page, against the block
as it is now. Reading and checking are the core's (``profile_block.running.batch_csv``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import pandas as pd
import streamlit as st

from components.text import code, literal
from profile_block.model.block import GetProfileBlock
from profile_block.running.batch_csv import (
    EXPECT_BRANCH,
    EXPECT_PREFIX,
    BatchInputError,
    ContactsCheck,
    ContactsReader,
    check_contacts,
    decode_upload,
    template_csv,
    text_lines,
)

SOURCE = "batch_source"
UPLOAD_ERROR = "batch_upload_error"
UPLOADER = "batch_upload"
_UPLOADER_NONCE = "batch_upload_nonce"
DEMO_NAME = "demo examples"
# The page keeps every result row in memory and draws them in a table; bigger files belong to
# the command line, which streams them.
MAX_PAGE_ROWS = 10_000
PREVIEW_ROWS = 200
CLI_HINT = "python -m profile_block batch FILE CONTACTS.csv --domain D ... --out RESULTS.csv"

FORMAT_HELP = f"""\
One row per test contact; the first line names the columns:

- `id` (optional): a name for the row.
- one column per contact value the block reads, named by its contact path, e.g.
  `CustomerEndpoint.Address`, `Attributes.account`.
- `{EXPECT_BRANCH}` (optional): `Success`, `MultipleFoundError`, `NoneFoundError` or `NoMatchingError`.
- `{EXPECT_PREFIX}<field>` (optional): the `$.Customer.<field>` value the row must produce, e.g.
  `{EXPECT_PREFIX}FirstName`, `{EXPECT_PREFIX}Attributes.tier`, `{EXPECT_PREFIX}ProfileId`.
  An empty cell means "not set".

Results add `branch`, `next_action`, `reason`, `matches`, `elapsed_ms`, a `customer.<field>` column per
response field, `result` (pass / fail / empty without expectations) and `mismatches`. The command line
reads and writes the same format: `{CLI_HINT}`.
"""


@dataclass(frozen=True)
class ContactsSource:
    """A contacts CSV the user chose: where it came from and its text."""

    name: str
    text: str


def current() -> ContactsSource | None:
    return st.session_state.get(SOURCE)


def _uploader_key() -> str:
    # A new key gives an empty upload box: the demo examples replace a file shown there.
    return f"{UPLOADER}:{st.session_state.get(_UPLOADER_NONCE, 0)}"


def _on_upload() -> None:
    upload = st.session_state.get(_uploader_key())
    st.session_state[UPLOAD_ERROR] = ""
    if upload is None:
        return
    try:
        st.session_state[SOURCE] = ContactsSource(upload.name, decode_upload(upload.getvalue(), upload.name))
    except BatchInputError as exc:
        st.session_state[UPLOAD_ERROR] = str(exc)      # the CSV in use, if any, stays


def _use_demo(block: GetProfileBlock, examples: Sequence[Mapping[str, Any]]) -> None:
    st.session_state[SOURCE] = ContactsSource(DEMO_NAME, template_csv(block, examples))
    st.session_state[UPLOAD_ERROR] = ""
    _empty_the_upload_box()


def _stop_using() -> None:
    st.session_state.pop(SOURCE, None)
    st.session_state[UPLOAD_ERROR] = ""
    _empty_the_upload_box()


def _empty_the_upload_box() -> None:
    st.session_state[_UPLOADER_NONCE] = st.session_state.get(_UPLOADER_NONCE, 0) + 1


def _render_in_use() -> None:
    """Which contacts the page lists when the upload box does not show them: Streamlit forgets an
    uploaded file once its page is left, while the contacts stay (they survive page switches)."""
    source = current()
    if source is None or st.session_state.get(_uploader_key()) is not None:
        return
    where = "the demo examples, made for the block" if source.name == DEMO_NAME else \
        f"{literal(source.name)}, uploaded earlier"
    line = st.container(horizontal=True, vertical_alignment="center", gap="small")
    line.caption(f"In use: {where}. Upload a file to replace them.")
    line.button("Stop using them", key="batch_forget", icon=":material/close:", on_click=_stop_using,
                type="tertiary")


def render_source(block: GetProfileBlock, examples: Sequence[Mapping[str, Any]]) -> None:
    """Uploader, demo button and template download."""
    st.file_uploader("Upload a contacts CSV", type=["csv"], key=_uploader_key(), on_change=_on_upload,
                     help="UTF-8 CSV, one row per test contact (see the format below).")
    _render_in_use()
    if st.session_state.get(UPLOAD_ERROR):
        st.error(st.session_state[UPLOAD_ERROR], icon=":material/error:")
    row = st.container(horizontal=True, gap="small")
    with row:
        if examples:
            st.button("Use the demo examples", icon=":material/lightbulb:", key="batch_demo",
                      on_click=_use_demo, args=(block, examples),
                      help="Test contacts made for this block from the demo data: a value for every "
                           "contact value it reads (AND/OR included), each labelled with the branch it "
                           "must take and checked against it.")
        st.download_button("Template for this block", data=template_csv(block, examples),
                           file_name="contacts-template.csv", mime="text/csv", icon=":material/download:",
                           key="batch_template",
                           help="A contacts CSV with a column per contact value this block reads"
                                + (" and the demo values" if examples else "") + ".")
    with st.expander("CSV format", icon=":material/help:"):
        st.markdown(FORMAT_HELP)


def check(source: ContactsSource, block: GetProfileBlock) -> ContactsCheck | None:
    """The source checked against ``block``; shows what is wrong (and returns None) if unusable."""
    try:
        checked = check_contacts(text_lines(source.text), block, source.name)
    except BatchInputError as exc:
        st.error(literal(exc), icon=":material/error:")
        return None
    if checked.rows > MAX_PAGE_ROWS:
        st.error(f"{literal(source.name)} has {checked.rows:,} rows; this page runs up to {MAX_PAGE_ROWS:,}. "
                 f"Run bigger files on the command line, which streams them: `{CLI_HINT}`",
                 icon=":material/error:")
        return None
    return checked


def render_summary(source: ContactsSource, checked: ContactsCheck, block: GetProfileBlock) -> None:
    """What will run: rows, what is checked, notes, and a preview of the contacts."""
    columns = checked.columns
    expects = []
    if columns.branch_index is not None:
        expects.append("the branch")
    if columns.expected:
        expects.append(", ".join(code(name) for _, name in columns.expected))
    checks = f"checks {' and '.join(expects)}" if expects else "no expectations (results only)"
    contacts = f"{checked.rows:,} test contact{'s' if checked.rows != 1 else ''}"
    st.markdown(f"**{literal(source.name)}** · {contacts} · {checks}")
    for note in columns.notes:
        st.info(literal(note), icon=":material/info:")
    with st.expander("Preview the contacts", icon=":material/table:"):
        rows = islice(ContactsReader(text_lines(source.text), block, source.name), PREVIEW_ROWS)
        st.dataframe(pd.DataFrame([r.cells for r in rows], columns=list(columns.names)), hide_index=True,
                     width="stretch")
        if checked.rows > PREVIEW_ROWS:
            st.caption(f"The first {PREVIEW_ROWS} of {checked.rows:,} rows.")
