"""The Build page in a real browser: how a test opens it, picks a section, ticks and reads the preview."""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import Callable
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
    choice = page.get_by_role("radio", name=name, exact=True)
    choice.click()
    expect(choice).to_be_checked()
    wait_until_idle(page)


def field(page: Page, name: str) -> Locator:
    """A response field's pill (a toggle button: aria-pressed says whether it is picked)."""
    return page.get_by_role("button", name=name, exact=True)


def tick(page: Page, name: str) -> None:
    """Pick the field ``name`` (it must not be picked yet)."""
    field(page, name).click()
    expect(field(page, name)).to_have_attribute("aria-pressed", "true")


PREVIEW = '[data-testid="stHtml"] .studio-json code'   # components.json_view
PREVIEW_TIMEOUT_S = 30.0      # the machine is shared: generous


def preview_text(page: Page) -> str:
    """The JSON preview's text once the page is idle and shows one preview (during a run a stale
    copy may show beside it)."""
    wait_until_idle(page)
    code = page.locator(PREVIEW)
    expect(code).to_have_count(1)
    return code.inner_text()


def preview(page: Page) -> dict[str, Any]:
    return json.loads(preview_text(page))


def wait_for_preview(page: Page, predicate: Callable[[dict[str, Any]], bool],
                     timeout_s: float = PREVIEW_TIMEOUT_S) -> dict[str, Any]:
    """The preview once it satisfies ``predicate`` (it updates after the fragment rerun); within
    ``timeout_s`` in all, else an AssertionError naming the predicate and what the preview showed."""
    code = page.locator(PREVIEW)
    deadline = time.monotonic() + timeout_s
    shown = "(nothing read yet)"
    while (left_ms := (deadline - time.monotonic()) * 1000) > 0:
        try:
            shown = code.inner_text(timeout=min(left_ms, 5_000))
            action = json.loads(shown)
        except PlaywrightError as exc:        # mid-run: no preview, or two
            shown, action = f"(no single preview: {exc.message.splitlines()[0]})", None
        except json.JSONDecodeError:
            action = None
        if action is not None and predicate(action):
            return action
        page.wait_for_timeout(100)            # poll: the next run may not have started yet
    raise AssertionError(f"within {timeout_s:.0f} s the preview never matched {_source(predicate)}; "
                         f"it last showed:\n{shown}")


def _source(predicate: Callable[..., Any]) -> str:
    """The predicate as written in the test (its line), for a failure message."""
    try:
        return inspect.getsource(predicate).strip()
    except (OSError, TypeError):
        return repr(predicate)


def fields_of(action: dict[str, Any]) -> list[str]:
    return action["Parameters"]["ProfileResponseData"]


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
