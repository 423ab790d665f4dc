"""The Batch page in real Chromium: upload a contacts CSV, run it, read the table and the chart,
filter, and check that the download is exactly what the table shows."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from profile_block.model.block import GetProfileBlock, Identifier
from profile_block.model.link import block_link
from tests.e2e.conftest import wait_until_idle
from tests.e2e.helpers import assert_shown_in_full, download

PHONE = "CustomerEndpoint.Address"
CONTACTS = (f"id,{PHONE},expect_branch\n"
            "maria,+15555550100,Success\n"
            "chens,+15555550111,Success\n"          # fails: two profiles share this phone
            "nobody,+15555550199,NoneFoundError\n"
            "ahmed,+15555550140,Success\n"
            "empty,,NoMatchingError\n")
RUN_TIMEOUT_MS = 90_000      # the machine is shared: generous


def open_batch(page: Page, app_url: str) -> None:
    page.goto(app_url)
    wait_until_idle(page)
    page.get_by_role("link", name="Batch").click()
    wait_until_idle(page)
    expect(page.get_by_role("heading", name=re.compile("^Batch run"))).to_be_visible()


def upload(page: Page, contacts: Path) -> None:
    """Put ``contacts`` in the page's contacts uploader and let the run it causes end."""
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(contacts))
    wait_until_idle(page)


def run_and_wait(page: Page) -> None:
    page.get_by_role("button", name="Run batch").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    wait_until_idle(page)


def table(page: Page, count: int) -> list[dict[str, str]]:
    """The results grid as its accessible DOM shows it: header -> cell, for the columns drawn, once
    it has ``count`` rows (the grid drawn by the run before may still be on screen)."""
    # The grid is drawn on a canvas; its rows and headers here are the grid's own accessible copy.
    grid = page.locator('[data-testid="stDataFrame"]').last
    grid.locator('[role="columnheader"]').first.wait_for(state="attached")
    expect(grid.locator('[role="row"]')).to_have_count(count + 1)         # the header row, then rows
    headers = [h.strip() for h in grid.locator('[role="columnheader"]').all_text_contents()]
    rows = []
    for row in grid.locator('[role="row"]').all()[1:]:
        cells = [c.strip() for c in row.locator('[role="gridcell"]').all_text_contents()]
        rows.append(dict(zip(headers, cells, strict=True)))
    return rows


def chart_bars(page: Page) -> dict[tuple[str, str], int]:
    """(branch, result) -> rows, read from the chart's bar marks (Vega labels each one)."""
    marks = page.locator('[data-testid="stVegaLiteChart"] [aria-label^="rows: "]')
    expect(marks.first).to_be_attached()       # Vega draws after the page has run
    labels = marks.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    bars = {}
    for label in labels:
        parts = dict(part.split(": ", 1) for part in label.split("; "))
        bars[(parts["branch"], parts["result"])] = int(parts["rows"])
    return bars


def downloaded_csv(page: Page, label: re.Pattern[str]) -> pd.DataFrame:
    """The results CSV the button ``label`` gives, every cell as text."""
    name, data = download(page, label)
    assert name == "batch-results.csv"
    return pd.read_csv(io.StringIO(data.decode("utf-8")), dtype=str, keep_default_na=False)


def test_upload_run_table_chart_filter_and_download(page: Page, app_url: str, tmp_path: Path):
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(CONTACTS)
    open_batch(page, app_url)
    upload(page, contacts)
    expect(page.get_by_text("contacts.csv · 5 test contacts · checks the branch")).to_be_visible()

    run_and_wait(page)
    expect(page.get_by_text("1 row did not produce what the CSV expects")).to_be_visible()
    failed = page.locator('[data-testid="stMetric"]').filter(has_text="Failed")
    expect(failed.locator('[data-testid="stMetricValue"]')).to_have_text("1")

    # The chart names the branches as the filters do.
    assert chart_bars(page) == {("Success", "pass"): 2, ("Multiple found", "fail"): 1,
                                ("None found", "pass"): 1, ("Error", "pass"): 1}
    for label in ("Success", "Multiple found", "None found", "Error"):
        expect(page.get_by_role("button", name=label, exact=True)).to_be_visible()     # the filter

    rows = table(page, count=5)
    assert [r["id"] for r in rows] == ["maria", "chens", "nobody", "ahmed", "empty"]
    assert [r["branch"] for r in rows] == ["Success", "MultipleFoundError", "NoneFoundError", "Success",
                                           "NoMatchingError"]
    shown_columns = list(rows[0])
    assert shown_columns[:3] == ["id", "result", "mismatches"]     # pinned: in view however it scrolls
    everything = downloaded_csv(page, re.compile("Download all 5 rows shown"))
    assert everything[shown_columns].to_dict("records") == rows

    # Only the failures: the table and the download shrink together.
    page.get_by_role("button", name="fail", exact=True).click()
    wait_until_idle(page)
    expect(page.get_by_role("button", name=re.compile("Download the 1 row shown"))).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').last.locator('[role="row"]')).to_have_count(2)
    rows = table(page, count=1)
    assert [r["id"] for r in rows] == ["chens"]
    failing = downloaded_csv(page, re.compile("Download the 1 row shown"))
    assert failing[shown_columns].to_dict("records") == rows
    assert failing["mismatches"].tolist() == ["branch: expected Success, got MultipleFoundError"]
    assert_shown_in_full(page, "chens")
    assert_shown_in_full(page, "branch: expected Success, got MultipleFoundError")


