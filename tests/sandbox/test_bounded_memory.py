"""Bounded memory over a real socket: the local service runs in its own process, and each body its
load route accepts costs it a bounded amount of memory (peak resident growth, read from /proc),
or is refused at once in the AWS error shape naming the limit."""

from __future__ import annotations

import base64
import http.client
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from profiles_sandbox.admin import MAX_LOAD_JSON_VALUES, MAX_LOAD_ROWS

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024
GROWTH_LIMIT_MIB = 512


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[subprocess.Popen, int]]:
    db = tmp_path_factory.mktemp("memory") / "s.sqlite3"
    proc = subprocess.Popen([sys.executable, "-m", "profiles_sandbox", "--port", "0", "--db", str(db),
                             "--seed", "demo", "--quiet"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline() if proc.stderr else ""
    assert "serving http://" in line, line
    port = int(line.split("serving http://127.0.0.1:", 1)[1].split()[0])
    try:
        yield proc, port
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


def status(pid: int, field: str) -> int:
    """A /proc/PID/status size (VmRSS, VmHWM) in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def post_load(port: int, body: bytes, domain: str = "mem") -> tuple[int, dict[str, str], Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request("POST", f"/_sandbox/domains/{domain}/load", body=body,
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, json.loads(data)
    finally:
        conn.close()


def growth_of(service: tuple[subprocess.Popen, int], body: bytes,
              domain: str = "mem") -> tuple[int, tuple[int, dict, Any]]:
    """(peak resident growth in bytes, the answer) of one load request."""
    proc, port = service
    post_load(port, json.dumps({"rows": [{"FirstName": "warm"}], "commit": False}).encode())
    before = status(proc.pid, "VmHWM")
    answer = post_load(port, body, domain)
    return status(proc.pid, "VmHWM") - before, answer


def test_three_million_empty_records_are_refused_at_once_naming_the_limit(service):
    body = b'{"commit": true, "rows": [' + b",".join([b"{}"] * 3_000_000) + b"]}"   # 9 MB
    growth, (code, headers, answer) = growth_of(service, body)
    assert code == 413 and headers["x-amzn-errortype"] == "BadRequestException", answer
    assert f"{MAX_LOAD_JSON_VALUES:,} JSON values" in answer["Message"]
    assert growth < GROWTH_LIMIT_MIB * MIB, f"grew {growth / MIB:.0f} MiB"


def test_three_million_blank_csv_rows_cost_bounded_memory(service):
    data = b"FirstName\n" + b",\n" * 3_000_000
    body = json.dumps({"csv": base64.b64encode(data).decode(), "commit": True}).encode()
    growth, (code, _, answer) = growth_of(service, body)
    assert code == 200 and answer["ok"] and answer["creates"] == 0, answer
    assert growth < GROWTH_LIMIT_MIB * MIB, f"grew {growth / MIB:.0f} MiB"


def test_the_largest_csv_body_accepted_costs_bounded_memory_and_writes_nothing_past_the_row_limit(service):
    """~63 MiB of base64: 1.4 million rows, each a new ProfileId (what grows with the rows)."""
    row = "".join(f"{i:032x},N\n" for i in range(1_400_000))
    body = json.dumps({"csv": base64.b64encode(("ProfileId,FirstName\n" + row).encode()).decode(),
                       "commit": True}).encode()
    assert len(body) < 64 * MIB
    growth, (code, _, answer) = growth_of(service, body, "big")
    assert code == 200 and not answer["committed"], answer
    assert answer["errors"][-1]["message"].startswith(f"the load has more than {MAX_LOAD_ROWS:,} rows")
    assert growth < GROWTH_LIMIT_MIB * MIB, f"grew {growth / MIB:.0f} MiB"
    _, port = service
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/_sandbox/domains/big/profiles?limit=1")
    response = conn.getresponse()
    assert response.status == 404, response.read()    # the domain was never made: nothing written
    conn.close()
