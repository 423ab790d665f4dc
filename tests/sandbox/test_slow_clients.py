"""Slow, stalled and abandoned clients over real loopback sockets: idle and half-sent connections
are closed after the request-read timeout, so they cannot pile up and lock everyone out; a client
that leaves during injected latency costs nothing (no 500 traceback, ``throttle_next`` kept)."""

from __future__ import annotations

import json
import logging
import resource
import selectors
import socket
import time
from collections.abc import Iterator
from http.client import HTTPConnection

import h11
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from profiles_sandbox.server import Limits, RunningSandbox, start_in_thread

from .conftest import http, make_client

STALLED = 400
READ_TIMEOUT_S = 1.5          # short for the test; the default is longer
BOUND_S = 90                  # generous: the machine is shared; never an assertion about speed


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    sandbox = start_in_thread(tmp_path_factory.mktemp("slow") / "s.sqlite3", seed="demo",
                              limits=Limits(request_read_timeout_s=READ_TIMEOUT_S))
    yield sandbox
    sandbox.stop()


@pytest.fixture
def enough_file_descriptors() -> Iterator[None]:
    """Client and server ends of every stalled socket live in this process: 2 fds each (the
    process's limit is put back afterwards)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4 * STALLED + 256
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.fail(f"this test needs {wanted} file descriptors; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def signed_request(running: RunningSandbox, body: bytes) -> bytes:
    """The bytes of a signed SearchProfiles request (head and body)."""
    url = f"{running.endpoint_url}/domains/demo/profiles/search"
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials("sandbox", "sandbox"), "profile", "us-east-1").add_auth(request)
    head = "".join(f"{k}: {v}\r\n" for k, v in request.headers.items())
    return (f"POST /domains/demo/profiles/search HTTP/1.1\r\nHost: 127.0.0.1:{running.port}\r\n"
            f"Content-Length: {len(body)}\r\n{head}\r\n").encode() + body


def stall(running: RunningSandbox, kind: int) -> socket.socket:
    """A connection that never finishes its request: silent, half a head, or half a body."""
    sock = socket.create_connection(("127.0.0.1", running.port), timeout=30)
    if kind == 1:
        sock.sendall(b"POST /domains/demo/profiles/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")
    elif kind == 2:
        whole = signed_request(running, b'{"KeyName": "_phone", "Values": ["+15555550100"]}')
        sock.sendall(whole[:-10])
    sock.setblocking(False)
    return sock


def wait_until_closed_by_server(socks: list[socket.socket], bound_s: float) -> list[socket.socket]:
    """The sockets the server has not closed within ``bound_s`` (each: EOF or reset seen)."""
    selector = selectors.DefaultSelector()
    for sock in socks:
        selector.register(sock, selectors.EVENT_READ)
    open_ = set(socks)
    deadline = time.monotonic() + bound_s
    while open_ and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=1):
            sock = key.fileobj
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                data = b""
            if data == b"" or b"HTTP/1.1 408" in data:
                selector.unregister(sock)
                open_.discard(sock)
    selector.close()
    return list(open_)


def test_stalled_connections_are_closed_and_never_lock_others_out(running, enough_file_descriptors, caplog):
    caplog.set_level(logging.INFO, logger="profiles_sandbox")
    stalled = [stall(running, i % 3) for i in range(STALLED)]
    try:
        # While 400 connections hang, a real client is served.
        client = make_client(running.endpoint_url)
        found = client.search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"])
        assert len(found["Items"]) == 1
        # And the server closes every stalled one (it would keep them for ever without a read timeout).
        left = wait_until_closed_by_server(stalled, BOUND_S)
        assert not left, f"{len(left)} of {STALLED} stalled connections are still open after {BOUND_S} s"
    finally:
        for sock in stalled:
            sock.close()
    assert client.get_domain(DomainName="demo")["DomainName"] == "demo"
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors       # half-sent bodies end quietly, not as 500s with tracebacks


def test_a_slow_but_steady_sender_cannot_hold_a_connection_past_the_timeout(running):
    """Slowloris: one header byte at a time keeps resetting an idle timer, not a read deadline."""
    sock = socket.create_connection(("127.0.0.1", running.port), timeout=30)
    try:
        started = time.monotonic()
        closed = False
        for byte in b"GET /_sandbox/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.1)
            if time.monotonic() - started > BOUND_S:
                break
        assert closed, "the server kept a trickling request open"
    finally:
        sock.close()


def wait_until_a_request_is_in_flight(running: RunningSandbox) -> None:
    tasks = running._server.server_state.tasks
    deadline = time.monotonic() + BOUND_S
    while not tasks and time.monotonic() < deadline:
        time.sleep(0.01)
    assert tasks, "the request never reached the sandbox"


def wait_until_no_request_is_in_flight(running: RunningSandbox) -> None:
    tasks = running._server.server_state.tasks
    deadline = time.monotonic() + BOUND_S
    while tasks and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not tasks, "the abandoned request is still being handled"


def health_status(running: RunningSandbox) -> int:
    conn = HTTPConnection("127.0.0.1", running.port, timeout=30)
    try:
        conn.request("GET", "/_sandbox/health")
        return conn.getresponse().status
    finally:
        conn.close()


def test_seven_hundred_idle_connections_never_lock_a_fresh_client_out(running, enough_file_descriptors):
    """Over the limit (512), the longest-idle connections make room: a fresh client and a client
    admitted before the flood (kept alive between its requests) are both served."""
    admitted = HTTPConnection("127.0.0.1", running.port, timeout=30)
    admitted.request("GET", "/_sandbox/health")
    assert admitted.getresponse().read() and True
    time.sleep(0.05)          # the flood comes after: the admitted client is not the idlest
    idle = [socket.create_connection(("127.0.0.1", running.port), timeout=30) for _ in range(700)]
    try:
        client = make_client(running.endpoint_url)
        found = client.search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"])
        assert len(found["Items"]) == 1
        admitted.request("GET", "/_sandbox/health")
        assert admitted.getresponse().status == 200
    finally:
        admitted.close()
        for sock in idle:
            sock.close()


def half_sent(port: int, whole: bytes) -> socket.socket:
    """A connection whose request is on its way: all but its last 10 bytes are sent."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(whole[:-10])
    return sock


