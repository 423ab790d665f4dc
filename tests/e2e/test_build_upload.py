"""Uploads on the Build page in real Chromium: a file too large for a flow is explained in words,
and what was said about the previous file goes away."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.build_page import open_build
from tests.e2e.conftest import wait_until_idle


def upload(page: Page, path: Path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    wait_until_idle(page)


def test_an_oversized_file_is_explained_and_stale_messages_go(page: Page, app_url: str, tmp_path: Path):
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    huge = tmp_path / "all-flows.json"
    huge.write_bytes(b" " * 6_000_000)            # larger than any flow, within the import's 20 MB

    open_build(page, app_url)
    page.get_by_text("Import a flow or a block").click()
    wait_until_idle(page)
    upload(page, broken)
    expect(page.get_by_text("Could not import broken.json")).to_be_visible()

    upload(page, huge)
    said = page.get_by_text("Could not import all-flows.json")
    expect(said).to_be_visible()
    expect(said).to_contain_text("6.0 MB")
    expect(said).to_contain_text("256,000 characters")
    expect(page.get_by_text("Could not import broken.json")).to_have_count(0)

    # Removing the file removes what was said about it.
    page.get_by_role("button", name="Remove all-flows.json").click()
    wait_until_idle(page)
    expect(page.get_by_text("Could not import")).to_have_count(0)
