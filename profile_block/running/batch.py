"""Batch runs: many test contacts through one block, concurrently on one shared client.

``run_batch`` takes test contacts (``batch_csv.TestContact``, read lazily from a CSV), runs
``lookup.run_lookup`` for each on a pool of worker threads sharing one boto3 client (clients are
thread-safe; size its pool with ``aws.get_client(..., max_pool_connections=workers)``), checks
each row's expectations and hands every row to ``on_row`` in input order: never lost,
duplicated or reordered. At most ``workers * WINDOW_PER_WORKER`` rows are in flight, so a file
of any length runs in bounded memory when ``on_row`` streams the rows out.

Every row gets the same retry policy (``batch_calls.RetryPolicy``: throttled and failed calls are
retried with backoff, up to the same number of attempts whatever the row's place in the run) and
the run can be capped at a number of calls per second shared by all workers
(``batch_calls.TokenBucket``); a row that still fails ends in the Error branch with the reason,
like a single lookup, and its results row says how many attempts it used. The client must make
one call per request (``aws.get_client(..., retries=False)``). A failure that says
the connection cannot be used at all (unreachable endpoint, credentials, unknown domain) before
any row got an answer stops the run with ``BatchAborted``: every other row would fail the same way.

``BatchJob`` runs a batch on a background thread for the Batch page (progress, stop, results).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from profile_block.model.block import BRANCHES, ERROR, GetProfileBlock
from profile_block.running import aws
from profile_block.running.batch_calls import PacedClient, RetryPolicy, TokenBucket
from profile_block.running.batch_csv import FAIL, PASS, TestContact, result_cells
from profile_block.running.batch_limits import DEFAULT_WORKERS, check_max_rate, check_workers
from profile_block.running.lookup import LookupResult, run_lookup

# Rows submitted ahead of the oldest unfinished one, per worker: enough to keep every worker busy
# while one row waits for its retries, few enough to keep memory flat.
WINDOW_PER_WORKER = 4
_POLL_S = 0.05
log = logging.getLogger(__name__)


class BatchAborted(Exception):
    """The connection or domain cannot be used: the run stopped at the first row that showed it."""


def _shown(value: str | None) -> str:
    return "not set" if not value else repr(value)


def check_expectations(contact: TestContact, lookup: LookupResult) -> tuple[str, list[str]]:
    """("pass" | "fail" | "", mismatches in words) for a row's expectations and its lookup.

    "" when the row expects nothing. A field expects the ``$.Customer.<field>`` value exactly;
    an empty expectation means the field is not set (as on every branch but Success).
    """
    if not contact.has_expectation:
        return "", []
    mismatches = []
    if contact.expect_branch and lookup.branch != contact.expect_branch:
        mismatches.append(f"branch: expected {contact.expect_branch}, got {lookup.branch}")
    for name, expected in contact.expect_fields:
        actual = lookup.customer.get(f"$.Customer.{name}")
        if (actual or "") != expected:
            mismatches.append(f"{name}: expected {_shown(expected)}, got {_shown(actual)}")
    return (FAIL if mismatches else PASS), mismatches


@dataclass
class RowOutcome:
    """One row done: the contact, its lookup and whether its expectations held."""

    contact: TestContact
    lookup: LookupResult
    result: str                         # "pass", "fail" or "" (no expectation)
    mismatches: list[str] = field(default_factory=list)
    attempts: int = 0                   # SearchProfiles calls made for the row (0: none, bad value)

    def cells(self, block: GetProfileBlock) -> list[str]:
        """The results-CSV row (see ``ContactColumns.result_columns``)."""
        return result_cells(self.contact, self.lookup, block, self.result, self.mismatches, self.attempts)


@dataclass(frozen=True)
class Progress:
    """How far a run is: rows done (of ``total`` when known) after ``elapsed_s`` seconds."""

    done: int
    total: int | None
    elapsed_s: float

    @property
    def rate(self) -> float:
        """Rows per second so far."""
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0

    @property
    def remaining_s(self) -> float | None:
        """Seconds left at the rate so far; None while unknown."""
        if not self.total or not self.done or self.rate <= 0:
            return None
        return max(0.0, (self.total - self.done) / self.rate)

    def text(self) -> str:
        """"1,200 of 2,000 rows · 310 rows/s · about 3 s left"."""
        of = f" of {self.total:,}" if self.total is not None else ""
        words = [f"{self.done:,}{of} rows", f"{self.rate:,.0f} rows/s"]
        if self.remaining_s is not None and self.total and self.done < self.total:
            words.append(f"about {format_duration(self.remaining_s)} left")
        return " · ".join(words)


def format_duration(seconds: float) -> str:
    """"0.4 s", "12 s", "3 min 05 s"."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


