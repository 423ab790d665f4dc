"""DNS rebinding in real Chromium: a web page whose name points at 127.0.0.1 gets no app.

Chromium's ``--host-resolver-rules`` plays the attacker's DNS: ``evil.example`` (a page of theirs)
and ``studio.example`` (a name the operator allows, as a team's proxy would pass it on) both resolve
to 127.0.0.1, so the browser sends those names as ``Host`` to the app on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from profile_block.running.host_names import ALLOWED_HOSTS
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, start_streamlit, stop, wait_until_idle

REBOUND_NAMES = ("evil.example", "studio.example")
REFUSAL = "This app does not answer the host name evil.example"


@pytest.fixture(scope="module")
def rebinding_browser(browser: Browser) -> Iterator[Browser]:
    """Chromium whose DNS answers 127.0.0.1 for the rebound names (this module's own browser: the
    shared one keeps the machine's resolver). Launched through the shared browser's Playwright: a
    second sync_playwright() cannot start while the session's one runs."""
    rules = ", ".join(f"MAP {name} 127.0.0.1" for name in REBOUND_NAMES)
    rebinding = browser.browser_type.launch(executable_path=CHROMIUM, headless=True,
                                            args=[*CHROMIUM_ARGS, f"--host-resolver-rules={rules}"])
    yield rebinding
    rebinding.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """A fresh app on loopback that allows studio.example besides its loopback names: (port, data folder)."""
    data = tmp_path_factory.mktemp("studio-data-hosts")
    with pytest.MonkeyPatch.context() as env:
        env.setenv(ALLOWED_HOSTS, "studio.example")
        env.delenv("STUDIO_ALLOW_ENDPOINT_URL", raising=False)
        proc, url = start_streamlit(Path(__file__).resolve().parents[2] / "app.py", data)
    yield urlsplit(url).port or 0, data
    stop(proc)


@pytest.fixture
def visit(rebinding_browser: Browser) -> Iterator:
    contexts = []

    def open_url(url: str) -> Page:
        context = rebinding_browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        wait_until_idle(page)
        return page

    yield open_url
    for context in contexts:
        context.close()


def test_a_page_under_another_name_gets_one_sentence_and_nothing_runs(served, visit):
    port, data = served
    for path in ("/", "/lookup?b=1.AAAA"):     # the start page and a deep link alike
        page = visit(f"http://evil.example:{port}{path}")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_text(REFUSAL)).to_be_visible()
        expect(main).to_contain_text(f"adds that name to {ALLOWED_HOSTS}")
        # Nothing else: no sidebar, no navigation, no widget of any page, no connection.
        expect(page.get_by_test_id("stSidebar")).to_have_count(0)
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        expect(page.locator("input, textarea, button[kind], [role='radiogroup']")).to_have_count(0)
        assert page.get_by_test_id("stElementContainer").count() == 1
    # ...and the local service was never started (it creates its database on start).
    assert not (data / "sandbox.sqlite3").exists()


def test_the_loopback_name_still_gets_the_app(served, visit):
    port, data = served
    page = visit(f"http://127.0.0.1:{port}/")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("radiogroup", name="Backend")).to_be_visible()
    expect(sidebar).to_contain_text("Local sandbox at")
    expect(page.get_by_text(REFUSAL)).to_have_count(0)
    assert (data / "sandbox.sqlite3").exists()


def test_an_allowed_name_that_is_not_loopback_runs_without_the_endpoint_url(served, visit):
    port, _ = served
    page = visit(f"http://studio.example:{port}/")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("AWS", exact=True).click()
    wait_until_idle(page)
    expect(sidebar.get_by_role("textbox", name="Endpoint URL (optional)")).to_be_disabled()
    expect(sidebar).to_contain_text("reached under the name studio.example, not a loopback name")
