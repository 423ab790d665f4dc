"""Every served operation, through an unmodified boto3 client over HTTP."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from .conftest import search


def test_domain_lifecycle_create_get_list_delete(client):
    name = f"life-{uuid.uuid4().hex[:8]}"
    created = client.create_domain(DomainName=name, DefaultExpirationDays=120, Tags={"team": "cc"})
    assert created["DomainName"] == name
    assert created["DefaultExpirationDays"] == 120
    assert isinstance(created["CreatedAt"], dt.datetime)

    got = client.get_domain(DomainName=name)
    assert got["Stats"]["ProfileCount"] == 0
    assert got["Tags"] == {"team": "cc"}
    assert name in [d["DomainName"] for d in client.list_domains()["Items"]]

    client.delete_domain(DomainName=name)
    assert name not in [d["DomainName"] for d in client.list_domains()["Items"]]
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_domain(DomainName=name)


def test_create_domain_twice_is_a_bad_request(client, domain):
    with pytest.raises(client.exceptions.BadRequestException, match="already exists"):
        client.create_domain(DomainName=domain, DefaultExpirationDays=30)


def test_list_domains_pages_with_next_token(client):
    names = [f"page-{i:02d}-{uuid.uuid4().hex[:6]}" for i in range(5)]
    for name in names:
        client.create_domain(DomainName=name, DefaultExpirationDays=1)
    try:
        seen, token = [], None
        while True:
            page = client.list_domains(MaxResults=2, **({"NextToken": token} if token else {}))
            assert len(page["Items"]) <= 2
            seen += [d["DomainName"] for d in page["Items"]]
            token = page.get("NextToken")
            if not token:
                break
        assert len(seen) == len(set(seen))
        assert set(names) <= set(seen)
        assert "demo" in seen
    finally:
        for name in names:
            client.delete_domain(DomainName=name)


def test_profile_count_follows_creates_and_deletes(client, domain, create):
    ids = [create(FirstName=f"P{i}") for i in range(3)]
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 3
    client.delete_profile(DomainName=domain, ProfileId=ids[0])
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 2


def test_create_profile_round_trips_every_kind_of_field(client, domain):
    fields = {
        "FirstName": "Ana", "MiddleName": "Lucia", "LastName": "Diaz", "AccountNumber": "ACC-9",
        "PhoneNumber": "+15550001111", "EmailAddress": "ana@example.com", "Gender": "FEMALE",
        "PartyType": "INDIVIDUAL", "GenderString": "woman", "BirthDate": "1990-01-02",
        "Address": {"Address1": "1 Road", "City": "Lisbon", "Country": "PT"},
        "ShippingAddress": {"City": "Porto"}, "MailingAddress": {"PostalCode": "1000-001"},
        "BillingAddress": {"State": "Lisboa"}, "Attributes": {"tier": "gold", "pin": "1234"},
    }
    profile_id = client.create_profile(DomainName=domain, **fields)["ProfileId"]
    assert len(profile_id) == 32 and all(c in "0123456789abcdef" for c in profile_id)
    (profile,) = client.batch_get_profile(DomainName=domain, ProfileIds=[profile_id])["Profiles"]
    assert profile["ProfileId"] == profile_id
    for name, value in fields.items():
        assert profile[name] == value


def test_update_profile_merges_and_empty_string_removes(client, domain, create):
    profile_id = create(FirstName="Old", LastName="Name", PhoneNumber="+15550002222",
                        Address={"City": "Oslo", "Country": "NO"}, Attributes={"a": "1", "b": "2"})
    client.update_profile(DomainName=domain, ProfileId=profile_id, FirstName="New", LastName="",
                          Address={"City": "Bergen"}, Attributes={"a": "", "c": "3"})
    (profile,) = client.batch_get_profile(DomainName=domain, ProfileIds=[profile_id])["Profiles"]
    assert profile["FirstName"] == "New"
    assert "LastName" not in profile
    assert profile["PhoneNumber"] == "+15550002222"
    assert profile["Address"] == {"City": "Bergen", "Country": "NO"}
    assert profile["Attributes"] == {"b": "2", "c": "3"}


def test_update_and_delete_unknown_profile_are_not_found(client, domain):
    missing = uuid.uuid4().hex
    with pytest.raises(client.exceptions.ResourceNotFoundException, match=missing):
        client.update_profile(DomainName=domain, ProfileId=missing, FirstName="X")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_profile(DomainName=domain, ProfileId=missing)


def test_delete_profile_message_and_gone(client, domain, create):
    profile_id = create(FirstName="Gone")
    assert "deleted" in client.delete_profile(DomainName=domain, ProfileId=profile_id)["Message"]
    result = client.batch_get_profile(DomainName=domain, ProfileIds=[profile_id])
    assert result["Profiles"] == []
    assert result["Errors"][0]["ProfileId"] == profile_id


def test_batch_get_profile_returns_found_and_errors_for_missing(client, domain, create):
    a, b = create(FirstName="A"), create(FirstName="B")
    missing = uuid.uuid4().hex
    result = client.batch_get_profile(DomainName=domain, ProfileIds=[b, missing, a])
    assert [p["ProfileId"] for p in result["Profiles"]] == [b, a]
    assert [(e["ProfileId"], e["Code"]) for e in result["Errors"]] == [(missing, "ResourceNotFoundException")]
    with pytest.raises(client.exceptions.BadRequestException, match="less than or equal to 20"):
        client.batch_get_profile(DomainName=domain, ProfileIds=[uuid.uuid4().hex for _ in range(21)])


def test_object_types_put_get_list_delete(client, domain):
    keys = {"memberNo": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["memberNo"]}]}
    fields = {"memberNo": {"Source": "_source.memberNo", "Target": "_profile.Attributes.memberNo",
                           "ContentType": "STRING"}}
    put = client.put_profile_object_type(DomainName=domain, ObjectTypeName="Membership",
                                         Description="club membership", Keys=keys, Fields=fields)
    assert put["ObjectTypeName"] == "Membership" and put["Keys"] == keys
    got = client.get_profile_object_type(DomainName=domain, ObjectTypeName="Membership")
    assert got["Keys"] == keys and got["Fields"] == fields and got["Description"] == "club membership"
    listed = client.list_profile_object_types(DomainName=domain)["Items"]
    assert [(i["ObjectTypeName"], i["Description"]) for i in listed] == [("Membership", "club membership")]

    client.put_profile_object_type(DomainName=domain, ObjectTypeName="Membership", Description="v2",
                                   Keys=keys)
    got = client.get_profile_object_type(DomainName=domain, ObjectTypeName="Membership")
    assert got["Description"] == "v2"

    client.delete_profile_object_type(DomainName=domain, ObjectTypeName="Membership")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_profile_object_type(DomainName=domain, ObjectTypeName="Membership")


def test_list_profile_object_types_pages(client, domain):
    for i in range(3):
        client.put_profile_object_type(DomainName=domain, ObjectTypeName=f"T{i}", Description=f"type {i}")
    first = client.list_profile_object_types(DomainName=domain, MaxResults=2)
    assert [i["ObjectTypeName"] for i in first["Items"]] == ["T0", "T1"]
    second = client.list_profile_object_types(DomainName=domain, MaxResults=2, NextToken=first["NextToken"])
    assert [i["ObjectTypeName"] for i in second["Items"]] == ["T2"]
    assert "NextToken" not in second


def test_add_and_delete_profile_key(client, domain, create):
    client.put_profile_object_type(DomainName=domain, ObjectTypeName="Club", Description="club",
                                   Keys={"memberNo": [{"FieldNames": ["memberNo"]}]})
    profile_id = create(FirstName="Member")
    added = client.add_profile_key(DomainName=domain, ProfileId=profile_id, KeyName="memberNo",
                                   Values=["M-1", "M-2"])
    assert added == {"KeyName": "memberNo", "Values": ["M-1", "M-2"],
                     "ResponseMetadata": added["ResponseMetadata"]}
    assert [p["ProfileId"] for p in search(client, domain, "memberNo", "M-2")] == [profile_id]

    client.delete_profile_key(DomainName=domain, ProfileId=profile_id, KeyName="memberNo", Values=["M-2"])
    assert search(client, domain, "memberNo", "M-2") == []
    assert [p["ProfileId"] for p in search(client, domain, "memberNo", "M-1")] == [profile_id]
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_profile_key(DomainName=domain, ProfileId=profile_id, KeyName="memberNo", Values=["M-2"])


def test_add_profile_key_needs_a_declared_key(client, domain, create):
    profile_id = create(FirstName="X")
    with pytest.raises(client.exceptions.BadRequestException, match="not defined"):
        client.add_profile_key(DomainName=domain, ProfileId=profile_id, KeyName="undeclared", Values=["1"])
    with pytest.raises(client.exceptions.BadRequestException, match="_profileId"):
        client.add_profile_key(DomainName=domain, ProfileId=profile_id, KeyName="_profileId", Values=["1"])


def test_add_profile_key_with_a_standard_key_makes_the_value_searchable(client, domain, create):
    profile_id = create(FirstName="Extra", PhoneNumber="+15550003333")
    client.add_profile_key(DomainName=domain, ProfileId=profile_id, KeyName="_phone", Values=["+15550004444"])
    assert [p["ProfileId"] for p in search(client, domain, "_phone", "+15550004444")] == [profile_id]
    # an attached value survives an update that re-indexes the profile's own fields
    client.update_profile(DomainName=domain, ProfileId=profile_id, PhoneNumber="+15550005555")
    assert [p["ProfileId"] for p in search(client, domain, "_phone", "+15550004444")] == [profile_id]
    assert search(client, domain, "_phone", "+15550003333") == []


def test_delete_domain_removes_its_profiles_and_index(client):
    name = f"gone-{uuid.uuid4().hex[:8]}"
    client.create_domain(DomainName=name, DefaultExpirationDays=1)
    client.create_profile(DomainName=name, PhoneNumber="+15550006666")
    client.delete_domain(DomainName=name)
    client.create_domain(DomainName=name, DefaultExpirationDays=1)
    try:
        assert search(client, name, "_phone", "+15550006666") == []
        assert client.get_domain(DomainName=name)["Stats"]["ProfileCount"] == 0
    finally:
        client.delete_domain(DomainName=name)
