"""python -m profiles_sandbox: loopback guard, one-line errors with exit 2, serving and logging."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from profiles_sandbox.server import start_in_thread

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


# --- stopping ------------------------------------------------------------------------------------
def test_sigterm_stops_cleanly_with_exit_0_and_no_wal_files(tmp_path):
    db = tmp_path / "term.sqlite3"
    proc = subprocess.Popen([sys.executable, "-m", "profiles_sandbox", "--port", "0", "--db", str(db)],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stderr.readline()
        assert "serving http://127.0.0.1:" in first, first
        client = make_client(first.split("serving ", 1)[1].split()[0])
        client.create_domain(DomainName="written", DefaultExpirationDays=30)   # the WAL holds a write
        assert Path(f"{db}-wal").exists()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        rest = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Traceback" not in rest
    assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists()


# --- --db paths it must not destroy -------------------------------------------------------------
def test_a_fifo_as_db_exits_2_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert_one_line_error(run_cli("--port", "0", "--db", str(fifo)), "is a named pipe (FIFO)")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]      # nothing built beside it


def test_a_folder_as_db_exits_2_and_is_untouched(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    assert_one_line_error(run_cli("--port", "0", "--db", str(folder)), "is a folder")
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


def test_links_to_a_fifo_or_to_nothing_exit_2_and_stay(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "to-pipe").symlink_to(fifo)
    (tmp_path / "dangling").symlink_to(tmp_path / "missing.sqlite3")
    assert_one_line_error(run_cli("--port", "0", "--db", str(tmp_path / "to-pipe")), "named pipe")
    assert_one_line_error(run_cli("--port", "0", "--db", str(tmp_path / "dangling")), "link to a missing")
    assert (tmp_path / "to-pipe").is_symlink() and (tmp_path / "dangling").is_symlink()
    assert not (tmp_path / "missing.sqlite3").exists()


def test_a_link_to_an_empty_file_builds_the_database_where_it_points(tmp_path):
    (tmp_path / "real.sqlite3").touch()
    (tmp_path / "link.sqlite3").symlink_to(tmp_path / "real.sqlite3")
    running = start_in_thread(tmp_path / "link.sqlite3", seed="demo")
    running.stop()
    assert (tmp_path / "link.sqlite3").is_symlink()
    assert (tmp_path / "real.sqlite3").read_bytes().startswith(b"SQLite format 3")


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` read-only for this user: chmod 444, or for root (who may write anything) the
    immutable attribute."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"as root, this test needs chattr +i to make a file read-only: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_database_exits_2_at_start(tmp_path):
    db = tmp_path / "ro.sqlite3"
    start_in_thread(db, seed="demo").stop()
    before = db.read_bytes()
    with read_only(db):
        assert_one_line_error(run_cli("--port", "0", "--db", str(db)), "is read-only")
        assert db.read_bytes() == before
