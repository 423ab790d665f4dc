"""The sidebar connection panel in real Chromium, as a visitor from elsewhere reaches it."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import wait_until_idle


def test_through_a_proxy_the_aws_endpoint_url_is_off(browser: Browser, app_url: str):
    """A request a reverse proxy forwarded (X-Forwarded-For): the visitor is not on this machine,
    so it may not point the operator's signed AWS requests elsewhere."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  extra_http_headers={"X-Forwarded-For": "203.0.113.7"})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(app_url)
        wait_until_idle(page)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("AWS", exact=True).click()
        wait_until_idle(page)
        expect(sidebar.get_by_role("textbox", name="Endpoint URL (optional)")).to_be_disabled()
        expect(sidebar).to_contain_text("reached through a proxy")
    finally:
        context.close()


def test_on_loopback_the_aws_endpoint_url_can_be_set(browser: Browser, app_url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(app_url)
        wait_until_idle(page)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("AWS", exact=True).click()
        wait_until_idle(page)
        expect(sidebar.get_by_role("textbox", name="Endpoint URL (optional)")).to_be_enabled()
    finally:
        context.close()
