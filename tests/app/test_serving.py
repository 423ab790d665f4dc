"""`streamlit run app.py` as an operator starts it: it listens on loopback only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.loopback import free_port

ROOT = Path(__file__).resolve().parents[2]
LISTEN = "0A"   # TCP state in /proc/net/tcp*


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a listening TCP socket on ``port`` (Linux's /proc/net/tcp, tcp6)."""
    found: set[str] = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] != LISTEN or int(port_hex, 16) != port:
                continue
            raw = bytes.fromhex(address)
            # The kernel prints each 32-bit word in host (little-endian) order.
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(socket.inet_ntop(family, raw))
    return found


def test_streamlit_run_listens_on_loopback_only(tmp_path: Path):
    port = free_port()
    env = dict(os.environ, STUDIO_DATA_DIR=str(tmp_path))
    env.pop("STREAMLIT_SERVER_ADDRESS", None)
    # As `make run` starts it: no --server.address, so .streamlit/config.toml decides.
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.headless", "true"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while True:
            assert proc.poll() is None, "streamlit exited"
            try:
                opener.open(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "streamlit did not start"
                time.sleep(0.3)
        assert listening_addresses(port) == {"127.0.0.1"}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
