"""How long does ``python -m profiles_sandbox load`` take, and does it scale linearly?

Writes synthetic CSVs of each size (default 10,000 and 100,000 profiles, with Attributes and a
``Key.memberId`` column), then times, each as the real command line in a subprocess:
  - load into a NEW database file (seeded with demo first, as serving would),
  - load the same file again into that database (every row an update: UpdateProfile merges),
  - dump the domain back (and checks the dump loads back to the same profiles: equal dumps).
Then the ratio (issue 20): ``load`` of the largest file into a NEW database against its floor,
seeding the same number of synthetic profiles into a new database (the fastest path the store
has: a new file, indexes built afterwards; seeds ``demo`` too, as the load's default does), each
a fresh process, run in turns (load, floor, load, floor ...) so that both see the same machine;
the medians, their ratio and each one's peak memory (the child's maximum resident set size).
Goals: ratio <= 1.3, load's peak <= 250 MiB; 100,000 rows well under a minute; time(100k) /
time(10k) near 10 (linear).

    .venv/bin/python benchmarks/csv_load.py [--sizes 10000,100000] [--rounds 5]

Not a test: it measures, it does not pass or fail (exit code 0 unless something breaks).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from profiles_sandbox.demo import seed_synthetic, synthetic_profiles  # noqa: E402
from profiles_sandbox.store import open_store  # noqa: E402

GOAL_S = 60.0
GOAL_RATIO = 1.3
GOAL_PEAK_MIB = 250
SEED_FLOOR = ("import sys; from profiles_sandbox.demo import parse_seed; from profiles_sandbox.store import "
              "open_store; open_store(sys.argv[1], parse_seed(sys.argv[2])).close()")


def write_csv(path: Path, size: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["FirstName", "LastName", "PhoneNumber", "EmailAddress", "AccountNumber",
                         "Address.City", "Address.State", "Address.PostalCode", "Attributes.tier",
                         "Key.memberId"])
        for i, (_, fields, _) in enumerate(synthetic_profiles(size)):
            address = fields["Address"]
            writer.writerow([fields["FirstName"], fields["LastName"], fields["PhoneNumber"],
                             fields["EmailAddress"], fields["AccountNumber"], address["City"],
                             address["State"], address["PostalCode"], fields["Attributes"]["tier"],
                             f"M-{i:07d}"])


def cli(*args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "profiles_sandbox", *args], cwd=ROOT, capture_output=True,
                            text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args[:1])} failed ({result.returncode}): {result.stderr.strip()}")
    return elapsed


def timed_child(args: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak resident MiB) of one child process, which must exit 0.
    CPU time (user + system) is shown beside the wall time: on a shared machine it varies less."""
    started = time.perf_counter()
    child = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    error = child.stderr.read().decode() if child.stderr else ""
    child.stderr and child.stderr.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])} failed ({child.returncode}): {error.strip()}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024   # maxrss: KiB on Linux


def ratio_to_floor(size: int, workdir: Path, rounds: int) -> dict[str, list[tuple[float, float, float]]]:
    """Interleaved runs: load of ``size`` rows into a new database, and its floor."""
    source = workdir / f"in-{size}.csv"
    runs: dict[str, list[tuple[float, float, float]]] = {"load": [], "floor": []}
    for i in range(rounds):
        for kind in ("load", "floor") if i % 2 == 0 else ("floor", "load"):
            db = workdir / f"ratio-{kind}-{i}.sqlite3"
            if kind == "load":
                args = [sys.executable, "-m", "profiles_sandbox", "load", str(source), "--db", str(db),
                        "--domain", "crm"]
            else:
                args = [sys.executable, "-c", SEED_FLOOR, str(db), f"demo,synthetic:{size}"]
            runs[kind].append(timed_child(args))
            db.unlink()
    return runs


def measure(size: int, workdir: Path) -> dict[str, float]:
    source = workdir / f"in-{size}.csv"
    write_csv(source, size)
    db = workdir / f"load-{size}.sqlite3"
    times = {"create": cli("load", str(source), "--db", str(db), "--domain", "crm")}
    times["update"] = cli("load", str(source), "--db", str(db), "--domain", "crm")
    first, second = workdir / f"dump-{size}-a.csv", workdir / f"dump-{size}-b.csv"
    times["dump"] = cli("dump", "--db", str(db), "--domain", "crm", "--out", str(first))
    copy = workdir / f"copy-{size}.sqlite3"
    cli("load", str(first), "--db", str(copy), "--domain", "crm", "--seed", "none")
    cli("dump", "--db", str(copy), "--domain", "crm", "--out", str(second))
    if first.read_bytes() != second.read_bytes():
        raise SystemExit(f"the dump of {size:,} profiles did not load back to the same profiles")
    started = time.perf_counter()
    open_store(workdir / f"seed-{size}.sqlite3", [seed_synthetic(size)]).close()
    times["bulk seed"] = time.perf_counter() - started
    times["MB"] = source.stat().st_size / 1e6
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved runs of load and floor")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    with tempfile.TemporaryDirectory(prefix="csv-load-") as tmp:
        for size in sizes:
            results[size] = measure(size, Path(tmp))
        ratio_runs = ratio_to_floor(max(sizes), Path(tmp), args.rounds)
    print(f"{'rows':>9} {'CSV MB':>7} {'load new':>9} {'rows/s':>8} {'reload':>8} {'dump':>7} "
          f"{'bulk seed':>10} {'load/seed':>10}")
    for size, t in results.items():
        print(f"{size:>9,} {t['MB']:>7.1f} {t['create']:>8.1f}s {size / t['create']:>8,.0f} "
              f"{t['update']:>7.1f}s {t['dump']:>6.1f}s {t['bulk seed']:>9.1f}s "
              f"{t['create'] / t['bulk seed']:>9.1f}x")
    big, small = max(sizes), min(sizes)
    if big != small:
        ratio = results[big]["create"] / results[small]["create"]
        print(f"time({big:,}) / time({small:,}): load {ratio:.1f}, "
              f"reload {results[big]['update'] / results[small]['update']:.1f}, dump "
              f"{results[big]['dump'] / results[small]['dump']:.1f} (rows x{big / small:.0f})")
    verdict = "met" if results[big]["create"] < GOAL_S and results[big]["update"] < GOAL_S else "NOT met"
    print(f"goal: {big:,} rows well under {GOAL_S:.0f} s: {verdict}; every dump loaded back to the same "
          "profiles")
    def median(kind: str, i: int) -> float:
        return statistics.median(run[i] for run in ratio_runs[kind])

    load_peak = max(run[2] for run in ratio_runs["load"])
    floor_peak = max(run[2] for run in ratio_runs["floor"])
    ratio, cpu_ratio = median("load", 0) / median("floor", 0), median("load", 1) / median("floor", 1)
    print(f"\nload of {big:,} rows into a new database vs seeding {big:,} synthetic profiles "
          f"({args.rounds} interleaved runs each, medians):")
    for kind in ("load", "floor"):
        peak = load_peak if kind == "load" else floor_peak
        print(f"  {kind:<5} {median(kind, 0):6.2f} s wall ({big / median(kind, 0):,.0f} rows/s), "
              f"{median(kind, 1):6.2f} s CPU, peak {peak:5.0f} MiB")
    ok = ratio <= GOAL_RATIO and load_peak <= GOAL_PEAK_MIB
    print(f"  ratio {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU (goal <= {GOAL_RATIO}x); load peak "
          f"{load_peak:.0f} MiB (goal <= {GOAL_PEAK_MIB} MiB): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
