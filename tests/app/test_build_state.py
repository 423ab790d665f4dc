"""The block being built survives reruns and a visit to the Lookup page (it lives in session state)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, TIMEOUT, field_box, field_names, full, model, preview, widget


def test_the_block_survives_switching_to_lookup_and_back():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    full(at)
    widget(at, "selectbox", "Search key").set_value("_email").run()
    full(at)
    widget(at, "segmented_control", "Section").set_value("Response fields").run()
    full(at)
    field_box(at, "LastName").check().run()
    full(at)
    field_box(at, "FirstName").check().run()
    full(at)
    block = model(at)
    action = preview(at)

    at.switch_page("app_pages/lookup.py")
    full(at)
    assert "LastName" not in field_names(at)
    at.switch_page("app_pages/build.py")
    full(at)

    assert model(at) is block
    assert block.fields == ["LastName", "FirstName"]
    assert preview(at) == action
    # The section the user was in is kept, and its widgets show the model again.
    assert widget(at, "segmented_control", "Section").value == "Response fields"
    assert field_box(at, "LastName").value and field_box(at, "FirstName").value
    assert not field_box(at, "MiddleName").value
    widget(at, "segmented_control", "Section").set_value("Request").run()
    full(at)
    assert widget(at, "selectbox", "Search key").value == "_email"
