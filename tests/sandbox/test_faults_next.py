"""The fault route's ``throttle_next``: throttle exactly the next N AWS requests, then serve again."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from profiles_sandbox.server import RunningSandbox, start_in_thread
from tests.sandbox.conftest import http, make_client


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    sandbox = start_in_thread(tmp_path_factory.mktemp("faults-next") / "s.sqlite3", seed="demo")
    yield sandbox
    sandbox.stop()


def set_faults(running: RunningSandbox, **settings) -> tuple[int, dict]:
    status, _, body = http("POST", f"{running.endpoint_url}/_sandbox/faults", json.dumps(settings).encode(),
                           {"Content-Type": "application/json"})
    return status, body


def test_exactly_the_next_n_requests_are_throttled(running):
    client = make_client(running.endpoint_url)    # no retries: every request is seen
    status, body = set_faults(running, throttle_next=2)
    assert status == 200 and body["throttle_next"] == 2
    search = {"DomainName": "demo", "KeyName": "_phone", "Values": ["+15555550100"]}
    for _ in range(2):
        with pytest.raises(client.exceptions.ThrottlingException):
            client.search_profiles(**search)
    assert len(client.search_profiles(**search)["Items"]) == 1
    # Spent: the route no longer lists it, and the other settings are untouched.
    assert http("GET", f"{running.endpoint_url}/_sandbox/faults")[2] == {
        "throttle_rate": 0.0, "error_rate": 0.0, "latency_ms": 0}


def test_throttle_next_can_be_cancelled(running):
    client = make_client(running.endpoint_url)
    set_faults(running, throttle_next=5)
    assert set_faults(running, throttle_next=0)[0] == 200
    assert client.search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"])["Items"]


@pytest.mark.parametrize("value", [-1, 1.5, "2", True, 1001])
def test_bad_throttle_next_is_rejected(running, value):
    status, body = set_faults(running, throttle_next=value)
    assert status == 400 and "throttle_next must be a whole number" in body["Message"]
