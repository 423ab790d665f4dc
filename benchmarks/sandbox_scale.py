"""Does the local Customer Profiles service stay fast as a domain grows, for every kind of search?

For each size (default 1,000 / 100,000 / 1,000,000 profiles) this seeds a ``synthetic`` domain
into its own temporary SQLite file (timing the seeding), then serves every size at once, each
from its own ``python -m profiles_sandbox`` process, and times SearchProfiles through one unmodified
boto3 client over HTTP (MaxResults 5, as the block asks) for six kinds of search:

  hit          a phone number one profile has
  miss         a phone number nobody has
  multi (2)    a phone number a household of two shares
  name (many)  a full name about size/400 profiles share (the first page of 5, and a NextToken)
  AND          phone AND account number of the same profile
  OR           phone of one profile OR email of another

The sizes are interleaved: each round times every kind on every size, in a shuffled order, so
all sizes see the same machine (other work on it, caches, CPU frequency). Then, for the cold-cache
figure, each service is restarted with its database file's pages dropped from the OS cache
(``posix_fadvise DONTNEED``) and the first searches after the restart are timed.

It prints medians and 95th percentiles per kind and size, and median(largest) / median(smallest)
per kind. Goal: within 1.5x for every kind (indexed lookups, not scans).

    .venv/bin/python benchmarks/sandbox_scale.py [--sizes 1000,100000,1000000] [--rounds 150]

Not a test: it measures, it does not pass or fail (exit code 0 unless something breaks).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.local_service import start_service  # noqa: E402
from profile_block.running.lookup import search_request  # noqa: E402
from profiles_sandbox.demo import SYNTHETIC_DOMAIN, seed_synthetic, synthetic_phone  # noqa: E402
from profiles_sandbox.server import DEFAULT_ACCESS_KEY  # noqa: E402
from profiles_sandbox.store import open_store  # noqa: E402

GOAL_RATIO = 1.5
MAX_RESULTS = 5
# synthetic_profiles: profile i has phone synthetic_phone(i), email user{i}@synthetic.example.com,
# account S-{i:07d}; profile i (i % 100 == 99) also has the previous one's phone as HomePhoneNumber.
FIRST_NAMES_LAST_NAMES = ("Emma Johnson", "Liam Nguyen", "Ava Silva", "Noah Tanaka")


def _single(rng: random.Random, size: int) -> int:
    """A profile whose phone no other profile shares."""
    while True:
        i = rng.randrange(size)
        if i % 100 not in (98, 99) or size < 100:
            return i


def _search(key: str, value: str, *more: tuple[str, str], operator: str = "OR") -> dict[str, Any]:
    """The request a Get-profile block sends for these criteria (5 results at most)."""
    return search_request(SYNTHETIC_DOMAIN, [(key, value), *more], operator, MAX_RESULTS)


def _hit(rng: random.Random, size: int) -> dict[str, Any]:
    return _search("_phone", synthetic_phone(_single(rng, size)))


def _miss(rng: random.Random, size: int) -> dict[str, Any]:
    return _search("_phone", synthetic_phone(size + rng.randrange(1_000_000)))


def _multi(rng: random.Random, size: int) -> dict[str, Any]:
    household = rng.randrange(max(1, size // 100)) * 100 + 98
    return _search("_phone", synthetic_phone(min(household, size - 2)))


def _name(rng: random.Random, size: int) -> dict[str, Any]:
    return _search("_fullName", rng.choice(FIRST_NAMES_LAST_NAMES))


def _and(rng: random.Random, size: int) -> dict[str, Any]:
    i = _single(rng, size)
    return _search("_phone", synthetic_phone(i), ("_account", f"S-{i:07d}"), operator="AND")


def _or(rng: random.Random, size: int) -> dict[str, Any]:
    i, j = _single(rng, size), _single(rng, size)
    return _search("_phone", synthetic_phone(i), ("_email", f"user{j}@synthetic.example.com"), operator="OR")


# kind -> (request maker, what the result must look like: (items, has NextToken) -> ok)
KINDS: dict[str, tuple[Callable[[random.Random, int], dict[str, Any]], Callable[[int, bool], bool]]] = {
    "hit": (_hit, lambda n, more: n == 1 and not more),
    "miss": (_miss, lambda n, more: n == 0),
    "multi (2)": (_multi, lambda n, more: n == 2),
    "name (many)": (_name, lambda n, more: True),     # about size/400 matches: 0 to a few at 1,000
    "AND": (_and, lambda n, more: n == 1),
    "OR": (_or, lambda n, more: n in (1, 2)),
}


def make_client(url: str) -> Any:
    return boto3.client("customer-profiles", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id=DEFAULT_ACCESS_KEY, aws_secret_access_key=DEFAULT_ACCESS_KEY,
                        config=Config(retries={"total_max_attempts": 1}))


def timed_search(client: Any, kind: str, size: int, rng: random.Random) -> float:
    make, check = KINDS[kind]
    request = make(rng, size)
    started = time.perf_counter()
    response = client.search_profiles(**request)
    elapsed_ms = (time.perf_counter() - started) * 1000
    if not check(len(response["Items"]), bool(response.get("NextToken"))):
        raise RuntimeError(f"{kind} at {size:,}: unexpected {len(response['Items'])} items for {request}")
    return elapsed_ms


Timings = dict[tuple[int, str], list[float]]     # (size, kind) -> milliseconds


def interleaved(clients: dict[int, Any], rounds: int, rng: random.Random) -> Timings:
    """Every kind on every size per round, sizes in a new random order each round."""
    timings: Timings = {(s, k): [] for s in clients for k in KINDS}
    sizes = list(clients)
    for _ in range(rounds):
        rng.shuffle(sizes)
        for size in sizes:
            for kind in KINDS:
                timings[(size, kind)].append(timed_search(clients[size], kind, size, rng))
    return timings


def drop_from_page_cache(db: Path) -> None:
    """Ask the kernel to forget the cached pages of the database files (no root needed)."""
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        if path.exists():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]


def print_table(title: str, sizes: list[int], timings: Timings, spread: str = "p95") -> None:
    """Median and ``spread`` (p95, or max for few samples) per kind and size, and the median ratio."""
    small, large = min(sizes), max(sizes)
    high = p95 if spread == "p95" else max
    print(f"\n{title}")
    head = " | ".join(f"{f'{s:,}: median ({spread}) ms':>26}" for s in sizes)
    print(f"{'search':12} | {head} | {'median ratio':>12}")
    print("-" * (32 + 29 * len(sizes)))
    for kind in KINDS:
        cells = " | ".join(f"{statistics.median(ms):>15.2f} ({high(ms):>7.2f})"
                           for ms in (timings[(s, kind)] for s in sizes))
        ratio = statistics.median(timings[(large, kind)]) / statistics.median(timings[(small, kind)])
        print(f"{kind:12} | {cells} | {ratio:12.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000,1000000",
                        help="comma-separated domain sizes (default 1000,100000,1000000)")
    parser.add_argument("--rounds", type=int, default=150, help="timed rounds (default 150)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed rounds first (default 20)")
    parser.add_argument("--cold", type=int, default=12, help="searches timed after each cold restart")
    parser.add_argument("--workdir", help="where the temporary databases go (default: system temp)")
    args = parser.parse_args(argv)
    try:
        sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
        if any(s < 100 for s in sizes) or len(set(sizes)) != len(sizes):
            raise ValueError
    except ValueError:
        parser.error(f"--sizes must be different whole numbers of at least 100, got {args.sizes!r}")

    rng = random.Random(2024)
    with tempfile.TemporaryDirectory(prefix="sandbox-scale-", dir=args.workdir) as tmp:
        workdir = Path(tmp)
        seeding: dict[int, tuple[float, float]] = {}
        dbs = {size: workdir / f"scale-{size}.sqlite3" for size in sizes}
        for size, db in dbs.items():
            print(f"seeding {size:,} profiles ...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            open_store(db, [seed_synthetic(size)]).close()
            seeding[size] = (time.perf_counter() - started,
                             sum(p.stat().st_size for p in workdir.glob(f"scale-{size}.sqlite3*")) / 1e6)

        services: dict[int, tuple[subprocess.Popen, str]] = {}
        try:
            for size, db in dbs.items():      # inside the try: a failed start stops the ones started
                services[size] = start_service(db, "--seed", "none")
            clients = {size: make_client(url) for size, (_, url) in services.items()}
            print("warm, interleaved ...", file=sys.stderr, flush=True)
            interleaved(clients, args.warmup, rng)
            warm = interleaved(clients, args.rounds, rng)

            print("cold restarts ...", file=sys.stderr, flush=True)
            cold: Timings = {(s, k): [] for s in sizes for k in KINDS}
            for _ in range(args.cold):
                for size in sizes:
                    proc, _url = services[size]
                    proc.terminate()
                    proc.wait(timeout=10)
                    drop_from_page_cache(dbs[size])
                    services[size] = start_service(dbs[size], "--seed", "none")
                    client = make_client(services[size][1])
                    # Warm the new client and the new process's code, not the data: a search in a
                    # domain that does not exist reads only the tiny domains table.
                    with contextlib.suppress(client.exceptions.ResourceNotFoundException):
                        client.search_profiles(**{**_search("_phone", "+1"), "DomainName": "warm-up"})
                    kinds = list(KINDS)
                    rng.shuffle(kinds)
                    # The first search after the restart meets an empty cache; time one of each kind.
                    for kind in kinds:
                        cold[(size, kind)].append(timed_search(client, kind, size, rng))
        finally:
            for proc, _ in services.values():
                proc.terminate()
                proc.wait(timeout=10)

    print(f"{'profiles':>10} | {'seed s':>7} | {'seed profiles/s':>15} | {'db MB':>7}")
    print("-" * 48)
    for size in sizes:
        seconds, mb = seeding[size]
        print(f"{size:>10,} | {seconds:>7.1f} | {size / seconds:>15,.0f} | {mb:>7.0f}")
    print_table(f"warm cache, {args.rounds} interleaved rounds (each kind once per size per round)",
                sizes, warm)
    print_table(f"cold cache: {args.cold} restarts of each service with its file dropped from the OS cache; "
                "the first search of each kind after a restart", sizes, cold, spread="max")
    worst = max(statistics.median(warm[(max(sizes), k)]) / statistics.median(warm[(min(sizes), k)])
                for k in KINDS)
    print(f"\nworst warm median ratio {max(sizes):,} / {min(sizes):,}: {worst:.2f}  "
          f"({'within' if worst <= GOAL_RATIO else 'OVER'} the {GOAL_RATIO} goal)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
