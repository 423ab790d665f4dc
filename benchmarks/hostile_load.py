"""What hostile clients cost the local Customer Profiles service, measured side by side in one run.

Starts ``python -m profiles_sandbox`` in its own process and measures, from outside:

  * memory: the service's peak resident size (VmHWM) after an ordinary request, then after one
    100 MB body (sent in full, as a careless or hostile client would), and the ratio;
  * stalled connections: how many of N connections that never finish their request (silent,
    half a head, half a body) are still open after the request-read timeout plus a margin, and
    whether an ordinary request is answered while they hang (and its latency beside an idle one).

    .venv/bin/python benchmarks/hostile_load.py [--body-mb 100] [--stalled 400]
"""

from __future__ import annotations

import argparse
import http.client
import resource
import selectors
import socket
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.local_service import running_service  # noqa: E402

SEARCH = "/domains/demo/profiles/search"
FAKE_SIGNATURE = ("AWS4-HMAC-SHA256 Credential=sandbox/20240101/us-east-1/profile/aws4_request, "
                  "SignedHeaders=host, Signature=0")   # the sandbox checks the key name only
ORDINARY = b'{"KeyName": "_phone", "Values": ["+15555550100"]}'


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/PID/status")


def post(port: int, body: bytes) -> tuple[int, float]:
    """(status, seconds) of one search POST; the whole body is sent before the answer is read."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("POST", SEARCH, body=body, headers={"Content-Type": "application/json",
                                                         "Authorization": FAKE_SIGNATURE})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except OSError:   # reset or closed before the answer
        return -1, time.perf_counter() - started
    finally:
        conn.close()


def stalled_connection(port: int, kind: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    if kind == 1:
        sock.sendall(b"POST " + SEARCH.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")
    elif kind == 2:
        sock.sendall(b"POST " + SEARCH.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500\r\n"
                     b"Authorization: " + FAKE_SIGNATURE.encode() + b"\r\n\r\n{\"KeyName\": ")
    sock.setblocking(False)
    return sock


def still_open_after(socks: list[socket.socket], seconds: float) -> int:
    selector = selectors.DefaultSelector()
    for sock in socks:
        selector.register(sock, selectors.EVENT_READ)
    open_ = set(socks)
    deadline = time.monotonic() + seconds
    while open_ and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.5):
            try:
                data = key.fileobj.recv(65536)
            except ConnectionResetError:
                data = b""
            if not data:
                selector.unregister(key.fileobj)
                open_.discard(key.fileobj)
    selector.close()
    return len(open_)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--body-mb", type=int, default=100)
    parser.add_argument("--stalled", type=int, default=400)
    parser.add_argument("--wait-s", type=float, default=20.0, help="how long stalled sockets are watched")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < args.stalled + 256:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.stalled + 256), hard))

    with tempfile.TemporaryDirectory() as tmp, running_service(Path(tmp) / "bench.sqlite3") as (proc, url):
        port = urlsplit(url).port
        status, _ = post(port, ORDINARY)
        base = peak_rss_mb(proc.pid)
        print(f"ordinary request: status {status}, service peak RSS {base:.0f} MB")
        big = b'{"KeyName": "_phone", "Values": ["' + b"1" * (args.body_mb * 1024 * 1024) + b'"]}'
        status, seconds = post(port, big)
        after = peak_rss_mb(proc.pid)
        print(f"{args.body_mb} MB body: status {status} in {seconds:.2f} s, "
              f"service peak RSS {after:.0f} MB (+{after - base:.0f} MB, x{after / base:.2f})")

        _, idle_s = post(port, ORDINARY)
        stalled = [stalled_connection(port, i % 3) for i in range(args.stalled)]
        status, busy_s = post(port, ORDINARY)
        print(f"{args.stalled} stalled connections: an ordinary request got {status} in "
              f"{busy_s * 1000:.1f} ms (idle service: {idle_s * 1000:.1f} ms, "
              f"ratio {busy_s / idle_s:.2f})")
        started = time.monotonic()
        left = still_open_after(stalled, args.wait_s)
        print(f"still open after {args.wait_s:.0f} s: {left} of {args.stalled} "
              f"(last closed {time.monotonic() - started:.1f} s after they stalled)" if not left else
              f"still open after {args.wait_s:.0f} s: {left} of {args.stalled}")
        for sock in stalled:
            sock.close()


if __name__ == "__main__":
    main()
