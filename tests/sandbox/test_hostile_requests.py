"""Hostile requests over real loopback sockets: foreign Host headers (DNS rebinding), cross-site
writes to the admin route, bodies that are too deep, too big, not Unicode, or ask for more values
than SQLite takes. Each is answered the AWS way (status, x-amzn-ErrorType, JSON Message), never 500.
"""

from __future__ import annotations

import http.client
import json
import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from profiles_sandbox.api import MAX_BODY_BYTES, host_is_served
from profiles_sandbox.server import RunningSandbox, start_in_thread

SEARCH = "/domains/demo/profiles/search"


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    sandbox = start_in_thread(tmp_path_factory.mktemp("hostile") / "s.sqlite3", seed="demo")
    yield sandbox
    sandbox.stop()


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail the test if the sandbox logged an error (a 500 with a traceback)."""
    with caplog.at_level(logging.INFO, logger="profiles_sandbox"):
        yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def raw(running: RunningSandbox, method: str, path: str, body: bytes = b"", *, sign: bool = True,
        headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
    """One request through http.client: (status, lower-cased headers, JSON body or raw bytes)."""
    url = f"{running.endpoint_url}{path}"
    sent = {"Content-Type": "application/json"}
    if sign:
        request = AWSRequest(method=method, url=url, data=body, headers=sent)
        SigV4Auth(Credentials("sandbox", "sandbox"), "profile", "us-east-1").add_auth(request)
        sent = dict(request.headers.items())
    sent.update(headers or {})
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        data = response.read()
        got = {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()
    try:
        return response.status, got, json.loads(data)
    except ValueError:
        return response.status, got, data


def assert_aws_error(result: tuple[int, dict[str, str], Any], status: int, code: str, fragment: str) -> None:
    got_status, headers, body = result
    assert (got_status, headers.get("x-amzn-errortype")) == (status, code), result
    assert isinstance(body, dict) and fragment in body["Message"], body


# --- DNS rebinding: only loopback host names ----------------------------------------------------
@pytest.mark.parametrize("host", ["evil.example", "evil.example:4599", "127.0.0.1.nip.io", "localhost.evil"])
def test_a_foreign_host_header_is_refused(running, host, no_tracebacks):
    result = raw(running, "GET", "/domains/demo", headers={"Host": host})
    assert_aws_error(result, 400, "BadRequestException", "Host")
    assert "DomainName" not in json.dumps(result[2])          # nothing of the data leaks
    # The unsigned routes too: health and the admin route.
    assert raw(running, "GET", "/_sandbox/health", sign=False, headers={"Host": host})[0] == 400
    assert raw(running, "GET", "/_sandbox/faults", sign=False, headers={"Host": host})[0] == 400


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:{port}", "localhost:{port}", "LOCALHOST",
                                  "[::1]:{port}", "127.0.0.2:{port}"])
def test_loopback_host_names_are_served(running, host):
    status, _, body = raw(running, "GET", "/domains/demo", headers={"Host": host.format(port=running.port)})
    assert status == 200 and body["DomainName"] == "demo"


# --- the admin route: same-origin JSON only -----------------------------------------------------
def faults_post(running: RunningSandbox, body: bytes, **headers: str) -> tuple[int, dict[str, str], Any]:
    return raw(running, "POST", "/_sandbox/faults", body, sign=False, headers=headers)


def current_faults(running: RunningSandbox) -> dict[str, Any]:
    return raw(running, "GET", "/_sandbox/faults", sign=False)[2]


def test_a_cross_site_text_plain_post_cannot_change_faults(running, no_tracebacks):
    before = current_faults(running)
    attack = b'{"error_rate": 1, "throttle_next": 1000}'
    # What a form or fetch(mode: no-cors) of any web page sends: no preflight.
    result = faults_post(running, attack, **{"Content-Type": "text/plain", "Origin": "http://evil.example"})
    assert result[0] in (403, 415) and "x-amzn-errortype" in result[1]
    # Even without the Origin (a privacy-stripped request), text/plain is not taken.
    assert_aws_error(faults_post(running, attack, **{"Content-Type": "text/plain"}), 415,
                     "UnsupportedMediaTypeException", "application/json")
    # JSON from a foreign origin is refused too.
    assert_aws_error(faults_post(running, attack, Origin="http://evil.example"), 403,
                     "AccessDeniedException", "Origin")
    assert_aws_error(faults_post(running, attack, Origin="null"), 403, "AccessDeniedException", "Origin")
    assert current_faults(running) == before


def test_a_cors_preflight_grants_nothing(running):
    status, headers, _ = raw(running, "OPTIONS", "/_sandbox/faults", sign=False, headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 403
    assert not [h for h in headers if h.startswith("access-control-")]


def test_the_admin_route_still_works_for_its_own_origin_and_for_tools(running):
    own = f"http://127.0.0.1:{running.port}"
    status, _, body = faults_post(running, b'{"latency_ms": 1}', Origin=own)
    assert (status, body["latency_ms"]) == (200, 1)
    status, _, body = faults_post(running, b'{"latency_ms": 0}',
                                  **{"Content-Type": "application/json; charset=utf-8"})
    assert (status, body["latency_ms"]) == (200, 0)


# --- bodies -------------------------------------------------------------------------------------
def test_ten_thousand_deep_json_is_a_bad_request(running, no_tracebacks):
    deep = b'{"KeyName": "_phone", "Values": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    assert_aws_error(raw(running, "POST", SEARCH, deep), 400, "BadRequestException", "nested")
    deep_faults = b'{"latency_ms": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    assert_aws_error(faults_post(running, deep_faults), 400, "BadRequestException", "nested")


@pytest.mark.parametrize("path, body", [
    (SEARCH, b'{"KeyName": "_phone", "Values": ["\\ud800"]}'),                      # a value
    (SEARCH, b'{"KeyName": "_phone", "Values": ["1"], "\\ud800": 1}'),              # a field name
    ("/domains/demo/profiles", b'{"FirstName": "Ann\\udfff"}'),                     # stored value
    ("/domains/demo/profiles", b'{"Attributes": {"\\ud800": "x"}}'),                # a map key
    ("/domains/demo/profiles", b'{"Attributes": {"tier": "\\ud83d"}}'),             # half an emoji
])
def test_a_lone_surrogate_is_a_bad_request(running, path, body, no_tracebacks):
    assert_aws_error(raw(running, "POST", path, body), 400, "BadRequestException", "surrogate")


def test_a_lone_surrogate_in_a_fault_setting_name_is_a_bad_request(running, no_tracebacks):
    assert_aws_error(faults_post(running, b'{"\\ud800": 1}'), 400, "BadRequestException", "surrogate")


def test_a_whole_surrogate_pair_is_an_ordinary_character(running):
    status, _, body = raw(running, "POST", SEARCH, b'{"KeyName": "_phone", "Values": ["\\ud83d\\ude00"]}')
    assert (status, body) == (200, {"Items": []})


# Signed by name only: the sandbox checks the access key, not the signature.
FAKE_SIGNATURE = ("AWS4-HMAC-SHA256 Credential=sandbox/20240101/us-east-1/profile/aws4_request, "
                  "SignedHeaders=host, Signature=0")


def test_an_oversized_body_is_refused_before_it_is_read(running, no_tracebacks):
    """100 MB announced: the answer comes after a few bytes, naming the limit; nothing is buffered."""
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
    try:
        conn.putrequest("POST", SEARCH)
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Authorization", FAKE_SIGNATURE)
        conn.putheader("Content-Length", str(100 * 1024 * 1024))
        conn.endheaders(b'{"KeyName": "_phone", "Values": ["')     # and nothing more
        response = conn.getresponse()
        status, code = response.status, response.getheader("x-amzn-ErrorType")
        message = json.loads(response.read())["Message"]
    finally:
        conn.close()
    assert (status, code) == (413, "BadRequestException")
    assert f"{MAX_BODY_BYTES:,} bytes" in message


def test_an_oversized_chunked_body_is_cut_off_at_the_limit(running, no_tracebacks):
    def chunks() -> Iterator[bytes]:
        yield b'{"KeyName": "_phone", "Values": ["'
        for _ in range(40):                       # 40 x 64 KiB = 2.5 MiB, no Content-Length
            yield b"1" * 65_536

    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
    try:
        conn.request("POST", SEARCH, body=chunks(), encode_chunked=True,
                     headers={"Content-Type": "application/json", "Authorization": FAKE_SIGNATURE,
                              "Transfer-Encoding": "chunked"})
        response = conn.getresponse()
        status, code = response.status, response.getheader("x-amzn-ErrorType")
        message = json.loads(response.read())["Message"]
    except (BrokenPipeError, ConnectionResetError):
        pytest.fail("the service closed the connection without an answer")
    finally:
        conn.close()
    assert (status, code) == (413, "BadRequestException")
    assert f"{MAX_BODY_BYTES:,} bytes" in message


def test_a_body_just_under_the_limit_is_read(running):
    values = ["+15555550100"] * ((MAX_BODY_BYTES - 100) // 16)
    body = json.dumps({"KeyName": "_phone", "Values": values}).encode()
    assert MAX_BODY_BYTES - 100 < len(body) < MAX_BODY_BYTES
    status, _, answer = raw(running, "POST", SEARCH, body)
    assert status == 200 and len(answer["Items"]) == 1


def test_more_values_than_sqlite_takes_is_a_bad_request(running, no_tracebacks):
    """This SQLite may allow 250,000 variables; others 32,766 or 999. Lower it to prove the point."""
    pooled = list(running._store._all)      # sequential requests reuse these connections
    original = [conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 500) for conn in pooled]
    try:
        body = json.dumps({"KeyName": "_phone", "Values": [f"+1555{i:07d}" for i in range(2_000)]}).encode()
        assert_aws_error(raw(running, "POST", SEARCH, body), 400, "BadRequestException", "at most")
        small = json.dumps({"KeyName": "_phone", "Values": ["+15555550100", "+15555550111"]}).encode()
        status, _, answer = raw(running, "POST", SEARCH, small)
        assert status == 200 and len(answer["Items"]) == 3
    finally:
        for conn, limit in zip(pooled, original, strict=True):
            conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)


@pytest.mark.parametrize("host, bound, served", [
    ("127.0.0.1:4599", "127.0.0.1", True), ("localhost", "127.0.0.1", True), ("[::1]:80", "::1", True),
    ("evil.example", "127.0.0.1", False), ("10.0.0.5:4599", "127.0.0.1", False),
    ("10.0.0.5:4599", "10.0.0.5", True),          # --allow-remote on one address: that address
    ("10.0.0.5:4599", "0.0.0.0", True),           # on every interface: any IP (an IP cannot be rebound)
    ("studio.example:4599", "0.0.0.0", False),    # ... but still no host name
])
def test_host_is_served(host, bound, served):
    assert host_is_served(host, bound) is served
