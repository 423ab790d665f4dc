"""Lookup page logic through AppTest, against a real local service over loopback HTTP.

The page is run on its own with the connection the sidebar would leave in session state
(the sidebar is tested in test_lookup_connection).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.connection import LOCAL, ActiveConnection
from profile_block.model.block import BRANCHES, GetProfileBlock, Identifier
from profile_block.running import aws
from profiles_sandbox.demo import DEMO_DOMAIN, DEMO_EXAMPLES
from profiles_sandbox.server import start_in_thread
from tests.app.conftest import json_views, shown, shown_table, texts

ROOT = Path(__file__).resolve().parents[2]
LOOKUP_PAGE = ROOT / "app_pages" / "lookup.py"
PHONE = "CustomerEndpoint.Address"
PHONE_INPUT = f"lookup_contact_input:{PHONE}"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    running = start_in_thread(tmp_path_factory.mktemp("app-lookup") / "sandbox.sqlite3")
    yield running
    running.stop()


def open_page(sandbox: Any, block: GetProfileBlock | None = None) -> AppTest:
    at = AppTest.from_file(str(LOOKUP_PAGE), default_timeout=30)
    at.session_state["connection"] = ActiveConnection(
        LOCAL, aws.Connection(endpoint_url=sandbox.endpoint_url, local_service=True), DEMO_DOMAIN, True,
        "Local sandbox", list(DEMO_EXAMPLES))
    if block is not None:
        at.session_state["block"] = block
    at.run()
    assert not at.exception, at.exception
    return at


def run_with(at: AppTest, **values: str) -> AppTest:
    for path, value in values.items():
        at.text_input(key=f"lookup_contact_input:{path.replace('__', '.')}").input(value)
    at.button(key="lookup_run").click().run()
    assert not at.exception, at.exception
    return at


def tables(at: AppTest) -> dict[str, Any]:
    """The page's tables by their first column name."""
    return {shown(t.value.columns[0]): shown_table(t.value) for t in at.table}


def banner_texts(at: AppTest, kind: str) -> list[str]:
    return texts(at, kind)


def test_opened_first_it_creates_the_default_block_and_prefills_a_demo_value(sandbox):
    at = open_page(sandbox)
    assert isinstance(at.session_state["block"], GetProfileBlock)
    assert [shown(t.label) for t in at.text_input] == [PHONE]
    assert at.text_input(key=PHONE_INPUT).value == "+15555550100"
    labels = [shown(b.label) for b in at.button]
    for chip in ("Success: _phone +15555550100", "Multiple found: _phone +15555550111",
                 "None found: _phone +15555550199", "Error: empty CustomerEndpoint.Address"):
        assert chip in labels, labels
    demo = tables(at)["Value"]
    assert "LOY-1001" in demo["Value"].tolist()      # the custom-key example is listed too
    assert "Fill in the test contact" in " ".join(banner_texts(at, "info"))


def test_success_shows_the_branch_its_next_action_and_the_attributes(sandbox):
    block = GetProfileBlock(fields=["FirstName", "ShippingCity", "Attributes.tier", "ShippingProvince"])
    block.branches = {b: f"next-{b}" for b in BRANCHES}
    at = run_with(open_page(sandbox, block), **{PHONE: "+15555550100"})
    banner = " ".join(banner_texts(at, "success"))
    assert "**Success** branch" in banner and "`next-Success`" in banner
    attributes = tables(at)["Attribute"]
    rows = dict(zip(attributes["Attribute"], attributes["Value"], strict=True))
    assert list(rows) == ["$.Customer.ProfileId", "$.Customer.ProfileARN", "$.Customer.FirstName",
                          "$.Customer.ShippingCity", "$.Customer.Attributes.tier",
                          "$.Customer.ShippingProvince"]
    assert rows["$.Customer.ProfileARN"] == ("arn:aws:profile:us-east-1:000000000000:domains/demo/profiles/"
                                             + rows["$.Customer.ProfileId"])
    assert rows["$.Customer.FirstName"] == "Maria" and rows["$.Customer.ShippingCity"] == "Seattle"
    assert rows["$.Customer.ShippingProvince"] == "not set"
    assert any('"KeyName": "_phone"' in text for text in json_views(at))   # the exact request is shown
    assert any("searched domain **demo** on the local sandbox" in c.value for c in at.caption)


def test_multiple_found_lists_the_matching_profiles(sandbox):
    at = run_with(open_page(sandbox), **{PHONE: "+15555550111"})
    assert "Multiple found" in " ".join(banner_texts(at, "warning"))
    matches = tables(at)["Name"]
    assert sorted(matches["Name"]) == ["James Chen", "Linda Mei Chen"]
    # Which key found each profile (SearchProfiles' FoundByItems).
    # Which profile field matched (SearchProfiles' FoundByItems), and that value beside it.
    by_name = dict(zip(matches["Name"], matches["Matched by"], strict=True))
    assert by_name == {"James Chen": "HomePhoneNumber = +15555550111 (_phone)",
                       "Linda Mei Chen": "PhoneNumber = +15555550111 (_phone)"}
    assert all(cell.startswith("+15555550111 ") for cell in matches["Phone and email"])
    assert "Attribute" not in tables(at)


