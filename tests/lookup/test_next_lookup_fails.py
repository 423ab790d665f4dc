""""Make the next lookup fail" (the Lookup page's local-service control): through the real local
service over loopback, the next lookup lands on the Error branch with its reason, the connection
check spends none of it, and the lookup after it is answered again."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config

from profile_block.model.block import ERROR, SUCCESS
from profile_block.running import aws, local_service
from profile_block.running.lookup import run_lookup
from tests.lookup.conftest import PHONE_REF, make_block

CONTACT = {"CustomerEndpoint.Address": "+15555550100"}


def lookup(client: Any, sandbox: Any):
    return run_lookup(client, make_block(("_phone", PHONE_REF)), CONTACT, "demo")


@pytest.mark.parametrize(("failure", "error_class", "said"), [
    ("Throttled", "ThrottlingException", "throttle_next"),
    ("Service error", "InternalServerException", "error_next"),
])
def test_the_next_lookup_fails_and_the_one_after_succeeds(sandbox, client, failure, error_class, said):
    attempts = aws.client_attempts(client)
    settings = local_service.fail_next_lookup(sandbox.endpoint_url, failure, attempts, aws.READ_TIMEOUT_S)
    assert local_service.pending_failure(settings) == (failure, attempts)
    # The sidebar's connection check runs first: it neither fails nor spends the failure.
    check = aws.check_connection(aws.Connection(endpoint_url=sandbox.endpoint_url, local_service=True))
    assert check.ok
    result = lookup(client, sandbox)
    assert result.branch == ERROR and result.next_action == f"target-{ERROR}"
    assert result.error_class == error_class and said in result.reason
    assert local_service.pending_failure(local_service.get_faults(sandbox.endpoint_url)) is None
    assert lookup(client, sandbox).branch == SUCCESS


def test_slow_past_the_timeout_ends_on_the_error_branch(sandbox):
    # The app's client config with a short read timeout, so the test waits ~3 x 0.5 s, not 3 x 10 s.
    config = aws.client_config().merge(Config(read_timeout=0.5))
    key = aws.LOCAL_SERVICE_ACCESS_KEY      # the local service's public placeholder, not a credential
    impatient = boto3.client(aws.SERVICE_NAME, endpoint_url=sandbox.endpoint_url, region_name="us-east-1",
                             aws_access_key_id=key, aws_secret_access_key=key, config=config)
    attempts = aws.client_attempts(impatient)
    settings = local_service.fail_next_lookup(sandbox.endpoint_url, "Slow past the timeout", attempts, 0.5)
    assert settings["slow_next"] == attempts and settings["slow_ms"] == 500 + local_service.SLOW_MARGIN_MS
    result = lookup(impatient, sandbox)
    assert result.branch == ERROR and result.error_class == "ReadTimeoutError"
    assert lookup(impatient, sandbox).branch == SUCCESS


def test_a_new_choice_replaces_the_pending_one_and_cancel_clears_it(sandbox):
    local_service.fail_next_lookup(sandbox.endpoint_url, "Throttled", 3, 10)
    settings = local_service.fail_next_lookup(sandbox.endpoint_url, "Service error", 3, 10)
    assert "throttle_next" not in settings and settings["error_next"] == 3
    assert local_service.pending_failure(local_service.cancel_next_failures(sandbox.endpoint_url)) is None
