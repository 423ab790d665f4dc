"""Loads into a new database from several real processes at once, and loads killed with -9:
every load that reports success is in the file afterwards, and no ``*-building-*`` file stays."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from profiles_sandbox.demo import synthetic_profiles

ROOT = Path(__file__).resolve().parents[2]
BOUND_S = 300        # generous: the machine is shared; never an assertion about speed


def write_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["FirstName", "LastName", "PhoneNumber", "Address.City"])
        for _, fields, _ in synthetic_profiles(rows):
            writer.writerow([fields["FirstName"], fields["LastName"], fields["PhoneNumber"],
                             fields["Address"]["City"]])
    return path


def start_load(source: Path, db: Path, domain: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "profiles_sandbox", "load", str(source), "--db", str(db),
                             "--domain", domain], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def profile_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {name: count for name, count in conn.execute(
            "SELECT d.name, count(p.seq) FROM domains d LEFT JOIN profiles p ON p.domain_id = d.id "
            "GROUP BY d.name")}


def building_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*-building-*"))


def test_four_loads_into_one_new_database_at_once_all_land(tmp_path):
    source = write_csv(tmp_path / "in.csv", 20_000)
    db = tmp_path / "new" / "shared.sqlite3"
    loads = {f"r{i}": start_load(source, db, f"r{i}") for i in range(4)}
    outcomes = {domain: (proc.wait(timeout=BOUND_S), *proc.communicate()) for domain, proc in loads.items()}
    counts = profile_counts(db)
    for domain, (code, out, err) in outcomes.items():
        assert code in (0, 2), (domain, code, err)
        if code == 0:      # reported success: it is in the file
            assert f"loaded domain {domain}" in out and "20,000 created" in out, out
            assert counts.get(domain) == 20_000, (domain, counts)
        else:              # a loser that did not wait says why, in one line
            assert len(err.strip().splitlines()) == 1 and err.startswith("profiles_sandbox: error:"), err
    assert sum(code == 0 for code, _, _ in outcomes.values()) >= 1
    assert building_files(db.parent) == []


def test_a_load_killed_with_minus_9_leaves_no_building_file_after_the_next_start(tmp_path):
    source = write_csv(tmp_path / "big.csv", 200_000)
    db = tmp_path / "killed.sqlite3"
    proc = start_load(source, db, "big")
    deadline = time.monotonic() + BOUND_S
    while not building_files(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert building_files(tmp_path), "the load ended before it was killed: nothing to clean up"
    assert not db.exists()
    # The database is then made by other means (a copy of another sandbox file), and the next
    # start opens that existing file: the dead load's files go then, not at some later build.
    other = tmp_path / "other.sqlite3"
    small = write_csv(tmp_path / "small.csv", 10)
    assert start_load(small, other, "small").wait(timeout=BOUND_S) == 0
    shutil.copy(other, db)
    assert building_files(tmp_path) != []
    done = subprocess.run([sys.executable, "-m", "profiles_sandbox", "dump", "--db", str(db), "--domain",
                           "small"], cwd=ROOT, capture_output=True, text=True, timeout=BOUND_S)
    assert done.returncode == 0, done.stderr
    assert building_files(tmp_path) == []
    assert profile_counts(db) == {"demo": profile_counts(other)["demo"], "small": 10}
