"""The Build page in real Chromium at 1400 px: honest readiness (what is still open, as notes; a
guessed identifier is a suggestion to keep), five identifiers in the page itself, and a JSON
preview whose keys and values share their line."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.build_page import PREVIEW, open_build, wait_for_preview
from tests.e2e.conftest import wait_until_idle

# The nearest ancestor (below the page's own scrolling main area) that scrolls its content: a
# nested scroll box would hide all but its first rows.
NESTED_SCROLLER = """(el) => {
    for (let node = el.parentElement; node; node = node.parentElement) {
        if (node.matches('[data-testid="stMain"], section.main, body')) return null;
        const style = getComputedStyle(node);
        if (/(auto|scroll)/.test(style.overflowY) && node.scrollHeight > node.clientHeight + 1)
            return node.getAttribute('data-testid') || node.tagName;
    }
    return null;
}"""

# The tops of the first and the last character of the first occurrence of a text in the preview.
LINE_TOPS = """(code, text) => {
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let all = '';
    while (walker.nextNode()) {
        nodes.push([walker.currentNode, all.length]);
        all += walker.currentNode.data;
    }
    const top = (at) => {
        const [node, start] = nodes.filter(([, s]) => s <= at).pop();
        const range = document.createRange();
        range.setStart(node, at - start);
        range.setEnd(node, at - start + 1);
        return range.getBoundingClientRect().top;
    };
    const at = all.indexOf(text);
    return at < 0 ? null : [top(at), top(at + text.length - 1)];
}"""


def test_a_new_block_says_what_is_still_open_instead_of_ready(page: Page, app_url: str):
    open_build(page, app_url)
    expect(page.get_by_text("No errors or warnings: the JSON downloads.", exact=False)).to_be_visible()
    expect(page.get_by_text(re.compile("ready to download"))).to_have_count(0)
    expect(page.get_by_text(re.compile(r"Only ProfileId and ProfileARN come back"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"0 of 4 branches connected: a contact that takes an unconnected "
                                       r"one \(Success, Multiple found, None found, Error\) ends there"))
           ).to_be_visible()
    # Notes are not problems: the downloads still give a file (their caption says so, no red text).
    expect(page.get_by_text(re.compile("Fix \\d+ error"))).to_have_count(0)


def test_an_added_identifier_is_a_suggestion_until_kept(page: Page, app_url: str):
    open_build(page, app_url)
    page.get_by_role("button", name="Add identifier").click()
    wait_until_idle(page)
    guess = page.get_by_text(re.compile(r"A guess: search Email address \(_email\) by \$\.Attributes\.email, "
                                        r"joined to the others by OR"))
    expect(guess).to_be_visible()
    note = page.get_by_text(re.compile(r"_email by \$\.Attributes\.email is a suggestion"))
    expect(note).to_be_visible()
    page.get_by_role("button", name="Keep it").click()
    wait_until_idle(page)
    expect(guess).to_have_count(0)
    expect(note).to_have_count(0)
    wait_for_preview(page, lambda a: len(a["Parameters"]["ProfileRequestData"]["SearchCriteria"]) == 2)


def test_five_identifiers_sit_in_the_page_and_json_keys_keep_their_values(page: Page, app_url: str):
    open_build(page, app_url)
    keys = page.get_by_role("combobox", name="Search key")
    for count in range(2, 6):
        page.get_by_role("button", name="Add identifier").click()
        expect(keys).to_have_count(count)      # the click's run has drawn the new row
        wait_until_idle(page)
    wait_for_preview(page, lambda a: len(a["Parameters"]["ProfileRequestData"]["SearchCriteria"]) == 5)
    for n in range(1, 6):
        header = page.get_by_text(f"Identifier {n}", exact=True)
        expect(header).to_be_visible()
        assert header.evaluate(NESTED_SCROLLER) is None, f"Identifier {n} is inside a nested scroll box"
    # Every identifier's guess is shown in full (no box cuts it).
    expect(page.get_by_text(re.compile(r"^A guess: search"))).to_have_count(4)
    code = page.locator(PREVIEW)
    for line in ('"IdentifierName": "_phone"', '"IdentifierValue": "$.CustomerEndpoint.Address"',
                 '"IdentifierName": "_email"', '"IdentifierValue": "$.Attributes.accountNumber"'):
        tops = code.evaluate(LINE_TOPS, line)
        assert tops is not None, f"{line} is not in the preview"
        assert abs(tops[0] - tops[1]) < 3, f"{line}: the key and its value are on separate lines"
