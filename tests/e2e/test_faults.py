"""Faults set on the Data page in real Chromium: they reach the lookup (the Error branch, with its
reason), not the sidebar's connection check; turned off, the page says so."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from profile_block.running import local_service
from tests.e2e.conftest import wait_until_idle
from tests.e2e.lookup_page import banner, go_to_lookup, run_lookup

OFF = {"throttle_rate": 0.0, "error_rate": 0.0, "latency_ms": 0, "throttle_next": 0}


def sidebar_endpoint(page: Page) -> str:
    status = page.get_by_test_id("stSidebar").get_by_text(re.compile(r"Local sandbox at http://"))
    expect(status).to_be_visible()
    return re.search(r"http://127\.0\.0\.1:\d+", status.inner_text())[0]


def open_faults(page: Page) -> None:
    """The Data page's Faults section, through the sidebar's navigation."""
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Data").click()
    wait_until_idle(page)
    page.get_by_role("radio", name="Faults", exact=True).click()
    wait_until_idle(page)


@pytest.fixture
def faults_page(page: Page, app_url: str) -> Iterator[Page]:
    """The Data page's Faults section; every fault is off again afterwards (the app is shared)."""
    page.goto(app_url)
    wait_until_idle(page)
    endpoint = sidebar_endpoint(page)
    open_faults(page)
    try:
        yield page
    finally:
        local_service.set_faults(endpoint, OFF)


def reload_and_check_connection(page: Page, app_url: str) -> None:
    """A new browser session: the sidebar checks the connection afresh, with the faults on."""
    page.goto(app_url)
    wait_until_idle(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(re.compile(r"Local sandbox at http://"))).to_be_visible()
    page.get_by_role("button", name="Retry / refresh").click()
    wait_until_idle(page)
    expect(sidebar.get_by_text(re.compile(r"Local sandbox at http://"))).to_be_visible()


def test_error_rate_one_lands_a_lookup_on_the_error_branch(faults_page: Page, app_url: str):
    page = faults_page
    slider = page.get_by_role("slider", name="Error rate")
    slider.focus()
    slider.press("End")                     # 1.0
    page.get_by_role("button", name="Apply").click()
    wait_until_idle(page)
    expect(page.get_by_text("Faults are on: error_rate 1.0")).to_be_visible()

    reload_and_check_connection(page, app_url)
    go_to_lookup(page)
    expect(page.get_by_text(re.compile(r"^Not connected: "))).to_have_count(0)
    run_lookup(page, "+15555550100")
    expect(banner(page)).to_contain_text("Error branch")
    expect(banner(page)).to_contain_text("InternalServerException")

    open_faults(page)
    expect(page.get_by_text("Faults are on: error_rate 1.0")).to_be_visible()
    page.get_by_role("button", name="Turn all off").click()
    wait_until_idle(page)
    expect(page.get_by_text("No faults: every")).to_be_visible()
    expect(page.get_by_text(re.compile("^Faults are on"))).to_have_count(0)
    go_to_lookup(page)
    run_lookup(page, "+15555550100")
    expect(banner(page)).to_contain_text("Success branch")


def test_throttling_the_next_3_calls_throttles_the_lookup_and_then_clears(faults_page: Page, app_url: str):
    page = faults_page
    page.get_by_role("spinbutton", name="Throttle the next N calls").fill("3")
    page.get_by_role("button", name="Apply").click()
    wait_until_idle(page)
    expect(page.get_by_text("Faults are on: throttle_next 3")).to_be_visible()

    reload_and_check_connection(page, app_url)
    go_to_lookup(page)
    run_lookup(page, "+15555550100")
    expect(banner(page)).to_contain_text("Error branch")
    expect(banner(page)).to_contain_text("ThrottlingException")
    run_lookup(page, "+15555550100")        # the 3 throttled calls are spent by the first lookup
    expect(banner(page)).to_contain_text("Success branch")

    open_faults(page)
    expect(page.get_by_text("No faults: every")).to_be_visible()
