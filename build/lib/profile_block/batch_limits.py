"""How many lookups a batch run makes at a time: defaults and bounds.

A module of its own so that the command line can offer them without importing botocore (the
rest of the batch code needs it): ``validate`` and ``new`` stay quick to start.
"""

from __future__ import annotations

# 16 concurrent lookups on one client: about 11-15x a sequential loop against a service that
# answers in 30 ms (benchmarks/batch_throughput.py); more gives little, the CPU is the limit.
DEFAULT_WORKERS = 16
MAX_WORKERS = 64


def check_workers(workers: int) -> str | None:
    """Why ``workers`` is no usable number of concurrent lookups, or None."""
    if not 1 <= workers <= MAX_WORKERS:
        return f"workers must be from 1 to {MAX_WORKERS}, got {workers}"
    return None
