"""How a batch run may load the service: lookups at a time, attempts per row, calls per second.
Defaults and bounds.

A module of its own so that the command line can offer them without importing botocore (the
rest of the batch code needs it): ``validate`` and ``new`` stay quick to start.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from profile_block.running.host_names import is_loopback_host

# 16 concurrent lookups on one client: about 11-15x a sequential loop against a service that
# answers in 30 ms (benchmarks/batch_throughput.py); more gives little, the CPU is the limit.
DEFAULT_WORKERS = 16
MAX_WORKERS = 64

# Calls per row, the first one included: every row gets the same number, whatever its place in
# the run (botocore's standard retry quota, shared by the client, let early rows retry and later
# ones not). 3 is botocore's standard default.
DEFAULT_ATTEMPTS = 3
MAX_ATTEMPTS = 10

# SearchProfiles calls per second against AWS unless told otherwise. The account's SearchProfiles
# quota is shared with the live contact flows, whose Get profile blocks take the Error branch when
# it is spent: a regression run must not spend it. 5 calls/s is a deliberately low default (one
# 1,000-row file in about 3.5 minutes); raise --max-rate knowing your account's quota (Service
# Quotas console) and the traffic of your flows. The local service gets no cap unless asked.
DEFAULT_AWS_MAX_RATE = 5.0
MAX_RATE = 10_000.0


def check_workers(workers: int) -> str | None:
    """Why ``workers`` is no usable number of concurrent lookups, or None."""
    if not 1 <= workers <= MAX_WORKERS:
        return f"workers must be from 1 to {MAX_WORKERS}, got {workers}"
    return None


def check_attempts(attempts: int) -> str | None:
    """Why ``attempts`` is no usable number of calls per row, or None."""
    if not 1 <= attempts <= MAX_ATTEMPTS:
        return f"attempts must be from 1 to {MAX_ATTEMPTS}, got {attempts}"
    return None


def check_max_rate(rate: float | None) -> str | None:
    """Why ``rate`` (calls per second; None = no cap) is no usable cap, or None."""
    if rate is not None and not 0 < rate <= MAX_RATE:   # also refuses NaN
        return (f"max-rate must be above 0 and at most {MAX_RATE:,.0f} calls per second (0: no cap), "
                f"got {rate}")
    return None


def is_local_endpoint(endpoint_url: str | None) -> bool:
    """Whether the endpoint is on this machine (the local service), not AWS."""
    return bool(endpoint_url) and is_loopback_host(urlsplit(endpoint_url or "").hostname or "")


def default_max_rate(endpoint_url: str | None) -> float | None:
    """The calls-per-second cap a run gets unless told otherwise: none against an endpoint on this
    machine (the local service), ``DEFAULT_AWS_MAX_RATE`` against anything else (AWS)."""
    return None if is_local_endpoint(endpoint_url) else DEFAULT_AWS_MAX_RATE
