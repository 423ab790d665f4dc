"""Lookups against the real local Customer Profiles service over loopback HTTP.

Each test module gets its own service on a fresh SQLite file seeded with the demo data, so
fault settings changed by one module never leak into another.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from profile_block import aws
from profile_block.block import BRANCHES, GetProfileBlock, Identifier
from profiles_sandbox.server import start_in_thread

PHONE_REF = "$.CustomerEndpoint.Address"


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
