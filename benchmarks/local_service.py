"""Start ``python -m profiles_sandbox`` in its own process, as a user does: for benchmarks (its
work does not share the measuring process's GIL; ``cpu_seconds`` reads how much CPU it used) and
for the command-line tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # loopback only
_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_service(db: Path, *options: str) -> tuple[subprocess.Popen, str]:
    """The service on a free loopback port (``options``: e.g. ``--latency-ms 30``), once it answers."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "profiles_sandbox", "--port", str(port), "--db", str(db),
                             "--quiet", *options], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the local service exited with code {proc.returncode}")
        try:
            with _NO_PROXY.open(url + "/_sandbox/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the local service did not start within 120 s")


@contextmanager
def running_service(db: Path, *options: str) -> Iterator[tuple[subprocess.Popen, str]]:
    proc, url = start_service(db, *options)
    try:
        yield proc, url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS
