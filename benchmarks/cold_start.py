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

    .venv/bin/python benchmarks/cold_start.py [--rounds 7] [--app app.py] [--replay]

``--replay`` adds a third sample to each round: benchmarks/first_paint_replay_app.py, which sends
the browser the messages the app's own first run sent it (recorded once from the app's WebSocket
before the rounds) and does nothing else. The browser draws the same Build page and sidebar, with
none of the app's imports, local service or computation; its ratio is the floor of this first
paint, the part of the app's ratio that only a lighter page could lower.

It runs `make compile` first, as `make run` does: with PYTHONDONTWRITEBYTECODE set (these machines)
the app's modules would otherwise be compiled again on every start.

Goal: ratio <= 1.3. Not a test: timings depend on the machine; the alternation shares its noise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, sync_playwright  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop  # noqa: E402

BASELINE = ROOT / "benchmarks" / "one_checkbox_app.py"
REPLAY = ROOT / "benchmarks" / "first_paint_replay_app.py"
# What the replay sends again: what the first run drew (the session's own messages, new_session,
# script_finished and the status changes, come from the replay's own run).
REPLAYED = ("delta", "page_config_changed", "navigation", "page_info_changed")
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


def record_first_paint(browser: Browser, script: Path, into: Path) -> int:
    """Start ``script`` on a fresh data folder, open it until the Build page is usable and write
    what its first run drew, as the browser received it, to ``into`` (for REPLAY); the count."""
    frames: list[bytes] = []
    with tempfile.TemporaryDirectory() as data:
        proc, url = start_streamlit(script, Path(data) / "data", poll_s=0.05)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(frame)))
            page.goto(url + "/")
            page.wait_for_function(BUILD_USABLE, timeout=TIMEOUT_MS, polling=10)
            context.close()
        finally:
            stop(proc)
    kept = []
    for frame in frames:
        message = ForwardMsg()
        message.ParseFromString(frame)
        kind = message.WhichOneof("type")
        if kind == "script_finished":
            break
        if kind in REPLAYED:
            kept.append(frame)
    into.write_bytes(b"".join(len(frame).to_bytes(4, "big") + frame for frame in kept))
    return len(kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds of cold starts (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured rounds first (file caches)")
    parser.add_argument("--app", type=Path, default=ROOT / "app.py", help="the app script (default app.py)")
    parser.add_argument("--replay", action="store_true",
                        help="also time a replay of the app's own first paint (the page's floor)")
    args = parser.parse_args()
    # As `make run` starts it: the app's modules byte-compiled first (the Makefile's `compile`).
    subprocess.run(["make", "-s", "compile"], cwd=ROOT, check=True)
    runs = [("app", args.app, BUILD_USABLE, SIDEBAR_CONNECTED), ("baseline", BASELINE, CHECKBOX_USABLE, None)]
    if args.replay:
        runs.insert(1, ("replay", REPLAY, BUILD_USABLE, None))
    samples: dict[str, list[float]] = {name: [] for name, *_ in runs}
    ratios: dict[str, list[float]] = {name: [] for name, *_ in runs[:-1]}
    connected: list[float] = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as recording:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        if args.replay:
            messages = Path(recording) / "first-paint.bin"
            count = record_first_paint(browser, args.app, messages)
            os.environ["FIRST_PAINT_MESSAGES"] = str(messages)   # start_streamlit passes it on
            print(f"recorded the app's first paint: {count} messages", flush=True)
        for _ in range(args.warmup):
            for _name, script, usable, status in runs:
                cold_start(browser, script, usable, status)
        for i in range(args.rounds):
            pair: dict[str, float] = {}
            for name, script, usable, status in runs if i % 2 == 0 else runs[::-1]:
                pair[name], seen = cold_start(browser, script, usable, status)
                if status:
                    connected.append(seen)
            for name in samples:
                samples[name].append(pair[name])
            for name in ratios:
                ratios[name].append(pair[name] / pair["baseline"])
            print(f"round {i + 1}: app usable {pair['app']:.2f} s (sidebar connected {connected[-1]:.2f} s)"
                  + (f", replay {pair['replay']:.2f} s" if args.replay else "")
                  + f", one-checkbox {pair['baseline']:.2f} s; ratio "
                  + ", ".join(f"{name} {ratios[name][-1]:.2f}" for name in ratios), flush=True)
        browser.close()
    base = statistics.median(samples["baseline"])
    print(f"median of {args.rounds}: app usable {statistics.median(samples['app']):.2f} s, sidebar connected "
          f"{statistics.median(connected):.2f} s, one-checkbox {base:.2f} s")
    for name in ratios:
        label = "app" if name == "app" else "replay of the app's first paint (the page's floor)"
        goal = "goal <= 1.3" if name == "app" else "no goal of its own"
        print(f"{label}: ratio of medians {statistics.median(samples[name]) / base:.2f}; median paired "
              f"ratio {statistics.median(ratios[name]):.2f} (min {min(ratios[name]):.2f}, "
              f"max {max(ratios[name]):.2f}; {goal})")


if __name__ == "__main__":
    main()
