"""How long `streamlit run app.py` takes, on a fresh data folder, until the Build page is usable in
Chromium, relative to a one-checkbox Streamlit app (benchmarks/one_checkbox_app.py) started the same way.

Each sample: a new temporary data folder, `python -m streamlit run SCRIPT` (the project's
.streamlit/config.toml, headless, a free loopback port), the server's health URL polled every
10 ms, then a new Chromium context (empty cache) opens the app and waits until it is usable:
  * the app: the Build page's title, its section picker and its JSON preview (components.json_view)
    are drawn and the script run has finished (nothing "running");
  * the baseline: its checkbox is drawn and the script run has finished.
The time is from starting the process to that point. The app's sample also notes when the
sidebar's connection status (the local service's "Local sandbox at ..." line) appears, which the
goal does not include but a user sees soon after. Samples of the two alternate (which goes first
alternates too), ``--rounds`` times; the script prints each pair, the medians and their ratio.

    .venv/bin/python benchmarks/cold_start.py [--rounds 7] [--app app.py]

It runs `make compile` first, as `make run` does: with PYTHONDONTWRITEBYTECODE set (these machines)
the app's modules would otherwise be compiled again on every start.

Goal: ratio <= 1.3. Not a test: timings depend on the machine; the alternation shares its noise.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop  # noqa: E402

BASELINE = ROOT / "benchmarks" / "one_checkbox_app.py"
_IDLE = """(() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-script-state') !== 'running'
      && !document.querySelector('[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]')
      && document.querySelector('[data-testid="stSkeleton"]') === null;
})()"""
BUILD_USABLE = f"""() => {{
  const h = [...document.querySelectorAll('h1')]
    .some(e => e.textContent.includes('Build a Get profile block'));
  const picker = document.querySelector('[data-testid="stButtonGroup"]');
  const preview = document.querySelector('[data-testid="stHtml"] .studio-json code');
  return h && picker && preview && {_IDLE};
}}"""
CHECKBOX_USABLE = f"""() => !!document.querySelector('[data-testid="stCheckbox"] input') && {_IDLE}"""
SIDEBAR_CONNECTED = """() => [...document.querySelectorAll(
  '[data-testid="stSidebar"] [data-testid="stAlert"]')]
  .some(e => e.textContent.includes('Local sandbox at'))"""
TIMEOUT_MS = 60_000


def cold_start(browser: Browser, script: Path, usable_js: str,
               connected_js: str | None) -> tuple[float, float]:
    """Seconds from `streamlit run script` to usable in a fresh browser context, and to the
    sidebar's connection status (``connected_js``; nan when not asked)."""
    with tempfile.TemporaryDirectory() as data:
        started = time.perf_counter()
        proc, url = start_streamlit(script, Path(data) / "data", poll_s=0.01)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(url + "/")
            page.wait_for_function(usable_js, timeout=TIMEOUT_MS, polling=10)
            usable = time.perf_counter() - started
            connected = float("nan")
            if connected_js:
                page.wait_for_function(connected_js, timeout=TIMEOUT_MS, polling=10)
                connected = time.perf_counter() - started
            context.close()
            return usable, connected
        finally:
            stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="pairs of cold starts (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured pairs first (file caches)")
    parser.add_argument("--app", type=Path, default=ROOT / "app.py", help="the app script (default app.py)")
    args = parser.parse_args()
    # As `make run` starts it: the app's modules byte-compiled first (the Makefile's `compile`).
    subprocess.run(["make", "-s", "compile"], cwd=ROOT, check=True)
    runs = [("app", args.app, BUILD_USABLE, SIDEBAR_CONNECTED), ("baseline", BASELINE, CHECKBOX_USABLE, None)]
    samples: dict[str, list[float]] = {"app": [], "baseline": [], "connected": []}
    ratios: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for _ in range(args.warmup):
            for _name, script, usable, connected in runs:
                cold_start(browser, script, usable, connected)
        for i in range(args.rounds):
            pair: dict[str, float] = {}
            for name, script, usable, connected in runs if i % 2 == 0 else runs[::-1]:
                pair[name], status = cold_start(browser, script, usable, connected)
                if connected:
                    samples["connected"].append(status)
            samples["app"].append(pair["app"])
            samples["baseline"].append(pair["baseline"])
            ratios.append(pair["app"] / pair["baseline"])
            print(f"pair {i + 1}: app usable {pair['app']:.2f} s (sidebar connected "
                  f"{samples['connected'][-1]:.2f} s), one-checkbox {pair['baseline']:.2f} s, "
                  f"ratio {ratios[-1]:.2f}", flush=True)
        browser.close()
    app, base = statistics.median(samples["app"]), statistics.median(samples["baseline"])
    print(f"median of {args.rounds}: app usable {app:.2f} s, sidebar connected "
          f"{statistics.median(samples['connected']):.2f} s, one-checkbox {base:.2f} s")
    print(f"ratio of medians {app / base:.2f}; median paired ratio {statistics.median(ratios):.2f} "
          f"(min {min(ratios):.2f}, max {max(ratios):.2f}; goal <= 1.3)")


if __name__ == "__main__":
    main()
