"""A fresh `streamlit run app.py`: the Build page is drawn before the local service is up, the
sidebar says it is starting, then fills in by itself, and never shows a wrong status."""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import Browser

from components.connection import STARTING
from tests.e2e.conftest import ROOT, start_streamlit, stop

SEEN = """() => ({
  alerts: [...document.querySelectorAll('[data-testid="stSidebar"] [data-testid="stAlert"]')]
    .map(e => (e.querySelector('[data-testid="stMarkdownContainer"]') || e).innerText.trim()),
  build: [...document.querySelectorAll('h1')].some(e => e.textContent.includes('Build a Get profile block')),
})"""


def test_the_sidebar_says_starting_then_connects_to_the_demo_data(browser: Browser, tmp_path: Path):
    proc, url = start_streamlit(ROOT / "app.py", tmp_path / "fresh-data")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(url)
        statuses: list[tuple[tuple[str, ...], bool]] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            seen = page.evaluate(SEEN)
            state = (tuple(seen["alerts"]), seen["build"])
            if not statuses or statuses[-1] != state:
                statuses.append(state)
            if any(a.startswith("Local sandbox at") for a in seen["alerts"]):
                break
            time.sleep(0.02)
        alerts = [a for shown, _ in statuses for a in shown]
        assert alerts, "the sidebar showed no status"
        assert alerts[-1].startswith("Local sandbox at") and alerts[-1].endswith("domain demo (demo data).")
        # Starting, shown beside the drawn Build page, and nothing else before the connection.
        assert ((STARTING,), True) in statuses
        assert set(alerts[:-1]) <= {STARTING, alerts[-1]}
        assert (tmp_path / "fresh-data" / "sandbox.sqlite3").is_file()
    finally:
        context.close()
        stop(proc)
