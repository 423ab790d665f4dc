"""The Batch page's results: counts, a chart of branches and pass/fail, a table filtered by branch
and by result (failures stand out), and a download of exactly the rows the table shows."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from components import flow_map
from components.batch_run import BatchRun
from components.text import literal_rows
from profile_block.model.block import BRANCH_LABELS, BRANCHES
from profile_block.running.batch import format_duration
from profile_block.running.batch_csv import FAIL, ID, MISMATCHES, PASS, RESULT, csv_text

BRANCH_FILTER = "batch_filter_branch"
RESULT_FILTER = "batch_filter_result"
NO_EXPECTATION = "no expectation"
OUTCOMES = (FAIL, PASS, NO_EXPECTATION)
_COLOURS = {PASS: "#2e7d32", FAIL: "#c62828", NO_EXPECTATION: "#9e9e9e"}
_FAIL_ROW = "background-color: #fdecea"
# pandas Styler refuses to render more cells than this; bigger tables are shown unstyled.
_MAX_STYLED_CELLS = 200_000
ROW_PATH_OPEN = "batch_row_path_open"
MAX_ROWS_LISTED = 1_000
MAX_FAILURES_LISTED = 100


def outcome(result: str) -> str:
    """A result cell as the filters and the chart name it ("" -> "no expectation")."""
    return result or NO_EXPECTATION


def filtered(frame: pd.DataFrame, branches: list[str], outcomes: list[str]) -> pd.DataFrame:
    """The rows of the chosen branches and outcomes (an empty choice means all), in input order."""
    keep = pd.Series(True, index=frame.index)
    if branches:
        keep &= frame["branch"].isin(branches)
    if outcomes:
        keep &= frame[RESULT].map(outcome).isin(outcomes)
    return frame[keep]


def _chart(frame: pd.DataFrame) -> alt.Chart:
    # Branches named as the filters name them ("None found", not NoneFoundError).
    counts = (frame.assign(outcome=frame[RESULT].map(outcome),
                           branch=frame["branch"].map(lambda b: BRANCH_LABELS.get(b, b)))
              .groupby(["branch", "outcome"]).size().reset_index(name="rows"))
    return alt.Chart(counts).mark_bar().encode(
        x=alt.X("rows:Q", title="rows", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("branch:N", sort=[BRANCH_LABELS[b] for b in BRANCHES], title=None),
        color=alt.Color("outcome:N", title="result", scale=alt.Scale(domain=list(_COLOURS),
                                                                     range=list(_COLOURS.values()))),
        order=alt.Order("outcome:N"),
        tooltip=["branch", alt.Tooltip("outcome:N", title="result"), "rows"],
    ).properties(height=40 + 34 * counts["branch"].nunique())


def _styled(frame: pd.DataFrame) -> pd.DataFrame | pd.io.formats.style.Styler:
    if frame.size > _MAX_STYLED_CELLS or not (frame[RESULT] == FAIL).any():
        return frame
    return frame.style.apply(lambda row: [_FAIL_ROW if row[RESULT] == FAIL else ""] * len(row), axis=1)


def render(run: BatchRun) -> None:
    frame = run.frame()
    state = run.job.state()
    summary = state.summary
    st.subheader("Results", anchor=False)
    if frame.empty:
        st.info("No row was run.", icon=":material/info:")
        return
    passed, failed = int((frame[RESULT] == PASS).sum()), int((frame[RESULT] == FAIL).sum())
    metrics = st.columns(4)
    metrics[0].metric("Rows", f"{len(frame):,}")
    metrics[1].metric("Passed", f"{passed:,}")
    metrics[2].metric("Failed", f"{failed:,}")
    if summary is not None:
        metrics[3].metric("Rate", f"{summary.rate:,.0f} rows/s",
                          help=f"{summary.rows:,} rows in {format_duration(summary.elapsed_s)}")
    if summary is not None and summary.stopped:
        st.warning(f"Stopped after {summary.rows:,} of {summary.total or summary.rows:,} rows: these are the "
                   "results of the rows done.", icon=":material/stop_circle:")
    if failed:
        rows = f"{failed:,} rows" if failed != 1 else "1 row"
        st.error(f"{rows} did not produce what the CSV expects: shaded red below, with what differed in "
                 "the `mismatches` column and, in full, under the table.", icon=":material/cancel:")
    elif passed:
        st.success(f"Every expectation held ({passed:,} rows checked).", icon=":material/check_circle:")

    chart_col, filter_col = st.columns([3, 2], gap="large")
    with chart_col:
        st.altair_chart(_chart(frame), width="stretch")
    with filter_col:
        branches = st.pills("Branch", BRANCHES, selection_mode="multi", key=BRANCH_FILTER,
                            format_func=lambda b: BRANCH_LABELS[b],
                            help="Show only these branches (none chosen: all).")
        outcomes = st.pills("Result", OUTCOMES, selection_mode="multi", key=RESULT_FILTER,
                            help="Show only failures, passes or rows without expectations "
                                 "(none chosen: all).")
    shown = filtered(frame, list(branches or []), list(outcomes or []))
    # The row's name, its result and what differed stay in view on the left (pinned) however far the
    # table scrolls; the data, and so the download, keep the CSV's column order.
    st.dataframe(_styled(shown), hide_index=True, width="stretch", key="batch_table",
                 column_config={ID: st.column_config.TextColumn(pinned=True),
                                RESULT: st.column_config.TextColumn(pinned=True, width="small"),
                                MISMATCHES: st.column_config.TextColumn(pinned=True, width="medium"),
                                "reason": st.column_config.TextColumn(width="large")})
    every = "all" if len(shown) == len(frame) else "the"
    st.download_button(f"Download {every} {len(shown):,} row{'s' if len(shown) != 1 else ''} shown (CSV)",
                       data=csv_text(run.columns, shown.itertuples(index=False, name=None)),
                       file_name="batch-results.csv", mime="text/csv", icon=":material/download:",
                       key="batch_download", type="primary")
    _render_failures(shown)
    render_row_path(run, shown)


def _row_label(frame: pd.DataFrame, index: int) -> str:
    row = frame.iloc[index]
    name = row[ID] if ID in frame.columns and row[ID] else f"row {index + 1}"
    return f"{name} · {BRANCH_LABELS.get(row['branch'], row['branch'])}"


def render_row_path(run: BatchRun, shown: pd.DataFrame) -> None:
    """A row's detail: the path its contact takes through the flow, on the flow map (drawn only
    while the expander is open: a closed one costs the run nothing). Traced on the block the run
    used, in its flow, whatever the Build page holds now."""
    if shown.empty:
        return
    with st.expander("Path of a row through the flow", key=ROW_PATH_OPEN, on_change="rerun") as box:
        if not box.open:
            return
        count = min(len(shown), MAX_ROWS_LISTED)
        index = st.selectbox("Row", range(count), format_func=lambda i: _row_label(shown, i),
                             key="batch_row_path",
                             help=f"The first {MAX_ROWS_LISTED:,} rows shown above." if
                             len(shown) > MAX_ROWS_LISTED else None)
        if index is None:
            return
        row = shown.iloc[index]
        flow_map.render_trace(run.block, run.editing, row["branch"], row["next_action"])


def _render_failures(shown: pd.DataFrame) -> None:
    """Each failing row's name and what differed, in full: the grid cuts long cells at their edge."""
    failures = shown[shown[RESULT] == FAIL]
    if failures.empty:
        return
    st.markdown("**What differed** (failing rows, in full)")
    st.table(literal_rows({"Row": row_id, "What differed": what}
                          for row_id, what in failures[[ID, MISMATCHES]].head(MAX_FAILURES_LISTED)
                          .itertuples(index=False, name=None)), hide_index=True)
    if len(failures) > MAX_FAILURES_LISTED:
        st.caption(f"The first {MAX_FAILURES_LISTED} of {len(failures):,} failing rows; the download holds "
                   "them all.")
