"""The flow map in a real browser: the SVG names every action, the missing read is drawn and one click
fixes it; Lookup traces the contact's path on the map. With DOCS_SCREENSHOTS=1 the test also writes
the README's screenshots (docs/flow-map-build.png, docs/flow-map-lookup.png)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.build_page import open_imported_block, section
from tests.e2e.conftest import ROOT, wait_until_idle
from tests.e2e.lookup_page import go_to_lookup, run_lookup

REAL = ROOT / "tests" / "fixtures" / "real-flows" / "11-aicc-q-in-connect-self-service-flow.json"
MAP = '[data-testid="stGraphVizChart"] svg'


def _shoot(page: Page, name: str) -> None:
    if os.environ.get("DOCS_SCREENSHOTS") == "1":
        chart = page.locator('[data-testid="stGraphVizChart"]')
        size = page.viewport_size
        page.set_viewport_size({"width": 1400, "height": 2400})   # the whole chart painted at once
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(1500)   # the chart fades in: let it finish before the picture
        chart.screenshot(path=str(ROOT / "docs" / name))
        page.set_viewport_size(size)


def _flow_without_last_name(tmp_path: Path) -> Path:
    document = json.loads(REAL.read_text("utf-8"))
    block = next(a for a in document["Actions"] if a["Type"] == "GetCustomerProfile")
    block["Parameters"]["ProfileResponseData"].remove("LastName")
    path = tmp_path / "q-in-connect-flow.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def test_the_map_shows_the_missing_read_and_one_click_ticks_it_then_lookup_traces_the_path(
        page: Page, app_url: str, tmp_path: Path):
    open_imported_block(page, app_url, _flow_without_last_name(tmp_path), blocks=1)
    svg = page.locator(MAP)
    expect(svg.locator("text", has_text="update-attrs")).to_have_count(1)
    expect(svg.locator("text", has_text="⚠ missing LastName")).to_have_count(2)
    _shoot(page, "flow-map-build.png")
    section(page, "Response fields")
    expect(page.locator('[data-testid="stAlert"]').filter(
        has_text="'update-attrs' (Set contact attributes) reads $.Customer.LastName")).to_have_count(1)
    page.get_by_role("button", name="Tick LastName").click()
    wait_until_idle(page)
    expect(svg.locator("text", has_text="⚠ missing")).to_have_count(0)
    expect(page.get_by_role("button", name="Tick LastName")).to_have_count(0)

    go_to_lookup(page)
    run_lookup(page, "+15555550100")
    expect(page.get_by_text("Path after the Success branch")).to_be_visible()
    expect(page.get_by_text("Stops at 'check-result' (Check contact attributes)")).to_be_visible()
    expect(page.locator(MAP).locator("text", has_text="associate-profile")).to_have_count(1)
    _shoot(page, "flow-map-lookup.png")
