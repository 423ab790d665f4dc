"""The local service's admin routes for the Data page (browse, load, export, keys, reset demo)
over real HTTP, checked with boto3: same cross-site rules as the fault route."""

from __future__ import annotations

import base64
import json
import urllib.request
import uuid
from typing import Any

import pytest

from profiles_sandbox import csv_io
from profiles_sandbox.demo import DEMO_DOMAIN, MARIA_PROFILE_ID
from profiles_sandbox.server import RunningSandbox
from profiles_sandbox.store import open_store

from .conftest import http, search

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def domain(own_client) -> str:
    name = f"adm-{uuid.uuid4().hex[:10]}"
    own_client.create_domain(DomainName=name, DefaultExpirationDays=30)
    return name


def get(own_sandbox: RunningSandbox, path: str) -> tuple[int, Any]:
    status, _, body = http("GET", own_sandbox.endpoint_url + path)
    return status, body


def post(own_sandbox: RunningSandbox, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    status, _, answer = http("POST", own_sandbox.endpoint_url + path, json.dumps(body).encode(), JSON)
    return status, answer


def load(own_sandbox: RunningSandbox, domain: str, text: str, commit: bool) -> tuple[int, Any]:
    return post(own_sandbox, f"/_sandbox/domains/{domain}/load",
                {"csv": base64.b64encode(text.encode()).decode(), "commit": commit})


# --- the cross-site rules of issue 8 apply to every admin route ----------------------------------
ROUTES = [("GET", "/_sandbox/csv-format"), ("GET", "/_sandbox/domains/demo/profiles"),
          ("POST", "/_sandbox/domains/demo/load"), ("GET", "/_sandbox/domains/demo/csv"),
          ("POST", "/_sandbox/domains/demo/keys"), ("POST", "/_sandbox/reset-demo")]


@pytest.mark.parametrize("method, path", ROUTES)
def test_admin_routes_refuse_other_origins(own_sandbox, own_client, method, path):
    # A body that would write if it were taken.
    body = json.dumps({"rows": [{"FirstName": "Intruder"}], "commit": True, "KeyName": "intruder"}).encode()
    status, headers, answer = http(method, own_sandbox.endpoint_url + path,
                                   body if method == "POST" else None,
                                   {**JSON, "Origin": "http://evil.example"})
    assert status == 403 and headers["x-amzn-errortype"] == "AccessDeniedException"
    assert "may not use this local service's admin route" in answer["Message"]
    assert search(own_client, DEMO_DOMAIN, "_fullName", "Intruder") == []
    assert "intruder" not in str(own_client.list_profile_object_types(DomainName=DEMO_DOMAIN)["Items"])


@pytest.mark.parametrize("path", [p for m, p in ROUTES if m == "POST"])
def test_admin_posts_take_json_only_and_answer_preflights(own_sandbox, own_client, path):
    body = json.dumps({"rows": [{"FirstName": "Formed"}], "commit": True}).encode()
    status, _, answer = http("POST", own_sandbox.endpoint_url + path, body, {"Content-Type": "text/plain"})
    assert status == 415 and "application/json" in answer["Message"]
    assert search(own_client, DEMO_DOMAIN, "_fullName", "Formed") == []
    status, headers, _ = http("OPTIONS", own_sandbox.endpoint_url + path)
    assert status == 204 and headers["allow"] == "POST, OPTIONS"


# --- browsing ------------------------------------------------------------------------------------
def test_pages_of_a_domain_in_creation_order_with_the_count(own_sandbox, domain):
    rows = "".join(f"P{i:03d},A{i}\n" for i in range(120))
    assert load(own_sandbox, domain, "FirstName,AccountNumber\n" + rows, commit=True)[1]["committed"]
    status, first = get(own_sandbox, f"/_sandbox/domains/{domain}/profiles?offset=0&limit=50")
    assert status == 200 and first["ProfileCount"] == 120 and first["More"]
    assert [r["FirstName"] for r in first["Rows"]] == [f"P{i:03d}" for i in range(50)]
    assert first["Columns"] == ["ProfileId", "AccountNumber", "FirstName"]
    _, last = get(own_sandbox, f"/_sandbox/domains/{domain}/profiles?offset=100&limit=50")
    assert [r["FirstName"] for r in last["Rows"]] == [f"P{i:03d}" for i in range(100, 120)]
    assert not last["More"]


def test_search_by_any_key_gives_rows_in_the_csv_format(own_sandbox):
    status, found = get(own_sandbox, "/_sandbox/domains/demo/profiles?key=loyaltyId&value=LOY-1001")
    assert status == 200 and found["ProfileCount"] == 32
    [maria] = found["Rows"]
    assert maria["ProfileId"] == MARIA_PROFILE_ID and maria["Address.City"] == "Seattle"
    assert maria["Key.loyaltyId"] == "LOY-1001" and maria["Attributes.tier"] == "gold"


@pytest.mark.parametrize("query, status, fragment", [
    ("?limit=0", 400, "limit must be a whole number from 1 to 1,000"),
    ("?offset=-1", 400, "offset must be a whole number"),
    ("?key=_phone", 400, "Give a value"),
    ("?key=nope&value=1", 400, "KeyName 'nope' is not a search key"),
])
def test_bad_browse_queries_say_why(own_sandbox, query, status, fragment):
    code, body = get(own_sandbox, "/_sandbox/domains/demo/profiles" + query)
    assert code == status and fragment in body["Message"]


def test_an_unknown_domain_is_404(own_sandbox):
    code, body = get(own_sandbox, "/_sandbox/domains/nope/profiles")
    assert code == 404 and "Domain 'nope' was not found" in body["Message"]
    assert get(own_sandbox, "/_sandbox/domains/nope/csv")[0] == 404


# --- loading ---------------------------------------------------------------------------------------
def test_a_preview_writes_nothing_and_says_what_would_change(own_sandbox, own_client):
    text = (f"ProfileId,FirstName,Key.vip\n{MARIA_PROFILE_ID},Mary,V1\n,Newcomer,\n")
    status, preview = load(own_sandbox, DEMO_DOMAIN, text, commit=False)
    assert status == 200 and preview["ok"] and not preview["committed"]
    assert (preview["creates"], preview["updates"], preview["new_keys"]) == (1, 1, ["vip"])
    update = preview["rows"][0]
    assert update["action"] == "update" and update["changes"] == {
        "FirstName": {"from": "Maria", "to": "Mary"}, "Key.vip": {"from": "", "to": "V1"}}
    assert search(own_client, DEMO_DOMAIN, "_profileId", MARIA_PROFILE_ID)[0]["FirstName"] == "Maria"
    assert own_client.get_domain(DomainName=DEMO_DOMAIN)["Stats"]["ProfileCount"] == 32


def test_a_load_with_an_error_row_writes_nothing_even_when_committed(own_sandbox, own_client, domain):
    status, answer = load(own_sandbox, domain, "FirstName,Gender\nGood,MALE\nBad,MAL\n", commit=True)
    assert status == 200 and not answer["committed"] and not answer["ok"]
    assert answer["errors"] == [{"row": 3, "column": "Gender", "message": answer["errors"][0]["message"]}]
    assert "MAL" in answer["errors"][0]["message"]
    assert own_client.get_domain(DomainName=domain)["Stats"]["ProfileCount"] == 0


def test_a_good_load_is_written_and_found_at_once(own_sandbox, own_client, domain):
    status, answer = load(own_sandbox, domain, "\ufeffFirstName,PhoneNumber\nAna,+15550005001\n", commit=True)
    assert status == 200 and answer["committed"], answer
    [profile_id] = answer["profile_ids"]
    assert search(own_client, domain, "_phone", "+15550005001")[0]["ProfileId"] == profile_id


def test_records_clear_a_value_with_an_empty_string(own_sandbox, own_client, domain):
    _, answer = post(own_sandbox, f"/_sandbox/domains/{domain}/load", {
        "rows": [{"FirstName": "Ana", "LastName": "Lima", "Address.City": "Porto"}], "commit": True})
    [profile_id] = answer["profile_ids"]
    _, answer = post(own_sandbox, f"/_sandbox/domains/{domain}/load", {
        "rows": [{"ProfileId": profile_id, "LastName": "", "Address.City": None, "FirstName": "Ana"}],
        "commit": True})
    assert answer["committed"] and answer["updates"] == 1
    [profile] = search(own_client, domain, "_profileId", profile_id)
    assert "LastName" not in profile and profile["Address"] == {"City": "Porto"}


@pytest.mark.parametrize("body, fragment", [
    ({"csv": "%%%"}, "csv must be the file's bytes in base64"),
    ({"csv": base64.b64encode(b"\xff\xfe").decode()}, "is not UTF-8 text"),
    ({"rows": [{"FirstName": 3}]}, "values are text or null"),
    ({"rows": [], "commit": "yes"}, "commit must be true"),
    ([], "The body must be a JSON object"),
])
def test_bad_load_bodies_say_why(own_sandbox, body, fragment):
    status, answer = post(own_sandbox, "/_sandbox/domains/demo/load", body)
    assert status == 400 and fragment in answer["Message"]


# --- export, keys, reset -------------------------------------------------------------------------
def test_export_is_the_dump(own_sandbox):
    request = urllib.request.Request(own_sandbox.endpoint_url + "/_sandbox/domains/demo/csv")
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30) as response:
        exported = response.read().decode("utf-8")
        assert response.headers["Content-Disposition"] == 'attachment; filename="demo.csv"'
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    store = open_store(own_sandbox.db_path)
    try:
        assert exported == csv_io.dump_text(store, DEMO_DOMAIN)
    finally:
        store.close()
    assert exported.startswith("ProfileId,") and exported.count("\r\n") == 33


