"""Batch throughput: ``run_batch`` at several worker counts vs a sequential boto3 loop.

Starts the local Customer Profiles service in its own process with ``--latency-ms 30`` (a service
that takes 30 ms to answer, like a real one), then, in this process and one run:
  * a sequential loop of ``client.search_profiles(**request)`` over the same 2,000 searches the
    batch sends (the baseline; plain boto3, nothing of ours);
  * ``run_batch`` over the 2,000 contacts at 1, 4, 8, 16, 32 and 64 workers, on one shared client
    whose pool has as many connections as workers.
It prints rows per second, the ratio to the sequential loop (goal: at least 10x), and the CPU
used per row by this process (botocore, our code) and by the service, which shows where it tops
out: on 2 cores, rows/s cannot exceed 2 / (CPU per row, both sides).

    .venv/bin/python benchmarks/batch_throughput.py [--rows 2000] [--latency-ms 30] [--workers 1,4,8,16,32,64]

Not a test: it measures, it does not pass or fail.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.local_service import cpu_seconds, running_service  # noqa: E402
from profile_block.model.block import GetProfileBlock, Identifier  # noqa: E402
from profile_block.running import aws  # noqa: E402
from profile_block.running.batch import run_batch  # noqa: E402
from profile_block.running.batch_csv import TestContact  # noqa: E402
from profile_block.running.lookup import resolve_identifiers, search_request  # noqa: E402

GOAL = 10.0
# Demo numbers: one profile, a household of two, nobody (each branch the block can take).
NUMBERS = ("+15555550100", "+15555550111", "+15555550199", "+15555550140")
FIELDS = ["FirstName", "LastName", "EmailAddress", "City", "Attributes.tier"]
PHONE = "CustomerEndpoint.Address"


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def contacts(n: int) -> list[TestContact]:
    return [TestContact(i + 1, (), {PHONE: NUMBERS[i % len(NUMBERS)]}) for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--latency-ms", type=int, default=30)
    parser.add_argument("--workers", default="1,4,8,16,32,64")
    args = parser.parse_args()
    worker_counts = [int(w) for w in args.workers.split(",")]
    block = GetProfileBlock(identifiers=[Identifier("_phone", f"$.{PHONE}")], fields=FIELDS)
    rows = contacts(args.rows)
    requests = [search_request("demo", resolve_identifiers(block, r.contact), block.operator) for r in rows]

    with tempfile.TemporaryDirectory() as tmp, \
            running_service(Path(tmp) / "bench.sqlite3", "--latency-ms", str(args.latency_ms)) as (proc, url):
        connection = aws.Connection(endpoint_url=url, local_service=True)
        print(f"{args.rows:,} rows, service latency {args.latency_ms} ms, {os.cpu_count()} CPUs; "
              f"service pid {proc.pid}", flush=True)

        client = aws.get_client(connection)
        for request in requests[:20]:                      # warm-up: connection, botocore caches
            client.search_profiles(**request)
        cpu0, svc0, t0 = own_cpu(), cpu_seconds(proc.pid), time.perf_counter()
        for request in requests:
            client.search_profiles(**request)
        seq_s = time.perf_counter() - t0
        seq_rate = args.rows / seq_s
        results = [("sequential boto3 loop", seq_rate, 1.0, (own_cpu() - cpu0) / args.rows,
                    (cpu_seconds(proc.pid) - svc0) / args.rows)]
        print(f"sequential: {seq_s:.1f} s", flush=True)

        for workers in worker_counts:
            pooled = aws.get_client(connection, workers, retries=False)   # run_batch retries each row
            run_batch(pooled, block, rows[:workers * 4], "demo", workers=workers, on_row=lambda o: None)
            branches: dict[str, int] = {}

            def count(outcome, branches=branches) -> None:
                branches[outcome.lookup.branch] = branches.get(outcome.lookup.branch, 0) + 1

            cpu0, svc0 = own_cpu(), cpu_seconds(proc.pid)
            summary = run_batch(pooled, block, rows, "demo", workers=workers, on_row=count)
            if summary.rows != args.rows or branches.get("NoMatchingError"):
                raise SystemExit(f"{workers} workers: {summary.line()}")
            rate = summary.rate
            results.append((f"run_batch, {workers:>2} workers", rate, rate / seq_rate,
                            (own_cpu() - cpu0) / args.rows, (cpu_seconds(proc.pid) - svc0) / args.rows))
            print(f"{workers} workers: {summary.elapsed_s:.1f} s", flush=True)

    print()
    print(f"{'':24} | {'rows/s':>7} | {'x sequential':>12} | {'latency-bound':>13} | {'client CPU':>10} | "
          f"{'service CPU':>11} | {'CPU cores':>9}")
    print(f"{'':24} | {'':>7} | {'':>12} | {'ideal rows/s':>13} | {'ms/row':>10} | {'ms/row':>11} | "
          f"{'busy':>9}")
    print("-" * 104)
    one_worker = results[1][1] if len(results) > 1 and worker_counts[0] == 1 else seq_rate
    for row, workers in zip(results, [1, *worker_counts], strict=True):
        name, rate, ratio, client_cpu, service_cpu = row
        busy = (client_cpu + service_cpu) * rate
        print(f"{name:24} | {rate:7,.0f} | {ratio:12.1f} | {workers * one_worker:13,.0f} | "
              f"{client_cpu * 1000:10.2f} | {service_cpu * 1000:11.2f} | {busy:9.2f}")
    print(f"(latency-bound ideal: workers x the 1-worker rate; CPU cores busy: both processes' CPU per row x "
          f"rows/s, of {os.cpu_count()} cores shared with whatever else runs here)")
    best = max(results[1:], key=lambda r: r[1])
    print(f"\nbest: {best[0].split(', ')[1]} at {best[2]:.1f}x the sequential loop "
          f"({'meets' if best[2] >= GOAL else 'BELOW'} the {GOAL:.0f}x goal)")


if __name__ == "__main__":
    main()
