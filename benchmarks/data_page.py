"""Does the Data page stay fast as a domain grows?

For each size (default 1,000 and 100,000 profiles) this seeds a ``synthetic`` domain into its own
SQLite file, serves it with the local service, and times reruns of the Data page (AppTest: the
whole script, its HTTP calls to the service and the table it builds; not the browser's drawing)
on the first, a middle and the last page of 50 rows, and a search by phone, the sizes taking
turns rerun by rerun. Beside them, in the
same run, what a page that loaded the whole domain into pandas on each rerun would pay (export
the domain as CSV + pandas.read_csv), the design the page avoids.
Goal: a rerun at 100,000 within 1.5x of one at 1,000.

    .venv/bin/python benchmarks/data_page.py [--sizes 1000,100000] [--reruns 15]

Not a test: it measures, it does not pass or fail (exit code 0 unless something breaks).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from components.connection import LOCAL, ActiveConnection  # noqa: E402
from profile_block.running import aws, local_service  # noqa: E402
from profiles_sandbox.demo import SYNTHETIC_DOMAIN, seed_synthetic, synthetic_phone  # noqa: E402
from profiles_sandbox.server import start_in_thread  # noqa: E402
from profiles_sandbox.store import open_store  # noqa: E402

GOAL_RATIO = 1.5
PAGE_SIZE = 50


def open_page(endpoint: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "data.py"), default_timeout=120)
    at.session_state["connection"] = ActiveConnection(
        LOCAL, aws.Connection(endpoint_url=endpoint, local_service=True), SYNTHETIC_DOMAIN, True, "benchmark")
    return at


def scenarios(size: int) -> dict[str, dict[str, object]]:
    last = (size + PAGE_SIZE - 1) // PAGE_SIZE
    return {"first page": {"data_page": 1, "data_search": None},
            "middle page": {"data_page": last // 2 or 1, "data_search": None},
            "last page": {"data_page": last, "data_search": None},
            "search": {"data_search": ("_phone", synthetic_phone(size // 2))}}


def interleaved_ms(pages: dict[int, AppTest], name: str, reruns: int) -> dict[int, float]:
    """Median rerun time of scenario ``name`` for each size, the sizes taking turns run by run (so
    that a busy moment of the machine falls on both alike)."""
    for size, at in pages.items():
        for key, value in scenarios(size)[name].items():
            at.session_state[key] = value
        at.run()                                  # warm-up, and the state takes effect
        assert not at.exception, at.exception
    times: dict[int, list[float]] = {size: [] for size in pages}
    for _ in range(reruns):
        for size, at in pages.items():
            started = time.perf_counter()
            at.run()
            times[size].append((time.perf_counter() - started) * 1000)
    return {size: statistics.median(t) for size, t in times.items()}


def whole_domain_ms(endpoint: str, size: int) -> float:
    started = time.perf_counter()
    frame = pd.read_csv(io.BytesIO(local_service.export_csv(endpoint, SYNTHETIC_DOMAIN)), dtype=str)
    assert len(frame) == size
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--reruns", type=int, default=15)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[str, dict[int, float]] = {}
    with tempfile.TemporaryDirectory(prefix="data-page-") as tmp:
        running = {}
        try:
            for size in sizes:
                db = Path(tmp) / f"page-{size}.sqlite3"
                open_store(db, [seed_synthetic(size)]).close()
                running[size] = start_in_thread(db, seed="none")
            pages = {size: open_page(r.endpoint_url) for size, r in running.items()}
            for name in scenarios(sizes[0]):
                results[name] = interleaved_ms(pages, name, args.reruns)
            results["whole domain into pandas"] = {size: whole_domain_ms(r.endpoint_url, size)
                                                   for size, r in running.items()}
        finally:
            for r in running.values():
                r.stop()
    names = list(results)
    print(f"{'median ms':<26}" + "".join(f"{size:>12,}" for size in sizes) + f"{'ratio':>8}")
    small, big = min(sizes), max(sizes)
    for name in names:
        ratio = results[name][big] / results[name][small]
        print(f"{name:<26}" + "".join(f"{results[name][s]:>12.1f}" for s in sizes) + f"{ratio:>7.2f}x")
    worst = max(results[n][big] / results[n][small] for n in names if n != "whole domain into pandas")
    page = results["last page"][big]
    print(f"worst page-rerun ratio {big:,} / {small:,}: {worst:.2f}x (goal {GOAL_RATIO}x: "
          f"{'met' if worst <= GOAL_RATIO else 'NOT met'}); at {big:,} a whole-domain load costs "
          f"{results['whole domain into pandas'][big] / page:.0f}x a paged rerun")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
