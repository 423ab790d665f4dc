"""profile_block.running.batch_calls: per-row retries, the token bucket, and what is worth retrying.
Narrow unit tests with a stand-in client; the real service is in tests/lookup/test_batch_fairness.py."""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from profile_block.running import aws
from profile_block.running.batch_calls import PacedClient, RetryPolicy, RunHalted, TokenBucket, is_retryable
from profile_block.running.batch_limits import check_max_rate, default_max_rate


def client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"},
                        "ResponseMetadata": {"HTTPStatusCode": status, "RetryAttempts": 0}}, "SearchProfiles")


class Scripted:
    """Answers each call with the next item: an exception to raise or a response."""

    def __init__(self, *answers: Any) -> None:
        self.answers, self.calls = list(answers), 0

    def search_profiles(self, **request: Any) -> dict[str, Any]:
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


FAST = RetryPolicy(3, base_delay_s=0.0001, max_delay_s=0.0001)


def paced(client: Any, policy: RetryPolicy = FAST, bucket: TokenBucket | None = None,
          halt: threading.Event | None = None) -> PacedClient:
    return PacedClient(client, policy, bucket, halt or threading.Event(), random.Random(1))


def test_a_throttled_row_is_retried_up_to_the_attempts_and_says_how_many():
    throttled = client_error("ThrottlingException", 400)
    client = paced(Scripted(throttled, throttled, {"Items": []}))
    client.start_row()
    assert client.search_profiles(DomainName="d") == {"Items": []}
    assert client.attempts() == 3
    client = paced(Scripted(*[client_error("ThrottlingException", 400)] * 3))
    client.start_row()
    with pytest.raises(ClientError) as caught:
        client.search_profiles(DomainName="d")
    assert client.attempts() == 3 and aws.attempts_made(caught.value) == "after 3 attempts"


def test_a_request_the_service_refuses_is_not_retried():
    scripted = Scripted(client_error("BadRequestException", 400))
    client = paced(scripted)
    client.start_row()
    with pytest.raises(ClientError):
        client.search_profiles(DomainName="d")
    assert scripted.calls == 1 and client.attempts() == 1


@pytest.mark.parametrize("exc, answered, retry", [
    (client_error("ThrottlingException", 400), False, True),
    (client_error("TooManyRequestsException", 429), False, True),
    (client_error("InternalServerException", 500), False, True),
    (client_error("503", 503), False, True),
    (client_error("BadRequestException", 400), True, False),
    (client_error("ResourceNotFoundException", 404), True, False),
    (client_error("AccessDeniedException", 403), True, False),
    (ReadTimeoutError(endpoint_url="http://x"), False, True),
    (EndpointConnectionError(endpoint_url="http://x"), False, False),   # a closed port: stop soon
    (EndpointConnectionError(endpoint_url="http://x"), True, True),     # a blip mid-run
])
def test_what_is_worth_another_attempt(exc, answered, retry):
    assert is_retryable(exc, answered) is retry


def test_a_client_that_retries_by_itself_is_refused():
    retrying = aws.get_client(aws.Connection(endpoint_url="http://127.0.0.1:9", local_service=True))
    with pytest.raises(ValueError, match="retries by itself"):
        paced(retrying)
    single = aws.get_client(aws.Connection(endpoint_url="http://127.0.0.1:9", local_service=True),
                            retries=False)
    assert aws.client_attempts(single) == 1 and paced(single) is not None


def test_the_bucket_spaces_calls_at_the_rate():
    now = [100.0]
    bucket = TokenBucket(4.0, clock=lambda: now[0])
    assert [bucket.reserve() for _ in range(5)] == [0.0, 0.25, 0.5, 0.75, 1.0]
    now[0] += 10        # idle: it refills only up to its burst of one call
    assert bucket.reserve() == 0.0 and bucket.reserve() == 0.25


@pytest.mark.parametrize("rate", [0, -1, float("nan"), float("inf")])
def test_unusable_rates_are_refused(rate):
    assert check_max_rate(rate)
    with pytest.raises(ValueError):
        TokenBucket(rate)


def test_a_halt_ends_waits_for_a_token_and_for_a_retry_at_once():
    halt = threading.Event()
    halt.set()
    slow = TokenBucket(0.001)
    slow.reserve()                      # the next token is 1,000 s away
    client = paced(Scripted({"Items": []}), bucket=slow, halt=halt)
    client.start_row()
    with pytest.raises(RunHalted):
        client.search_profiles(DomainName="d")
    patient = RetryPolicy(3, base_delay_s=1000, max_delay_s=1000)
    client = paced(Scripted(client_error("ThrottlingException", 400)), policy=patient, halt=halt)
    client.start_row()
    with pytest.raises(ClientError):
        client.search_profiles(DomainName="d")
    assert client.attempts() == 1


def test_aws_gets_a_conservative_cap_and_this_machine_none():
    assert default_max_rate(None) == 5.0
    assert default_max_rate("https://profile.eu-west-2.amazonaws.com") == 5.0
    assert default_max_rate("http://127.0.0.1:4599") is None
    assert default_max_rate("http://localhost:4599/") is None


def test_the_policy_bounds_its_attempts():
    with pytest.raises(ValueError, match="attempts must be from 1 to 10"):
        RetryPolicy(0)
    rng = random.Random(3)
    waits = [RetryPolicy(5, base_delay_s=1, max_delay_s=3).delay_s(n, rng) for n in (1, 2, 3, 4)]
    assert 0 <= waits[0] <= 1 and 0 <= waits[1] <= 2 and all(0 <= w <= 3 for w in waits[2:])
