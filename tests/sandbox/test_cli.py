"""python -m profiles_sandbox: loopback guard, one-line errors with exit 2, serving and logging."""

from __future__ import annotations

import queue
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from .conftest import make_client

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "profiles_sandbox", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def assert_one_line_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_non_loopback_host_exits_2_with_one_line(tmp_path):
    result = run_cli("--host", "0.0.0.0", "--port", "0", "--db", str(tmp_path / "x.sqlite3"))
    assert_one_line_error(result, "not a loopback address")
    assert not (tmp_path / "x.sqlite3").exists()


@pytest.mark.parametrize("args, fragment", [
    (["--seed", "everything"], "unknown seed 'everything'"),
    (["--seed", "synthetic:lots"], "synthetic:N needs N"),
    (["--throttle-rate", "2"], "throttle_rate must be a number from 0 to 1"),
    (["--latency-ms", "-5"], "latency_ms must be a whole number"),
    (["--port", "abc"], "invalid int value: 'abc'"),
    (["--port", "70000"], "--port must be between 0 and 65535"),
    (["--no-such-flag"], "unrecognized arguments: --no-such-flag"),
])
def test_bad_arguments_exit_2_with_one_line(tmp_path, args, fragment):
    assert_one_line_error(run_cli("--db", str(tmp_path / "x.sqlite3"), *args), fragment)


def test_a_file_that_is_not_a_database_exits_2_with_one_line(tmp_path):
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("these are my notes, not a database\n" * 100)
    assert_one_line_error(run_cli("--port", "0", "--db", str(notes)), "cannot be used as a sandbox database")
    assert notes.read_text().startswith("these are my notes")  # untouched
    assert_one_line_error(run_cli("--port", "0", "--db", str(tmp_path)), "is a folder")


def test_port_in_use_exits_2_with_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("--port", str(port), "--db", str(tmp_path / "x.sqlite3"))
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{port}")


def test_serves_boto3_and_logs_one_line_per_request(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "profiles_sandbox", "--port", "0",
                             "--db", str(tmp_path / "cli.sqlite3")],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()
    try:
        first = lines.get(timeout=30)
        assert "serving http://127.0.0.1:" in first and "seeded with demo" in first
        url = first.split("serving ", 1)[1].split()[0]
        client = make_client(url)
        found = client.search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"])["Items"]
        assert len(found) == 1
        log = lines.get(timeout=10)
        assert "POST /domains/demo/profiles/search SearchProfiles 200" in log and "ms" in log
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
