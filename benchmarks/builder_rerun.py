"""How long a field tick takes on the Build page, relative to a one-checkbox Streamlit page.

In one run: starts two Streamlit servers (the app, and benchmarks/one_checkbox_app.py, both
with the project's .streamlit/config.toml), loads the Build page with a maximal block (5 criteria,
all 55 fields, 10 custom attributes) through the page's own import and opens every field group
(the worst honest case: all 55 ticked fields on screen), then in real Chromium alternates clicks
on a field of the Build page and on the checkbox of the baseline page. Each sample is measured
inside the page, from the click event to the frame painted after the last message of the run
it caused. Repeats the whole alternation ``--rounds`` times and prints each round's medians and
ratio, then the median ratio and its spread over the rounds.

    .venv/bin/python benchmarks/builder_rerun.py [--rounds 3] [--clicks 20] [--warmup 5]

Goal: ratio <= 1.5. Not a test: timings depend on the machine; the ratio shares its noise
(other work on the machine slows both pages alike, since samples alternate).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from profile_block.model.fields import GROUPS, STANDARD_FIELDS  # noqa: E402
from tests.app.flows import maximal_action  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop, wait_until_idle  # noqa: E402

# Installed before the page loads: notes when each message from the server arrives and the
# second animation frame after it (the frame that shows what the message changed).
WATCH_MESSAGES = """(() => {
  const Native = window.WebSocket;
  const m = window.__messages = {count: 0, last: 0, painted: 0, clickT: null};
  function Watched(...args) {
    const ws = new Native(...args);
    ws.addEventListener('message', () => {
      m.count += 1; m.last = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() => { m.painted = performance.now(); }));
    });
    return ws;
  }
  Watched.prototype = Native.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Watched[k] = Native[k];
  window.WebSocket = Watched;
  document.addEventListener('click', () => { if (m.clickT === null) m.clickT = performance.now(); }, true);
})();"""
# Idle: the run the click caused has finished (no message for QUIET_MS, script state not
# running) and the frame after its last message was painted. Streamlit can batch a fast run's
# "running" and "finished" into one render, so the state attribute alone misses fast runs.
QUIET_MS = 300
IDLE = f"""(count0) => {{
  const m = window.__messages, now = performance.now();
  const app = document.querySelector('[data-testid="stApp"]');
  return m.count > count0 && now - m.last > {QUIET_MS} && m.painted > m.last
      && app.getAttribute('data-test-script-state') !== 'running';
}}"""


@dataclass
class SideBySide:
    """The app and a baseline page, each served by its own `streamlit run` and shown in its own
    browser (each page stays the visible, foreground one, so animation frames are never throttled
    as they are in background tabs), both watching their messages (WATCH_MESSAGES)."""

    app: subprocess.Popen
    app_url: str
    app_page: Page
    baseline: subprocess.Popen
    baseline_page: Page


@contextlib.contextmanager
def side_by_side(app_script: Path, baseline_script: Path) -> Iterator[SideBySide]:
    """Start both servers (fresh data folders) and browsers; the baseline page is open and idle,
    the app page blank (each benchmark opens its own page of the app)."""
    with tempfile.TemporaryDirectory() as data:
        app, app_url = start_streamlit(app_script, Path(data) / "app")
        base, base_url = start_streamlit(baseline_script, Path(data) / "base")
        try:
            with sync_playwright() as p:
                browsers = [p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                            for _ in range(2)]
                app_page, baseline_page = (b.new_page(viewport={"width": 1400, "height": 1000})
                                           for b in browsers)
                for page in (app_page, baseline_page):
                    page.add_init_script(WATCH_MESSAGES)
                baseline_page.goto(base_url)
                wait_until_idle(baseline_page)
                yield SideBySide(app, app_url, app_page, base, baseline_page)
                for b in browsers:
                    b.close()
        finally:
            stop(app)
            stop(base)


def clickable(page: Page, name: str):
    """The baseline's checkbox ``name`` (its label: Streamlit draws over the input), or the Build
    page's field pill ``name``."""
    checkbox = page.locator('[data-testid="stCheckbox"] label').filter(has=page.get_by_text(name, exact=True))
    return checkbox.or_(page.get_by_role("button", name=name, exact=True))


