"""Lookups against the real local Customer Profiles service over loopback HTTP.

Each test module gets its own service on a fresh SQLite file seeded with the demo data, so
fault settings changed by one module never leak into another.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from benchmarks.local_service import running_service
from profile_block.model.block import BRANCHES, GetProfileBlock, Identifier
from profile_block.running import aws
from profiles_sandbox.server import start_in_thread

PHONE_REF = "$.CustomerEndpoint.Address"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    running = start_in_thread(Path(tmp_path_factory.mktemp("lookup-sandbox")) / "sandbox.sqlite3")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(sandbox: Any) -> Any:
    """The app's own client for the local service (cached, retries, bounded timeouts)."""
    return aws.get_client(aws.Connection(endpoint_url=sandbox.endpoint_url, local_service=True))


def make_block(*identifiers: tuple[str, str], operator: str = "OR", fields: list[str] | None = None
               ) -> GetProfileBlock:
    """A block with the given (key, value) identifiers and a distinct NextAction per branch."""
    block = GetProfileBlock(identifiers=[Identifier(k, v) for k, v in identifiers] or [Identifier()],
                            operator=operator, fields=list(fields or []))
    block.branches = {b: f"target-{b}" for b in BRANCHES}
    return block


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # loopback only


def set_faults(sandbox: Any, **settings: Any) -> dict[str, Any]:
    """POST the local service's fault route; returns the settings now in force."""
    request = urllib.request.Request(f"{sandbox.endpoint_url}/_sandbox/faults", method="POST",
                                     data=json.dumps(settings).encode(),
                                     headers={"Content-Type": "application/json"})
    with _NO_PROXY.open(request, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def faults(sandbox: Any) -> Iterator[Callable[..., dict[str, Any]]]:
    """Set faults for one test; always switched off afterwards."""
    yield lambda **settings: set_faults(sandbox, **settings)
    set_faults(sandbox, throttle_rate=0.0, error_rate=0.0, latency_ms=0, throttle_next=0)


@contextmanager
def service_process(db: Path, *options: str) -> Iterator[str]:
    """``python -m profiles_sandbox`` on a free loopback port (demo data), as a user starts it;
    yields its URL once it answers. ``options`` are extra flags, e.g. ``--throttle-rate 0.3``."""
    with running_service(db, *options) as (_, url):
        yield url


@pytest.fixture(scope="module")
def clean_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """No AWS credentials anywhere: the CLI must sign with the local service's default key."""
    home = tmp_path_factory.mktemp("no-aws")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(home / "config"), AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"),
               AWS_EC2_METADATA_DISABLED="true")
    return env