@dataclass
class BatchSummary:
    """Counts of a run: rows, rows per branch, passes and failures, time."""

    rows: int = 0
    total: int | None = None
    branches: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BRANCHES, 0))
    passed: int = 0
    failed: int = 0
    elapsed_s: float = 0.0
    stopped: bool = False

    def add(self, outcome: RowOutcome) -> None:
        self.rows += 1
        self.branches[outcome.lookup.branch] = self.branches.get(outcome.lookup.branch, 0) + 1
        self.passed += outcome.result == PASS
        self.failed += outcome.result == FAIL

    @property
    def rate(self) -> float:
        return self.rows / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def line(self) -> str:
        """One line: rows, count per branch, passes and failures, time, rows per second."""
        rows = f"{self.rows:,} row{'s' if self.rows != 1 else ''}"
        if self.stopped:
            rows = f"stopped after {self.rows:,}" + (f" of {self.total:,}" if self.total else "") + " rows"
        branches = ", ".join(f"{name} {count:,}" for name, count in self.branches.items())
        checked = self.passed + self.failed
        verdict = f"{self.passed:,} passed, {self.failed:,} failed" if checked else "no expectations"
        return (f"{rows}: {branches}; {verdict}; {format_duration(self.elapsed_s)}, "
                f"{self.rate:,.0f} rows/s")


def _lookup(client: PacedClient, block: GetProfileBlock, contact: TestContact, domain: str
            ) -> tuple[LookupResult, int]:
    """The row's lookup and the calls it made."""
    client.start_row()
    try:
        return run_lookup(client, block, contact.contact, domain), client.attempts()
    except Exception as exc:  # noqa: BLE001 -- a row is never lost: an unexpected failure is its Error branch
        log.exception("lookup of %s failed", contact.label)
        return LookupResult(branch=ERROR, next_action=block.branches.get(ERROR, ""),
                            reason=f"The lookup failed unexpectedly ({type(exc).__name__}): {exc}",
                            contact=dict(contact.contact), error_class=type(exc).__name__), client.attempts()


class _Stopped(Exception):
    pass


def run_batch(client: Any, block: GetProfileBlock, contacts: Iterable[TestContact], domain: str, *,
              on_row: Callable[[RowOutcome], None], workers: int = DEFAULT_WORKERS,
              on_progress: Callable[[Progress], None] | None = None,
              stop: threading.Event | None = None, total: int | None = None,
              retry: RetryPolicy | None = None, max_rate: float | None = None) -> BatchSummary:
    """Run ``block`` for every contact, ``workers`` at a time; ``on_row`` gets each row in input order.

    ``retry``: the attempts (and backoff) every row gets (default ``RetryPolicy()``); ``max_rate``:
    at most this many calls per second in all, retries included (None: no cap). ``client`` must
    make one call per request (``aws.get_client(..., retries=False)``); ValueError otherwise.
    ``on_progress`` is called after each row. Setting ``stop`` ends the run promptly: rows not
    started are dropped, rows in flight are abandoned (their requests end on their own), and the
    summary says ``stopped``; every row handed to ``on_row`` before that is complete and in order.
    Raises BatchAborted (see the module), and whatever reading ``contacts`` raises.
    """
    problem = check_workers(workers) or check_max_rate(max_rate)
    if problem:
        raise ValueError(problem)
    halt = threading.Event()     # set when the run ends: waits for a retry or a token end at once
    paced = PacedClient(client, retry or RetryPolicy(), TokenBucket(max_rate) if max_rate else None, halt)
    summary = BatchSummary(total=total)
    started = time.perf_counter()
    window: deque[tuple[TestContact, Future[tuple[LookupResult, int]]]] = deque()
    limit = workers * WINDOW_PER_WORKER
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch-lookup")
    answered = False    # has any row got an answer from the service?

    def finish_oldest() -> None:
        nonlocal answered
        contact, future = window.popleft()
        while not wait([future], timeout=_POLL_S).done:
            if stop is not None and stop.is_set():
                window.appendleft((contact, future))
                raise _Stopped
        lookup, attempts = future.result()
        if lookup.request is not None and lookup.branch != ERROR:
            answered = True
        elif not answered and aws.is_setup_error(lookup.error_class):
            raise BatchAborted(f"{contact.label}: {lookup.reason}")
        result, mismatches = check_expectations(contact, lookup)
        outcome = RowOutcome(contact, lookup, result, mismatches, attempts)
        summary.add(outcome)
        on_row(outcome)
        if on_progress is not None:
            on_progress(Progress(summary.rows, total, time.perf_counter() - started))

    try:
        for contact in contacts:
            if stop is not None and stop.is_set():
                raise _Stopped
            window.append((contact, pool.submit(_lookup, paced, block, contact, domain)))
            while len(window) >= limit:
                finish_oldest()
        while window:
            finish_oldest()
    except _Stopped:
        summary.stopped = True
    finally:
        halt.set()
        for _, future in window:
            future.cancel()
        # After a stop or an error, do not wait for requests in flight: they end on their own.
        pool.shutdown(wait=not window, cancel_futures=True)
        summary.elapsed_s = time.perf_counter() - started
    return summary


