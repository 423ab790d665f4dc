"""Errors reach boto3 as the modeled exception classes, with status, x-amzn-ErrorType and Message."""

from __future__ import annotations

import json
import time
import uuid

import botocore
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from profiles_sandbox.server import start_in_thread

from .conftest import http, make_client


def signed(method: str, url: str, body: bytes, access_key: str = "sandbox") -> tuple[int, dict, object]:
    """Send a SigV4-signed raw request (what boto3 would sign), bypassing boto3's serializer."""
    request = AWSRequest(method=method, url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(access_key, "sandbox"), "profile", "us-east-1").add_auth(request)
    return http(method, url, body, dict(request.headers.items()))


def error_code(exc_info) -> tuple[int, str]:
    response = exc_info.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


# --- BadRequestException: what the model forbids and botocore lets through -------------------
def test_five_additional_keys_is_a_bad_request(client):
    extra = [{"KeyName": "_email", "Values": [f"x{i}@example.com"]} for i in range(5)]
    with pytest.raises(client.exceptions.BadRequestException, match="AdditionalSearchKeys") as info:
        client.search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"],
                               AdditionalSearchKeys=extra)
    assert error_code(info) == (400, "BadRequestException")
    assert "less than or equal to 4" in info.value.response["Error"]["Message"]


def test_logical_operator_other_than_and_or_is_a_bad_request(client):
    with pytest.raises(client.exceptions.BadRequestException, match=r"enum value set: \[AND, OR\]"):
        client.search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"],
                               AdditionalSearchKeys=[{"KeyName": "_account", "Values": ["A-1001"]}],
                               LogicalOperator="XOR")


def test_value_over_255_characters_is_a_bad_request(client):
    with pytest.raises(client.exceptions.BadRequestException, match="300 characters.*255"):
        client.search_profiles(DomainName="demo", KeyName="_phone", Values=["1" * 300])


def test_value_of_exactly_255_characters_is_accepted(client):
    assert client.search_profiles(DomainName="demo", KeyName="_phone", Values=["1" * 255])["Items"] == []


def test_max_results_over_100_is_a_bad_request(client):
    with pytest.raises(client.exceptions.BadRequestException, match="MaxResults.*100"):
        client.search_profiles(DomainName="demo", KeyName="_phone", Values=["+1"], MaxResults=101)


def test_bad_key_name_pattern_is_a_bad_request(client):
    with pytest.raises(client.exceptions.BadRequestException, match="KeyName.*pattern"):
        client.search_profiles(DomainName="demo", KeyName="phone number", Values=["+1"])


def test_bad_domain_name_is_a_bad_request(client):
    with pytest.raises(client.exceptions.BadRequestException, match="DomainName"):
        client.create_domain(DomainName="no.dots.allowed", DefaultExpirationDays=1)
    with pytest.raises(client.exceptions.BadRequestException, match="DefaultExpirationDays"):
        client.create_domain(DomainName=f"ok-{uuid.uuid4().hex[:6]}", DefaultExpirationDays=5000)


def test_bad_enum_in_a_profile_is_a_bad_request(client, domain):
    with pytest.raises(client.exceptions.BadRequestException, match="Gender"):
        client.create_profile(DomainName=domain, FirstName="X", Gender="ROBOT")


def test_bad_profile_id_pattern_is_a_bad_request(client, domain):
    with pytest.raises(client.exceptions.BadRequestException, match="ProfileId"):
        client.delete_profile(DomainName=domain, ProfileId="not-a-profile-id")


def test_empty_values_is_a_bad_request(client):
    with pytest.raises(client.exceptions.BadRequestException, match="at least one value"):
        client.search_profiles(DomainName="demo", KeyName="_phone", Values=[])


def test_malformed_json_body_signed_is_a_bad_request(sandbox):
    status, headers, body = signed("POST", f"{sandbox.endpoint_url}/domains/demo/profiles/search", b"{oops")
    assert status == 400
    assert headers["x-amzn-errortype"] == "BadRequestException"
    assert "not valid JSON" in body["Message"]


def test_unknown_field_in_body_is_a_bad_request(sandbox):
    payload = json.dumps({"KeyName": "_phone", "Values": ["+1"], "Sneaky": 1}).encode()
    status, headers, body = signed("POST", f"{sandbox.endpoint_url}/domains/demo/profiles/search", payload)
    assert (status, headers["x-amzn-errortype"]) == (400, "BadRequestException")
    assert "Sneaky" in body["Message"]


