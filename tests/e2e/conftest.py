"""Browser tests: a real `streamlit run app.py` on a free loopback port, driven by Playwright
through Debian's Chromium (Playwright's own browser download does not work on these machines).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.loopback import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
TIMEOUT_MS = 20_000      # every wait of a page and every expect(...): the machine is shared
expect.set_options(timeout=TIMEOUT_MS)     # (Playwright's own default for expect is 5 s)


def start_streamlit(script: Path, data_dir: Path, poll_s: float = 0.3,
                    base_path: str = "") -> tuple[subprocess.Popen, str]:
    """Start `streamlit run script` headless; return the process and its URL once healthy (asked
    every ``poll_s``: benchmarks/cold_start.py times the start and asks often). ``base_path``: served
    under that path (server.baseUrlPath), as behind a proxy that shares one name between apps."""
    port = free_port()
    env = dict(os.environ, STUDIO_DATA_DIR=str(data_dir))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.baseUrlPath", base_path],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else "")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise RuntimeError(f"streamlit exited early:\n{out}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(poll_s)
    proc.kill()
    raise RuntimeError("streamlit did not become healthy within 60 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def app_url(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app, its local service up (it starts with the server: tests/e2e/test_cold_start.py) and
    the sidebar connected to it once; the tests open the app after that."""
    proc, url = start_streamlit(ROOT / "app.py", tmp_path_factory.mktemp("studio-data"))
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url)
        expect(page.get_by_test_id("stSidebar").get_by_text("Local sandbox at")).to_be_visible(timeout=60_000)
        context.close()
    except BaseException:
        stop(proc)
        raise
    yield url
    stop(proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian chromium is missing: run `make test` (it installs it)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    yield pg
    context.close()


def wait_until_idle(page: Page, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait until Streamlit has finished the current run (no "Running" status widget)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const running = '[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]';
            return app && app.getAttribute('data-test-script-state') !== 'running'
                && !document.querySelector(running);
        }""",
        timeout=timeout_ms,
    )
