"""The block survives a reload and travels in a link (the page address holds it), in real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.build_page import fields_of, open_build, preview, section, tick, wait_for_preview
from tests.e2e.conftest import wait_until_idle
from tests.e2e.lookup_page import go_to_lookup


def test_a_reload_and_a_link_sent_to_a_colleague_open_the_same_block(page: Page, app_url: str,
                                                                      browser: Browser):
    open_build(page, app_url)
    section(page, "Response fields")
    tick(page, "LastName")
    tick(page, "BirthDate")
    built = wait_for_preview(page, lambda a: fields_of(a) == ["LastName", "BirthDate"])
    expect(page).to_have_url(re.compile(r"[?&]b=1\."))

    page.reload()
    wait_until_idle(page)
    assert wait_for_preview(page, lambda a: fields_of(a) == ["LastName", "BirthDate"]) == built

    colleague = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        colleague.goto(page.url)
        wait_until_idle(colleague)
        assert wait_for_preview(colleague, lambda a: bool(fields_of(a))) == built
    finally:
        colleague.context.close()


@pytest.mark.parametrize("address", [
    "1.this-was-cut",
    "1.eNrtwTENAAAAAqCgzv41TOEHJAAAAADAWwEAAACAuwEdaAqT",      # 5,000 nested arrays (issue 18)
    "1.eNqLVoopTbEwMFDSiY7VUXL0cwEzopWUdGAoNhYApSIITQ",        # a lone surrogate (issue 18)
], ids=["cut", "deep", "lone surrogate"])
def test_a_damaged_link_opens_a_fresh_block_and_says_why(page: Page, app_url: str, address: str):
    page.goto(app_url + "/?b=" + address)
    wait_until_idle(page)
    expect(page.get_by_text("could not be opened")).to_be_visible()
    expect(page.get_by_text("A fresh block is open instead")).to_be_visible()
    assert fields_of(preview(page)) == []
    # The session goes on: the pages that run the block draw, and so does Build again.
    go_to_lookup(page)
    expect(page.get_by_role("button", name="Run lookup")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Batch").click()
    wait_until_idle(page)
    expect(page.get_by_role("heading", name=re.compile("^Batch run"))).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Build").click()
    wait_until_idle(page)
    assert fields_of(preview(page)) == []
    expect(page.get_by_test_id("stException")).to_have_count(0)
