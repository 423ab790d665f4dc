"""The demo domain holds the facts the README and the Lookup page promise."""

from __future__ import annotations

import pytest

from profiles_sandbox.demo import DEMO_DOMAIN, DEMO_EXAMPLES, MARIA_PROFILE_ID

from .conftest import search

ADDRESS_GROUPS = ["Address", "ShippingAddress", "MailingAddress", "BillingAddress"]


@pytest.mark.parametrize("example", DEMO_EXAMPLES, ids=lambda e: f"{e['key']}={e['value']}")
def test_every_documented_example_finds_what_it_says(client, example):
    found = search(client, DEMO_DOMAIN, example["key"], example["value"])
    assert len(found) == example["count"], example["note"]
    assert sorted(p["ProfileId"] for p in found) == sorted(example["profiles"]), example["note"]
    words = {0: "no profile", 1: "one profile", 2: "two profiles"}
    assert example["expect"] == words[example["count"]]


def test_examples_have_the_documented_shape():
    for example in DEMO_EXAMPLES:
        assert {"value", "key", "expect", "count", "profiles", "note"} <= set(example)
    keys = {e["key"] for e in DEMO_EXAMPLES}
    assert {"_phone", "_email", "_account", "_fullName", "_profileId", "loyaltyId"} <= keys


def test_the_success_phone_belongs_to_a_complete_profile(client):
    (maria,) = search(client, DEMO_DOMAIN, "_phone", "+15555550100")
    assert maria["ProfileId"] == MARIA_PROFILE_ID
    assert (maria["FirstName"], maria["MiddleName"], maria["LastName"]) == ("Maria", "Elena", "Garcia")
    assert maria["EmailAddress"] and maria["AccountNumber"] == "A-1001"
    assert maria["Gender"] == "FEMALE" and maria["PartyType"] == "INDIVIDUAL"
    for group in ADDRESS_GROUPS:
        assert maria[group]["City"] and maria[group]["PostalCode"], group
    assert {"tier", "loyaltyId", "preferredLanguage"} <= set(maria["Attributes"])


def test_household_phone_two_profiles_and_unused_phone_none(client):
    household = search(client, DEMO_DOMAIN, "_phone", "+15555550111")
    assert sorted(p["FirstName"] for p in household) == ["James", "Linda"]
    assert search(client, DEMO_DOMAIN, "_phone", "+15555550199") == []


def test_custom_key_comes_from_an_object_type(client):
    types = client.list_profile_object_types(DomainName=DEMO_DOMAIN)["Items"]
    keys = {}
    for item in types:
        keys.update(client.get_profile_object_type(DomainName=DEMO_DOMAIN,
                                                   ObjectTypeName=item["ObjectTypeName"])["Keys"])
    assert "loyaltyId" in keys


def test_and_or_material(client):
    def run(operator, account):
        return search(client, DEMO_DOMAIN, "_phone", "+15555550100", LogicalOperator=operator,
                      AdditionalSearchKeys=[{"KeyName": "_account", "Values": [account]}])
    assert [p["FirstName"] for p in run("AND", "A-1001")] == ["Maria"]
    assert run("AND", "A-3003") == []
    assert [p["FirstName"] for p in run("OR", "A-3003")] == ["Maria", "Sam"]


def test_demo_domain_has_a_few_dozen_profiles_and_free_text_twins(client):
    assert 25 <= client.get_domain(DomainName=DEMO_DOMAIN)["Stats"]["ProfileCount"] <= 60
    (alex,) = search(client, DEMO_DOMAIN, "_fullName", "Alex Kim")
    assert alex["GenderString"] == "Non-binary" and alex["PartyTypeString"] == "Student"
    (business,) = search(client, DEMO_DOMAIN, "_email", "orders@northwind.example.com")
    assert business["PartyType"] == "BUSINESS" and "FirstName" not in business