def test_none_found(sandbox):
    at = run_with(open_page(sandbox), **{PHONE: "+15555550199"})
    assert "None found" in " ".join(banner_texts(at, "info"))
    assert set(tables(at)) == {"At", "Value"}         # history and demo values, no result table


def test_an_empty_value_takes_the_error_branch_with_the_reason(sandbox):
    at = run_with(open_page(sandbox), **{PHONE: ""})
    text = " ".join(banner_texts(at, "error"))
    assert "**Error** branch (`NoMatchingError`)" in text and "is empty" in text


def test_a_demo_value_button_fills_the_input_and_runs(sandbox):
    at = open_page(sandbox)
    [b for b in at.button if shown(b.label) == "Multiple found: _phone +15555550111"][0].click().run()
    assert at.text_input(key=PHONE_INPUT).value == "+15555550111"
    assert "Multiple found" in " ".join(banner_texts(at, "warning"))


def test_history_lists_the_last_ten_lookups_newest_first(sandbox):
    at = open_page(sandbox)
    numbers = [f"+155555502{i:02d}" for i in range(12)]
    for number in numbers:
        run_with(at, **{PHONE: number})
    history = tables(at)["At"]
    assert len(history) == 10
    assert history["Test contact"].tolist() == [f"{PHONE}={n}" for n in reversed(numbers[2:])]
    assert set(history["Branch"]) == {"Success"}


def test_one_input_per_reference_and_static_values_are_explained(sandbox):
    block = GetProfileBlock(identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address"),
                                         Identifier("loyaltyId", "$.Attributes.loyalty"),
                                         Identifier("_account", "A-1001")],
                            operator="AND", fields=["LastName"])
    at = open_page(sandbox, block)
    assert [shown(t.label) for t in at.text_input] == [PHONE, "Attributes.loyalty"]
    assert at.text_input(key="lookup_contact_input:Attributes.loyalty").value == "LOY-1001"
    assert any("static value `A-1001`" in c.value for c in at.caption)
    run_with(at)
    assert "**Success** branch" in " ".join(banner_texts(at, "success"))
    assert tables(at)["Attribute"]["Value"].tolist()[-1] == "Garcia"


def test_a_block_with_errors_is_flagged_and_still_runs(sandbox):
    block = GetProfileBlock(identifiers=[Identifier("bad key!", "$.CustomerEndpoint.Address")])
    at = open_page(sandbox, block)
    assert any("The block has" in w.value for w in at.warning)
    run_with(at, **{PHONE: "+15555550100"})
    assert "BadRequestException" in " ".join(banner_texts(at, "error"))


def test_contact_values_survive_leaving_the_page(sandbox):
    at = open_page(sandbox)
    at.text_input(key=PHONE_INPUT).input("+15555550140").run()
    block = at.session_state["block"]
    # A run without the input (the block went static for a while, or another page ran):
    # Streamlit drops the widget's state, the stored test contact remains.
    block.identifiers[0].value = "+15555550100"
    at.run()
    assert not at.text_input
    block.identifiers[0].value = "$.CustomerEndpoint.Address"
    at.run()
    assert at.text_input(key=PHONE_INPUT).value == "+15555550140"


def test_without_a_working_connection_the_button_is_disabled_with_the_reason(sandbox):
    at = AppTest.from_file(str(LOOKUP_PAGE), default_timeout=30)
    at.session_state["connection"] = ActiveConnection(
        "AWS", aws.Connection(region="eu-west-2"), "", False,
        "No AWS credentials found (NoCredentialsError).")
    at.run()
    assert at.button(key="lookup_run").disabled
    assert "NoCredentialsError" in " ".join(banner_texts(at, "error"))


@pytest.mark.parametrize("operator", ["AND", "OR"])
def test_demo_contacts_of_a_two_key_block_fill_both_values_and_take_the_branch_they_name(sandbox, operator):
    """Issue 19.4: the chips are made for the block (every value it reads, its AND/OR), and each
    lands on the branch its label names."""
    block = GetProfileBlock(identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address"),
                                         Identifier("_account", "$.Attributes.account")],
                            operator=operator, branches={b: f"next-{b}" for b in BRANCHES})
    at = open_page(sandbox, block)
    chips = [b for b in at.button if (b.key or "").startswith("lookup_demo_contact:")]
    labels = [shown(b.label) for b in chips]
    named = {label.split(":")[0] for label in labels}
    assert named == {"Success", "Multiple found", "None found", "Error"}, labels
    for n, label in enumerate(labels):
        at.button(key=f"lookup_demo_contact:{n}").click().run()
        assert not at.exception, at.exception
        if not label.startswith("Error"):
            assert at.text_input(key=PHONE_INPUT).value and \
                at.text_input(key="lookup_contact_input:Attributes.account").value, label
        kinds = ("success", "warning", "info", "error")
        banners = " ".join(text for kind in kinds for text in banner_texts(at, kind))
        assert f"**{label.split(':')[0]}** branch" in banners, (label, banners)
