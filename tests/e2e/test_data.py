"""The Data page in real Chromium: browse and search, add a profile and find it in Lookup,
an import with an error row writes nothing, export downloads the domain as CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import wait_until_idle
from tests.e2e.helpers import assert_shown_in_full, download
from tests.e2e.lookup_page import banner, go_to_lookup, run_lookup, table_rows


def open_data(page: Page, app_url: str, section: str = "Profiles") -> None:
    page.goto(app_url)
    wait_until_idle(page)
    page.get_by_role("link", name="Data").click()
    wait_until_idle(page)
    expect(page.get_by_role("heading", name="Your data in the local service")).to_be_visible()
    if section != "Profiles":
        page.get_by_role("radio", name=section, exact=True).click()
        wait_until_idle(page)


def summary(page: Page):
    """The line above the table: the profile count, or what a search found."""
    return page.get_by_text(re.compile(r"profiles? in this domain")).first


def search(page: Page, key_label: str, value: str) -> None:
    page.get_by_role("combobox", name="Search key").click()
    page.get_by_role("option", name=key_label).click()
    wait_until_idle(page)
    box = page.get_by_role("textbox", name="Value", exact=True)
    box.fill(value)
    box.press("Enter")
    wait_until_idle(page)


def count_in_summary(page: Page) -> int:
    expect(summary(page)).to_be_visible()
    found = re.search(r"([\d,]+) profiles? in this domain", summary(page).inner_text())
    return int(found[1].replace(",", ""))


def create_profile(page: Page, **fields: str) -> None:
    """Open the form, fill the fields (by column name), press Create profile."""
    page.get_by_role("button", name="Add a profile").click()
    wait_until_idle(page)
    for column, value in fields.items():
        page.get_by_role("textbox", name=column, exact=True).fill(value)
    page.get_by_role("button", name="Create profile").click()
    wait_until_idle(page)


def test_browse_and_search_by_any_key(page: Page, app_url: str):
    open_data(page, app_url)
    expect(summary(page)).to_contain_text("profiles in this domain · showing 1–")
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible()
    search(page, "Phone number (_phone)", "+15555550111")
    expect(summary(page)).to_contain_text("2 found by _phone = +15555550111")
    search(page, "loyaltyId (custom key)", "LOY-1001")
    expect(summary(page)).to_contain_text("1 found by loyaltyId = LOY-1001")
    page.get_by_role("button", name="Show all").click()
    wait_until_idle(page)
    expect(summary(page)).to_contain_text("showing 1–")


def test_a_profile_added_on_the_data_page_is_found_in_lookup(page: Page, app_url: str):
    open_data(page, app_url)
    before = count_in_summary(page)
    create_profile(page, FirstName="Zoe", LastName="Quinn", PhoneNumber="+15550007777")
    notice = page.locator('[data-testid="stAlert"]').filter(has_text="Created profile")
    expect(notice).to_be_visible()
    profile_id = re.search(r"Created profile ([0-9a-f]{32})", notice.inner_text())[1]
    expect(summary(page)).to_contain_text(f"1 found by _profileId = {profile_id} · {before + 1} profiles")

    go_to_lookup(page)
    run_lookup(page, "+15550007777")
    expect(banner(page)).to_contain_text("Success branch")
    rows = {r["Attribute"]: r["Value"] for r in table_rows(page, "Attribute", count=2)}
    assert rows["$.Customer.ProfileId"] == profile_id   # and its ProfileARN
    assert rows["$.Customer.ProfileARN"].endswith(f":domains/demo/profiles/{profile_id}")


def test_a_bad_field_is_named_beside_it_and_nothing_is_saved(page: Page, app_url: str):
    open_data(page, app_url)
    before = count_in_summary(page)
    create_profile(page, FirstName="Toolong", EmailAddress="x" * 300)
    problem = page.get_by_text("Value at 'EmailAddress' (300 characters) failed to satisfy constraint")
    expect(problem).to_be_visible()
    page.get_by_role("button", name="Cancel").click()
    wait_until_idle(page)
    assert count_in_summary(page) == before


def test_an_import_with_an_error_row_writes_nothing(page: Page, app_url: str, tmp_path: Path):
    open_data(page, app_url)
    before = count_in_summary(page)
    bad = tmp_path / "contacts.csv"
    bad.write_text("FirstName,PhoneNumber,Gender\nGood,+15550008001,MALE\nBad,+15550008002,MAL\n",
                   encoding="utf-8")
    page.get_by_role("radio", name="Import / export", exact=True).click()
    wait_until_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(bad))
    wait_until_idle(page)
    expect(page.get_by_text("1 error in 1 row: nothing will be written")).to_be_visible()
    assert_shown_in_full(page, "Value 'MAL' at 'Gender' failed to satisfy constraint: Member must "
                               "satisfy enum value set: [MALE, FEMALE, UNSPECIFIED]")
    expect(page.get_by_role("button", name=re.compile("^Import "))).to_be_disabled()

    page.get_by_role("radio", name="Profiles", exact=True).click()
    wait_until_idle(page)
    assert count_in_summary(page) == before
    search(page, "Phone number (_phone)", "+15550008001")      # the good row was not written either
    expect(page.get_by_text("No profile matches this search.")).to_be_visible()


def test_export_downloads_the_domain_as_csv(page: Page, app_url: str):
    open_data(page, app_url, "Import / export")
    name, data = download(page, "Download demo.csv")
    assert name == "demo.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) >= 32 and set(rows[0]) >= {"ProfileId", "FirstName", "Address.City", "Key.loyaltyId"}
    maria = next(r for r in rows if r["AccountNumber"] == "A-1001")
    assert (maria["FirstName"], maria["Address.City"], maria["Key.loyaltyId"]) == \
        ("Maria", "Seattle", "LOY-1001")


def test_a_file_name_with_dollar_signs_is_shown_as_typed(page: Page, app_url: str, tmp_path: Path):
    # Two '$' in one Markdown text were read as maths: the name must show as typed, with no KaTeX.
    odd = tmp_path / "price $x$ list.csv"
    odd.write_text("FirstName,PhoneNumber\nDollar,+15550008101\n", encoding="utf-8")
    open_data(page, app_url, "Import / export")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(odd))
    wait_until_idle(page)
    expect(page.get_by_text("price $x$ list.csv into domain demo")).to_be_visible()
    assert page.locator(".katex").count() == 0


def test_the_add_profile_form_reads_as_a_profile_does(page: Page, app_url: str):
    """Names first, then how to reach the person, then addresses, then the rest."""
    open_data(page, app_url)
    page.get_by_role("button", name="Add a profile").click()
    wait_until_idle(page)
    form = page.locator('[data-testid="stForm"]')
    expect(form.get_by_role("textbox", name="FirstName", exact=True)).to_be_visible()
    labels = form.locator('[data-testid="stTextInput"] label').all()
    # As a person reads them: row by row, left to right (the fields sit in three columns).
    placed = sorted((round(box["y"]), box["x"], label.inner_text())
                    for label in labels if (box := label.bounding_box()) is not None)
    boxes = [text for _, _, text in placed]
    assert boxes[:5] == ["FirstName", "MiddleName", "LastName", "BusinessName", "PhoneNumber"]
    assert boxes.index("BusinessEmailAddress") < boxes.index("AccountNumber")
    headings = form.locator('[data-testid="stMarkdownContainer"] strong').all_inner_texts()
    assert headings[:2] == ["Name", "Contact"] and "More" in headings
