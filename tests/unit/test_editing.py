"""The Build page's edits to a block, as plain functions."""

from __future__ import annotations

from profile_block.model import editing
from profile_block.model.block import MAX_IDENTIFIERS, GetProfileBlock, Identifier


def test_add_identifier_stops_at_five():
    block = GetProfileBlock()
    while editing.add_identifier(block):
        pass
    assert len(block.identifiers) == MAX_IDENTIFIERS
    assert editing.add_identifier(block) is False
    assert len(block.identifiers) == MAX_IDENTIFIERS


def test_move_and_remove_identifier():
    block = GetProfileBlock(identifiers=[Identifier("_phone", "a"), Identifier("_email", "b")])
    assert editing.move_identifier(block, 1, -1)
    assert [i.key for i in block.identifiers] == ["_email", "_phone"]
    assert not editing.move_identifier(block, 0, -1)
    assert not editing.move_identifier(block, 1, 1)
    editing.remove_identifier(block, 0)
    assert [i.key for i in block.identifiers] == ["_phone"]
    editing.remove_identifier(block, 7)
    assert len(block.identifiers) == 1


def test_fields_keep_ticking_order_and_never_repeat():
    block = GetProfileBlock()
    editing.set_field(block, "City", True)
    editing.set_field(block, "FirstName", True)
    editing.set_field(block, "City", True)
    assert block.fields == ["City", "FirstName"]
    editing.set_field(block, "City", False)
    assert block.fields == ["FirstName"]
    editing.set_fields(block, ["LastName", "FirstName", "BirthDate"], True)
    assert block.fields == ["FirstName", "LastName", "BirthDate"]
    editing.set_fields(block, ["FirstName", "BirthDate"], False)
    assert block.fields == ["LastName"]


def test_unticking_removes_every_copy_of_a_duplicated_field():
    block = GetProfileBlock(fields=["City", "FirstName", "City"])
    editing.set_field(block, "City", False)
    assert block.fields == ["FirstName"]


def test_add_custom_attribute_says_why_not_and_changes_nothing():
    block = GetProfileBlock(fields=["FirstName"])
    assert editing.add_custom_attribute(block, "tier") is None
    assert block.fields == ["FirstName", "Attributes.tier"]
    assert "already" in editing.add_custom_attribute(block, "tier")
    assert "white space" in editing.add_custom_attribute(block, "loyalty tier")
    assert "empty" in editing.add_custom_attribute(block, "")
    assert block.fields == ["FirstName", "Attributes.tier"]


def test_custom_and_unknown_fields_are_listed_in_block_order():
    block = GetProfileBlock(fields=["Attributes.b", "FirstName", "NoSuchField", "Attributes.a"])
    assert editing.custom_and_unknown_fields(block) == ["Attributes.b", "NoSuchField", "Attributes.a"]


def test_split_reference_is_lenient_for_the_pickers():
    assert editing.split_reference("$.Attributes.account") == ("Attributes", "account")
    assert editing.split_reference("$.Attributes.") == ("Attributes", "")
    assert editing.split_reference("$.Attributes.bad key") == ("Attributes", "bad key")
    assert editing.split_reference("$.Lex.Slots.city") == ("Lex.Slots", "city")
    assert editing.split_reference("$.CustomerEndpoint.Address") == ("CustomerEndpoint.Address", "")
    assert editing.split_reference("$.Nowhere.x") is None
    assert editing.split_reference("$.SegmentAttributes['connect:Subtype']") == (
        "SegmentAttributes", "connect:Subtype")
    assert editing.split_reference("$.Queue.Name") == ("Queue.Name", "")
    assert editing.split_reference("$.StoredCustomerInput") == ("StoredCustomerInput", "")
    assert editing.split_reference("+15555550100") is None


def test_reference_value_is_the_inverse_of_split():
    for value in ("$.Attributes.account", "$.ContactId", "$.Lex.Slots.city", "$.Customer.FirstName",
                  "$.SegmentAttributes['connect:Subtype']", "$.Queue.Name"):
        assert editing.reference_value(*editing.split_reference(value)) == value


def test_summary_names_keys_operator_and_field_count():
    block = GetProfileBlock(identifiers=[Identifier("_email", "x"), Identifier("_account", "y")],
                            operator="AND", fields=["FirstName"])
    assert editing.summary(block) == "_email AND _account → 1 field"
    assert editing.summary(GetProfileBlock(fields=["A", "B"])) == "_phone → 2 fields"


def test_a_new_identifier_takes_the_next_unused_key_so_it_is_no_duplicate():
    block = GetProfileBlock()
    editing.add_identifier(block)
    editing.add_identifier(block)
    assert [(i.key, i.value) for i in block.identifiers] == [
        ("_phone", "$.CustomerEndpoint.Address"),
        ("_email", "$.Attributes.email"),
        ("_account", "$.Attributes.accountNumber"),
    ]
    block.operator = "AND"
    assert block.validate() == []


def test_a_pasted_attributes_prefix_is_dropped():
    block = GetProfileBlock(fields=[])
    assert editing.add_custom_attribute(block, "Attributes.tier2") is None
    assert editing.add_custom_attribute(block, " $.Customer.Attributes.segment\n") is None
    assert editing.add_custom_attribute(block, "attributes.region") is None
    assert block.fields == ["Attributes.tier2", "Attributes.segment", "Attributes.region"]
    assert "already" in editing.add_custom_attribute(block, "Attributes.tier2")


def test_a_value_still_suggested_for_the_old_key_follows_the_new_key():
    block = GetProfileBlock(identifiers=[Identifier("_email", "$.Attributes.email")])
    assert editing.set_key(block, 0, "_account") is True
    only = block.identifiers[0]
    assert (only.key, only.value) == ("_account", "$.Attributes.accountNumber")
    # A key without a suggestion (a custom key) keeps whatever the value is.
    assert editing.set_key(block, 0, "loyaltyId") is False
    assert block.identifiers[0].value == "$.Attributes.accountNumber"
    # A value the user chose stays when the key changes.
    block.identifiers[0] = Identifier("_email", "$.Attributes.workEmail")
    assert editing.set_key(block, 0, "_phone") is False
    assert block.identifiers[0].value == "$.Attributes.workEmail"
