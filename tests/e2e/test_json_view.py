"""The JSON preview (components.json_view) in a real browser: text typed into the block is shown as
text, never as markup, and Copy puts the exact JSON on the clipboard."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.build_page import PREVIEW, open_build, preview_text, wait_for_preview
from tests.e2e.conftest import TIMEOUT_MS, wait_until_idle

MARKUP = '<img src=x onerror="window.__injected=1"><b>bold</b>'


def test_markup_in_a_value_is_text_and_copy_gives_the_exact_json(browser: Browser, app_url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        open_build(page, app_url)
        page.get_by_role("radio", name="Static", exact=True).click()
        wait_until_idle(page)
        value = page.get_by_label("Static value")
        value.fill(MARKUP)
        value.press("Enter")
        wait_for_preview(page, lambda a: a["Parameters"]["ProfileRequestData"]["IdentifierValue"] == MARKUP)
        code = page.locator(PREVIEW)
        assert code.locator("img, b").count() == 0            # no element was made from the value
        assert page.evaluate("window.__injected") is None     # and nothing of it ran
        expect(code.locator("span.s", has_text="<b>bold</b>")).to_have_count(1)   # a string, coloured as one
        shown = preview_text(page)
        copy = page.get_by_role("button", name="Copy block JSON")
        copy.click()
        expect(copy).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()") == shown
    finally:
        context.close()


NO_CLIPBOARD_API = """
Object.defineProperty(navigator, "clipboard", {value: undefined});
document.addEventListener("copy", e => { window.__copied = e.composedPath()[0].value; }, true);
"""


def test_without_the_clipboard_api_copy_goes_through_a_text_box(browser: Browser, app_url: str):
    # As over plain HTTP under a name other than localhost: browsers offer no navigator.clipboard.
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(NO_CLIPBOARD_API)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        open_build(page, app_url)
        shown = preview_text(page)
        copy = page.get_by_role("button", name="Copy block JSON")
        copy.click()
        expect(copy).to_have_text("Copied")
        assert page.evaluate("window.__copied") == shown
        assert page.locator("textarea").count() == 0      # the text box is gone again
    finally:
        context.close()