def test_unknown_nested_field_and_wrong_type_are_bad_requests(sandbox):
    payload = json.dumps({"KeyName": "_phone", "Values": "+1",
                          "AdditionalSearchKeys": [{"KeyName": "_email", "Values": ["a"], "X": 1}]}).encode()
    status, _, body = signed("POST", f"{sandbox.endpoint_url}/domains/demo/profiles/search", payload)
    assert status == 400
    assert "'Values' must be a list" in body["Message"]
    assert "AdditionalSearchKeys[0].X" in body["Message"]


def test_missing_required_member_in_raw_request_is_a_bad_request(sandbox):
    status, _, body = signed("POST", f"{sandbox.endpoint_url}/domains/demo/profiles/search", b"{}")
    assert status == 400 and "KeyName" in body["Message"] and "Values" in body["Message"]


def test_unknown_route_is_reported_not_crashed(sandbox):
    status, headers, body = signed("GET", f"{sandbox.endpoint_url}/no/such/path", b"")
    assert status == 404 and headers["x-amzn-errortype"] == "UnknownOperationException"


# --- ResourceNotFoundException ----------------------------------------------------------------
def test_unknown_domain_profile_and_object_type_are_not_found(client):
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.get_domain(DomainName="does-not-exist")
    assert error_code(info) == (404, "ResourceNotFoundException")
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="Profile"):
        client.update_profile(DomainName="demo", ProfileId=uuid.uuid4().hex, FirstName="X")
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="Object type"):
        client.get_profile_object_type(DomainName="demo", ObjectTypeName="NoSuchType")


# --- AccessDeniedException --------------------------------------------------------------------
def test_unsigned_raw_request_is_access_denied(sandbox):
    status, headers, body = http("GET", f"{sandbox.endpoint_url}/domains")
    assert (status, headers["x-amzn-errortype"]) == (403, "AccessDeniedException")
    assert "not signed" in body["Message"]


def test_unsigned_boto3_client_is_access_denied(sandbox):
    unsigned = make_client(sandbox.endpoint_url, config=Config(signature_version=botocore.UNSIGNED,
                                                              retries={"total_max_attempts": 1}))
    with pytest.raises(unsigned.exceptions.AccessDeniedException):
        unsigned.list_domains()


def test_wrong_access_key_is_access_denied(sandbox):
    other = make_client(sandbox.endpoint_url, access_key="AKIDNOTTHEONE")
    with pytest.raises(other.exceptions.AccessDeniedException, match="AKIDNOTTHEONE") as info:
        other.search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"])
    assert error_code(info) == (403, "AccessDeniedException")


def test_configured_access_key_replaces_the_default(tmp_path):
    running = start_in_thread(tmp_path / "k.sqlite3", seed="none", access_key="team-key")
    try:
        default = make_client(running.endpoint_url)
        with pytest.raises(default.exceptions.AccessDeniedException):
            default.list_domains()
        assert make_client(running.endpoint_url, access_key="team-key").list_domains()["Items"] == []
    finally:
        running.stop()


# --- faults: ThrottlingException, InternalServerException, latency -------------------------------
@pytest.fixture
def faulty(tmp_path):
    """A separate sandbox, so switching faults on cannot disturb other tests."""
    running = start_in_thread(tmp_path / "f.sqlite3", seed="demo")
    yield running
    running.stop()


def set_faults(running, **settings) -> tuple[int, object]:
    status, _, body = http("POST", f"{running.endpoint_url}/_sandbox/faults", json.dumps(settings).encode(),
                           {"Content-Type": "application/json"})
    return status, body


def test_throttle_rate_one_raises_throttling_exception(faulty):
    client = make_client(faulty.endpoint_url)
    assert set_faults(faulty, throttle_rate=1.0)[0] == 200
    with pytest.raises(client.exceptions.ThrottlingException) as info:
        client.search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"])
    assert error_code(info) == (429, "ThrottlingException")
    assert set_faults(faulty, throttle_rate=0)[0] == 200
    found = client.search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"])["Items"]
    assert len(found) == 1


def test_error_rate_one_raises_internal_server_exception(faulty):
    client = make_client(faulty.endpoint_url)
    set_faults(faulty, error_rate=1.0)
    with pytest.raises(client.exceptions.InternalServerException) as info:
        client.search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"])
    assert error_code(info) == (500, "InternalServerException")


