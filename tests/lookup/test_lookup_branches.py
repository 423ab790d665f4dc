"""Every branch, AND/OR, custom keys and the $.Customer mapping, against the local service."""

from __future__ import annotations

from typing import Any

import pytest

from profile_block.model.block import ERROR, MULTIPLE_FOUND, NONE_FOUND, SUCCESS
from profile_block.running.lookup import MAX_RESULTS, run_lookup
from tests.lookup.conftest import PHONE_REF, make_block

DOMAIN = "demo"


def phone_contact(number: str) -> dict[str, str]:
    return {"CustomerEndpoint.Address": number}


@pytest.mark.parametrize("number, branch, count", [
    ("+15555550100", SUCCESS, 1), ("+15555550111", MULTIPLE_FOUND, 2), ("+15555550199", NONE_FOUND, 0),
])
def test_each_demo_number_takes_its_branch(client: Any, number: str, branch: str, count: int):
    result = run_lookup(client, make_block(("_phone", PHONE_REF)), phone_contact(number), DOMAIN)
    assert result.branch == branch, result.reason
    assert result.next_action == f"target-{branch}"
    assert len(result.matches) == count
    assert result.request == {"DomainName": DOMAIN, "KeyName": "_phone", "Values": [number],
                              "MaxResults": MAX_RESULTS}
    assert len(result.response["Items"]) == count
    assert result.elapsed_ms > 0
    assert number in result.reason


def test_success_always_sets_profile_id_and_arn(client: Any):
    result = run_lookup(client, make_block(("_phone", PHONE_REF)), phone_contact("+15555550100"), DOMAIN)
    assert list(result.customer) == ["$.Customer.ProfileId", "$.Customer.ProfileARN"]
    assert result.customer["$.Customer.ProfileId"] == result.matches[0]["ProfileId"]


def test_no_customer_attributes_unless_success(client: Any):
    block = make_block(("_phone", PHONE_REF), fields=["FirstName"])
    for number in ("+15555550111", "+15555550199"):
        assert run_lookup(client, block, phone_contact(number), DOMAIN).customer == {}


def test_multiple_found_lists_the_matched_profiles(client: Any):
    result = run_lookup(client, make_block(("_phone", PHONE_REF)), phone_contact("+15555550111"), DOMAIN)
    assert sorted(p["FirstName"] for p in result.matches) == ["James", "Linda"]
    assert "2 profiles matched" in result.reason


MARIA_FIELDS = {
    # personal
    "FirstName": "Maria", "MiddleName": "Elena", "LastName": "Garcia", "BirthDate": "1984-03-12",
    "AccountNumber": "A-1001", "BusinessName": "Garcia Family Pharmacy",
    # phone
    "PhoneNumber": "+15555550100", "MobilePhoneNumber": "+15555550101", "HomePhoneNumber": "+15555550102",
    "BusinessPhoneNumber": "+15555550103",
    # email
    "EmailAddress": "maria.garcia@example.com", "BusinessEmailAddress": "maria@garciapharmacy.example.com",
    # the four address groups: Address, Shipping, Mailing, Billing
    "Address1": "123 Main Street", "Address4": "Attn: Maria Garcia", "City": "Seattle",
    "Province": "Washington",
    "ShippingAddress1": "500 Pine Street", "ShippingAddress2": "Suite 200", "ShippingCounty": "King",
    "MailingAddress1": "PO Box 4410", "MailingPostalCode": "98194",
    "BillingAddress1": "77 Harbor Way", "BillingCity": "Tacoma", "BillingCounty": "Pierce",
    # custom attributes
    "Attributes.tier": "gold", "Attributes.preferredLanguage": "es-US",
    # enums without a text twin report the enum
    "Gender": "FEMALE", "PartyType": "INDIVIDUAL",
}
MARIA_NOT_SET = ["ShippingProvince", "MailingAddress2", "BillingProvince",
                 "Attributes.doesNotExist"]


