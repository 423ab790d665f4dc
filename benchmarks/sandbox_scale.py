"""Does the local Customer Profiles service stay fast as a domain grows?

For each size (default 1,000 / 100,000 / 1,000,000 profiles) this seeds a ``synthetic`` domain
into its own temporary SQLite file, starts the sandbox on it, and times SearchProfiles through an
unmodified boto3 client over HTTP on random existing phone numbers. It prints the seeding rate,
the median and 95th-percentile search latency, and median(largest) / median(smallest).
Goal: median at 1M within 1.5x of the median at 1k (an indexed lookup, not a scan).

    .venv/bin/python benchmarks/sandbox_scale.py [--sizes 1000,100000,1000000] [--searches 200]

Not a test: it measures, it does not pass or fail (exit code 0 unless something breaks).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from profiles_sandbox.demo import SYNTHETIC_DOMAIN, seed_synthetic, synthetic_phone  # noqa: E402
from profiles_sandbox.server import DEFAULT_ACCESS_KEY, start_in_thread  # noqa: E402
from profiles_sandbox.store import open_store  # noqa: E402

GOAL_RATIO = 1.5


@dataclass
class Result:
    size: int
    seed_s: float
    db_mb: float
    median_ms: float
    p95_ms: float

    @property
    def seed_rate(self) -> float:
        return self.size / self.seed_s


def measure(size: int, searches: int, warmup: int, workdir: Path, rng: random.Random) -> Result:
    db = workdir / f"scale-{size}.sqlite3"
    started = time.perf_counter()
    open_store(db, [seed_synthetic(size)]).close()
    seed_s = time.perf_counter() - started
    db_mb = sum(p.stat().st_size for p in workdir.glob(f"scale-{size}.sqlite3*")) / 1e6

    running = start_in_thread(db, seed="none")  # an existing file: served as it is
    try:
        client = boto3.client("customer-profiles", endpoint_url=running.endpoint_url, region_name="us-east-1",
                              aws_access_key_id=DEFAULT_ACCESS_KEY, aws_secret_access_key="sandbox",
                              config=Config(retries={"total_max_attempts": 1}))
        timings = []
        for n in range(warmup + searches):
            phone = synthetic_phone(rng.randrange(size))
            t0 = time.perf_counter()
            items = client.search_profiles(DomainName=SYNTHETIC_DOMAIN, KeyName="_phone",
                                           Values=[phone])["Items"]
            elapsed = time.perf_counter() - t0
            if not items:
                raise RuntimeError(f"{phone} should exist in the {size:,}-profile domain")
            if n >= warmup:
                timings.append(elapsed * 1000)
    finally:
        running.stop()
    timings.sort()
    return Result(size, seed_s, db_mb, statistics.median(timings), timings[int(0.95 * (len(timings) - 1))])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000,1000000",
                        help="comma-separated domain sizes (default 1000,100000,1000000)")
    parser.add_argument("--searches", type=int, default=200, help="timed searches per size (default 200)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed searches first (default 30)")
    parser.add_argument("--workdir", help="where the temporary databases go (default: system temp)")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
        if any(s < 1 for s in sizes):
            raise ValueError
    except ValueError:
        parser.error(f"--sizes must be positive whole numbers separated by commas, got {args.sizes!r}")

    rng = random.Random(2024)
    workdir = Path(tempfile.mkdtemp(prefix="sandbox-scale-", dir=args.workdir))
    results = []
    try:
        for size in sizes:
            print(f"seeding and searching {size:,} profiles ...", file=sys.stderr, flush=True)
            results.append(measure(size, args.searches, args.warmup, workdir, rng))
            (workdir / f"scale-{size}.sqlite3").unlink()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"{'profiles':>10} | {'seed s':>7} | {'seed profiles/s':>15} | {'db MB':>7} | "
          f"{'median ms':>9} | {'p95 ms':>7}")
    print("-" * 71)
    for r in results:
        print(f"{r.size:>10,} | {r.seed_s:>7.1f} | {r.seed_rate:>15,.0f} | {r.db_mb:>7.0f} | "
              f"{r.median_ms:>9.2f} | {r.p95_ms:>7.2f}")
    if len(results) > 1:
        small, large = min(results, key=lambda r: r.size), max(results, key=lambda r: r.size)
        ratio = large.median_ms / small.median_ms
        verdict = "within" if ratio <= GOAL_RATIO else "OVER"
        print(f"\nmedian({large.size:,}) / median({small.size:,}) = {ratio:.2f}  "
              f"({verdict} the {GOAL_RATIO} goal)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
