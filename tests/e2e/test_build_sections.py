"""The Build page's sections in real Chromium: what stays open, what stays in view."""

from __future__ import annotations

import time

from playwright.sync_api import Locator, Page, expect

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
    typed = (("Success", "say-hello", 1), ("None found", "ask-account", 2), ("Error", "sorry", 3))
    for branch, target, connected in typed:
        box = page.get_by_role("textbox", name=branch, exact=True)
        box.fill(target)
        box.press("Enter")
        # The Enter's run has started once the count changes; once it has ended...
        expect(page.get_by_text(f"{connected} of 4 branches connected", exact=True)).to_be_visible()
        wait_until_idle(page)
        # ...the section is still open, the boxes still there.
        expect(expander(page, "Branches")).to_have_attribute("open", "")
        expect(page.get_by_role("textbox", name="Multiple found", exact=True)).to_be_visible()
    wait_for_preview(page, lambda a: a["Transitions"]["NextAction"] == "say-hello")
    expect(page.get_by_text("3 of 4 branches connected", exact=True)).to_be_visible()


def expect_top_in_view(page: Page, locator: Locator, what: str, timeout_s: float = 20.0) -> None:
    """Wait until ``locator`` is on screen with its top edge inside the viewport (the page may still
    be scrolling or drawing after the last key press)."""
    expect(locator, f"{what} is off screen").to_be_in_viewport()
    height = page.viewport_size["height"]
    deadline = time.monotonic() + timeout_s
    while True:
        # Read in the next animation frame: each try sees a newly laid-out page.
        top = locator.evaluate("e => new Promise(done => requestAnimationFrame("
                               "() => done(e.getBoundingClientRect().top)))")
        if 0 <= top < height:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} is off screen: its top is at y={top:.0f}, the viewport is "
                                 f"{height} px high")


def test_with_five_identifiers_the_fifth_says_how_it_is_joined(page: Page, app_url: str):
    # The identifiers are in the page itself (no scroll box of their own, issue 19.3): working on
    # the fifth, the AND/OR control above the first may be off screen, so each row says how it joins.
    open_build(page, app_url)
    keys = page.get_by_role("combobox", name="Search key")
    for count in range(2, 6):
        page.get_by_role("button", name="Add identifier").click()
        expect(keys).to_have_count(count)
        wait_until_idle(page)
    keys.nth(4).scroll_into_view_if_needed()
    keys.nth(4).click()
    page.keyboard.press("Escape")
    expect_top_in_view(page, keys.nth(4), "the fifth search key")
    expect_top_in_view(page, page.get_by_text("Identifier 5", exact=True), "the fifth identifier's header")
    expect(page.get_by_text("· joined by OR")).to_have_count(4)
    page.get_by_role("radiogroup", name="Match").get_by_text("AND", exact=True).click()
    expect(page.get_by_text("· joined by AND")).to_have_count(4)
