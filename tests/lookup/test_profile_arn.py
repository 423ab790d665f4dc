"""$.Customer.ProfileARN through the real local service, and what the AWS side says when it cannot tell."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3

from profile_block.running import aws, profile_arn
from profile_block.running.lookup import run_lookup
from tests.lookup.conftest import PHONE_REF, make_block


def test_a_successful_lookup_stores_the_profile_arn_with_the_local_account(client: Any):
    result = run_lookup(client, make_block(("_phone", PHONE_REF)),
                        {"CustomerEndpoint.Address": "+15555550100"}, "demo")
    profile_id = result.customer["$.Customer.ProfileId"]
    assert result.customer["$.Customer.ProfileARN"] == \
        f"arn:aws:profile:us-east-1:000000000000:domains/demo/profiles/{profile_id}"
    assert ("$.Customer.ProfileARN", result.customer["$.Customer.ProfileARN"]) in result.customer_rows()


def test_a_client_made_elsewhere_for_this_machine_still_gets_the_local_account(sandbox: Any):
    other = boto3.session.Session(region_name="eu-west-2").client(
        "customer-profiles", endpoint_url=sandbox.endpoint_url,
        aws_access_key_id=aws.LOCAL_SERVICE_ACCESS_KEY, aws_secret_access_key=aws.LOCAL_SERVICE_ACCESS_KEY)
    result = run_lookup(other, make_block(("_phone", PHONE_REF)),
                        {"CustomerEndpoint.Address": "+15555550100"}, "demo")
    assert result.customer["$.Customer.ProfileARN"].startswith("arn:aws:profile:eu-west-2:000000000000:")


def test_an_aws_connection_whose_account_cannot_be_found_says_why(tmp_path: Path, monkeypatch):
    # An unknown profile fails before any request leaves the machine.
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    profile_arn.forget_accounts()
    account = profile_arn.account_of(aws.Connection(profile="no-such-profile", region="us-east-1"))
    assert account.account_id is None
    assert "STS GetCallerIdentity failed" in account.reason and "no-such-profile" in account.reason
    # Remembered: the next lookup does not ask again.
    again = profile_arn.account_of(aws.Connection(profile="no-such-profile", region="us-east-1"))
    assert again is account


def test_an_unknown_account_shows_the_arn_as_unknown_with_the_reason():
    remote = SimpleNamespace(meta=SimpleNamespace(endpoint_url="https://profile.us-east-1.amazonaws.com",
                                                  region_name="us-east-1"))
    arn, why = profile_arn.arn_for(remote, "demo", "p-1")
    assert arn is None and why.startswith("the AWS account is unknown")
    assert profile_arn.profile_arn("eu-west-1", "123456789012", "d", "p") == \
        "arn:aws:profile:eu-west-1:123456789012:domains/d/profiles/p"


def test_the_result_row_of_an_unknown_arn_says_unknown_and_why():
    from profile_block.running.lookup import LookupResult
    result = LookupResult("Success", "", "", customer={"$.Customer.ProfileId": "p",
                                                       "$.Customer.ProfileARN": None}, arn_note="no STS")
    assert result.customer_rows() == [("$.Customer.ProfileId", "p"),
                                      ("$.Customer.ProfileARN", "unknown: no STS")]


def test_a_batch_checks_the_expected_profile_arn(sandbox: Any):
    from profile_block.running.batch import run_batch
    from profile_block.running.batch_csv import ContactsReader, text_lines
    from profiles_sandbox.demo import MARIA_PROFILE_ID

    arn = f"arn:aws:profile:us-east-1:000000000000:domains/demo/profiles/{MARIA_PROFILE_ID}"
    block = make_block(("_phone", PHONE_REF))
    text = ("id,CustomerEndpoint.Address,expect.ProfileARN\n"
            f"right,+15555550100,{arn}\nwrong,+15555550100,{arn}x\nnone,+15555550199,\n")
    outcomes: list[Any] = []
    # A batch run's own client (one call per request: the run retries each row itself).
    client = aws.get_client(aws.Connection(endpoint_url=sandbox.endpoint_url, local_service=True),
                            retries=False)
    run_batch(client, block, ContactsReader(text_lines(text), block), "demo", workers=2,
              on_row=outcomes.append)
    assert [o.result for o in outcomes] == ["pass", "fail", "pass"]
    assert outcomes[1].mismatches == [f"ProfileARN: expected '{arn}x', got '{arn}'"]
