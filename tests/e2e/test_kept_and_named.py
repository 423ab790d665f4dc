"""Small things a user notices, in real Chromium: the Lookup test contact survives a reload and a
page switch, the custom attribute box empties once the attribute is added, and an imported flow
downloads under its own name until it is changed."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.build_page import open_build, open_imported_block, section, tick, wait_for_preview
from tests.e2e.conftest import wait_until_idle
from tests.e2e.helpers import download
from tests.e2e.lookup_page import HEADING, PHONE, open_lookup

REAL_FLOWS = Path(__file__).parents[1] / "fixtures" / "real-flows"


def test_the_lookup_test_contact_survives_a_reload_and_a_page_switch(page: Page, app_url: str):
    open_lookup(page, app_url)
    box = page.get_by_role("textbox", name=PHONE, exact=True)
    box.fill("+15555550199")
    box.press("Enter")
    wait_until_idle(page)
    expect(page).to_have_url(re.compile(r"[?&]contact=[^&]*15555550199"))    # the address holds it
    page.reload()
    wait_until_idle(page)
    expect(page.get_by_role("heading", name=HEADING)).to_be_visible()
    expect(page.get_by_role("textbox", name=PHONE, exact=True)).to_have_value("+15555550199")
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Build").click()
    wait_until_idle(page)
    page.get_by_role("link", name="Lookup").click()
    wait_until_idle(page)
    expect(page.get_by_role("textbox", name=PHONE, exact=True)).to_have_value("+15555550199")


def test_the_custom_attribute_box_empties_after_add(page: Page, app_url: str):
    open_build(page, app_url)
    section(page, "Response fields")
    box = page.get_by_role("textbox", name="New custom attribute")
    box.fill("tier")
    page.get_by_role("button", name="Add attribute").click()
    wait_for_preview(page, lambda a: "Attributes.tier" in a["Parameters"]["ProfileResponseData"])
    expect(page.get_by_role("textbox", name="New custom attribute")).to_have_value("")


def test_an_unchanged_imported_flow_downloads_under_its_own_name(page: Page, app_url: str):
    path = REAL_FLOWS / "05-sbs-financial-contactflow.json"
    open_imported_block(page, app_url, path, blocks=1)
    wait_until_idle(page)
    name, data = download(page, "Download flow JSON")
    assert (name, data) == (path.name, path.read_bytes())
    section(page, "Response fields")
    tick(page, "BirthDate")
    wait_for_preview(page, lambda a: a["Parameters"]["ProfileResponseData"][-1] == "BirthDate")
    name, data = download(page, "Download flow JSON")
    assert name == "05-sbs-financial-contactflow-edited.json" and data != path.read_bytes()
