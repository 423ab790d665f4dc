"""Fair retries and the rate cap of batch runs, against the real local service over loopback.

Every row gets the same retry policy: under a steady throttle rate, the share of rows that end
in the Error branch is the same in the first and the second half of a run (botocore's shared
retry quota used to give early rows three attempts and later ones one). The rate cap holds:
counted on the service's side, no second of the run saw more calls than the cap allows.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from profile_block.model.block import ERROR, NONE_FOUND
from profile_block.running import aws
from profile_block.running.batch import run_batch
from profile_block.running.batch_calls import RetryPolicy
from profile_block.running.batch_csv import TestContact
from tests.lookup.conftest import PHONE_REF, make_block

PHONE = "CustomerEndpoint.Address"
ROWS = 1200
THROTTLE_RATE, ATTEMPTS = 0.5, 3
# Each half has 600 rows, each an Error row with p = 0.5**3 = 0.125 (independently, if fair).
# The difference of the two shares has a standard deviation of sqrt(2 * p * (1 - p) / 600) = 0.019:
# 0.1 is 5.2 of them (a fair run exceeds it about once in 5 million). The old shared quota
# (500 tokens, 5 per retry) ran dry after about 360 rows: 0.26 against 0.47.
TOLERANCE = 0.1


def contacts(count: int) -> list[TestContact]:
    return [TestContact(i + 1, (), {PHONE: "+15555550199"}, row_id=str(i + 1)) for i in range(count)]


@pytest.fixture(scope="module")
def single_call_client(sandbox: Any) -> Any:
    return aws.get_client(aws.Connection(endpoint_url=sandbox.endpoint_url, local_service=True), 16,
                          retries=False)


def test_under_steady_throttling_every_row_gets_the_same_attempts(single_call_client, faults):
    faults(throttle_rate=THROTTLE_RATE)
    outcomes: list[Any] = []
    run_batch(single_call_client, make_block(("_phone", PHONE_REF)), contacts(ROWS), "demo", workers=16,
              on_row=outcomes.append, retry=RetryPolicy(ATTEMPTS, base_delay_s=0.002, max_delay_s=0.01))
    assert [o.contact.row_id for o in outcomes] == [str(i + 1) for i in range(ROWS)]
    errors = [o for o in outcomes if o.lookup.branch == ERROR]
    # The policy, row by row: a row that failed made every attempt; one that got through made 1-3.
    assert {o.attempts for o in errors} == {ATTEMPTS}
    assert all(f"after {ATTEMPTS} attempts" in o.lookup.reason for o in errors)
    assert {o.lookup.branch for o in outcomes} == {ERROR, NONE_FOUND}
    assert {o.attempts for o in outcomes if o.lookup.branch == NONE_FOUND} == {1, 2, 3}
    # The outcome, half by half.
    half = ROWS // 2
    first = sum(o.lookup.branch == ERROR for o in outcomes[:half]) / half
    second = sum(o.lookup.branch == ERROR for o in outcomes[half:]) / half
    assert abs(first - second) < TOLERANCE, (first, second)
    expected = THROTTLE_RATE ** ATTEMPTS
    assert abs(first - expected) < TOLERANCE and abs(second - expected) < TOLERANCE, (first, second)


class _SearchTimes(logging.Handler):
    """When the service received each SearchProfiles call: its request log has one line per call,
    written when the call is answered, with the time it took (subtracted: receipt, not answer)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.times: list[float] = []
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if "SearchProfiles" in record.getMessage():
            took_ms = float(record.args[-1])      # type: ignore[index]
            with self._guard:
                self.times.append(record.created - took_ms / 1000)


@pytest.fixture
def search_times() -> Iterator[_SearchTimes]:
    from profiles_sandbox.api import log as service_log

    handler = _SearchTimes()
    service_log.addHandler(handler)
    level = service_log.level
    service_log.setLevel(logging.INFO)
    yield handler
    service_log.removeHandler(handler)
    service_log.setLevel(level)


def busiest_second(times: list[float]) -> int:
    """The most calls received within any one second."""
    times = sorted(times)
    start, most = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def test_the_rate_cap_holds_on_the_service_side(tmp_path, search_times):
    from profiles_sandbox.server import start_in_thread

    service = start_in_thread(tmp_path / "logged.sqlite3", quiet=False)   # logs each request
    try:
        client = aws.get_client(aws.Connection(endpoint_url=service.endpoint_url, local_service=True), 16,
                                retries=False)
        block = make_block(("_phone", PHONE_REF))
        cap, rows = 20.0, 80
        run_batch(client, block, contacts(rows), "demo", workers=16, on_row=lambda o: None, max_rate=cap)
        capped = list(search_times.times)
        search_times.times.clear()
        run_batch(client, block, contacts(rows), "demo", workers=16, on_row=lambda o: None)
        uncapped = list(search_times.times)
    finally:
        service.stop()
    assert len(capped) == len(uncapped) == rows
    # Sent: at most cap calls in any second, plus the one token the bucket holds. Received: a call
    # can only arrive late, never early, so a busy machine that holds some back bunches them;
    # the bound allows a 0.3 s hold-up (6 calls) besides.
    assert busiest_second(capped) <= cap + 1 + 6, busiest_second(capped)
    # Over the whole run (about 4 s) a hold-up weighs little: the average rate stays at the cap.
    span = max(capped) - min(capped)
    assert (rows - 2) / span <= cap * 1.15, (rows, span)
    # The same run without the cap: the cap, not the machine, set the pace.
    assert busiest_second(uncapped) > busiest_second(capped)
