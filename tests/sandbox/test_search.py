"""SearchProfiles: every standard key, a custom key, AND/OR with FoundByItems, paging, re-indexing."""

from __future__ import annotations

import concurrent.futures

import pytest

from .conftest import search

PHONE_FIELDS = ["PhoneNumber", "MobilePhoneNumber", "HomePhoneNumber", "BusinessPhoneNumber"]
EMAIL_FIELDS = ["EmailAddress", "PersonalEmailAddress", "BusinessEmailAddress"]


def ids(items):
    return [i["ProfileId"] for i in items]


@pytest.mark.parametrize("field", PHONE_FIELDS)
def test_phone_key_searches_each_phone_field(client, domain, create, field):
    target = create(FirstName="Target", **{field: "+15551230000"})
    create(FirstName="Other", PhoneNumber="+15551239999")
    found = search(client, domain, "_phone", "+15551230000")
    assert ids(found) == [target]
    assert found[0]["FoundByItems"] == [{"KeyName": "_phone", "Values": ["+15551230000"]}]


@pytest.mark.parametrize("field", EMAIL_FIELDS)
def test_email_key_searches_each_email_field(client, domain, create, field):
    target = create(FirstName="Target", **{field: "who@example.com"})
    create(FirstName="Other", EmailAddress="else@example.com")
    assert ids(search(client, domain, "_email", "who@example.com")) == [target]


def test_account_and_profile_id_keys(client, domain, create):
    a = create(AccountNumber="ACC-1")
    b = create(AccountNumber="ACC-2")
    assert ids(search(client, domain, "_account", "ACC-2")) == [b]
    assert ids(search(client, domain, "_profileId", a)) == [a]


def test_full_name_is_first_middle_last_with_missing_parts_skipped(client, domain, create):
    full = create(FirstName="Mary", MiddleName="Ann", LastName="Jones")
    no_middle = create(FirstName="Mary", LastName="Jones")
    only_last = create(LastName="Jones")
    assert ids(search(client, domain, "_fullName", "Mary Ann Jones")) == [full]
    assert ids(search(client, domain, "_fullName", "Mary Jones")) == [no_middle]
    assert ids(search(client, domain, "_fullName", "Jones")) == [only_last]
    assert search(client, domain, "_fullName", "Mary  Jones") == []


def test_custom_key_from_object_type(client, domain, create):
    client.put_profile_object_type(DomainName=domain, ObjectTypeName="Card", Description="cards",
                                   Keys={"cardNo": [{"StandardIdentifiers": ["SECONDARY"],
                                                     "FieldNames": ["cardNo"]}]})
    a, b, c = create(FirstName="A"), create(FirstName="B"), create(FirstName="C")
    client.add_profile_key(DomainName=domain, ProfileId=a, KeyName="cardNo", Values=["C-1"])
    client.add_profile_key(DomainName=domain, ProfileId=b, KeyName="cardNo", Values=["C-2"])
    client.add_profile_key(DomainName=domain, ProfileId=c, KeyName="cardNo", Values=["C-2"])
    assert ids(search(client, domain, "cardNo", "C-1")) == [a]
    assert ids(search(client, domain, "cardNo", "C-2")) == [b, c]
    assert ids(search(client, domain, "cardNo", "C-1", "C-2")) == [a, b, c]


def test_unknown_key_name_is_a_bad_request(client, domain):
    with pytest.raises(client.exceptions.BadRequestException, match="not a search key"):
        client.search_profiles(DomainName=domain, KeyName="noSuchKey", Values=["1"])


def test_integration_keys_are_searchable_without_an_object_type(client, domain, create):
    profile_id = create(FirstName="Caller")
    assert search(client, domain, "_ctrContactId", "c-1") == []
    client.add_profile_key(DomainName=domain, ProfileId=profile_id, KeyName="_ctrContactId", Values=["c-1"])
    assert ids(search(client, domain, "_ctrContactId", "c-1")) == [profile_id]


@pytest.fixture
def trio(domain, create):
    """Three profiles: x has phone P and email E; y has phone P only; z has email E only."""
    x = create(FirstName="X", PhoneNumber="+15554440000", EmailAddress="e@example.com")
    y = create(FirstName="Y", MobilePhoneNumber="+15554440000")
    z = create(FirstName="Z", BusinessEmailAddress="e@example.com")
    return x, y, z


def test_and_needs_every_key_and_found_by_lists_all_keys(client, domain, trio):
    x, _, _ = trio
    found = search(client, domain, "_phone", "+15554440000", LogicalOperator="AND",
                   AdditionalSearchKeys=[{"KeyName": "_email", "Values": ["e@example.com"]}])
    assert ids(found) == [x]
    assert found[0]["FoundByItems"] == [{"KeyName": "_phone", "Values": ["+15554440000"]},
                                        {"KeyName": "_email", "Values": ["e@example.com"]}]


def test_or_finds_any_key_and_found_by_lists_the_matching_keys(client, domain, trio):
    x, y, z = trio
    found = search(client, domain, "_phone", "+15554440000", LogicalOperator="OR",
                   AdditionalSearchKeys=[{"KeyName": "_email", "Values": ["e@example.com"]}])
    assert ids(found) == [x, y, z]
    by_id = {p["ProfileId"]: p["FoundByItems"] for p in found}
    assert by_id[x] == [{"KeyName": "_phone", "Values": ["+15554440000"]},
                        {"KeyName": "_email", "Values": ["e@example.com"]}]
    assert by_id[y] == [{"KeyName": "_phone", "Values": ["+15554440000"]}]
    assert by_id[z] == [{"KeyName": "_email", "Values": ["e@example.com"]}]


