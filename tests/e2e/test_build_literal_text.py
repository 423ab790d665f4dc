"""Texts that hold user input or `$.` paths are shown literally: never as LaTeX (two `$` in one
message made italic maths that spilled over the preview column), on the Build and Lookup pages."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.e2e.build_page import open_build, section
from tests.e2e.conftest import wait_until_idle
from tests.e2e.lookup_page import HEADING, go_to_lookup


def pick(page: Page, select_label: str, option: str, nth: int = 0) -> None:
    """Choose ``option`` in the selectbox labelled ``select_label``."""
    box = page.get_by_role("combobox", name=select_label).nth(nth)
    box.click()
    box.press_sequentially(option[:12])        # long lists are drawn a screenful at a time
    page.get_by_role("option", name=option).click()
    wait_until_idle(page)


def no_maths(page: Page, shown: Locator) -> None:
    """Once ``shown`` (the text this step draws) is on screen and the run has ended: no KaTeX."""
    expect(shown).to_be_visible()
    wait_until_idle(page)
    assert page.locator(".katex").count() == 0, page.locator(".katex").first.inner_text()


def test_dollar_signs_in_messages_stay_text(page: Page, app_url: str):
    open_build(page, app_url)
    # Dynamic -> Contact attribute, key still empty: the message names $.Attributes. and $.Attributes.account.
    pick(page, "Contact value", "Contact attribute (user-defined) (Attributes.<key>)")
    no_maths(page, page.get_by_text("$.Attributes.account").first)
    # A custom key with a '$' in it.
    page.get_by_role("button", name="Add identifier").click()
    # The second row first (right after the click the run may not have begun: idle is not enough).
    expect(page.get_by_role("combobox", name="Search key")).to_have_count(2)
    wait_until_idle(page)
    pick(page, "Search key", "Custom key…", nth=1)
    custom = page.get_by_role("textbox", name="Custom key name")
    custom.fill("bad key$")
    custom.press("Enter")
    no_maths(page, page.get_by_text("The key name 'bad key$'").first)
    # A custom attribute named $x.
    section(page, "Response fields")
    page.get_by_role("textbox", name="New custom attribute").fill("$x")
    page.get_by_role("button", name="Add attribute").click()
    no_maths(page, page.get_by_text("The custom attribute name '$x'"))
    # The Lookup page shows the same block and its values.
    go_to_lookup(page)
    no_maths(page, page.get_by_role("heading", name=HEADING))
    # ...and the result of running it: the reason names the values it could not send.
    page.get_by_role("button", name="Run lookup").click()
    no_maths(page, page.get_by_text("Recent lookups"))
