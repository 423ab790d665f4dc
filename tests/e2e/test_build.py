"""The Build page in real Chromium: the checklist drives the preview, downloads are what the preview
shows, and an imported flow comes back with only the edited block changed."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from profile_block.documents.flow import dump_document
from profile_block.model.block import GetProfileBlock
from tests.app.flows import sample_flow
from tests.e2e.build_page import (
    field,
    fields_of,
    open_build,
    open_imported_block,
    preview,
    preview_text,
    section,
    tick,
    wait_for_preview,
)
from tests.e2e.conftest import wait_until_idle
from tests.e2e.helpers import download
from tests.splice_helpers import around


def test_ticking_fields_updates_the_preview_and_the_download_is_the_preview(page: Page, app_url: str):
    open_build(page, app_url)
    section(page, "Response fields")
    assert fields_of(preview(page)) == []
    tick(page, "FirstName")
    wait_for_preview(page, lambda a: fields_of(a) == ["FirstName"])
    tick(page, "EmailAddress")
    wait_for_preview(page, lambda a: fields_of(a) == ["FirstName", "EmailAddress"])
    # The address groups start closed; open Shipping and tick one of its fields.
    page.get_by_text(re.compile(r"^Shipping · 10 fields$")).click()
    wait_until_idle(page)
    tick(page, "ShippingCity")
    action = wait_for_preview(page, lambda a: fields_of(a) == ["FirstName", "EmailAddress", "ShippingCity"])

    name, data = download(page, "Download block JSON")
    assert name == f"get-profile-{action['Identifier']}.json"
    assert data.decode("utf-8").rstrip("\n") == preview_text(page).rstrip("\n")
    # ...and it is exactly the JSON of the block the clicks describe.
    expected = GetProfileBlock(action_id=action["Identifier"],
                               fields=["FirstName", "EmailAddress", "ShippingCity"])
    assert data == dump_document(expected.to_action()).encode("utf-8")

    name, data = download(page, "Download flow JSON")
    flow = json.loads(data)
    assert flow["StartAction"] == action["Identifier"]
    block = flow["Actions"][0]
    assert block["Parameters"] == action["Parameters"]
    # Unconnected branches lead to an ending action of the flow, so the console can import it.
    ids = {a["Identifier"] for a in flow["Actions"]}
    transitions = block["Transitions"]
    assert {transitions["NextAction"], *(e["NextAction"] for e in transitions["Errors"])} <= ids


def test_unticking_removes_the_field_and_keeps_the_order_of_the_rest(page: Page, app_url: str):
    open_build(page, app_url)
    section(page, "Response fields")
    for name in ("LastName", "FirstName", "BirthDate"):
        tick(page, name)
    wait_for_preview(page, lambda a: fields_of(a) == ["LastName", "FirstName", "BirthDate"])
    field(page, "FirstName").click()
    wait_for_preview(page, lambda a: fields_of(a) == ["LastName", "BirthDate"])


def test_import_edit_download_changes_only_the_edited_block(page: Page, app_url: str, tmp_path: Path):
    original = sample_flow()
    uploaded = tmp_path / "inbound.json"
    uploaded.write_text(json.dumps(original, indent=2), encoding="utf-8")

    open_imported_block(page, app_url, uploaded, blocks=2)
    wait_until_idle(page)
    wait_for_preview(page, lambda a: a["Identifier"] == "gp-phone")

    # Edit: tick a field, and make the first identifier's value static text.
    section(page, "Response fields")
    tick(page, "BirthDate")
    wait_for_preview(page, lambda a: fields_of(a) == ["FirstName", "LastName", "BirthDate"])
    section(page, "Request")
    page.get_by_role("radio", name="Static", exact=True).click()
    wait_until_idle(page)
    value = page.get_by_label("Static value")
    value.fill("+15555550123")
    value.press("Enter")
    edited = wait_for_preview(
        page, lambda a: a["Parameters"]["ProfileRequestData"].get("IdentifierValue") == "+15555550123")

    name, data = download(page, "Download flow JSON")
    assert name == "inbound-edited.json"
    flow = json.loads(data)
    # Everything but the edited block and its metadata entry is as uploaded.
    assert {k: v for k, v in flow.items() if k not in ("Actions", "Metadata")} == \
        {k: v for k, v in original.items() if k not in ("Actions", "Metadata")}
    meta, was_meta = flow["Metadata"]["ActionMetadata"], original["Metadata"]["ActionMetadata"]
    others = [k for k in was_meta if k != "gp-phone"]
    assert {k: meta[k] for k in others} == {k: was_meta[k] for k in others} and len(meta) == len(was_meta)
    # The value is static now: the designer's dynamic flag went with it, nothing else changed.
    assert meta["gp-phone"] == {**was_meta["gp-phone"], "useDynamic": {}}
    assert [a["Identifier"] for a in flow["Actions"]] == [a["Identifier"] for a in original["Actions"]]
    for got, was in zip(flow["Actions"], original["Actions"], strict=True):
        if was["Identifier"] != "gp-phone":
            assert got == was, f"{was['Identifier']} changed"
    block = next(a for a in flow["Actions"] if a["Identifier"] == "gp-phone")
    assert block == edited
    assert block["Parameters"]["ProfileRequestData"] == {"IdentifierName": "_phone",
                                                         "IdentifierValue": "+15555550123"}
    assert fields_of(block) == ["FirstName", "LastName", "BirthDate"]
    assert block["Transitions"]["NextAction"] == "greet"


def test_a_bad_upload_says_why_and_keeps_the_block(page: Page, app_url: str, tmp_path: Path):
    open_build(page, app_url)
    section(page, "Response fields")
    tick(page, "FirstName")
    before = wait_for_preview(page, lambda a: fields_of(a) == ["FirstName"])
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    page.get_by_text("Import a flow or a block").click()
    wait_until_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(broken))
    expect(page.get_by_text("Could not import broken.json")).to_be_visible()
    expect(page.get_by_text("Your block is unchanged")).to_be_visible()
    assert preview(page) == before


REAL_FLOWS = Path(__file__).parents[1] / "fixtures" / "real-flows"


def test_a_minified_console_export_comes_back_changed_only_in_the_edited_block(page: Page, app_url: str):
    """Real flow 05 (minified, 48 actions, no final newline): upload, tick a field, download. The
    file differs from the upload only inside the block's action and its ActionMetadata entry."""
    path = REAL_FLOWS / "05-sbs-financial-contactflow.json"
    original = path.read_bytes()
    open_imported_block(page, app_url, path, blocks=1)
    wait_until_idle(page)
    before = wait_for_preview(page, lambda a: a["Identifier"] == "bcd2dc6c-a1e2-43c2-9b50-3522388eaddf")
    assert "\n" not in preview_text(page).strip()     # the action as the minified file writes it

    section(page, "Response fields")
    tick(page, "BirthDate")
    after = wait_for_preview(page, lambda a: fields_of(a)[-1:] == ["BirthDate"])
    assert fields_of(after) == fields_of(before) + ["BirthDate"]

    name, downloaded = download(page, "Download flow JSON")
    assert name == "05-sbs-financial-contactflow-edited.json"
    assert downloaded != original and b"\n" not in downloaded
    position = [a["Type"] for a in json.loads(original)["Actions"]].index("GetCustomerProfile")
    assert around(downloaded.decode(), position) == around(original.decode(), position)
    block = json.loads(downloaded)["Actions"][position]
    assert block == after and block["Parameters"]["ProfileRequestData"] == {
        "IdentifierName": "_phone", "IdentifierValue": "$.Attributes.customerPhoneNumber"}
    entry = json.loads(downloaded)["Metadata"]["ActionMetadata"][block["Identifier"]]
    assert entry["useDynamic"] == {"IdentifierName": True, "IdentifierValue": True}
