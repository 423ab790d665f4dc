"""The Lookup page in real Chromium: "Make the next lookup fail" lands the next lookup on the Error
branch with its reason (without visiting the Data page); the connection check does not spend it,
and the lookup after it succeeds again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from profile_block.running import aws
from tests.e2e.conftest import wait_until_idle
from tests.e2e.lookup_page import banner, open_lookup, run_lookup

SLOW_LOOKUP_MS = (aws.MAX_ATTEMPTS * (aws.READ_TIMEOUT_S + 5) + 20) * 1000   # every attempt times out


def fail_next_lookup(page: Page, failure: str) -> None:
    page.get_by_text("Make the next lookup fail").click()
    group = page.get_by_role("radiogroup", name="Failure")
    choice = group.get_by_role("radio", name=re.compile(f"^{failure}"))
    group.get_by_text(failure, exact=True).click()     # the label: the input is drawn over
    expect(choice).to_be_checked()
    wait_until_idle(page)
    page.get_by_role("button", name="Fail the next lookup").click()
    wait_until_idle(page)
    expect(page.get_by_text(re.compile(f"The next lookup will fail: {failure}"))).to_be_visible()


@pytest.mark.parametrize(("failure", "reason"), [
    ("Throttled", "ThrottlingException"),
    ("Service error", "InternalServerException"),
])
def test_the_next_lookup_fails_on_demand_then_lookups_work_again(page: Page, app_url: str, failure, reason):
    open_lookup(page, app_url)
    fail_next_lookup(page, failure)
    # A fresh connection check (what a reload or Retry does) neither fails nor spends it.
    page.get_by_role("button", name="Retry / refresh").click()
    wait_until_idle(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(re.compile(r"Local sandbox at http://"))).to_be_visible()
    expect(page.get_by_text(re.compile(f"The next lookup will fail: {failure}"))).to_be_visible()

    run_lookup(page, "+15555550100")
    expect(banner(page)).to_contain_text("Error branch")
    expect(banner(page)).to_contain_text(reason)
    expect(page.get_by_text(re.compile("The next lookup will fail"))).to_have_count(0)
    page.get_by_role("button", name="Run lookup").click()
    wait_until_idle(page)
    expect(banner(page)).to_contain_text("Success branch")


def test_a_lookup_slow_past_the_timeout_takes_the_error_branch(page: Page, app_url: str):
    open_lookup(page, app_url)
    fail_next_lookup(page, "Slow past the timeout")
    expect(page.get_by_text(re.compile(r"the lookup takes about \d+ s"))).to_be_visible()
    page.get_by_role("button", name="Run lookup").click()     # the demo phone is filled in already
    # Every attempt waits out the read timeout: the banner comes after about half a minute.
    expect(banner(page)).to_contain_text("Error branch", timeout=SLOW_LOOKUP_MS)
    expect(banner(page)).to_contain_text(re.compile("time", re.I))
