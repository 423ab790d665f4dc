"""The fault route's ``throttle_next``: throttle exactly the next N AWS requests, then serve again."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from botocore.config import Config
from botocore.exceptions import ReadTimeoutError

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


SEARCH = {"DomainName": "demo", "KeyName": "_phone", "Values": ["+15555550100"]}


def test_exactly_the_next_n_calls_fail_with_a_service_error(running):
    client = make_client(running.endpoint_url)
    status, body = set_faults(running, error_next=2)
    assert status == 200 and body["error_next"] == 2
    assert client.list_domains()["Items"]          # a connection check spends none of them
    for _ in range(2):
        with pytest.raises(client.exceptions.InternalServerException, match="error_next"):
            client.search_profiles(**SEARCH)
    assert len(client.search_profiles(**SEARCH)["Items"]) == 1
    assert "error_next" not in http("GET", f"{running.endpoint_url}/_sandbox/faults")[2]


def test_slow_next_outlasts_the_client_read_timeout_then_calls_are_quick_again(running):
    impatient = make_client(running.endpoint_url,
                            config=Config(retries={"total_max_attempts": 1}, read_timeout=0.5))
    status, body = set_faults(running, slow_next=1, slow_ms=2_000)
    assert status == 200 and body["slow_next"] == 1 and body["slow_ms"] == 2_000
    assert impatient.list_domains()["Items"]       # not a profile call: answered at once
    with pytest.raises(ReadTimeoutError):
        impatient.search_profiles(**SEARCH)
    # Spent: the next call is answered within the client's 0.5 s read timeout.
    assert len(impatient.search_profiles(**SEARCH)["Items"]) == 1
    assert http("GET", f"{running.endpoint_url}/_sandbox/faults")[2] == {
        "throttle_rate": 0.0, "error_rate": 0.0, "latency_ms": 0}


@pytest.mark.parametrize(("name", "value"), [("error_next", -1), ("slow_next", 1.5), ("slow_ms", 60_001),
                                             ("slow_next", True)])
def test_bad_next_faults_are_rejected(running, name, value):
    status, body = set_faults(running, **{name: value})
    assert status == 400 and f"{name} must be a whole number" in body["Message"]
