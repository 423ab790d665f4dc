"""SQLite storage: restarts keep data without re-seeding, kill -9 loses nothing acknowledged,
searches use the index, the synthetic seed bulk-loads."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from profiles_sandbox.demo import DEMO_DOMAIN, SYNTHETIC_DOMAIN, synthetic_phone
from profiles_sandbox.server import start_in_thread
from profiles_sandbox.store import SEARCH_INDEX_NAME, Store, StoreUnusable, check_database_path

from .conftest import http, make_client, search

ROOT = Path(__file__).resolve().parents[2]


def test_restart_keeps_data_and_does_not_seed_again(tmp_path):
    db = tmp_path / "nested" / "folder" / "sandbox.sqlite3"
    first = start_in_thread(db, seed="demo")
    client = make_client(first.endpoint_url)
    seeded = client.get_domain(DomainName=DEMO_DOMAIN)["Stats"]["ProfileCount"]
    new_id = client.create_profile(DomainName=DEMO_DOMAIN, FirstName="Kept",
                                   PhoneNumber="+15559990000")["ProfileId"]
    client.create_domain(DomainName="mine", DefaultExpirationDays=7)
    first.stop()
    first.stop()  # idempotent

    second = start_in_thread(db, seed="demo")
    try:
        client = make_client(second.endpoint_url)
        assert client.get_domain(DomainName=DEMO_DOMAIN)["Stats"]["ProfileCount"] == seeded + 1
        assert [p["ProfileId"] for p in search(client, DEMO_DOMAIN, "_phone", "+15559990000")] == [new_id]
        assert len(search(client, DEMO_DOMAIN, "_phone", "+15555550100")) == 1
        assert sorted(d["DomainName"] for d in client.list_domains()["Items"]) == ["demo", "mine"]
    finally:
        second.stop()


def test_seed_none_starts_empty_and_stop_frees_the_port(tmp_path):
    running = start_in_thread(tmp_path / "empty.sqlite3", seed="none")
    assert make_client(running.endpoint_url).list_domains()["Items"] == []
    running.stop()
    with pytest.raises(OSError):
        http("GET", f"{running.endpoint_url}/_sandbox/health")


def test_start_in_thread_rejects_remote_hosts_and_bad_seeds(tmp_path):
    with pytest.raises(ValueError, match="loopback"):
        start_in_thread(tmp_path / "x.sqlite3", host="0.0.0.0")
    with pytest.raises(ValueError, match="unknown seed"):
        start_in_thread(tmp_path / "x.sqlite3", seed="everything")
    assert not (tmp_path / "x.sqlite3").exists()


def test_a_seeding_crash_leaves_no_half_built_file(tmp_path):
    """A build file of a dead process is removed; the real name only ever holds a finished file."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    leftover = tmp_path / f"s.sqlite3-building-{dead.stdout.strip()}-1"
    leftover.write_bytes(b"half a database")
    running = start_in_thread(tmp_path / "s.sqlite3", seed="demo")
    try:
        assert not leftover.exists()
        assert [p.name for p in tmp_path.glob("*-building-*")] == []
        stats = make_client(running.endpoint_url).get_domain(DomainName=DEMO_DOMAIN)["Stats"]
        assert stats["ProfileCount"] > 0
    finally:
        running.stop()


def test_synthetic_seed_bulk_loads_searchable_profiles(tmp_path):
    running = start_in_thread(tmp_path / "syn.sqlite3", seed="synthetic:3000")
    try:
        client = make_client(running.endpoint_url)
        assert client.get_domain(DomainName=SYNTHETIC_DOMAIN)["Stats"]["ProfileCount"] == 3000
        (one,) = search(client, SYNTHETIC_DOMAIN, "_phone", synthetic_phone(1234))
        assert one["AccountNumber"] == "S-0001234"
        assert len(search(client, SYNTHETIC_DOMAIN, "_phone", synthetic_phone(98))) == 2  # household
        assert [d["DomainName"] for d in client.list_domains()["Items"]] == [SYNTHETIC_DOMAIN]
    finally:
        running.stop()


def test_every_search_statement_uses_the_index(sandbox):
    """EXPLAIN QUERY PLAN: the search path never scans a table."""
    store = Store(sandbox.db_path)
    try:
        cases = [([("_phone", ["+15555550100"])], "OR"),
                 ([("_phone", ["+15555550100", "+15555550111"]), ("_email", ["a@example.com"]),
                   ("loyaltyId", ["LOY-1001"])], "OR"),
                 ([("_phone", ["+15555550100"]), ("_account", ["A-1001"])], "AND")]
        for criteria, operator in cases:
            plans = store.explain_search(DEMO_DOMAIN, criteria, operator)
            assert set(plans) == {"match", "fetch", *(f"found_by:{k}" for k, _ in criteria)}
            for name, lines in plans.items():
                assert not [line for line in lines if line.startswith("SCAN")], (name, lines)
                searches = [line for line in lines if line.startswith("SEARCH")]
                assert searches, (name, lines)
                for line in searches:
                    assert f"INDEX {SEARCH_INDEX_NAME}" in line or "PRIMARY KEY" in line, (name, line)
            assert any(f"COVERING INDEX {SEARCH_INDEX_NAME}" in line for line in plans["match"])
    finally:
        store.close()


WRITER = """
import sys, boto3
from botocore.config import Config
client = boto3.client("customer-profiles", endpoint_url=sys.argv[1], region_name="us-east-1",
                      aws_access_key_id="sandbox", aws_secret_access_key="sandbox",
                      config=Config(retries={"total_max_attempts": 1}))
"""


def _serve(db: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "profiles_sandbox", "--port", "0", "--db", str(db),
                             "--seed", "none", "--quiet"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    assert "serving http://" in line, line
    return proc, line.split("serving ", 1)[1].split()[0]


def test_kill_9_mid_writes_keeps_every_acknowledged_write_and_a_consistent_file(tmp_path):
    db = tmp_path / "crash.sqlite3"
    proc, url = _serve(db)
    client = make_client(url)
    client.create_domain(DomainName="crash", DefaultExpirationDays=1)
    acknowledged: list[str] = []
    stop = threading.Event()

    def write() -> None:
        writer = make_client(url)
        while not stop.is_set():
            try:
                acknowledged.append(writer.create_profile(DomainName="crash", FirstName="W",
                                                          PhoneNumber="+15550000000")["ProfileId"])
            except Exception:  # the server is gone
                return

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stop.set()
    for t in threads:
        t.join()
    assert len(acknowledged) >= 150

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute("SELECT count(*) FROM profiles").fetchone()[0]
        counter = conn.execute("SELECT profile_count FROM domains WHERE name = 'crash'").fetchone()[0]
        indexed = conn.execute("SELECT count(DISTINCT profile_seq) FROM search_index "
                               "WHERE key_name = '_phone'").fetchone()[0]
    assert rows == counter == indexed  # no write half-applied
    assert rows >= len(acknowledged)   # nothing acknowledged was lost

    proc, url = _serve(db)  # and it serves again from the same file
    try:
        found = {p["ProfileId"] for p in search(make_client(url), "crash", "_phone", "+15550000000")}
        assert set(acknowledged) <= found
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=15)


def test_dev_null_is_refused_by_its_type_alone():
    """The check only stats the path (it never opens it): /dev/null is safe to ask about."""
    with pytest.raises(StoreUnusable, match="/dev/null is a character device, not a regular file"):
        check_database_path(Path("/dev/null"))
