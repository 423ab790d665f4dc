"""What a click on Run lookup costs, relative to a one-button Streamlit page whose click draws one line.

In one run: starts two Streamlit servers (the app on a fresh data folder, and
benchmarks/one_button_app.py), opens the Lookup page in real Chromium with the demo phone number
(the Success branch, the history table filled by the warm-up clicks), then alternates batches of
``--clicks`` clicks on each page's "Run lookup" button. Per click it measures
  * the server's CPU time (user + system of the whole Streamlit process, read from /proc before
    the batch and after it; the app's process includes its in-process local service, which answers
    the lookup), divided by the clicks of the batch (/proc counts in ticks of 10 ms, so a batch);
  * the time in the page from the click to the frame painted after the run's last message.
Prints each batch pair, then medians and the ratios. Goal: CPU ratio <= 1.3.

    .venv/bin/python benchmarks/lookup_click.py [--rounds 7] [--clicks 10] [--warmup 10]

Not a test: timings depend on the machine; alternating batches share its noise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page  # noqa: E402

from benchmarks.builder_rerun import IDLE, side_by_side  # noqa: E402
from tests.e2e.conftest import wait_until_idle  # noqa: E402

PHONE = "CustomerEndpoint.Address"
DEMO_PHONE = "+15555550100"      # the demo data's one-profile phone: the Success branch
_TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (every thread), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * _TICK_S


def timed_click(page: Page) -> float:
    """Milliseconds from clicking Run lookup to the page being idle again."""
    count0 = page.evaluate("window.__messages.clickT = null, window.__messages.count")
    page.get_by_role("button", name="Run lookup").click()
    page.wait_for_function(IDLE, arg=count0, timeout=30_000, polling=50)
    return page.evaluate("window.__messages.painted - window.__messages.clickT")


def open_lookup(page: Page, url: str) -> None:
    page.goto(url + "/lookup")
    wait_until_idle(page)
    page.get_by_role("heading", name="Try the block: live lookup").wait_for()
    page.locator('[data-testid="stSidebar"]').get_by_text("Local sandbox at").wait_for(timeout=60_000)
    wait_until_idle(page)
    box = page.get_by_role("textbox", name=PHONE, exact=True)
    box.fill(DEMO_PHONE)
    box.press("Enter")
    wait_until_idle(page)


def batch(page: Page, pid: int, clicks: int) -> tuple[float, list[float]]:
    """CPU milliseconds per click of a batch, and each click's time in the page."""
    before = cpu_seconds(pid)
    walls = [timed_click(page) for _ in range(clicks)]
    return (cpu_seconds(pid) - before) * 1000 / clicks, walls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="pairs of batches (default 7)")
    parser.add_argument("--clicks", type=int, default=10, help="clicks per batch")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured clicks per page first")
    parser.add_argument("--app", type=Path, default=ROOT / "app.py", help="the app script (default app.py)")
    args = parser.parse_args()
    cpu: dict[str, list[float]] = {"lookup": [], "baseline": []}
    wall: dict[str, list[float]] = {"lookup": [], "baseline": []}
    with side_by_side(args.app, ROOT / "benchmarks" / "one_button_app.py") as pages:
        lookup, baseline = pages.app_page, pages.baseline_page
        open_lookup(lookup, pages.app_url)
        order = [("lookup", lookup, pages.app.pid), ("baseline", baseline, pages.baseline.pid)]
        for _ in range(args.warmup):
            for _name, page, _pid in order:
                timed_click(page)
        if not lookup.get_by_text("Success branch").count():
            raise SystemExit("the demo phone number did not take the Success branch")
        for i in range(args.rounds):
            pair = {}
            for name, page, pid in order if i % 2 == 0 else order[::-1]:
                pair[name], walls = batch(page, pid, args.clicks)
                cpu[name].append(pair[name])
                wall[name].extend(walls)
            ratio = pair["lookup"] / pair["baseline"]
            print(f"round {i + 1}: lookup {pair['lookup']:.1f} ms CPU/click, one-button "
                  f"{pair['baseline']:.1f} ms CPU/click, ratio {ratio:.2f}", flush=True)
    ratios = [a / b for a, b in zip(cpu["lookup"], cpu["baseline"], strict=True)]
    lc, bc = statistics.median(cpu["lookup"]), statistics.median(cpu["baseline"])
    lw, bw = statistics.median(wall["lookup"]), statistics.median(wall["baseline"])
    print(f"server CPU per click, median of {args.rounds} batches of {args.clicks}: lookup {lc:.1f} ms, "
          f"one-button {bc:.1f} ms; ratio {lc / bc:.2f} (median paired {statistics.median(ratios):.2f}, "
          f"min {min(ratios):.2f}, max {max(ratios):.2f}; goal <= 1.3)")
    print(f"click to painted, median of {len(wall['lookup'])} clicks: lookup {lw:.1f} ms, "
          f"one-button {bw:.1f} ms; ratio {lw / bw:.2f}")


if __name__ == "__main__":
    main()
