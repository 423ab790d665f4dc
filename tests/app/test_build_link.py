"""The block in the page address (?b=...): written as it changes, read when a session starts; an
address that cannot be read opens a fresh block and says why; the field filter survives a page
switch."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from components.build_preview import flow_text
from profile_block.model.block import GetProfileBlock, Identifier
from profile_block.model.link import Source, block_link, read_link
from tests.app.conftest import (
    APP,
    BUILD_PAGE,
    TIMEOUT,
    field_box,
    field_names,
    full,
    model,
    preview,
    show,
    texts,
    widget,
)
from tests.app.flows import dumps, sample_flow
from tests.app.test_build_import import edit_buttons, open_import, upload


def opened_with(address: str, page=BUILD_PAGE) -> AppTest:
    """A new session opened on ``page`` with ``?b=<address>``."""
    at = AppTest.from_file(str(page), default_timeout=TIMEOUT)
    at.query_params["b"] = address
    return full(at)


def test_every_change_is_written_into_the_address(build):
    assert read_link(build.query_params["b"]).block == model(build)
    show(build, "Response fields")
    field_box(build, "LastName").check().run()
    # A tick reruns the preview alone, and the preview writes the address.
    assert read_link(build.query_params["b"]).block.fields == ["LastName"]


def test_a_new_session_with_the_address_opens_the_same_block(build):
    show(build, "Response fields")
    field_box(build, "BirthDate").check().run()
    full(build)
    widget(build, "segmented_control", "Section").set_value("Request").run()
    full(build)
    widget(build, "selectbox", "Search key").set_value("_email").run()
    full(build)
    again = opened_with(build.query_params["b"])
    assert model(again) == model(build) and preview(again) == preview(build)
    assert not texts(again, "warning") and not texts(again, "info")


def test_a_broken_or_foreign_address_opens_a_fresh_block_and_says_why():
    cases = (("1.AAAA", "damaged"), ("7.eJwLAAA", "format 7"), ("not-a-link", "not a block link"))
    for address, why in cases:
        at = opened_with(address)
        assert model(at) == GetProfileBlock(action_id=model(at).action_id)
        warnings = " ".join(texts(at, "warning"))
        assert "could not be opened" in warnings and why in warnings and "fresh block" in warnings
        # ...and the address now holds the fresh block.
        assert read_link(at.query_params["b"]).block == model(at)


@pytest.mark.parametrize("page", ["app_pages/lookup.py", "app_pages/batch.py"])
def test_the_pages_that_run_the_block_read_and_write_the_address_too(page):
    block = GetProfileBlock(action_id="from-link", identifiers=[Identifier("_email", "$.Attributes.email")])
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["b"] = block_link(block)
    at.switch_page(page)          # opened at that page's address: the Build page never ran
    full(at)
    assert model(at) == block
    assert read_link(at.query_params["b"]).block == block


def test_an_imported_block_survives_a_reload_and_goes_back_into_its_file(build):
    upload(build, "inbound.json", dumps(sample_flow()))
    edit_buttons(build)[0].click().run()
    show(build, "Response fields")
    field_box(build, "BirthDate").check().run()
    full(build)
    address = build.query_params["b"]
    assert read_link(address).source == Source("inbound.json", "gp-phone", "flow")

    reloaded = opened_with(address)
    assert model(reloaded).fields == ["FirstName", "LastName", "BirthDate"]
    assert reloaded.session_state["build_editing"] is None
    said = " ".join(texts(reloaded, "info"))
    assert "inbound.json" in said and "import" in said and "again" in said
    # The address keeps naming the file while the block waits for it.
    assert read_link(reloaded.query_params["b"]).source == Source("inbound.json", "gp-phone", "flow")

    # Imported again: the block (with the edit) goes back in; the rest of the file is as it was.
    open_import(reloaded)
    reloaded.file_uploader[0].upload("inbound.json", dumps(sample_flow()), "application/json").run()
    assert any("went back into inbound.json as block gp-phone" in s for s in texts(reloaded, "success"))
    full(reloaded)
    editing = reloaded.session_state["build_editing"]
    assert editing is not None and editing.original_id == "gp-phone"
    assert model(reloaded).fields == ["FirstName", "LastName", "BirthDate"]
    flow = json.loads(flow_text(model(reloaded), editing))
    original = sample_flow()
    assert flow["Actions"][1]["Parameters"]["ProfileResponseData"] == ["FirstName", "LastName", "BirthDate"]
    assert [a for i, a in enumerate(flow["Actions"]) if i != 1] == \
        [a for i, a in enumerate(original["Actions"]) if i != 1]
    assert not texts(full(reloaded), "info")


def test_the_field_filter_survives_switching_pages():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    full(at)
    widget(at, "segmented_control", "Section").set_value("Response fields").run()
    full(at)
    widget(at, "text_input", "Filter fields").input("city").run()
    full(at)
    at.switch_page("app_pages/lookup.py")
    full(at)
    at.switch_page("app_pages/build.py")
    full(at)
    assert widget(at, "text_input", "Filter fields").value == "city"
    assert field_names(at) == ["City", "ShippingCity", "MailingCity", "BillingCity"]


# Issue 18's hostile links: 5,000 nested arrays in 50 characters, and a block holding a lone surrogate.
HOSTILE_LINKS = {
    "deep": ("1.eNrtwTENAAAAAqCgzv41TOEHJAAAAADAWwEAAACAuwEdaAqT", "nests far deeper"),
    "surrogate": ("1.eNqLVoopTbEwMFDSiY7VUXL0cwEzopWUdGAoNhYApSIITQ", "not Unicode"),
}


def renders(at: AppTest, page: str) -> AppTest:
    """Switch the session to ``page`` and check it drew its own widgets, without an error."""
    at.switch_page(page)
    full(at)
    if page.endswith("lookup.py"):
        assert at.button(key="lookup_run")
    elif page.endswith("batch.py"):
        assert [u for u in at.get("file_uploader") if u.proto.label == "Upload a contacts CSV"]
    else:
        assert preview(at)["Identifier"] == model(at).action_id
    return at


@pytest.mark.parametrize("kind", sorted(HOSTILE_LINKS))
@pytest.mark.parametrize("page", ["app_pages/build.py", "app_pages/lookup.py", "app_pages/batch.py"])
def test_a_hostile_link_opens_a_fresh_block_with_the_notice_and_every_page_runs_after(page, kind):
    address, why = HOSTILE_LINKS[kind]
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["b"] = address
    at.switch_page(page)
    full(at)
    assert model(at) == GetProfileBlock(action_id=model(at).action_id)
    warnings = " ".join(texts(at, "warning"))
    assert "could not be opened" in warnings and why in warnings
    assert "A fresh block is open instead" in warnings
    assert read_link(at.query_params["b"]).block == model(at)       # the address holds the fresh block
    full(at)                                                        # and the next run works too
    for other in ("app_pages/build.py", "app_pages/lookup.py", "app_pages/batch.py"):
        renders(at, other)