def timed_click(page: Page, name: str) -> float:
    """Milliseconds from clicking the checkbox or field ``name`` to the page being idle again."""
    count0 = page.evaluate("window.__messages.clickT = null, window.__messages.count")
    clickable(page, name).click()
    page.wait_for_function(IDLE, arg=count0, timeout=30_000, polling=50)
    return page.evaluate("window.__messages.painted - window.__messages.clickT")


def load_maximal_block(page: Page, url: str) -> None:
    """The maximal block, imported through the page, on the Response fields section with every group open."""
    page.goto(url)
    wait_until_idle(page)
    page.get_by_text("Import a flow or a block").click()
    page.get_by_role("tab", name="Paste JSON").click()
    page.get_by_label("Flow or action JSON").fill(json.dumps(maximal_action("benchmark-max")))
    page.get_by_role("button", name="Load", exact=True).click()
    page.get_by_text("Loaded block benchmark-max").wait_for()
    wait_until_idle(page)
    page.get_by_text("Response fields", exact=True).click()
    page.get_by_text("Worst-case attribute budget").wait_for()
    wait_until_idle(page)
    for group in GROUPS:
        summary = page.locator('[data-testid="stExpander"] summary').filter(has_text=f"{group} · ")
        if summary.locator("xpath=..").get_attribute("open") is None:
            summary.click()
            wait_until_idle(page)
    try:
        for entry in STANDARD_FIELDS:
            pill = page.get_by_role("button", name=entry.name, exact=True)
            expect(pill).to_have_attribute("aria-pressed", "true", timeout=30_000)
    except AssertionError:
        out = ROOT / "benchmarks" / "out"
        out.mkdir(exist_ok=True)
        page.screenshot(path=str(out / "load-failed.png"), full_page=True)
        raise SystemExit(f"the maximal block did not load (see {out / 'load-failed.png'})") from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of alternating clicks (default 3)")
    parser.add_argument("--clicks", type=int, default=20, help="measured clicks per page and round")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured clicks per page first")
    parser.add_argument("--app", type=Path, default=ROOT / "app.py", help="the app script (default app.py)")
    args = parser.parse_args()

    rounds: list[dict[str, list[float]]] = []
    with side_by_side(args.app, ROOT / "benchmarks" / "one_checkbox_app.py") as pages:
        build, baseline = pages.app_page, pages.baseline_page
        load_maximal_block(build, pages.app_url + "/")
        baseline.get_by_role("checkbox", name="Tick me").wait_for()
        order = [("build", build, "FirstName"), ("baseline", baseline, "Tick me")]
        for _ in range(args.warmup):
            for _label, page, name in order:
                timed_click(page, name)
        for _ in range(args.rounds):
            samples: dict[str, list[float]] = {"build": [], "baseline": []}
            for i in range(args.clicks):
                # Alternate which page goes first so both see the same drift.
                for label, page, name in order if i % 2 == 0 else reversed(order):
                    samples[label].append(timed_click(page, name))
                    time.sleep(0.05)
            rounds.append(samples)
            _print_round(len(rounds), samples)

    ratios = [statistics.median(r["build"]) / statistics.median(r["baseline"]) for r in rounds]
    every = {k: [v for r in rounds for v in r[k]] for k in ("build", "baseline")}
    print(f"all {len(rounds)} rounds: Build median {statistics.median(every['build']):.1f} ms, "
          f"one-checkbox median {statistics.median(every['baseline']):.1f} ms")
    print(f"ratio: median of rounds {statistics.median(ratios):.2f} "
          f"(min {min(ratios):.2f}, max {max(ratios):.2f}; goal <= 1.5)")


def _print_round(n: int, samples: dict[str, list[float]]) -> None:
    build, base = samples["build"], samples["baseline"]
    print(f"round {n}: Build (all groups open, every field ticked) median {statistics.median(build):.1f} ms "
          f"(p10 {_pct(build, 10):.1f}, p90 {_pct(build, 90):.1f}); one-checkbox median "
          f"{statistics.median(base):.1f} ms (p10 {_pct(base, 10):.1f}, p90 {_pct(base, 90):.1f}); "
          f"ratio {statistics.median(build) / statistics.median(base):.2f}", flush=True)


def _pct(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100)[pct - 1] if len(values) > 1 else values[0]


if __name__ == "__main__":
    main()
