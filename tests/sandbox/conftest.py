"""Fixtures: a real sandbox server (uvicorn on a free loopback port, SQLite in a temp folder)
and unmodified boto3 clients talking to it over HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from profiles_sandbox.server import DEFAULT_ACCESS_KEY, RunningSandbox, start_in_thread

NO_RETRIES = Config(retries={"total_max_attempts": 1})
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def make_client(endpoint_url: str, *, access_key: str = DEFAULT_ACCESS_KEY, config: Config | None = None):
    return boto3.client("customer-profiles", endpoint_url=endpoint_url, region_name="us-east-1",
                        aws_access_key_id=access_key, aws_secret_access_key="sandbox",
                        config=config or NO_RETRIES)


def _lower(headers) -> dict[str, str]:
    """Header names are case-insensitive (uvicorn sends them lower-case; botocore lower-cases too)."""
    return {k.lower(): v for k, v in headers.items()}


def http(method: str, url: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
    """A raw HTTP call (no boto3): status, lower-cased headers, parsed JSON body."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with _NO_PROXY.open(request, timeout=10) as response:
            return response.status, _lower(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, _lower(err.headers), json.loads(err.read() or b"null")


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    """One demo-seeded sandbox for the whole session."""
    running = start_in_thread(tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite3", seed="demo")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def own_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    """A demo-seeded sandbox for one test module that changes the demo domain or its database."""
    running = start_in_thread(tmp_path_factory.mktemp("own") / "sandbox.sqlite3", seed="demo")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def own_client(own_sandbox: RunningSandbox):
    return make_client(own_sandbox.endpoint_url)


@pytest.fixture(scope="session")
def client(sandbox: RunningSandbox):
    return make_client(sandbox.endpoint_url)


@pytest.fixture
def domain(client) -> Iterator[str]:
    """A fresh empty domain, so a test that writes does not disturb the demo data."""
    name = f"t-{uuid.uuid4().hex[:12]}"
    client.create_domain(DomainName=name, DefaultExpirationDays=30)
    yield name
    client.delete_domain(DomainName=name)


@pytest.fixture
def create(client, domain: str) -> Callable[..., str]:
    """create(**fields) -> ProfileId, in the fresh domain."""
    def _create(**fields: Any) -> str:
        return client.create_profile(DomainName=domain, **fields)["ProfileId"]
    return _create


def search(client, domain: str, key: str, *values: str, **kwargs: Any) -> list[dict[str, Any]]:
    """Every profile a search finds (all pages)."""
    items: list[dict[str, Any]] = []
    token = None
    while True:
        extra = {"NextToken": token} if token else {}
        page = client.search_profiles(DomainName=domain, KeyName=key, Values=list(values), **kwargs, **extra)
        items += page["Items"]
        token = page.get("NextToken")
        if not token:
            return items
