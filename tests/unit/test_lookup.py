"""Unit tests of the lookup rules that need no service: resolving, mapping, branching, $.Customer."""

from __future__ import annotations

import json

import pytest

from profile_block.model.block import ERROR, MULTIPLE_FOUND, NONE_FOUND, SUCCESS, GetProfileBlock, Identifier
from profile_block.model.fields import STANDARD_FIELDS
from profile_block.running.lookup import (
    MAX_RESULTS,
    LookupInputError,
    LookupResult,
    choose_branch,
    contact_paths,
    customer_attributes,
    match_summary,
    resolve_identifier,
    resolve_identifiers,
    run_lookup,
    search_request,
    suggest_contact_value,
)

PHONE = "$.CustomerEndpoint.Address"


class NeverCalled:
    """A client that fails the test if the lookup reaches the API."""

    def search_profiles(self, **kwargs):  # pragma: no cover - reaching it is the failure
        raise AssertionError(f"the API was called with {kwargs}")


def test_static_value_is_sent_as_is():
    assert resolve_identifier(0, Identifier("_account", "A-1"), {}) == "A-1"


def test_reference_is_read_from_the_contact_by_its_path():
    contact = {"CustomerEndpoint.Address": "+15555550100", "Attributes.account": "A-9"}
    assert resolve_identifier(0, Identifier("_phone", PHONE), contact) == "+15555550100"
    assert resolve_identifier(1, Identifier("_account", "$.Attributes.account"), contact) == "A-9"


def test_missing_contact_value_names_the_path_to_fill_in():
    with pytest.raises(LookupInputError) as err:
        resolve_identifier(1, Identifier("_account", "$.Attributes.account"), {})
    assert "Identifier 2 (_account)" in str(err.value)
    assert "fill in Attributes.account" in str(err.value)


@pytest.mark.parametrize("value, words", [("", "is empty"), ("x" * 256, "256 characters")])
def test_empty_or_too_long_values_are_refused(value, words):
    with pytest.raises(LookupInputError, match=words):
        resolve_identifier(0, Identifier("_phone", PHONE), {"CustomerEndpoint.Address": value})
    with pytest.raises(LookupInputError, match=words):
        resolve_identifier(0, Identifier("_account", value), {})


def test_a_value_of_exactly_255_characters_is_allowed():
    assert len(resolve_identifier(0, Identifier("_account", "y" * 255), {})) == 255


def test_invalid_reference_is_an_input_error_with_the_reference_problem():
    with pytest.raises(LookupInputError, match="not a contact value"):
        resolve_identifier(0, Identifier("_phone", "$.Nowhere.Address"), {})


def test_block_without_identifiers_is_an_input_error():
    with pytest.raises(LookupInputError, match="no identifier"):
        resolve_identifiers(GetProfileBlock(identifiers=[]), {})


def test_one_identifier_maps_to_keyname_and_values_without_operator():
    request = search_request("demo", [("_phone", "+1")], "AND")
    assert request == {"DomainName": "demo", "KeyName": "_phone", "Values": ["+1"], "MaxResults": MAX_RESULTS}


def test_more_identifiers_map_to_additional_search_keys_with_the_operator():
    request = search_request("d", [("_phone", "+1"), ("_email", "a@b"), ("loyaltyId", "L1")], "AND", 7)
    assert request["KeyName"] == "_phone" and request["Values"] == ["+1"]
    assert request["AdditionalSearchKeys"] == [{"KeyName": "_email", "Values": ["a@b"]},
                                               {"KeyName": "loyaltyId", "Values": ["L1"]}]
    assert request["LogicalOperator"] == "AND"
    assert request["MaxResults"] == 7
    assert MAX_RESULTS >= 2, "one result cannot tell one match from many"


@pytest.mark.parametrize("count, more, branch", [
    (0, False, NONE_FOUND), (0, True, NONE_FOUND), (1, False, SUCCESS), (1, True, MULTIPLE_FOUND),
    (2, False, MULTIPLE_FOUND), (5, True, MULTIPLE_FOUND),
])
def test_choose_branch(count, more, branch):
    assert choose_branch(count, more) == branch


PROFILE = {
    "ProfileId": "p-1", "FirstName": "Ana", "LastName": "Diaz", "MiddleName": "",
    "PhoneNumber": "+15555550100", "EmailAddress": "ana@example.com",
    "Address": {"City": "Lisbon"}, "ShippingAddress": {"Address1": "1 Ship St", "City": "Porto"},
    "MailingAddress": {"PostalCode": "1000"}, "BillingAddress": {"State": "WA"},
    "Gender": "FEMALE", "GenderString": "woman", "PartyType": "INDIVIDUAL",
    "Attributes": {"tier": "gold"},
}


def test_customer_attributes_profile_id_and_arn_first_then_fields_in_block_order():
    customer = customer_attributes(PROFILE, ["ShippingCity", "FirstName"], "arn:x")
    assert list(customer) == ["$.Customer.ProfileId", "$.Customer.ProfileARN", "$.Customer.ShippingCity",
                              "$.Customer.FirstName"]
    assert customer["$.Customer.ProfileARN"] == "arn:x"
    assert customer["$.Customer.ProfileId"] == "p-1"
    assert customer["$.Customer.ShippingCity"] == "Porto"


