"""components.service_start.BackgroundStart: the local service's start, once, off the first run."""

from __future__ import annotations

import threading

import pytest

from components.service_start import BackgroundStart


def test_nothing_runs_until_begun_then_it_runs_once():
    calls: list[int] = []
    release = threading.Event()

    def start() -> str:
        calls.append(1)
        release.wait(10)
        return "up"

    background = BackgroundStart(start)
    assert background.result() is None and not background.begun and calls == []
    threads = [threading.Thread(target=background.begin) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert background.result() is None and not background.done()     # still starting
    release.set()
    assert background.wait(10)
    assert background.result() == "up"
    background.begin()
    assert background.wait(10) and calls == [1]


def test_a_failed_start_says_why_and_starts_again_only_on_retry():
    outcomes = [PermissionError("read-only data folder"), "up"]

    def start() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    background = BackgroundStart(start)
    assert background.wait(10)
    with pytest.raises(PermissionError, match="read-only"):
        background.result()
    background.begin()                      # no second attempt on its own
    with pytest.raises(PermissionError):
        background.result()
    background.retry()
    assert background.wait(10)
    assert background.result() == "up"
    background.retry()                      # nothing failed: nothing to retry
    assert background.result() == "up" and outcomes == []
