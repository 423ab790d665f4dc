"""API and network failures become the Error branch with a reason naming the error class."""

from __future__ import annotations

from typing import Any

import boto3

from profile_block.model.block import ERROR, SUCCESS
from profile_block.running import aws
from profile_block.running.lookup import run_lookup
from tests.lookup.conftest import PHONE_REF, make_block, set_faults
from tests.loopback import free_port, web_page_server

MARIA = {"CustomerEndpoint.Address": "+15555550100"}


def assert_error(result: Any, error_class: str) -> None:
    assert result.branch == ERROR
    assert result.next_action == f"target-{ERROR}"
    assert result.error_class == error_class
    assert error_class in result.reason
    assert result.customer == {}
    assert result.request is not None       # the request that failed is kept for the user


def test_access_denied(sandbox: Any):
    # Signed with an access key the local service was not started with (a test placeholder).
    wrong = boto3.client("customer-profiles", endpoint_url=sandbox.endpoint_url, region_name="us-east-1",
                         aws_access_key_id="not-the-sandbox-key", aws_secret_access_key="placeholder",
                         config=aws.client_config())
    result = run_lookup(wrong, make_block(("_phone", PHONE_REF)), MARIA, "demo")
    assert_error(result, "AccessDeniedException")
    assert "Access denied" in result.reason


def test_unknown_domain_is_resource_not_found(client: Any):
    result = run_lookup(client, make_block(("_phone", PHONE_REF)), MARIA, "no-such-domain")
    assert_error(result, "ResourceNotFoundException")
    assert "no-such-domain" in result.reason


def test_key_name_the_service_rejects_is_bad_request(client: Any):
    # botocore does not check KeyName's pattern; the service does.
    result = run_lookup(client, make_block(("phone number!", "+15555550100")), {}, "demo")
    assert_error(result, "BadRequestException")
    assert "KeyName" in result.reason


def test_operator_the_service_rejects_is_bad_request(client: Any):
    block = make_block(("_phone", "+15555550100"), ("_account", "A-1001"), operator="XOR")
    assert_error(run_lookup(client, block, {}, "demo"), "BadRequestException")


def test_throttling_that_outlasts_the_retries(client: Any, faults):
    faults(throttle_rate=1.0)
    result = run_lookup(client, make_block(("_phone", PHONE_REF)), MARIA, "demo")
    assert_error(result, "ThrottlingException")
    assert "throttling" in result.reason


def test_internal_server_error_that_outlasts_the_retries(client: Any, faults):
    faults(error_rate=1.0)
    result = run_lookup(client, make_block(("_phone", PHONE_REF)), MARIA, "demo")
    assert_error(result, "InternalServerException")


def test_service_works_again_once_faults_are_off(client: Any, faults):
    faults(throttle_rate=0.0, error_rate=0.0)
    assert run_lookup(client, make_block(("_phone", PHONE_REF)), MARIA, "demo").branch == SUCCESS


def test_unreachable_endpoint_is_the_error_branch_with_a_network_reason():
    client = aws.get_client(aws.Connection(endpoint_url=f"http://127.0.0.1:{free_port()}",
                                           local_service=True))
    result = run_lookup(client, make_block(("_phone", PHONE_REF)), MARIA, "demo")
    assert_error(result, "EndpointConnectionError")
    assert "unreachable" in result.reason


def test_throttling_recovered_by_retries(client: Any, sandbox: Any, faults):
    # The next two requests are throttled; the client's third attempt gets through.
    assert faults(throttle_next=aws.MAX_ATTEMPTS - 1)["throttle_next"] == aws.MAX_ATTEMPTS - 1
    result = run_lookup(client, make_block(("_phone", PHONE_REF)), MARIA, "demo")
    assert result.branch == SUCCESS, result.reason
    assert "throttle_next" not in set_faults(sandbox)   # both throttles were spent on this lookup


def test_the_reason_counts_the_attempts_really_made(sandbox: Any, faults):
    fresh = aws.get_client(aws.Connection(endpoint_url=sandbox.endpoint_url, local_service=True,
                                          region="us-west-1"))   # its own client: no retry quota spent
    faults(throttle_next=50)
    result = run_lookup(fresh, make_block(("_phone", PHONE_REF)), MARIA, "demo")
    made = 50 - set_faults(sandbox).get("throttle_next", 0)      # what the service really saw
    assert result.branch == ERROR and "throttling" in result.reason
    assert made == aws.MAX_ATTEMPTS
    assert f"after {made} attempts" in result.reason, result.reason


def test_a_web_page_with_status_200_is_an_error_not_none_found():
    # A proxy's sign-in page or a web app's catch-all route: botocore read the page as an empty
    # result, so the lookup said None found and the connection check "no domains here".
    with web_page_server(200) as url:
        connection = aws.Connection(endpoint_url=url, local_service=True)
        client = aws.get_client(connection)
        result = run_lookup(client, make_block(("_phone", PHONE_REF)), MARIA, "demo")
        check = aws.check_connection(connection)
    assert_error(result, "200")
    assert "answered, but not as Customer Profiles (200)" in result.reason
    assert "text/html page, not JSON" in result.reason and "<h1>Not Found</h1>" in result.reason
    assert not check.ok and "answered, but not as Customer Profiles (200)" in check.message