# The second name has two '$': the error that names the file must not turn it into maths.
@pytest.mark.parametrize("name", ["phones.csv", "price $x$ list.csv"])
def test_a_bad_upload_says_why_and_keeps_the_run_disabled(page: Page, app_url: str, tmp_path: Path,
                                                           name: str):
    bad = tmp_path / name
    bad.write_text("name,Phone\nmaria,+15555550100\n")
    open_batch(page, app_url)
    upload(page, bad)
    expect(page.get_by_text(f"{name}: unknown columns 'name', 'Phone'")).to_be_visible()
    expect(page.get_by_role("button", name="Run batch")).to_be_disabled()
    assert page.locator(".katex").count() == 0


def test_the_demo_examples_take_every_branch(page: Page, app_url: str):
    open_batch(page, app_url)
    page.get_by_role("button", name="Use the demo examples").click()
    wait_until_idle(page)
    run_and_wait(page)
    expect(page.get_by_text(re.compile(r"Every expectation held \(\d+ rows checked\)"))).to_be_visible()
    branches = {branch for branch, _ in chart_bars(page)}
    assert branches == {"Success", "Multiple found", "None found", "Error"}


@pytest.mark.parametrize("operator", ["AND", "OR"])
def test_demo_contacts_for_a_two_key_block_fill_every_value_and_all_hold(page: Page, app_url: str,
                                                                         operator: str):
    """The demo set is made for the block: phone and account both filled, every row expects a
    branch, the label says which, and every expectation holds over all rows."""
    block = GetProfileBlock(identifiers=[Identifier("_phone", f"$.{PHONE}"),
                                         Identifier("_account", "$.Attributes.account")], operator=operator)
    page.goto(f"{app_url}/batch?b={block_link(block)}")
    wait_until_idle(page)
    expect(page.get_by_role("heading", name=re.compile("^Batch run"))).to_be_visible()
    page.get_by_role("button", name="Use the demo examples").click()
    wait_until_idle(page)
    summary = page.get_by_text(re.compile(r"demo examples · (\d+) test contacts · checks the branch"))
    expect(summary).to_be_visible()
    count = int(re.search(r"(\d+) test contacts", summary.inner_text())[1])
    run_and_wait(page)
    expect(page.get_by_text(f"Every expectation held ({count} rows checked).")).to_be_visible()
    table(page, count=count)
    rows = downloaded_csv(page, re.compile(f"Download all {count} rows shown")).to_dict("records")
    assert all(r[PHONE] and r["Attributes.account"] for r in rows if r["branch"] != "NoMatchingError")
    assert {r["branch"] for r in rows} == {"Success", "MultipleFoundError", "NoneFoundError",
                                           "NoMatchingError"}
    labels = {"Success": "Success: ", "MultipleFoundError": "Multiple found: ",
              "NoneFoundError": "None found: ", "NoMatchingError": "Error: "}
    assert all(r["id"].startswith(labels[r["branch"]]) and r["result"] == "pass" for r in rows)



def test_downloads_neutralise_formulas_and_keep_phone_numbers(page: Page, app_url: str, tmp_path: Path):
    """The table shows a hostile contact id as it is; both downloads (all rows, failures only) hold
    it with a leading quote, so a spreadsheet shows it as text instead of running it."""
    hyperlink = '=HYPERLINK("http://x.example/","x")'
    contacts = tmp_path / "formulas.csv"
    contacts.write_text(f"id,{PHONE},expect_branch\n"
                        f'"{hyperlink.replace(chr(34), chr(34) * 2)}",+15555550100,NoneFoundError\n'
                        "@SUM(A1),+15555550199,NoneFoundError\n")
    open_batch(page, app_url)
    upload(page, contacts)
    run_and_wait(page)
    assert [r["id"] for r in table(page, count=2)] == [hyperlink, "@SUM(A1)"]
    everything = downloaded_csv(page, re.compile("Download all 2 rows shown"))
    assert everything["id"].tolist() == ["'" + hyperlink, "'@SUM(A1)"]
    assert everything[PHONE].tolist() == ["+15555550100", "+15555550199"]
    page.get_by_role("button", name="fail", exact=True).click()
    wait_until_idle(page)
    failing = downloaded_csv(page, re.compile("Download the 1 row shown"))
    assert failing["id"].tolist() == ["'" + hyperlink]


def test_after_leaving_and_coming_back_the_page_says_which_file_the_contacts_came_from(
        page: Page, app_url: str, tmp_path: Path):
    contacts = tmp_path / "regression.csv"
    contacts.write_text(CONTACTS)
    open_batch(page, app_url)
    upload(page, contacts)
    expect(page.get_by_text("regression.csv · 5 test contacts")).to_be_visible()
    nav = page.get_by_test_id("stSidebarNavItems")
    nav.get_by_role("link", name="Build").click()
    wait_until_idle(page)
    nav.get_by_role("link", name="Batch").click()
    wait_until_idle(page)
    # The upload box is empty again (Streamlit forgets a file once its page is left): the page says
    # where the contacts it still lists come from, and lets them go.
    expect(page.get_by_text("regression.csv · 5 test contacts")).to_be_visible()
    expect(page.get_by_text("In use: regression.csv, uploaded earlier")).to_be_visible()
    page.get_by_role("button", name="Stop using them").click()
    wait_until_idle(page)
    expect(page.get_by_text("regression.csv · 5 test contacts")).to_have_count(0)
    expect(page.get_by_role("button", name="Run batch")).to_be_disabled()

    # The demo examples replace an upload in the box too: the box never shows a file not in use.
    upload(page, contacts)
    page.get_by_role("button", name="Use the demo examples").click()
    wait_until_idle(page)
    expect(page.locator('[data-testid="stFileUploaderFile"]')).to_have_count(0)
    expect(page.get_by_text("In use: the demo examples")).to_be_visible()