@dataclass(frozen=True)
class JobState:
    """What a ``BatchJob`` shows: progress, whether it is still going, how it ended."""

    progress: Progress
    running: bool
    summary: BatchSummary | None        # set once finished (stopped or not)
    error: str                          # why it could not finish ("" if it did)


class BatchJob:
    """A batch run on a background thread that a page starts, watches and may stop.

    Keeps each results row (``RowOutcome.cells``) in input order in ``rows``; never touches any
    UI. ``state()`` and ``rows`` are safe to read from another thread while it runs.
    """

    def __init__(self, client: Any, block: GetProfileBlock, contacts: Iterable[TestContact], domain: str,
                 *, workers: int = DEFAULT_WORKERS, total: int | None = None,
                 retry: RetryPolicy | None = None, max_rate: float | None = None) -> None:
        self.block = block
        self.rows: list[list[str]] = []
        self._args = (client, block, contacts, domain)
        self._workers, self._total = workers, total
        self._retry, self._max_rate = retry, max_rate
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._progress = Progress(0, total, 0.0)
        self._summary: BatchSummary | None = None
        self._error = ""
        self._started = 0.0
        self._thread = threading.Thread(target=self._run, name="batch-job", daemon=True)

    def start(self) -> BatchJob:
        self._started = time.perf_counter()
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the run to stop; it ends within a fraction of a second."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the run to end; True when it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def state(self) -> JobState:
        with self._lock:
            running = self._thread.is_alive() and self._summary is None and not self._error
            progress = self._progress
            if running:
                progress = Progress(progress.done, progress.total, time.perf_counter() - self._started)
            return JobState(progress, running, self._summary, self._error)

    def _on_row(self, outcome: RowOutcome) -> None:
        self.rows.append(outcome.cells(self.block))

    def _on_progress(self, progress: Progress) -> None:
        with self._lock:
            self._progress = progress

    def _run(self) -> None:
        client, block, contacts, domain = self._args
        try:
            summary = run_batch(client, block, contacts, domain, on_row=self._on_row, workers=self._workers,
                                on_progress=self._on_progress, stop=self._stop, total=self._total,
                                retry=self._retry, max_rate=self._max_rate)
        except (BatchAborted, ValueError) as exc:     # BatchInputError is a ValueError
            error, summary = str(exc), None
        except Exception as exc:  # noqa: BLE001 -- the page shows it; a thread must not die silently
            log.exception("batch run failed")
            error, summary = f"The run failed ({type(exc).__name__}): {exc}", None
        else:
            error = ""
        with self._lock:
            self._error = error
            self._summary = summary
            if summary is not None:
                self._progress = Progress(summary.rows, self._total, summary.elapsed_s)
