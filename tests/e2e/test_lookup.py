"""The Lookup page in real Chromium: the demo numbers take their branches, attributes show."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import wait_until_idle
from tests.e2e.lookup_page import PHONE, banner, go_to_lookup, open_lookup, run_lookup, table_rows


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
    go_to_lookup(page)

    expect(page.get_by_role("textbox", name=PHONE, exact=True)).to_have_value("+15555550100")
    run_lookup(page, "+15555550100")
    expect(banner(page)).to_contain_text("Success branch")
    rows = {r["Attribute"]: r["Value"] for r in table_rows(page, "Attribute", count=3)}
    assert rows["$.Customer.FirstName"] == "Maria"
    assert re.fullmatch(r"[0-9a-f]{32}", rows["$.Customer.ProfileId"])
    assert rows["$.Customer.ProfileARN"] == \
        f"arn:aws:profile:us-east-1:000000000000:domains/demo/profiles/{rows['$.Customer.ProfileId']}"

    run_lookup(page, "+15555550111")
    expect(banner(page)).to_contain_text("Multiple found branch")
    names = sorted(r["Name"] for r in table_rows(page, "ProfileId", count=2))
    assert names == ["James Chen", "Linda Mei Chen"]

    run_lookup(page, "+15555550199")
    expect(banner(page)).to_contain_text("None found branch")
    expect(banner(page)).to_contain_text("No profile matched _phone = +15555550199")

    run_lookup(page, "")
    expect(banner(page)).to_contain_text("Error branch")
    expect(banner(page)).to_contain_text("is empty")

    history = table_rows(page, "Test contact", count=4)
    assert [r["Branch"] for r in history] == ["Error", "None found", "Multiple found", "Success"]
    assert history[0]["Test contact"] == f"{PHONE}=(empty)"


def test_request_and_response_are_shown_and_a_demo_button_runs(page: Page, app_url: str):
    open_lookup(page, app_url)
    page.get_by_role("button", name="Multiple found: _phone +15555550111").click()
    wait_until_idle(page)
    expect(banner(page)).to_contain_text("Multiple found branch")
    expect(page.get_by_role("textbox", name=PHONE, exact=True)).to_have_value("+15555550111")
    page.get_by_text("SearchProfiles request and response").click()
    code = page.locator('[data-testid="stHtml"] .studio-json code')
    expect(code.first).to_contain_text('"KeyName": "_phone"')
    expect(code.nth(1)).to_contain_text('"Items"')


def test_a_deep_link_to_lookup_runs_the_router_and_its_sidebar(page: Page, app_url: str):
    # Opened by its address as the first request, the page must still get the connection panel
    # (a pages/ folder beside studio.py would make Streamlit run the page alone, unconnected).
    page.goto(app_url + "/lookup")
    wait_until_idle(page)
    expect(page.get_by_role("heading", name="Try the block: live lookup")).to_be_visible()
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("Connection", exact=True)).to_be_visible()
    run_lookup(page, "+15555550100")
    expect(banner(page)).to_contain_text("Success branch")


def test_multiple_found_names_the_field_that_matched_and_fits_its_column(page: Page, app_url: str):
    open_lookup(page, app_url)
    run_lookup(page, "+15555550111")
    expect(banner(page)).to_contain_text("Multiple found branch")
    rows = {r["Name"]: r for r in table_rows(page, "Matched by", count=2)}
    # James Chen's main number is +15555550112: his home number is the one that matched.
    assert rows["James Chen"]["Matched by"] == "HomePhoneNumber = +15555550111 (_phone)"
    assert rows["Linda Mei Chen"]["Matched by"] == "PhoneNumber = +15555550111 (_phone)"
    for row in rows.values():
        assert row["Phone and email"].split()[0] == "+15555550111"
    assert rows["James Chen"]["Phone and email"].endswith("james.chen@example.com")
    # Nothing is cut at the column's edge: the table is no wider than the box it is drawn in.
    table = page.locator('[data-testid="stTable"]').filter(has_text="Matched by").first
    overflow = table.evaluate("(box) => box.querySelector('table').getBoundingClientRect().right "
                              "- box.getBoundingClientRect().right")
    assert overflow <= 1, f"the table sticks out of its column by {overflow:.0f} px"
