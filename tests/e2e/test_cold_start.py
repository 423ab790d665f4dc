"""A fresh `streamlit run app.py`: the local service starts with the server, before any browser asks;
the first page finds it (or, were it still starting, says so and fills in by itself), and the sidebar
never shows a wrong status. The starting status itself: tests/app/test_service_starting.py."""

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


def test_the_service_starts_with_the_server_and_the_first_page_connects_to_it(browser: Browser,
                                                                               tmp_path: Path):
    database = tmp_path / "fresh-data" / "sandbox.sqlite3"
    proc, url = start_streamlit(ROOT / "app.py", tmp_path / "fresh-data")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        # No browser has asked yet: the server started it (it creates its database on start).
        deadline = time.monotonic() + 30
        while not database.is_file():
            assert time.monotonic() < deadline, "the local service did not start with the server"
            time.sleep(0.02)
        page = context.new_page()
        page.goto(url)
        statuses: list[tuple[tuple[str, ...], bool]] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            seen = page.evaluate(SEEN)
            state = (tuple(seen["alerts"]), seen["build"])
            if not statuses or statuses[-1] != state:
                statuses.append(state)
            if seen["build"] and any(a.startswith("Local sandbox at") for a in seen["alerts"]):
                break
            time.sleep(0.02)
        alerts = [a for shown, _ in statuses for a in shown]
        assert alerts, "the sidebar showed no status"
        assert alerts[-1].startswith("Local sandbox at") and alerts[-1].endswith("domain demo (demo data).")
        # At most "starting" before the connection, nothing else.
        assert set(alerts[:-1]) <= {STARTING, alerts[-1]}
    finally:
        context.close()
        stop(proc)
