"""The Data page form's rules: sections from the CSV format, what an edit sends, attribute rows."""

from __future__ import annotations

from profile_block.running.local_service import CsvFormat
from profile_block.running.profile_form import (
    attribute_cells,
    attribute_rows,
    edited_cells,
    form_sections,
    table_columns,
)

FORMAT = CsvFormat(
    columns=["ProfileId", "AccountNumber", "BusinessName", "FirstName", "LastName", "Gender", "PhoneNumber",
             "EmailAddress", "Address.City", "Address.PostalCode", "BillingAddress.City",
             "EngagementPreferences"],
    choices={"Gender": ["MALE", "FEMALE", "UNSPECIFIED"]}, map_members=["Attributes"],
    json_members=["EngagementPreferences"], key_prefix="Key.", value_separator="\n")


def test_sections_are_in_the_order_people_read_a_profile():
    """Names, contact, addresses, then the rest (JSON members last), whatever the format's order."""
    assert form_sections(FORMAT) == [
        ("Name", ["FirstName", "LastName", "BusinessName"]),
        ("Contact", ["PhoneNumber", "EmailAddress"]),
        ("Address", ["Address.City", "Address.PostalCode"]),
        ("BillingAddress", ["BillingAddress.City"]),
        ("More", ["AccountNumber", "Gender", "EngagementPreferences"]),
    ]


def test_the_table_shows_the_id_and_the_name_first():
    assert table_columns(["ProfileId", "AccountNumber", "FirstName", "LastName", "Key.k"]) == \
        ["ProfileId", "FirstName", "LastName", "AccountNumber", "Key.k"]


def test_a_new_profile_sends_only_the_filled_cells():
    assert edited_cells({}, {"FirstName": "Ana", "LastName": "", "Attributes.tier": "gold"}) == \
        {"FirstName": "Ana", "Attributes.tier": "gold"}


def test_an_edit_sends_changes_and_clears_what_was_emptied_or_removed():
    original = {"ProfileId": "p", "FirstName": "Ana", "LastName": "Lima", "Attributes.tier": "gold",
                "Attributes.old": "x", "Key.memberId": "M-1"}
    edited = {"FirstName": "Ana", "LastName": "", "EmailAddress": "a@example.com",
              "Attributes.tier": "silver"}
    assert edited_cells(original, edited, ignore_prefixes=("Key.",)) == {
        "LastName": "", "EmailAddress": "a@example.com", "Attributes.tier": "silver", "Attributes.old": ""}


def test_an_edit_that_changes_nothing_sends_nothing():
    original = {"ProfileId": "p", "FirstName": "Ana"}
    assert edited_cells(original, {"FirstName": "Ana", "LastName": ""}) == {}


def test_attribute_rows_become_cells_and_their_problems_are_named():
    cells, problems = attribute_cells([(" tier ", "gold"), ("", ""), (None, None), ("note", ""),
                                       ("", "orphan"), ("tier", "again")], "Attributes.")
    assert cells == {"Attributes.tier": "gold", "Attributes.note": ""}
    assert problems == ["The attribute value 'orphan' has no name: give it one, or empty the row.",
                        "The attribute 'tier' is listed twice: keep one row."]


def test_attribute_rows_of_a_profile():
    assert attribute_rows({"FirstName": "Ana", "Attributes.tier": "gold", "Attributes.a.b": "1"},
                          "Attributes.") == [{"name": "tier", "value": "gold"}, {"name": "a.b", "value": "1"}]
