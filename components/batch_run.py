"""The Batch page's run: start a batch on a background thread owned by the session, show its
progress (rows done, rate, time left) in a fragment that polls it, and stop it.

The run is ``st.session_state["batch_run"]`` (a ``BatchRun``): the page stays responsive while it
goes (widgets, other pages), and coming back to the page shows where it is. The lookups are the
core's (``profile_block.running.batch.BatchJob``); nothing here decides a branch or a result.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import streamlit as st

from components import build_state
from components.batch_contacts import ContactsSource
from components.connection import ActiveConnection
from components.text import literal
from profile_block.model.block import GetProfileBlock
from profile_block.running import aws
from profile_block.running.batch import BatchJob, JobState
from profile_block.running.batch_calls import RetryPolicy
from profile_block.running.batch_csv import ContactsCheck, ContactsReader, text_lines
from profile_block.running.batch_limits import (
    DEFAULT_ATTEMPTS,
    DEFAULT_WORKERS,
    MAX_ATTEMPTS,
    MAX_RATE,
    MAX_WORKERS,
    default_max_rate,
    is_local_endpoint,
)

RUN = "batch_run"
WORKERS = "batch_workers"              # remembered across pages (the widget's own key is not)
WORKERS_INPUT = "batch_workers_input"
ATTEMPTS = "batch_attempts"
ATTEMPTS_INPUT = "batch_attempts_input"
# The calls-per-second cap is kept per kind of endpoint: switching from the local service (no cap)
# to AWS must not carry "no cap" over to a real domain.
MAX_RATE_KEY = "batch_max_rate_{kind}"
MAX_RATE_INPUT = "batch_max_rate_{kind}_input"
POLL_S = 0.5


def _endpoint_kind(active: ActiveConnection | None) -> str:
    endpoint = active.connection.endpoint_url if active is not None and active.connection else None
    return "local" if is_local_endpoint(endpoint) else "aws"


def _remembered(key: str, widget_key: str, default: float) -> None:
    """Give a widget the value remembered across pages (Streamlit drops a widget's own key when
    another page runs)."""
    if widget_key not in st.session_state:
        st.session_state[widget_key] = st.session_state.get(key, default)


@dataclass
class BatchRun:
    """A batch started from this page: the job, and what it ran, where and when."""

    job: BatchJob
    columns: list[str]
    source_name: str
    where: str
    started_at: str
    block: GetProfileBlock                     # the copy it ran (a row's path is traced on it)
    editing: build_state.EditingContext | None  # the flow that block was in, if it came from one
    _frame: pd.DataFrame | None = field(default=None, repr=False)

    def frame(self) -> pd.DataFrame:
        """The results table (every cell text), built once the run has ended."""
        if self._frame is None or len(self._frame) != len(self.job.rows):
            self._frame = pd.DataFrame(list(self.job.rows), columns=self.columns, dtype=str)
        return self._frame


def current() -> BatchRun | None:
    return st.session_state.get(RUN)


def is_running() -> bool:
    run = current()
    return run is not None and run.job.state().running


def start(active: ActiveConnection, block: GetProfileBlock, source: ContactsSource, checked: ContactsCheck
          ) -> None:
    """Start a run of ``source`` with a copy of ``block`` (edits on the Build page do not change a run
    that is going) on a client whose connection pool fits the lookups-at-a-time input (read now: a
    value typed just before the click counts)."""
    assert active.connection is not None
    workers = int(st.session_state.get(WORKERS_INPUT, DEFAULT_WORKERS))
    attempts = int(st.session_state.get(ATTEMPTS_INPUT, DEFAULT_ATTEMPTS))
    kind = _endpoint_kind(active)
    max_rate = float(st.session_state.get(MAX_RATE_INPUT.format(kind=kind),
                                          default_max_rate(active.connection.endpoint_url) or 0.0))
    block = copy.deepcopy(block)
    client = aws.get_client(active.connection, workers, retries=False)   # the run retries each row itself
    contacts = ContactsReader(text_lines(source.text), block, source.name)
    job = BatchJob(client, block, contacts, active.domain, workers=workers, total=checked.rows,
                   retry=RetryPolicy(attempts), max_rate=max_rate or None).start()
    st.session_state[RUN] = BatchRun(job, checked.columns.result_columns(block), source.name, active.where,
                                     datetime.now().strftime("%H:%M:%S"), block, build_state.editing())


def render_controls(active: ActiveConnection | None, block: GetProfileBlock, source: ContactsSource | None,
                    checked: ContactsCheck | None) -> None:
    """Lookups at a time, attempts per row, the calls-per-second cap and the Run button (disabled,
    with the reason, when it cannot run)."""
    running = is_running()
    kind = _endpoint_kind(active)
    rate_key, rate_input = MAX_RATE_KEY.format(kind=kind), MAX_RATE_INPUT.format(kind=kind)
    endpoint = active.connection.endpoint_url if active is not None and active.connection else None
    _remembered(WORKERS, WORKERS_INPUT, DEFAULT_WORKERS)
    _remembered(ATTEMPTS, ATTEMPTS_INPUT, DEFAULT_ATTEMPTS)
    _remembered(rate_key, rate_input, default_max_rate(endpoint) or 0.0)
    workers_col, attempts_col, rate_col = st.columns(3)
    workers = workers_col.number_input(
        "Lookups at a time", min_value=1, max_value=MAX_WORKERS, step=1, key=WORKERS_INPUT,
        help="Concurrent SearchProfiles calls on one client: 16 runs about 15 times faster than one at a "
             "time against a service answering in 30 ms. A real domain may throttle more calls (throttled "
             "calls are retried).")
    attempts = attempts_col.number_input(
        "Attempts per row", min_value=1, max_value=MAX_ATTEMPTS, step=1, key=ATTEMPTS_INPUT,
        help="SearchProfiles calls a row may make, the first included: throttled and failed calls are "
             "retried with backoff, the same for every row. The results say how many each row used.")
    max_rate = rate_col.number_input(
        "Max calls per second", min_value=0.0, max_value=MAX_RATE, step=1.0, format="%g", key=rate_input,
        help="All SearchProfiles calls of the run, retries included; 0: no cap. Against AWS the default "
             "is 5: the account's SearchProfiles quota is shared with the live contact flows, whose "
             "callers take the Error branch when it is spent. The local service has no cap by default.")
    st.session_state[WORKERS] = int(workers)
    st.session_state[ATTEMPTS] = int(attempts)
    st.session_state[rate_key] = float(max_rate)
    reason = ""
    if active is None or not active.ok:
        reason = f"Not connected: {active.message}" if active else \
            "Not connected: open the app's start page so the sidebar connection panel runs."
    elif source is None:
        reason = "Choose test contacts first: upload a CSV" + (
            " or use the demo examples." if active.is_local else ".")
    elif checked is None:
        reason = "Fix the contacts CSV first (see above)."
    elif running:
        reason = "A run is going: stop it or let it finish."
    # Started in the click's callback, before the page reruns: the rerun already shows it going.
    st.button("Run batch", type="primary", icon=":material/playlist_play:", key="batch_start",
                 disabled=bool(reason), on_click=start, args=(active, block, source, checked))
    if reason and not running:
        st.caption(reason)
    elif active is not None and active.ok and not running:
        cap = f", at most {max_rate:g} calls per second" if max_rate else ""
        st.caption(f"Searches {active.where}{cap}.")


def _render_state(run: BatchRun, state: JobState) -> None:
    if state.running:
        st.progress(state.progress.fraction,
                    text=f"Running {literal(run.source_name)}: {state.progress.text()}")
        if run.job.stopping:
            st.caption("Stopping…")
        else:
            st.button("Stop", icon=":material/stop_circle:", key="batch_stop", on_click=run.job.stop,
                      help="Stop after the rows in progress; the rows done so far stay in the results.")
    elif state.error:
        st.error(f"The run stopped: {literal(state.error)}", icon=":material/error:")
    elif state.summary is not None:
        line = state.summary.line()
        st.caption(f"{literal(run.source_name)}, started {run.started_at}, searched {run.where}:  \n"
                   f"{line[0].upper()}{line[1:]}.")


def render_progress() -> None:
    """The run's progress; while it goes, a fragment polls it and the rest of the page stays usable.
    When it ends, the whole page reruns once to draw the results."""
    run = current()
    if run is None:
        return
    running = run.job.state().running

    @st.fragment(run_every=POLL_S if running else None)
    def progress_panel() -> None:
        state = run.job.state()
        _render_state(run, state)
        if running and not state.running:    # it ended since the page was drawn
            st.rerun()

    progress_panel()