def test_or_is_the_default_operator(client, domain, trio):
    found = search(client, domain, "_phone", "+15554440000",
                   AdditionalSearchKeys=[{"KeyName": "_email", "Values": ["e@example.com"]}])
    assert len(found) == 3


def test_five_keys_under_and(client, domain, create):
    target = create(FirstName="Full", LastName="House", PhoneNumber="+15554441111",
                    EmailAddress="f@example.com", AccountNumber="F-1")
    create(FirstName="Full", LastName="House", PhoneNumber="+15554441111", EmailAddress="f@example.com")
    extra = [{"KeyName": "_email", "Values": ["f@example.com"]},
             {"KeyName": "_account", "Values": ["F-1"]},
             {"KeyName": "_fullName", "Values": ["Full House"]},
             {"KeyName": "_profileId", "Values": [target]}]
    found = search(client, domain, "_phone", "+15554441111", LogicalOperator="AND",
                   AdditionalSearchKeys=extra)
    assert ids(found) == [target]
    assert [f["KeyName"] for f in found[0]["FoundByItems"]] == ["_phone", "_email", "_account", "_fullName",
                                                                "_profileId"]


def test_paging_is_complete_without_duplicates_and_stable(client, domain, create):
    made = [create(FirstName=f"Member{i}", HomePhoneNumber="+15554442222") for i in range(45)]
    pages, token = [], None
    while True:
        page = client.search_profiles(DomainName=domain, KeyName="_phone", Values=["+15554442222"],
                                      MaxResults=10, **({"NextToken": token} if token else {}))
        pages.append(ids(page["Items"]))
        token = page.get("NextToken")
        if not token:
            break
    assert [len(p) for p in pages] == [10, 10, 10, 10, 5]
    flat = [i for p in pages for i in p]
    assert flat == made  # creation order, each once
    assert ids(search(client, domain, "_phone", "+15554442222")) == made


def test_default_max_results_is_20(client, domain, create):
    for i in range(25):
        create(FirstName=f"M{i}", PhoneNumber="+15554443333")
    page = client.search_profiles(DomainName=domain, KeyName="_phone", Values=["+15554443333"])
    assert len(page["Items"]) == 20 and "NextToken" in page


def test_exactly_max_results_has_no_next_token(client, domain, create):
    for i in range(3):
        create(FirstName=f"M{i}", PhoneNumber="+15554444444")
    page = client.search_profiles(DomainName=domain, KeyName="_phone", Values=["+15554444444"], MaxResults=3)
    assert len(page["Items"]) == 3 and "NextToken" not in page


def test_next_token_of_another_query_is_rejected(client, domain, create):
    for i in range(3):
        create(FirstName=f"M{i}", PhoneNumber="+15554445555")
    token = client.search_profiles(DomainName=domain, KeyName="_phone", Values=["+15554445555"],
                                   MaxResults=1)["NextToken"]
    with pytest.raises(client.exceptions.BadRequestException, match="NextToken"):
        client.search_profiles(DomainName=domain, KeyName="_phone", Values=["+15550000000"], NextToken=token)
    with pytest.raises(client.exceptions.BadRequestException, match="NextToken"):
        client.search_profiles(DomainName=domain, KeyName="_phone", Values=["+15554445555"],
                               NextToken="garbage!")


def test_update_reindexes_at_once(client, domain, create):
    profile_id = create(FirstName="Ann", LastName="Lee", PhoneNumber="+15554446666",
                        EmailAddress="a@example.com")
    client.update_profile(DomainName=domain, ProfileId=profile_id, PhoneNumber="+15554447777",
                          LastName="Park", EmailAddress="")
    assert search(client, domain, "_phone", "+15554446666") == []
    assert ids(search(client, domain, "_phone", "+15554447777")) == [profile_id]
    assert search(client, domain, "_fullName", "Ann Lee") == []
    assert ids(search(client, domain, "_fullName", "Ann Park")) == [profile_id]
    assert search(client, domain, "_email", "a@example.com") == []


def test_delete_removes_from_every_key(client, domain, create):
    client.put_profile_object_type(DomainName=domain, ObjectTypeName="Card", Description="cards",
                                   Keys={"cardNo": [{"FieldNames": ["cardNo"]}]})
    profile_id = create(FirstName="Del", PhoneNumber="+15554448888", AccountNumber="D-1")
    client.add_profile_key(DomainName=domain, ProfileId=profile_id, KeyName="cardNo", Values=["K-1"])
    client.delete_profile(DomainName=domain, ProfileId=profile_id)
    for key, value in [("_phone", "+15554448888"), ("_account", "D-1"), ("_profileId", profile_id),
                       ("_fullName", "Del"), ("cardNo", "K-1")]:
        assert search(client, domain, key, value) == [], key


def test_search_in_an_unknown_domain_is_not_found(client):
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="nope"):
        client.search_profiles(DomainName="nope", KeyName="_phone", Values=["+1"])


def test_concurrent_searches_and_writes_from_many_threads(client, domain, create):
    """The server serves parallel requests (threadpool + per-thread SQLite connections) correctly."""
    target = create(FirstName="Busy", PhoneNumber="+15554449999")

    def one(i: int) -> list[str]:
        if i % 4 == 0:
            client.create_profile(DomainName=domain, FirstName=f"Writer{i}", AccountNumber=f"W-{i}")
        return ids(search(client, domain, "_phone", "+15554449999"))

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(80)))
    assert all(r == [target] for r in results)
    assert client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 1 + 20