def test_define_a_custom_key_then_attach_a_value_with_boto3(own_sandbox, own_client, domain):
    status, answer = post(own_sandbox, f"/_sandbox/domains/{domain}/keys", {"KeyName": "ticketRef"})
    assert status == 200 and answer["KeyName"] == "ticketRef"
    definition = own_client.get_profile_object_type(DomainName=domain,
                                                    ObjectTypeName=answer["ObjectTypeName"])
    assert list(definition["Keys"]) == ["ticketRef"]
    profile_id = own_client.create_profile(DomainName=domain, FirstName="Tess")["ProfileId"]
    own_client.add_profile_key(DomainName=domain, ProfileId=profile_id, KeyName="ticketRef", Values=["T-1"])
    assert search(own_client, domain, "ticketRef", "T-1")[0]["FirstName"] == "Tess"

    status, answer = post(own_sandbox, f"/_sandbox/domains/{domain}/keys", {"KeyName": "ticketRef"})
    assert status == 400 and "already a search key" in answer["Message"]
    status, answer = post(own_sandbox, f"/_sandbox/domains/{domain}/keys", {"KeyName": "bad key"})
    assert status == 400 and "KeyName" in answer["Message"]
    assert post(own_sandbox, "/_sandbox/domains/nope/keys", {"KeyName": "x"})[0] == 404


def test_reset_demo_brings_back_the_original_data_and_leaves_other_domains(own_sandbox, own_client, domain):
    own_client.create_profile(DomainName=domain, FirstName="Stays")
    added = own_client.create_profile(DomainName=DEMO_DOMAIN, FirstName="Temporary")["ProfileId"]
    own_client.delete_profile(DomainName=DEMO_DOMAIN, ProfileId=MARIA_PROFILE_ID)
    own_client.delete_profile_object_type(DomainName=DEMO_DOMAIN, ObjectTypeName="Loyalty")

    status, answer = post(own_sandbox, "/_sandbox/reset-demo", {})
    assert status == 200 and answer["ProfileCount"] == 32
    assert search(own_client, DEMO_DOMAIN, "_profileId", added) == []
    assert search(own_client, DEMO_DOMAIN, "_phone", "+15555550100")[0]["ProfileId"] == MARIA_PROFILE_ID
    assert len(search(own_client, DEMO_DOMAIN, "loyaltyId", "LOY-2002")) == 2
    assert search(own_client, domain, "_fullName", "Stays")
