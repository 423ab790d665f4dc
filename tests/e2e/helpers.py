"""What browser tests of every page do the same way: take the file a download button gives."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

DOWNLOAD_TIMEOUT_MS = 30_000      # the machine is shared: generous


def download(page: Page, label: str | re.Pattern[str]) -> tuple[str, bytes]:
    """Click the download button named ``label`` as a user does (no Enter in a text box first: the
    click commits what was typed); the file's suggested name and its bytes."""
    button = page.get_by_role("button", name=label)
    try:
        with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
            button.click(timeout=DOWNLOAD_TIMEOUT_MS)
    except PlaywrightError as exc:
        said = page.locator('[data-testid="stDownloadButtonError"]').all_inner_texts()
        raise AssertionError(f"no file from the button {label!r}; the page says {said}") from exc
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def assert_shown_in_full(page: Page, text: str) -> None:
    """``text`` is on the page in a table cell that shows all of it: wrapped, not cut at the cell's
    edge (a data grid draws cells on a canvas and cuts long text; its accessible copy would not
    tell)."""
    from playwright.sync_api import expect

    cell = page.locator('[data-testid="stTable"] td').filter(has_text=text).first
    expect(cell).to_be_visible()
    assert text in cell.inner_text()
    clipped = cell.evaluate("c => c.scrollWidth > c.clientWidth + 1")
    assert not clipped, f"the cell holding {text!r} is cut at its edge"
