"""The app asks nothing of the internet: every page a browser opens loads from the app's own server
only (its scripts, fonts, icons, the tab's icon), so it works the same on a machine with no internet
and tells no third party that it was opened."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import urlopen

from playwright.sync_api import Browser

from tests.e2e.conftest import ROOT, start_streamlit, stop, wait_until_idle

PAGES = ("", "lookup", "batch", "data")


def test_every_page_loads_from_the_app_only(browser: Browser, app_url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})    # nothing cached
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    try:
        page = context.new_page()
        for path in PAGES:
            page.goto(f"{app_url}/{path}")
            wait_until_idle(page)
            page.wait_for_timeout(300)      # the tab's icon is asked for after the page is drawn
    finally:
        context.close()
    app = urlsplit(app_url).netloc
    elsewhere = sorted({url for url in requested
                        if urlsplit(url).scheme not in ("blob", "data") and urlsplit(url).netloc != app})
    assert requested and elsewhere == []


def _tab_icon_is_ours(browser: Browser, url: str) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        for path in ("", "lookup"):
            page.goto(f"{url}/{path}")
            wait_until_idle(page)
            page.wait_for_timeout(300)
            icon = page.evaluate("document.querySelector(\"link[rel='shortcut icon']\").href")
            assert icon == f"{url}/favicon.png", path
    finally:
        context.close()
    with urlopen(f"{url}/favicon.png", timeout=10) as answer:
        assert answer.headers["Content-Type"] == "image/png"
        assert answer.read() == (ROOT / "assets" / "page-icon.png").read_bytes()


def test_the_tabs_icon_is_the_apps_own(browser: Browser, app_url: str):
    """The server answers /favicon.png with assets/page-icon.png (app.py), and every page, a deep
    link too, keeps it as the tab's icon (no page icon replaces it: studio.py)."""
    _tab_icon_is_ours(browser, app_url)


def test_under_a_base_path_the_tabs_icon_is_the_apps_own_too(browser: Browser, tmp_path: Path):
    proc, url = start_streamlit(ROOT / "app.py", tmp_path / "data", base_path="studio")
    try:
        _tab_icon_is_ours(browser, url)
    finally:
        stop(proc)
