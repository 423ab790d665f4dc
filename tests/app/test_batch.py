"""Batch page logic through AppTest, against a real local service over loopback HTTP.

The page is run on its own with the connection the sidebar would leave in session state. A run
goes on a background thread; AppTest does not poll fragments, so the tests wait for the job and
run the page again, as the browser's poll would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.batch_contacts import SOURCE, ContactsSource
from components.batch_run import RUN
from components.connection import AWS, LOCAL, ActiveConnection
from profile_block.model.block import GetProfileBlock, Identifier
from profile_block.running import aws
from profiles_sandbox.demo import DEMO_DOMAIN, DEMO_EXAMPLES
from profiles_sandbox.server import start_in_thread
from tests.app.conftest import TIMEOUT, button, widget
from tests.lookup.conftest import set_faults

ROOT = Path(__file__).resolve().parents[2]
BATCH_PAGE = ROOT / "app_pages" / "batch.py"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    running = start_in_thread(tmp_path_factory.mktemp("app-batch") / "sandbox.sqlite3")
    yield running
    running.stop()


def open_page(sandbox: Any | None, block: GetProfileBlock | None = None) -> AppTest:
    at = AppTest.from_file(str(BATCH_PAGE), default_timeout=TIMEOUT)
    if sandbox is not None:
        at.session_state["connection"] = ActiveConnection(
            LOCAL, aws.Connection(endpoint_url=sandbox.endpoint_url, local_service=True), DEMO_DOMAIN, True,
            "Local sandbox", list(DEMO_EXAMPLES))
    at.session_state["block"] = block or GetProfileBlock(
        identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address")], fields=["FirstName"])
    at.run()
    assert not at.exception, at.exception
    return at


def finish(at: AppTest) -> AppTest:
    assert at.session_state[RUN].job.wait(timeout=60), "the run did not end"
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_without_a_connection_the_run_button_says_why_it_is_off():
    at = open_page(None)
    run = button(at, "Run batch")
    assert run.disabled
    assert any("Not connected" in c.value for c in at.caption)


def test_without_contacts_the_run_button_asks_for_them(sandbox):
    at = open_page(sandbox)
    assert button(at, "Run batch").disabled
    assert any("upload a CSV or use the demo examples" in c.value for c in at.caption)


def test_demo_examples_run_in_the_background_and_every_expectation_holds(sandbox):
    at = open_page(sandbox)
    button(at, "Use the demo examples").click().run()
    assert any("demo examples" in m.value and "5 test contacts" in m.value for m in at.markdown)
    button(at, "Run batch").click().run()
    assert not at.exception, at.exception
    finish(at)
    shown = metrics(at)
    assert shown.pop("Rate").endswith(" rows/s")
    assert shown == {"Rows": "5", "Passed": "5", "Failed": "0"}
    assert [s.value for s in at.success if "Every expectation held" in s.value]
    frame = at.session_state[RUN].frame()
    assert frame["branch"].tolist() == ["Success", "MultipleFoundError", "NoneFoundError", "Success",
                                        "NoMatchingError"]
    assert frame["customer.FirstName"].tolist() == ["Maria", "", "", "Ahmed", ""]


def test_demo_examples_for_an_and_block_expect_a_branch_on_every_row(sandbox):
    block = GetProfileBlock(identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address"),
                                         Identifier("_account", "$.Attributes.account")], operator="AND")
    at = open_page(sandbox, block)
    button(at, "Use the demo examples").click().run()
    button(at, "Run batch").click().run()
    finish(at)
    frame = at.session_state[RUN].frame()
    assert (frame["result"] == "pass").all() and len(frame) == 6
    assert set(frame["branch"]) == {"Success", "MultipleFoundError", "NoneFoundError", "NoMatchingError"}
    assert [s.value for s in at.success if s.value == "Every expectation held (6 rows checked)."]


def test_a_csv_that_does_not_fit_the_block_is_refused_and_the_run_stays_off(sandbox):
    at = open_page(sandbox)
    at.session_state[SOURCE] = ContactsSource("contacts.csv", "id,Attributes.account\n1,A-1001\n")
    at.run()
    assert [e.value for e in at.error if "no column for CustomerEndpoint.Address" in e.value]
    assert button(at, "Run batch").disabled


def test_a_run_keeps_its_own_copy_of_the_block(sandbox):
    """Edits on the Build page while a run goes do not change what it runs."""
    block = GetProfileBlock(identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address")])
    at = open_page(sandbox, block)
    at.session_state[SOURCE] = ContactsSource("c.csv", "CustomerEndpoint.Address\n+15555550100\n")
    at.run()
    button(at, "Run batch").click().run()
    ran = at.session_state[RUN].job.block
    assert ran == block and ran is not block
    finish(at)
    assert at.session_state[RUN].frame()["branch"].tolist() == ["Success"]


def test_the_rate_cap_is_5_against_aws_and_off_for_the_local_service_by_default(sandbox):
    local = open_page(sandbox)
    assert widget(local, "number_input", "Max calls per second").value == 0
    assert widget(local, "number_input", "Attempts per row").value == 3
    at = AppTest.from_file(str(BATCH_PAGE), default_timeout=TIMEOUT)
    at.session_state["connection"] = ActiveConnection(AWS, aws.Connection(region="eu-west-2"), "prod", True,
                                                      "Connected")
    at.session_state["block"] = GetProfileBlock(
        identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address")])
    at.run()
    assert not at.exception, at.exception
    assert widget(at, "number_input", "Max calls per second").value == 5


def test_the_attempts_chosen_are_what_every_row_gets(sandbox):
    at = open_page(sandbox)
    widget(at, "number_input", "Attempts per row").set_value(2).run()
    widget(at, "number_input", "Max calls per second").set_value(200.0).run()
    button(at, "Use the demo examples").click().run()
    set_faults(sandbox, throttle_rate=1.0)
    try:
        button(at, "Run batch").click().run()
        finish(at)
    finally:
        set_faults(sandbox, throttle_rate=0.0)
    frame = at.session_state[RUN].frame()
    assert frame["branch"].tolist() == ["NoMatchingError"] * 5
    assert frame["attempts"].tolist() == ["2", "2", "2", "2", "0"]      # the empty value calls nothing
    assert frame["reason"].str.contains("after 2 attempts").tolist() == [True] * 4 + [False]