def test_faults_leave_domain_calls_alone(faulty):
    """A connection check (ListDomains) and key discovery (object types) neither trip on faults nor
    spend "throttle the next N": the profile calls a flow makes get them."""
    client = make_client(faulty.endpoint_url)
    set_faults(faulty, error_rate=1.0, latency_ms=0)
    assert "demo" in [d["DomainName"] for d in client.list_domains()["Items"]]
    assert client.get_domain(DomainName="demo")["DomainName"] == "demo"
    assert client.list_profile_object_types(DomainName="demo")["Items"]
    set_faults(faulty, error_rate=0.0, throttle_next=1)
    client.list_domains()
    assert http("GET", f"{faulty.endpoint_url}/_sandbox/faults")[2]["throttle_next"] == 1
    with pytest.raises(client.exceptions.ThrottlingException):
        client.search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"])


def test_standard_retries_recover_from_throttling_half_the_time(faulty):
    """With a 50% throttle rate a retrying client (standard mode, 10 attempts) still succeeds."""
    set_faults(faulty, throttle_rate=0.5)
    retrying = make_client(faulty.endpoint_url,
                           config=Config(retries={"mode": "standard", "max_attempts": 10}))
    bare = make_client(faulty.endpoint_url)
    outcomes = []
    for _ in range(30):
        try:
            bare.search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"])
            outcomes.append("ok")
        except bare.exceptions.ThrottlingException:
            outcomes.append("throttled")
    assert "ok" in outcomes and "throttled" in outcomes
    found = retrying.search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"])
    assert len(found["Items"]) == 1


def test_latency_is_added_to_api_calls(faulty):
    client = make_client(faulty.endpoint_url)
    set_faults(faulty, latency_ms=300)
    started = time.perf_counter()
    client.search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"])
    assert time.perf_counter() - started >= 0.3


def test_fault_route_reads_and_sets_a_subset(faulty):
    status, _, body = http("GET", f"{faulty.endpoint_url}/_sandbox/faults")
    assert (status, body) == (200, {"throttle_rate": 0.0, "error_rate": 0.0, "latency_ms": 0})
    status, body = set_faults(faulty, error_rate=0.25)
    assert (status, body) == (200, {"throttle_rate": 0.0, "error_rate": 0.25, "latency_ms": 0})
    status, body = set_faults(faulty, latency_ms=5, throttle_rate=0.1)
    assert body == {"throttle_rate": 0.1, "error_rate": 0.25, "latency_ms": 5}


@pytest.mark.parametrize("settings, fragment", [
    ({"throttle_rate": 1.5}, "throttle_rate must be a number from 0 to 1"),
    ({"error_rate": -0.1}, "error_rate must be a number from 0 to 1"),
    ({"error_rate": "high"}, "error_rate must be a number"),
    ({"latency_ms": 60001}, "latency_ms must be a whole number from 0 to 60000"),
    ({"latency_ms": 1.5}, "latency_ms must be a whole number"),
    ({"slowness": 1}, "unknown fault setting"),
])
def test_fault_route_rejects_bad_settings_and_keeps_the_old_ones(faulty, settings, fragment):
    set_faults(faulty, error_rate=0.2)
    status, body = set_faults(faulty, **settings)
    assert status == 400 and fragment in body["Message"]
    assert http("GET", f"{faulty.endpoint_url}/_sandbox/faults")[2]["error_rate"] == 0.2


def test_fault_route_rejects_a_body_that_is_not_json(faulty):
    status, _, body = http("POST", f"{faulty.endpoint_url}/_sandbox/faults", b"rate=1",
                           {"Content-Type": "application/json"})
    assert status == 400 and "not valid JSON" in body["Message"]


def test_faults_given_at_start_apply(tmp_path):
    running = start_in_thread(tmp_path / "s.sqlite3", seed="none", throttle_rate=1.0, latency_ms=1)
    try:
        assert http("GET", f"{running.endpoint_url}/_sandbox/faults")[2] == {
            "throttle_rate": 1.0, "error_rate": 0.0, "latency_ms": 1}
        client = make_client(running.endpoint_url)
        with pytest.raises(client.exceptions.ThrottlingException):
            client.search_profiles(DomainName="any", KeyName="_phone", Values=["+15555550100"])
    finally:
        running.stop()


def test_health_route(sandbox):
    assert http("GET", f"{sandbox.endpoint_url}/_sandbox/health")[:1] == (200,)
