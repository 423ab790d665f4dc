"""The Build page's sections in real Chromium: what stays open, what stays in view."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.build_page import open_build, section, wait_for_preview
from tests.e2e.conftest import wait_until_idle


def expander(page: Page, title: str):
    return page.locator('[data-testid="stExpander"] details').filter(
        has=page.locator("summary", has_text=title))


def test_the_branches_section_stays_open_while_targets_are_typed(page: Page, app_url: str):
    open_build(page, app_url)
    section(page, "Identifier & branches")
    expander(page, "Branches").locator("summary").click()
    wait_until_idle(page)
    for branch, target in (("Success", "say-hello"), ("None found", "ask-account"), ("Error", "")):
        box = page.get_by_role("textbox", name=branch, exact=True)
        box.fill(target or "sorry")
        box.press("Enter")
        wait_until_idle(page)
        # The count of connected branches changed: the section is still open, the boxes still there.
        expect(expander(page, "Branches")).to_have_attribute("open", "")
        expect(page.get_by_role("textbox", name="Multiple found", exact=True)).to_be_visible()
    wait_for_preview(page, lambda a: a["Transitions"]["NextAction"] == "say-hello")
    expect(page.get_by_text("3 of 4 branches connected")).to_be_visible()


def top_in_view(page: Page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] < page.viewport_size["height"]


def test_with_five_identifiers_the_match_control_and_the_preview_stay_in_view(page: Page, app_url: str):
    open_build(page, app_url)
    keys = page.get_by_role("combobox", name="Search key")
    for count in range(2, 6):
        page.get_by_role("button", name="Add identifier").click()
        expect(keys).to_have_count(count)
        wait_until_idle(page)
    # Working on the fifth identifier...
    keys.nth(4).scroll_into_view_if_needed()
    keys.nth(4).click()
    page.keyboard.press("Escape")
    # ...the AND/OR control and the JSON preview are on screen.
    assert top_in_view(page, page.get_by_role("radiogroup", name="Match")), "AND/OR is off screen"
    assert top_in_view(page, page.locator('[data-testid="stCode"]')), "the JSON preview is off screen"
    assert top_in_view(page, keys.nth(4))
