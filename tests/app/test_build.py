"""Build page logic through AppTest: the widgets edit the block model and the preview follows."""

from __future__ import annotations

import pytest

from components.build_preview import DownloadRefused, block_text, download_bytes
from profile_block.documents.flow import dump_document
from profile_block.model import fields
from profile_block.model.block import MAX_IDENTIFIERS
from tests.app.conftest import (
    button,
    downloads,
    field_box,
    field_groups,
    field_names,
    files_given,
    full,
    model,
    open_groups,
    preview,
    show,
    texts,
    ticked_names,
    widget,
)


def test_first_visit_shows_a_valid_default_block(build):
    block = model(build)
    assert [(i.key, i.value) for i in block.identifiers] == [("_phone", "$.CustomerEndpoint.Address")]
    assert preview(build) == block.to_action()
    # The Request section is shown first; the other sections draw nothing until picked.
    assert [s.label for s in build.selectbox][:1] == ["Search key"] and not field_names(build)
    show(build, "Response fields")
    # The groups of top-level fields start open, the four address groups closed.
    top_level = [f.name for g in ("Personal", "Phone", "Email") for f in fields.fields_in_group(g)]
    assert field_names(build) == top_level
    open_groups(build)
    # One pill per catalogue field, labelled with its flow name exactly, one pills widget per group,
    # none picked.
    assert field_names(build) == [f.name for f in fields.STANDARD_FIELDS]
    assert [g.label for g in field_groups(build)] == [f"{g} fields" for g in fields.GROUPS]
    assert not ticked_names(build)
    assert not [s for s in build.segmented_control if s.label == "Match"], "no AND/OR with one identifier"
    assert all(not d.disabled for d in downloads(build).values())
    assert all(files_given(build).values()), "both buttons give a file"
    # No problems, but not "ready": what is still open before a flow can use it, as notes.
    assert not texts(build, "success")
    shown = " ".join(texts(build, "markdown"))
    assert "No errors or warnings: the JSON downloads" in shown
    assert "Only ProfileId and ProfileARN come back" in shown
    assert "0 of 4 branches connected" in shown


def test_ticking_fields_adds_them_in_ticking_order(build):
    open_groups(build)
    field_box(build, "ShippingCity").check().run()
    # Only the meter and the preview rerun; the preview already shows the tick.
    assert preview(build)["Parameters"]["ProfileResponseData"] == ["ShippingCity"]
    full(build)
    field_box(build, "FirstName").check().run()
    full(build)
    assert model(build).fields == ["ShippingCity", "FirstName"]
    assert preview(build)["Parameters"]["ProfileResponseData"] == ["ShippingCity", "FirstName"]
    field_box(build, "ShippingCity").uncheck().run()
    full(build)
    assert model(build).fields == ["FirstName"]
    assert field_box(build, "FirstName").value and not field_box(build, "ShippingCity").value


def test_group_select_all_and_none(build):
    open_groups(build)
    field_box(build, "FirstName").check().run()
    full(build)
    all_buttons = [b for b in build.button if b.label == "All"]
    # Groups in catalogue order: the 4th is Address.
    all_buttons[fields.GROUPS.index("Address")].click().run()
    full(build)
    address = [f.name for f in fields.fields_in_group("Address")]
    assert model(build).fields == ["FirstName", *address]
    assert all(field_box(build, n).value for n in address)
    [b for b in build.button if b.label == "None"][fields.GROUPS.index("Address")].click().run()
    full(build)
    assert model(build).fields == ["FirstName"]
    assert not any(field_box(build, n).value for n in address)


def test_filter_narrows_the_checklist_by_name(build):
    show(build, "Response fields")
    widget(build, "text_input", "Filter fields").input("city").run()
    full(build)
    # Groups with a match open by themselves (the address groups start closed).
    assert field_names(build) == ["City", "ShippingCity", "MailingCity", "BillingCity"]
    widget(build, "text_input", "Filter fields").input("nothing-like-this").run()
    full(build)
    assert not field_names(build)
    assert any("nothing-like-this" in i for i in texts(build, "info"))


def test_add_identifiers_up_to_five_then_the_button_says_why_not(build):
    for count in range(2, MAX_IDENTIFIERS + 1):
        button(build, "Add identifier").click().run()
        full(build)
        assert len(model(build).identifiers) == count
        assert len([s for s in build.selectbox if s.label == "Search key"]) == count
    add = button(build, "Add identifier")
    assert add.disabled
    assert "at most 5" in add.proto.help
    assert any("at most 5 identifiers" in c for c in texts(build, "caption"))
    assert preview(build)["Parameters"]["ProfileRequestData"]["SearchCriteria"].__len__() == 5