def test_success_maps_every_field_group(client: Any):
    block = make_block(("_phone", PHONE_REF), fields=[*MARIA_FIELDS, *MARIA_NOT_SET])
    result = run_lookup(client, block, phone_contact("+15555550100"), DOMAIN)
    assert result.branch == SUCCESS
    for name, value in MARIA_FIELDS.items():
        assert result.customer[f"$.Customer.{name}"] == value, name
    for name in MARIA_NOT_SET:
        assert result.customer[f"$.Customer.{name}"] is None, name   # not set, not ""
    assert dict(result.customer_rows())["$.Customer.ShippingProvince"] == "not set"


def test_gender_and_party_type_report_their_text_twins(client: Any):
    block = make_block(("_email", "alex.kim@example.com"), fields=["Gender", "PartyType", "FirstName"])
    result = run_lookup(client, block, {}, DOMAIN)
    assert result.branch == SUCCESS, result.reason
    assert result.customer["$.Customer.Gender"] == "Non-binary"
    assert result.customer["$.Customer.PartyType"] == "Student"


@pytest.mark.parametrize("operator, account, branch, count", [
    ("AND", "A-1001", SUCCESS, 1),          # same person: both keys match Maria
    ("AND", "A-3003", NONE_FOUND, 0),       # nobody has both
    ("OR", "A-3003", MULTIPLE_FOUND, 2),    # Maria by phone, Sam Taylor by account
])
def test_and_or(client: Any, operator: str, account: str, branch: str, count: int):
    block = make_block(("_phone", PHONE_REF), ("_account", "$.Attributes.account"), operator=operator)
    contact = {"CustomerEndpoint.Address": "+15555550100", "Attributes.account": account}
    result = run_lookup(client, block, contact, DOMAIN)
    assert result.branch == branch, result.reason
    assert len(result.matches) == count
    assert result.request["LogicalOperator"] == operator
    assert result.request["AdditionalSearchKeys"] == [{"KeyName": "_account", "Values": [account]}]


@pytest.mark.parametrize("value, branch", [
    ("LOY-1001", SUCCESS), ("LOY-2002", MULTIPLE_FOUND), ("LOY-9999", NONE_FOUND),
])
def test_custom_key(client: Any, value: str, branch: str):
    block = make_block(("loyaltyId", "$.Attributes.loyalty"), fields=["Attributes.loyaltyId", "LastName"])
    result = run_lookup(client, block, {"Attributes.loyalty": value}, DOMAIN)
    assert result.branch == branch, result.reason
    if branch == SUCCESS:
        assert result.customer["$.Customer.Attributes.loyaltyId"] == value
        assert result.customer["$.Customer.LastName"] == "Garcia"


def test_five_identifiers_are_sent(client: Any):
    block = make_block(("_phone", "+15555550100"), ("_email", "maria.garcia@example.com"),
                       ("_account", "A-1001"), ("_fullName", "Maria Elena Garcia"), ("loyaltyId", "LOY-1001"),
                       operator="AND", fields=["FirstName"])
    result = run_lookup(client, block, {}, DOMAIN)
    assert result.branch == SUCCESS, result.reason
    assert len(result.request["AdditionalSearchKeys"]) == 4
    assert result.customer["$.Customer.FirstName"] == "Maria"


@pytest.mark.parametrize("contact, words", [
    ({}, "does not have"),
    ({"CustomerEndpoint.Address": ""}, "is empty"),
    ({"CustomerEndpoint.Address": "+1" + "5" * 300}, "302 characters"),
])
def test_unsendable_values_take_the_error_branch_without_a_request(client: Any, contact, words):
    result = run_lookup(client, make_block(("_phone", PHONE_REF)), contact, DOMAIN)
    assert result.branch == ERROR
    assert result.next_action == f"target-{ERROR}"
    assert words in result.reason
    assert result.request is None