def read_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + int(
            data.split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0]):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_only_the_excess_is_refused_in_the_aws_shape_and_admitted_clients_are_served(tmp_path):
    small = start_in_thread(tmp_path / "s.sqlite3", seed="demo",
                            limits=Limits(max_connections=20, request_read_timeout_s=BOUND_S))
    whole = signed_request(small, b'{"KeyName": "_phone", "Values": ["+15555550100"]}')
    busy = [half_sent(small.port, whole) for _ in range(20)]      # every admitted one mid-request
    try:
        connections = small._server.server_state.connections
        deadline = time.monotonic() + BOUND_S
        while len(connections) < 20 or any(c.conn.their_state is not h11.SEND_BODY
                                           for c in list(connections)):
            assert time.monotonic() < deadline, "the server never read the 20 requests' heads"
            time.sleep(0.01)
        status, headers, body = http("GET", f"{small.endpoint_url}/_sandbox/health")
        assert status == 503 and headers["x-amzn-errortype"] == "ServiceUnavailableException", body
        assert "as many connections as it takes" in body["Message"]
        for sock in busy:                                           # the admitted finish: all served
            sock.sendall(whole[-10:])
        answers = [read_response(sock) for sock in busy]
        assert all(a.startswith(b"HTTP/1.1 200 ") for a in answers), [a[:40] for a in answers]
        assert all(b'"FirstName":"Maria"' in a for a in answers)
    finally:
        for sock in busy:
            sock.close()
        small.stop()


def test_a_client_that_leaves_during_latency_costs_nothing(running, caplog):
    caplog.set_level(logging.INFO, logger="profiles_sandbox")
    url = f"{running.endpoint_url}/_sandbox/faults"
    assert http("POST", url, json.dumps({"latency_ms": 1500, "throttle_next": 1}).encode(),
                {"Content-Type": "application/json"})[0] == 200
    try:
        sock = socket.create_connection(("127.0.0.1", running.port), timeout=30)
        sock.sendall(signed_request(running, b'{"KeyName": "_phone", "Values": ["+15555550100"]}'))
        wait_until_a_request_is_in_flight(running)      # it is in the 1.5 s latency now
        sock.close()                                    # gone while the sandbox waits
        wait_until_no_request_is_in_flight(running)
        assert http("GET", url)[2].get("throttle_next") == 1
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert not errors, errors
    finally:
        http("POST", url, json.dumps({"latency_ms": 0, "throttle_next": 0}).encode(),
             {"Content-Type": "application/json"})