def test_operator_appears_with_two_identifiers_and_is_written(build):
    assert not [s for s in build.segmented_control if s.label == "Match"]
    button(build, "Add identifier").click().run()
    full(build)
    match = widget(build, "segmented_control", "Match")
    assert match.value == "OR"
    assert any("any one" in c for c in texts(build, "caption"))
    match.set_value("AND").run()
    full(build)
    assert model(build).operator == "AND"
    assert any("every identifier" in c for c in texts(build, "caption"))
    request = preview(build)["Parameters"]["ProfileRequestData"]
    assert request["LogicalOperator"] == "AND" and len(request["SearchCriteria"]) == 2


def test_identifier_rows_move_and_remove(build):
    button(build, "Add identifier").click().run()
    full(build)
    widget(build, "selectbox", "Search key", 1).set_value("_email").run()
    full(build)
    assert [i.key for i in model(build).identifiers] == ["_phone", "_email"]
    # Row 2's "move up" button.
    [b for b in build.button if b.proto.help == "Move up"][1].click().run()
    full(build)
    assert [i.key for i in model(build).identifiers] == ["_email", "_phone"]
    # The widgets follow the model after the move.
    assert [s.value for s in build.selectbox if s.label == "Search key"] == ["_email", "_phone"]
    [b for b in build.button if b.proto.help == "Remove this identifier"][0].click().run()
    full(build)
    assert [i.key for i in model(build).identifiers] == ["_phone"]
    assert "IdentifierName" in preview(build)["Parameters"]["ProfileRequestData"]


def test_custom_key_choice_reveals_a_name_input(build):
    build.session_state["custom_keys"] = ["loyaltyId"]
    full(build)
    picker = widget(build, "selectbox", "Search key")
    assert "loyaltyId" in picker.options[-2] or "loyaltyId (custom key)" in picker.options
    picker.set_value("\u0000custom").run()
    full(build)
    # Nothing typed yet: the empty key is an error shown next to the row.
    assert model(build).identifiers[0].key == ""
    assert any("search key is empty" in e.lower() for e in texts(build, "error"))
    widget(build, "text_input", "Custom key name").input("member-no").run()
    full(build)
    assert model(build).identifiers[0].key == "member-no"
    assert preview(build)["Parameters"]["ProfileRequestData"]["IdentifierName"] == "member-no"
    widget(build, "text_input", "Custom key name").input("bad key!").run()
    full(build)
    assert any("bad key!" in e for e in texts(build, "error"))
    assert widget(build, "text_input", "Custom key name").value == "bad key!"


def test_static_and_dynamic_values_keep_what_was_typed(build):
    widget(build, "segmented_control", "Value").set_value("Static").run()
    full(build)
    widget(build, "text_input", "Static value").input("+15555550123").run()
    full(build)
    assert model(build).identifiers[0].value == "+15555550123"
    widget(build, "segmented_control", "Value").set_value("Dynamic").run()
    full(build)
    assert model(build).identifiers[0].value == "$.CustomerEndpoint.Address"
    widget(build, "selectbox", "Contact value").set_value("Attributes").run()
    full(build)
    widget(build, "text_input", "Key after Attributes.").input("account").run()
    full(build)
    assert model(build).identifiers[0].value == "$.Attributes.account"
    assert any("$.Attributes.account" in c for c in texts(build, "caption"))
    widget(build, "segmented_control", "Value").set_value("Static").run()
    full(build)
    assert widget(build, "text_input", "Static value").value == "+15555550123"
    assert preview(build)["Parameters"]["ProfileRequestData"]["IdentifierValue"] == "+15555550123"


def test_custom_attribute_add_and_an_invalid_name_keeps_the_text(build):
    show(build, "Response fields")
    name_input = widget(build, "text_input", "New custom attribute: Attributes.")
    name_input.input("loyalty tier")
    button(build, "Add attribute").click().run()
    full(build)
    assert model(build).fields == []
    assert any("white space" in e for e in texts(build, "error"))
    assert widget(build, "text_input", "New custom attribute: Attributes.").value == "loyalty tier"
    widget(build, "text_input", "New custom attribute: Attributes.").input("tier")
    button(build, "Add attribute").click().run()
    full(build)
    assert model(build).fields == ["Attributes.tier"]
    assert widget(build, "text_input", "New custom attribute: Attributes.").value == ""
    assert not any("white space" in e for e in texts(build, "error"))
    assert preview(build)["Parameters"]["ProfileResponseData"] == ["Attributes.tier"]
    field_box(build, "FirstName").check().run()
    full(build)
    listed = widget(build, "multiselect", "In the response (× removes one)")
    assert listed.value == ["Attributes.tier"]
    listed.unselect("Attributes.tier").run()
    full(build)
    assert model(build).fields == ["FirstName"]
    assert not [m for m in build.multiselect if m.label == "In the response (× removes one)"]


