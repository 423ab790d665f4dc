"""The Build page in a real browser: how a test opens it, reads the preview, ticks and downloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import wait_until_idle


def open_build(page: Page, url: str) -> None:
    page.goto(url)
    wait_until_idle(page)
    expect(page.get_by_role("heading", name="Build a Get profile block")).to_be_visible()


def section(page: Page, name: str) -> None:
    page.get_by_role("radio", name=name, exact=True).click()
    wait_until_idle(page)


def field(page: Page, name: str) -> Locator:
    """A response field's pill (a toggle button: aria-pressed says whether it is picked)."""
    return page.get_by_role("button", name=name, exact=True)


def tick(page: Page, name: str) -> None:
    """Pick the field ``name`` (it must not be picked yet)."""
    field(page, name).click()
    expect(field(page, name)).to_have_attribute("aria-pressed", "true")


def preview_text(page: Page) -> str:
    """The JSON preview's text once the page is idle (during a run a stale copy may show beside it)."""
    wait_until_idle(page)
    return page.locator('[data-testid="stCode"] code').inner_text()


def preview(page: Page) -> dict[str, Any]:
    return json.loads(preview_text(page))


def wait_for_preview(page: Page, predicate) -> dict[str, Any]:
    """The preview once it satisfies ``predicate`` (it updates after the fragment rerun)."""
    code = page.locator('[data-testid="stCode"] code')
    for _ in range(100):
        try:
            action = json.loads(code.inner_text(timeout=5_000))
        except (json.JSONDecodeError, PlaywrightError):    # mid-run: no preview, or two
            action = None
        if action is not None and predicate(action):
            return action
        page.wait_for_timeout(100)
    raise AssertionError(f"the preview never matched; it shows:\n{preview_text(page)}")


def fields_of(action: dict[str, Any]) -> list[str]:
    return action["Parameters"]["ProfileResponseData"]


def download(page: Page, label: str) -> tuple[str, str]:
    button = page.get_by_role("button", name=label)
    expect(button).to_be_enabled()
    with page.expect_download() as info:
        button.click()
    dl = info.value
    return dl.suggested_filename, Path(dl.path()).read_text(encoding="utf-8")


def open_imported_block(page: Page, url: str, path: Path, blocks: int) -> None:
    """Open the Build page, upload the flow at ``path`` (``blocks`` Get profile blocks), edit the first
    (a flow with one block opens it by itself)."""
    open_build(page, url)
    page.get_by_text("Import a flow or a block").click()
    wait_until_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    if blocks > 1:
        edit = page.get_by_role("button", name="Edit this block")
        expect(edit).to_have_count(blocks)
        edit.first.click()
    expect(page.get_by_text("Editing block")).to_be_visible()
