"""The Lookup page in real Chromium: the demo numbers take their branches, attributes show."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import wait_until_idle

PHONE = "CustomerEndpoint.Address"


def open_lookup(page: Page, app_url: str) -> None:
    page.goto(app_url)
    wait_until_idle(page)
    page.get_by_role("link", name="Lookup").click()
    wait_until_idle(page)
    expect(page.get_by_role("heading", name="Try the block: live lookup")).to_be_visible()


def run_lookup(page: Page, value: str) -> None:
    box = page.get_by_role("textbox", name=PHONE, exact=True)
    box.fill(value)
    box.press("Enter")          # commits the value before the button reruns the page
    wait_until_idle(page)
    page.get_by_role("button", name="Run lookup").click()
    wait_until_idle(page)


def banner(page: Page):
    """The branch banner: the first alert of the result column that names a branch."""
    return page.locator('[data-testid="stAlert"]').filter(has_text=re.compile(r"branch"))


def table_rows(page: Page, header: str) -> list[dict[str, str]]:
    """Rows (column header -> cell text) of the st.table that has a column named ``header``."""
    table = page.locator('[data-testid="stTable"] table').filter(
        has=page.locator("thead th", has_text=re.compile(f"^{re.escape(header)}$"))).first
    # all_inner_texts() does not wait: a table still being drawn would read as no rows at all.
    expect(table.locator("tbody tr").first).to_be_visible()
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    rows = table.locator("tbody tr")
    cells = [[c.strip() for c in rows.nth(i).locator("td, th").all_inner_texts()]
             for i in range(rows.count())]
    # An index column, when shown, is the first cell of each row: align cells from the right.
    return [dict(zip(headers[::-1], row[::-1], strict=False)) for row in cells]


def test_demo_numbers_take_each_branch_and_show_the_attributes(page: Page, app_url: str):
    # Bring back a field, so the attributes table has more than ProfileId.
    page.goto(app_url)
    wait_until_idle(page)
    page.get_by_role("radio", name="Response fields", exact=True).click()
    wait_until_idle(page)
    page.get_by_text("FirstName", exact=True).first.click()
    # The tick has taken effect (its run may start after a first idle check): then leave the page.
    expect(page.get_by_text("1 field", exact=True)).to_be_visible()
    wait_until_idle(page)
    page.get_by_role("link", name="Lookup").click()
    wait_until_idle(page)
    expect(page.get_by_role("heading", name="Try the block: live lookup")).to_be_visible()

    expect(page.get_by_role("textbox", name=PHONE, exact=True)).to_have_value("+15555550100")
    run_lookup(page, "+15555550100")
    expect(banner(page)).to_contain_text("Success branch")
    rows = {r["Attribute"]: r["Value"] for r in table_rows(page, "Attribute")}
    assert rows["$.Customer.FirstName"] == "Maria"
    assert re.fullmatch(r"[0-9a-f]{32}", rows["$.Customer.ProfileId"])

    run_lookup(page, "+15555550111")
    expect(banner(page)).to_contain_text("Multiple found branch")
    names = sorted(r["Name"] for r in table_rows(page, "ProfileId"))
    assert names == ["James Chen", "Linda Mei Chen"]

    run_lookup(page, "+15555550199")
    expect(banner(page)).to_contain_text("None found branch")
    expect(banner(page)).to_contain_text("No profile matched _phone = +15555550199")

    run_lookup(page, "")
    expect(banner(page)).to_contain_text("Error branch")
    expect(banner(page)).to_contain_text("is empty")

    history = table_rows(page, "Test contact")
    assert [r["Branch"] for r in history] == ["Error", "None found", "Multiple found", "Success"]
    assert history[0]["Test contact"] == f"{PHONE}=(empty)"


def test_request_and_response_are_shown_and_a_demo_button_runs(page: Page, app_url: str):
    open_lookup(page, app_url)
    page.get_by_role("button", name=re.compile(r"^\+15555550111")).click()
    wait_until_idle(page)
    expect(banner(page)).to_contain_text("Multiple found branch")
    expect(page.get_by_role("textbox", name=PHONE, exact=True)).to_have_value("+15555550111")
    page.get_by_text("SearchProfiles request and response").click()
    code = page.locator('[data-testid="stCode"]')
    expect(code.first).to_contain_text('"KeyName": "_phone"')
    expect(code.nth(1)).to_contain_text('"Items"')


def test_a_deep_link_to_lookup_runs_the_router_and_its_sidebar(page: Page, app_url: str):
    # Opened by its address as the first request, the page must still get the connection panel
    # (a pages/ folder beside app.py would make Streamlit run the page alone, unconnected).
    page.goto(app_url + "/lookup")
    wait_until_idle(page)
    expect(page.get_by_role("heading", name="Try the block: live lookup")).to_be_visible()
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("Connection", exact=True)).to_be_visible()
    run_lookup(page, "+15555550100")
    expect(banner(page)).to_contain_text("Success branch")