def test_customer_attributes_every_group_text_twin_and_not_set():
    names = ["City", "ShippingAddress1", "MailingPostalCode", "BillingState", "Attributes.tier",
             "Gender", "PartyType", "MiddleName", "BillingCity", "Attributes.missing", "NoSuchField"]
    customer = customer_attributes(PROFILE, names)
    assert customer["$.Customer.City"] == "Lisbon"
    assert customer["$.Customer.ShippingAddress1"] == "1 Ship St"
    assert customer["$.Customer.MailingPostalCode"] == "1000"
    assert customer["$.Customer.BillingState"] == "WA"
    assert customer["$.Customer.Attributes.tier"] == "gold"
    assert customer["$.Customer.Gender"] == "woman"           # the text twin wins
    assert customer["$.Customer.PartyType"] == "INDIVIDUAL"
    for absent in ("MiddleName", "BillingCity", "Attributes.missing", "NoSuchField"):
        assert customer[f"$.Customer.{absent}"] is None         # not set, never ""


def test_all_55_standard_fields_map_without_empty_strings():
    customer = customer_attributes(PROFILE, [f.name for f in STANDARD_FIELDS])
    assert len(customer) == 2 + len(STANDARD_FIELDS)   # ProfileId, ProfileARN, the fields
    assert "" not in customer.values()


def test_match_summary_reads_name_phone_email():
    row = match_summary({"ProfileId": "p", "FirstName": "Ana", "LastName": "Diaz",
                         "MobilePhoneNumber": "+1", "BusinessEmailAddress": "b@x"})
    assert row == {"Name": "Ana Diaz", "Matched by": "", "Phone and email": "+1 b@x", "ProfileId": "p"}
    assert match_summary({"ProfileId": "q", "BusinessName": "Acme"})["Name"] == "Acme"


def test_run_lookup_input_error_takes_error_branch_without_calling_the_api():
    block = GetProfileBlock(identifiers=[Identifier("_phone", PHONE)])
    block.branches[ERROR] = "error-target"
    result = run_lookup(NeverCalled(), block, {}, "demo")
    assert result.branch == ERROR
    assert result.next_action == "error-target"
    assert result.request is None and result.customer == {}
    assert "CustomerEndpoint.Address" in result.reason


def test_result_rows_and_json_shape():
    result = LookupResult(branch=SUCCESS, next_action="n", reason="r",
                          customer={"$.Customer.ProfileId": "p", "$.Customer.City": None},
                          request={"DomainName": "demo"})
    assert result.customer_rows() == [("$.Customer.ProfileId", "p"), ("$.Customer.City", "not set")]
    data = json.loads(result.to_json())
    assert list(data)[:4] == ["branch", "customer", "reason", "request"]
    assert data["customer"]["$.Customer.City"] is None


EXAMPLES = [
    {"value": "+15555550111", "key": "_phone", "count": 2},
    {"value": "+15555550100", "key": "_phone", "count": 1},
    {"value": "LOY-1001", "key": "loyaltyId", "count": 1},
]


def test_contact_paths_one_per_reference_in_first_use_order():
    block = GetProfileBlock(identifiers=[
        Identifier("loyaltyId", "$.Attributes.loyalty"), Identifier("_phone", PHONE),
        Identifier("_account", "A-1"), Identifier("_email", PHONE), Identifier("_phone", "$.Bad.Path"),
    ])
    assert contact_paths(block) == ["Attributes.loyalty", "CustomerEndpoint.Address"]


def test_suggested_values_prefer_a_one_match_example_for_the_key():
    block = GetProfileBlock(identifiers=[Identifier("_phone", PHONE),
                                         Identifier("loyaltyId", "$.Attributes.loyalty"),
                                         Identifier("_account", "$.Attributes.account")])
    assert suggest_contact_value("CustomerEndpoint.Address", block, EXAMPLES) == "+15555550100"
    assert suggest_contact_value("Attributes.loyalty", block, EXAMPLES) == "LOY-1001"
    assert suggest_contact_value("Attributes.account", block, EXAMPLES) == ""   # no example, no sample
    # Without examples (AWS), the namespace's sample value.
    assert suggest_contact_value("CustomerEndpoint.Address", block) == "+15555550100"


def test_contact_text_lists_the_values_used():
    result = LookupResult(branch=NONE_FOUND, next_action="", reason="",
                          contact={"CustomerEndpoint.Address": "+1", "Attributes.x": "y"})
    assert result.contact_text == "CustomerEndpoint.Address=+1; Attributes.x=y"


def test_match_summary_says_which_key_found_each_profile():
    from profile_block.running.lookup import found_by

    profile = {"ProfileId": "p", "FoundByItems": [{"KeyName": "_phone", "Values": ["+15555550111"]},
                                                  {"KeyName": "_account", "Values": ["A-1", "A-2"]}]}
    assert found_by(profile) == "_phone = +15555550111; _account = A-1, A-2"
    # No field of the profile holds those values: each is said with its key.
    assert match_summary(profile)["Matched by"] == "_phone = +15555550111; _account = A-1; _account = A-2"
    assert found_by({"ProfileId": "q"}) == ""


def test_match_summary_names_the_field_that_matched_and_shows_its_value():
    # _phone searches four phone fields: the mobile number matched, the main number is another one.
    profile = {"ProfileId": "p", "FirstName": "James", "LastName": "Chen", "PhoneNumber": "+15555550112",
               "MobilePhoneNumber": "+15555550111", "EmailAddress": "james.chen@example.com",
               "FoundByItems": [{"KeyName": "_phone", "Values": ["+15555550111"]},
                                {"KeyName": "loyaltyId", "Values": ["L-7"]}]}
    row = match_summary(profile)
    assert row["Matched by"] == "MobilePhoneNumber = +15555550111 (_phone); loyaltyId = L-7"
    assert row["Phone and email"] == "+15555550111 james.chen@example.com"
