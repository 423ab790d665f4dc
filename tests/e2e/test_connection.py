"""The sidebar connection panel in real Chromium, as a visitor from elsewhere reaches it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, expect

from tests.e2e.conftest import wait_until_idle


@pytest.fixture
def aws_panel(browser: Browser, app_url: str) -> Iterator:
    """open(headers) -> the sidebar with the AWS backend picked, in a browser sending ``headers``."""
    contexts = []

    def open_panel(headers: dict[str, str]) -> Locator:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, extra_http_headers=headers)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(app_url)
        wait_until_idle(page)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("AWS", exact=True).click()
        wait_until_idle(page)
        return sidebar

    yield open_panel
    for context in contexts:
        context.close()


def endpoint_field(sidebar: Locator) -> Locator:
    return sidebar.get_by_role("textbox", name="Endpoint URL (optional)")


def test_through_a_proxy_the_aws_endpoint_url_is_off(aws_panel):
    """A request a reverse proxy forwarded (X-Forwarded-For): the visitor is not on this machine,
    so it may not point the operator's signed AWS requests elsewhere."""
    sidebar = aws_panel({"X-Forwarded-For": "203.0.113.7"})
    expect(endpoint_field(sidebar)).to_be_disabled()
    expect(sidebar).to_contain_text("reached through a proxy")


def test_on_loopback_the_aws_endpoint_url_can_be_set(aws_panel):
    expect(endpoint_field(aws_panel({}))).to_be_enabled()
