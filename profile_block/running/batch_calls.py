"""How a batch run calls the service: the same retries for every row, and a cap on calls per second.

Fair retries. botocore's standard retry mode keeps one retry quota per client: under steady
throttling it empties, and from then on rows get one attempt while the first rows got three,
so a row's result depended on its place in the file. Here the client makes one call per
request (``aws.get_client(..., retries=False)``) and ``PacedClient`` retries each row itself:
every row gets up to ``RetryPolicy.attempts`` calls with jittered exponential backoff, whatever
happened to the rows before it.

Rate cap. ``TokenBucket`` lets at most ``rate`` calls a second through, shared by all the
workers of a run (each retry is a call too): against a real domain a run shares SearchProfiles'
quota with the live contact flows, whose callers take the Error branch when it is spent.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from profile_block.running import aws
from profile_block.running.batch_limits import DEFAULT_ATTEMPTS, check_attempts, check_max_rate

# Answers worth another attempt: the service is throttling, or failed for a moment.
THROTTLING_CODES = frozenset({"ThrottlingException", "TooManyRequestsException", "Throttling",
                              "ThrottledException", "RequestThrottled", "RequestLimitExceeded",
                              "SlowDown"})
TRANSIENT_CODES = frozenset({"InternalServerException", "InternalFailure", "InternalError",
                             "ServiceUnavailable", "ServiceUnavailableException", "RequestTimeout",
                             "RequestTimeoutException"})
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
# A call cut off on its way: worth another attempt.
_INTERRUPTED = (ReadTimeoutError, ConnectionClosedError)
# No connection at all: another attempt helps only once the service has answered this run
# (a closed port or a wrong host would otherwise cost every attempt's backoff before the run
# stops at its first row).
_UNREACHABLE = (EndpointConnectionError, ConnectTimeoutError)


@dataclass(frozen=True)
class RetryPolicy:
    """Up to ``attempts`` calls per row; before attempt n+1 a random wait of up to
    ``base_delay_s * 2**(n-1)`` seconds, at most ``max_delay_s`` ("full jitter": throttled
    workers do not all come back at once)."""

    attempts: int = DEFAULT_ATTEMPTS
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0

    def __post_init__(self) -> None:
        problem = check_attempts(self.attempts)
        if problem:
            raise ValueError(problem)

    def delay_s(self, failed_attempt: int, rng: random.Random) -> float:
        """The wait after attempt ``failed_attempt`` (1-based) failed."""
        return rng.uniform(0, min(self.max_delay_s, self.base_delay_s * 2 ** (failed_attempt - 1)))


def is_retryable(exc: BaseException, service_answered: bool) -> bool:
    """Whether another attempt may succeed where ``exc`` failed: throttling, a momentary service
    failure, a call cut off; no connection at all only once the service has answered this run."""
    if isinstance(exc, ClientError):
        code = aws.error_class(exc)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return code in THROTTLING_CODES or code in TRANSIENT_CODES or status in TRANSIENT_STATUSES
    if isinstance(exc, _INTERRUPTED):
        return True
    return isinstance(exc, _UNREACHABLE) and service_answered


class RunHalted(BotoCoreError):
    """The run stopped (or ended) while this row waited for its next call."""

    fmt = "The batch run stopped before this row's next call."


class TokenBucket:
    """At most ``rate`` calls a second on average, and never more than ``rate * T + burst`` in
    any T seconds; thread-safe, first come first served.

    Each ``acquire`` reserves the next free slot under a lock and waits for it outside the lock,
    so waiting workers do not hold each other up.
    """

    def __init__(self, rate: float, burst: int = 1, clock: Callable[[], float] = time.monotonic) -> None:
        problem = check_max_rate(rate)
        if problem:
            raise ValueError(problem)
        self.rate, self.burst = rate, burst
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated = clock()

    def reserve(self) -> float:
        """Take a token; the seconds to wait before using it (0 when one was there)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            self._tokens -= 1
            return max(0.0, -self._tokens / self.rate)

    def acquire(self, halt: threading.Event) -> bool:
        """Wait for a token; False when ``halt`` was set meanwhile (the run is ending)."""
        wait = self.reserve()
        return not (halt.wait(wait) if wait > 0 else halt.is_set())


class PacedClient:
    """A client for a batch run's lookups: ``search_profiles`` with the run's retry policy and
    rate cap over a client that makes one call per request.

    ``attempts()`` says how many calls the latest ``search_profiles`` of the calling thread made
    (each worker thread runs one row at a time); a final error carries it for the row's reason
    (``aws.note_attempts``). Setting ``halt`` ends waits at once: a row waiting to retry raises
    its last error, one waiting for the rate cap ``RunHalted``.
    """

    def __init__(self, client: Any, policy: RetryPolicy, bucket: TokenBucket | None,
                 halt: threading.Event, rng: random.Random | None = None) -> None:
        calls = aws.client_attempts(client)
        if calls != 1:
            raise ValueError(f"the client retries by itself ({calls} calls per request), so rows would not "
                             "get the same attempts: make it with aws.get_client(..., retries=False)")
        self._client, self._policy, self._bucket, self._halt = client, policy, bucket, halt
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self._local = threading.local()
        self._answered = False       # has the service answered any call of this run?

    @property
    def wrapped(self) -> Any:
        """The client underneath (whose connection says the account and region: ProfileARN)."""
        return self._client

    @property
    def meta(self) -> Any:
        return self._client.meta

    def start_row(self) -> None:
        self._local.attempts = 0

    def attempts(self) -> int:
        return getattr(self._local, "attempts", 0)

    def _wait(self, failed_attempt: int) -> bool:
        with self._rng_lock:
            delay = self._policy.delay_s(failed_attempt, self._rng)
        return not self._halt.wait(delay)

    def search_profiles(self, **request: Any) -> dict[str, Any]:
        attempt = 0
        while True:
            if self._bucket is not None and not self._bucket.acquire(self._halt):
                raise RunHalted()     # the run is ending: its rows in flight are dropped
            attempt += 1
            self._local.attempts = attempt
            try:
                response = self._client.search_profiles(**request)
            except (ClientError, BotoCoreError) as exc:
                self._answered = self._answered or isinstance(exc, ClientError)
                if attempt >= self._policy.attempts or not is_retryable(exc, self._answered) \
                        or not self._wait(attempt):
                    aws.note_attempts(exc, attempt)
                    raise
                continue
            self._answered = True
            return response
