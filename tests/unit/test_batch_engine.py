"""Narrow unit tests of the batch engine with a stand-in client whose answers come back in a
scrambled order: rows still come out in input order, each once, with bounded work in flight."""

from __future__ import annotations

import random
import threading
import time

import pytest

from profile_block.model.block import ERROR, NONE_FOUND, SUCCESS
from profile_block.running.batch import WINDOW_PER_WORKER, BatchAborted, BatchSummary, Progress, run_batch
from profile_block.running.batch_csv import TestContact
from tests.unit.helpers import valid_block

PHONE = "CustomerEndpoint.Address"


class ScrambledClient:
    """Answers SearchProfiles after a random short delay; "+1..." numbers find one profile.

    Records the most calls in flight at once.
    """

    def __init__(self, seed: int = 1) -> None:
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.in_flight = self.most_in_flight = self.calls = 0

    def search_profiles(self, **request):
        with self._lock:
            self.in_flight += 1
            self.calls += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            delay = self._random.random() * 0.004
        try:
            time.sleep(delay)
            value = request["Values"][0]
            items = [{"ProfileId": f"p{value}", "FirstName": value}] if value.startswith("+1") else []
            return {"Items": items}
        finally:
            with self._lock:
                self.in_flight -= 1


def contacts(n: int) -> list[TestContact]:
    return [TestContact(i + 1, (str(i + 1),), {PHONE: f"+1{i + 1}" if i % 3 else f"x{i + 1}"},
                        row_id=str(i + 1)) for i in range(n)]


def test_rows_come_out_in_input_order_each_once_with_the_right_branch():
    client, seen, progress = ScrambledClient(), [], []
    summary = run_batch(client, valid_block(), contacts(500), "demo", workers=8,
                        on_row=lambda o: seen.append(o), on_progress=progress.append, total=500)
    assert [o.contact.row_id for o in seen] == [str(i + 1) for i in range(500)]
    for outcome in seen:
        value = outcome.contact.contact[PHONE]
        assert outcome.lookup.branch == (SUCCESS if value.startswith("+1") else NONE_FOUND)
        if outcome.lookup.branch == SUCCESS:
            assert outcome.lookup.customer["$.Customer.FirstName"] == value
    assert client.calls == 500
    assert summary.rows == 500 and summary.branches[SUCCESS] + summary.branches[NONE_FOUND] == 500
    assert [p.done for p in progress] == list(range(1, 501))
    assert 1 < client.most_in_flight <= 8


def test_reading_stays_a_bounded_window_ahead_of_the_output():
    client, workers = ScrambledClient(), 4
    read = 0
    ahead = []

    def lazily():
        nonlocal read
        for row in contacts(300):
            read += 1
            yield row

    run_batch(client, valid_block(), lazily(), "demo", workers=workers,
              on_row=lambda o: ahead.append(read - o.contact.number))
    assert max(ahead) <= workers * WINDOW_PER_WORKER


def test_an_unexpected_failure_is_the_rows_error_branch_not_a_lost_row():
    class Broken(ScrambledClient):
        def search_profiles(self, **request):
            if request["Values"][0] == "+12":
                raise RuntimeError("boom")
            return super().search_profiles(**request)

    seen = []
    run_batch(Broken(), valid_block(), contacts(5), "demo", workers=2, on_row=seen.append)
    assert [o.contact.number for o in seen] == [1, 2, 3, 4, 5]
    assert seen[1].lookup.branch == ERROR and "RuntimeError" in seen[1].lookup.reason


def test_stop_ends_the_run_with_a_complete_prefix():
    stop, seen = threading.Event(), []

    def on_row(outcome):
        seen.append(outcome.contact.number)
        if len(seen) == 20:
            stop.set()

    summary = run_batch(ScrambledClient(), valid_block(), contacts(10_000), "demo", workers=4,
                        on_row=on_row, stop=stop, total=10_000)
    assert summary.stopped
    assert seen == list(range(1, len(seen) + 1)) and 20 <= len(seen) < 10_000
    assert summary.line().startswith(f"stopped after {len(seen):,} of 10,000 rows")


def test_a_setup_error_before_any_answer_aborts_the_run():
    from botocore.exceptions import ClientError

    class NoDomain:
        def search_profiles(self, **request):
            raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "no domain"}},
                              "SearchProfiles")

    with pytest.raises(BatchAborted, match=r"row 1 \(id 1\): Not found \(ResourceNotFoundException\)"):
        run_batch(NoDomain(), valid_block(), contacts(100), "nope", workers=4, on_row=lambda o: None)


def test_workers_out_of_range_are_refused():
    with pytest.raises(ValueError, match="workers must be from 1 to 64"):
        run_batch(ScrambledClient(), valid_block(), contacts(1), "demo", workers=0, on_row=lambda o: None)


def test_progress_and_summary_in_words():
    progress = Progress(done=500, total=2000, elapsed_s=2.0)
    assert progress.rate == 250 and progress.remaining_s == 6.0 and progress.fraction == 0.25
    assert progress.text() == "500 of 2,000 rows · 250 rows/s · about 6.0 s left"
    summary = BatchSummary(rows=4, branches={SUCCESS: 2, NONE_FOUND: 1, ERROR: 1}, passed=3, failed=1,
                           elapsed_s=0.5)
    assert summary.line() == ("4 rows: Success 2, NoneFoundError 1, NoMatchingError 1; 3 passed, 1 failed; "
                              "0.5 s, 8 rows/s")