def test_errors_are_named_and_the_downloads_give_no_file_until_fixed(build):
    widget(build, "segmented_control", "Value").set_value("Static").run()
    full(build)
    widget(build, "text_input", "Static value").input("").run()
    full(build)
    buttons = downloads(build)
    assert set(buttons) == {"Download block JSON", "Download flow JSON"}
    # Never disabled: a click on a disabled button is lost even when the value it commits fixes the
    # error (tests/e2e/test_build_downloads.py); the file is refused when made instead.
    assert not any(b.disabled for b in buttons.values())
    assert any("Fix 1 error to download" in c for c in texts(build, "caption"))
    with pytest.raises(DownloadRefused, match="empty"):
        download_bytes(block_text, model(build), None)
    # The problem is listed (naming its part) and also shown next to the value.
    assert any("criterion 1 value" in m.lower() for m in texts(build, "markdown"))
    assert texts(build, "error"), "the error is shown next to the widget"
    widget(build, "text_input", "Static value").input("+15555550100").run()
    full(build)
    assert not any("Fix 1 error" in c for c in texts(build, "caption"))
    assert download_bytes(block_text, model(build), None) == dump_document(model(build).to_action()).encode()


def test_action_identifier_is_checked(build):
    show(build, "Identifier & branches")
    widget(build, "text_input", "Action Identifier").input("bad:id").run()
    full(build)
    assert model(build).action_id == "bad:id"
    assert any("bad:id" in e for e in texts(build, "error"))
    with pytest.raises(DownloadRefused, match="bad:id"):
        download_bytes(block_text, model(build), None)
    button(build, "New ID").click().run()
    full(build)
    assert model(build).action_id != "bad:id"
    assert widget(build, "text_input", "Action Identifier").value == model(build).action_id
    assert preview(build)["Identifier"] == model(build).action_id


def test_branch_targets_go_into_transitions(build):
    show(build, "Identifier & branches")
    widget(build, "text_input", "Success").input("say-hello").run()
    widget(build, "text_input", "None found").input("ask-account").run()
    full(build)
    assert model(build).branches["Success"] == "say-hello"
    transitions = preview(build)["Transitions"]
    assert transitions["NextAction"] == "say-hello"
    assert {"ErrorType": "NoneFoundError", "NextAction": "ask-account"} in transitions["Errors"]


def test_the_custom_attribute_box_drops_a_pasted_prefix_and_warns_about_a_dot(build):
    show(build, "Response fields")
    widget(build, "text_input", "New custom attribute: Attributes.").input("Attributes.tier2")
    button(build, "Add attribute").click().run()
    full(build)
    assert model(build).fields == ["Attributes.tier2"]
    widget(build, "text_input", "New custom attribute: Attributes.").input("a.b")
    button(build, "Add attribute").click().run()
    full(build)
    assert model(build).fields == ["Attributes.tier2", "Attributes.a.b"]
    # Added, with a warning next to the list and in the problems list (the path is ambiguous).
    assert any("$.Customer.Attributes.a.b is ambiguous" in w for w in texts(build, "warning"))
    assert any("Warning" in m and "ambiguous" in m for m in texts(build, "markdown"))


def test_a_value_still_suggested_for_the_old_key_follows_a_new_key(build):
    button(build, "Add identifier").click().run()
    full(build)
    second = model(build).identifiers[1]
    assert (second.key, second.value) == ("_email", "$.Attributes.email")
    widget(build, "selectbox", "Search key", 1).set_value("_account").run()
    full(build)
    assert model(build).identifiers[1].value == "$.Attributes.accountNumber"
    assert [t.value for t in build.text_input if t.label == "Key after Attributes."][-1] == "accountNumber"
    request = preview(build)["Parameters"]["ProfileRequestData"]["SearchCriteria"][1]
    assert request == {"IdentifierName": "_account", "IdentifierValue": "$.Attributes.accountNumber"}


def test_a_static_value_with_outer_spaces_is_warned_about(build):
    widget(build, "segmented_control", "Value").set_value("Static").run()
    full(build)
    widget(build, "text_input", "Static value").input("A-1001 ").run()
    full(build)
    assert any("ends with white space" in w for w in texts(build, "warning"))
    assert not any(d.disabled for d in downloads(build).values())
    assert b'"A-1001 "' in files_given(build)["Download block JSON"], "a warning gives the file"


def test_picking_a_contact_attribute_asks_for_the_key_before_any_error(build):
    widget(build, "selectbox", "Contact value").set_value("Attributes").run()
    full(build)
    assert model(build).identifiers[0].value == "$.Attributes."
    assert not texts(build, "error"), "no red error before the key is typed"
    assert any("Now type the key" in i for i in texts(build, "info"))
    # The block is still incomplete: the problems list counts it, the downloads give nothing yet.
    assert any("Fix 1 error to download" in c for c in texts(build, "caption"))
    widget(build, "text_input", "Key after Attributes.").input("account").run()
    full(build)
    assert model(build).identifiers[0].value == "$.Attributes.account"
    assert not texts(build, "error") and not any("Now type" in i for i in texts(build, "info"))
