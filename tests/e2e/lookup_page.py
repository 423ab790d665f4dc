"""The Lookup page in a real browser: how a test opens it, runs a lookup and reads its tables."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import wait_until_idle

PHONE = "CustomerEndpoint.Address"
HEADING = "Try the block: live lookup"


def open_lookup(page: Page, app_url: str) -> None:
    page.goto(app_url)
    wait_until_idle(page)
    go_to_lookup(page)


def go_to_lookup(page: Page) -> None:
    """From another page of the app: the Lookup link, then its heading."""
    page.get_by_role("link", name="Lookup").click()
    wait_until_idle(page)
    expect(page.get_by_role("heading", name=HEADING)).to_be_visible()


def run_lookup(page: Page, value: str) -> None:
    """Type ``value`` as the test contact's phone and press Run lookup. The run may still be under
    way on return: wait for what it shows (the banner's text) before reading it."""
    box = page.get_by_role("textbox", name=PHONE, exact=True)
    box.fill(value)
    box.press("Enter")          # commits the value before the button reruns the page
    wait_until_idle(page)
    page.get_by_role("button", name="Run lookup").click()
    wait_until_idle(page)


def banner(page: Page) -> Locator:
    """The branch banner: the first alert of the result column that names a branch."""
    return page.locator('[data-testid="stAlert"]').filter(has_text=re.compile(r"branch"))


def table_rows(page: Page, header: str, count: int | None = None) -> list[dict[str, str]]:
    """Rows (column header -> cell text) of the st.table that has a column named ``header``.

    With ``count``, first wait until the table has that many rows: right after a lookup the copy
    drawn by the run before may still be on screen."""
    table = page.locator('[data-testid="stTable"] table').filter(
        has=page.locator("thead th", has_text=re.compile(f"^{re.escape(header)}$"))).first
    rows = table.locator("tbody tr")
    # all_inner_texts() does not wait: a table still being drawn would read as no rows at all.
    if count is None:
        expect(rows.first).to_be_visible()
    else:
        expect(rows).to_have_count(count)
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    cells = [[c.strip() for c in rows.nth(i).locator("td, th").all_inner_texts()]
             for i in range(rows.count())]
    # An index column, when shown, is the first cell of each row: align cells from the right.
    return [dict(zip(headers[::-1], row[::-1], strict=False)) for row in cells]
