"""Downloads right after typing: the click that leaves a text box gives the file of what was typed.

A text box commits its value when it loses focus, which the click on a download button causes: the
file must hold the typed value (not the one before it), and the click must not be lost even when
the value before it was an error.
"""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.e2e.build_page import open_build, preview_text, wait_for_preview
from tests.e2e.conftest import wait_until_idle
from tests.e2e.helpers import download


def request_of(action: dict) -> dict:
    return action["Parameters"]["ProfileRequestData"]


def static_value_box(page: Page):
    page.get_by_role("radio", name="Static", exact=True).click()
    wait_until_idle(page)
    return page.get_by_label("Static value")


def test_block_download_right_after_typing_holds_the_typed_value(page: Page, app_url: str):
    open_build(page, app_url)
    box = static_value_box(page)
    box.fill("+15555550100")
    box.press("Enter")
    wait_for_preview(page, lambda a: request_of(a)["IdentifierValue"] == "+15555550100")

    box.fill("+15555550123")                 # typed, not committed: the click commits it
    _, data = download(page, "Download block JSON")
    assert request_of(json.loads(data))["IdentifierValue"] == "+15555550123"
    # ...and the file is exactly what the screen shows once the click's rerun is drawn.
    wait_for_preview(page, lambda a: request_of(a)["IdentifierValue"] == "+15555550123")
    wait_until_idle(page)
    assert data.decode("utf-8").rstrip("\n") == preview_text(page).rstrip("\n")


def test_flow_download_right_after_fixing_an_error_is_not_lost(page: Page, app_url: str):
    """Static with nothing typed is an error; typing a value and clicking the flow download at once
    gives the flow with that value (the click is not swallowed by the error's disabled state)."""
    open_build(page, app_url)
    box = static_value_box(page)
    wait_for_preview(page, lambda a: request_of(a)["IdentifierValue"] == "")

    box.fill("+15555550177")
    _, data = download(page, "Download flow JSON")
    flow = json.loads(data)
    action = next(a for a in flow["Actions"] if a["Type"] == "GetCustomerProfile")
    assert request_of(action)["IdentifierValue"] == "+15555550177"
    shown = wait_for_preview(page, lambda a: request_of(a)["IdentifierValue"] == "+15555550177")
    # The flow is that block (its unconnected branches lead to the flow's ending action).
    assert action["Identifier"] == shown["Identifier"] and action["Parameters"] == shown["Parameters"]


def test_both_downloads_follow_a_typed_branch_target(page: Page, app_url: str):
    """Another text box, another section: the Success target typed and the block file clicked at once."""
    open_build(page, app_url)
    page.get_by_role("radio", name="Identifier & branches", exact=True).click()
    wait_until_idle(page)
    page.locator('[data-testid="stExpander"] summary').filter(has_text="Branches").click()
    target = page.get_by_role("textbox", name="Success")
    expect(target).to_be_visible()
    wait_until_idle(page)
    target.fill("say-hello")
    _, block_file = download(page, "Download block JSON")
    assert json.loads(block_file)["Transitions"]["NextAction"] == "say-hello"
    # The click's rerun has drawn the committed target before the box is typed in again.
    wait_for_preview(page, lambda a: a["Transitions"]["NextAction"] == "say-hello")
    wait_until_idle(page)
    target.fill("say-goodbye")
    _, flow_file = download(page, "Download flow JSON")
    action = next(a for a in json.loads(flow_file)["Actions"] if a["Type"] == "GetCustomerProfile")
    assert action["Transitions"]["NextAction"] == "say-goodbye"
