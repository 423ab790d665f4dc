"""Unit tests of the connection helpers: error descriptions, client cache, profiles, domain paging."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
    ReadTimeoutError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)
from botocore.stub import Stubber

from profile_block.running import aws


def client_error(code: str, message: str = "details") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message},
                        "ResponseMetadata": {"HTTPStatusCode": 400}}, "SearchProfiles")


@pytest.mark.parametrize("exc, words", [
    (NoCredentialsError(), "No AWS credentials"),
    (UnauthorizedSSOTokenError(), "SSO session has expired"),
    (TokenRetrievalError(provider="sso", error_msg="expired"), "SSO session has expired"),
    (client_error("ExpiredTokenException"), "credentials have expired"),
    (client_error("AccessDeniedException", "not allowed"), "Access denied"),
    (client_error("UnrecognizedClientException"), "Access denied"),
    (client_error("ResourceNotFoundException", "Domain x not found."), "Check the domain name"),
    (client_error("ThrottlingException"), "throttling"),
    (client_error("InternalServerException"), "service failed"),
    (client_error("BadRequestException", "bad key"), "rejected the request"),
    (ProfileNotFound(profile="nope"), "Unknown AWS profile"),
    (NoRegionError(), "pick a region"),
    (EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), "unreachable"),
    (ReadTimeoutError(endpoint_url="http://127.0.0.1:9"), "unreachable"),
])
def test_describe_connection_error_classifies(exc, words):
    text = aws.describe_connection_error(exc)
    assert words in text
    # The error class is always named, so a user can search for it.
    assert aws.error_class(exc) in text


def test_unknown_errors_are_named_by_class_and_message():
    assert aws.describe_connection_error(ValueError("odd")) == "ValueError: odd"
    assert aws.describe_connection_error(client_error("SomethingNew", "m")) == "SomethingNew: m"


@pytest.mark.parametrize("retries, said", [(0, "after 1 attempt:"), (1, "after 2 attempts"),
                                            (2, "after 3 attempts")])
def test_the_attempts_said_are_the_attempts_made(retries: int, said: str):
    """botocore says how often it retried (RetryAttempts); the retry quota may cut retries short."""
    for code in ("ThrottlingException", "InternalServerException"):
        exc = client_error(code)
        exc.response["ResponseMetadata"] = {"RetryAttempts": retries}
        assert said in aws.describe_connection_error(exc)


def test_client_config_is_bounded():
    config = aws.client_config()
    # total_max_attempts counts the first call; botocore's max_attempts would not (3 meant 4 calls).
    assert config.retries == {"mode": "standard", "total_max_attempts": aws.MAX_ATTEMPTS}
    assert config.connect_timeout <= 5 and config.read_timeout <= 15


def test_one_client_per_connection():
    aws.forget_clients()
    local = aws.Connection(endpoint_url="http://127.0.0.1:1", local_service=True)
    first = aws.get_client(local)
    assert aws.get_client(aws.Connection(endpoint_url="http://127.0.0.1:1", local_service=True)) is first
    other = aws.get_client(aws.Connection(endpoint_url="http://127.0.0.1:2", local_service=True))
    assert other is not first
    assert first.meta.endpoint_url == "http://127.0.0.1:1"
    assert first.meta.config.retries["mode"] == "standard"
    # The local service's key is the only one the code ever supplies, and only for it.
    assert first._request_signer._credentials.access_key == aws.LOCAL_SERVICE_ACCESS_KEY
    aws.forget_clients()


def test_a_pool_size_gets_its_own_client_with_that_many_connections():
    aws.forget_clients()
    local = aws.Connection(endpoint_url="http://127.0.0.1:1", local_service=True)
    default = aws.get_client(local)
    pooled = aws.get_client(local, max_pool_connections=32)
    assert pooled is not default and aws.get_client(local, 32) is pooled
    assert default.meta.config.max_pool_connections == aws.DEFAULT_POOL_CONNECTIONS
    assert pooled.meta.config.max_pool_connections == 32
    aws.forget_clients()


@pytest.mark.parametrize("exc, setup", [
    (EndpointConnectionError(endpoint_url="http://x"), True),
    (NoCredentialsError(), True),
    (client_error("ResourceNotFoundException"), True),
    (client_error("AccessDeniedException"), True),
    (client_error("ExpiredTokenException"), True),
    (client_error("ThrottlingException"), False),
    (client_error("InternalServerException"), False),
    (client_error("BadRequestException"), False),
    (ReadTimeoutError(endpoint_url="http://x"), False),
])
def test_setup_errors_are_those_no_retry_or_other_request_can_mend(exc, setup):
    assert aws.is_setup_error(aws.error_class(exc)) is setup


def test_labels_never_mention_keys():
    assert aws.Connection(profile="dev", region="eu-west-1").label == "profile dev, eu-west-1"
    assert "sandbox" not in aws.Connection(endpoint_url="http://h", local_service=True).label


@pytest.fixture
def shared_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated AWS config: no env credentials, config/credentials files in tmp_path."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no traffic beyond loopback
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    (tmp_path / "config").write_text("[profile dev]\nregion = eu-west-2\n[profile ops]\n")
    (tmp_path / "credentials").write_text("")
    return tmp_path


def test_profiles_and_regions_come_from_the_shared_config(shared_files: Path):
    assert aws.available_profiles() == ["dev", "ops"]
    assert aws.default_region("dev") == "eu-west-2"
    assert aws.default_region("ops") is None
    assert aws.default_region("missing") is None


def test_credentials_available_without_asking_instance_metadata(shared_files: Path,
                                                                monkeypatch: pytest.MonkeyPatch):
    assert aws.credentials_available() is False
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "placeholder")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "placeholder")
    assert aws.credentials_available() is True


def test_check_connection_reports_missing_credentials(shared_files: Path):
    check = aws.check_connection(aws.Connection(profile="dev"))
    assert not check.ok
    assert "No AWS credentials" in check.message


def test_check_connection_reports_unknown_profile(shared_files: Path):
    check = aws.check_connection(aws.Connection(profile="nope", region="eu-west-1"))
    assert not check.ok and "Unknown AWS profile" in check.message


def stubbed_client():
    import boto3

    return boto3.client("customer-profiles", region_name="us-east-1",
                        aws_access_key_id="x", aws_secret_access_key="x")


def test_list_domains_follows_next_token():
    client = stubbed_client()
    with Stubber(client) as stub:
        stub.add_response("list_domains", {"Items": [_domain("b")], "NextToken": "t1"}, {})
        stub.add_response("list_domains", {"Items": [_domain("a")]}, {"NextToken": "t1"})
        assert aws.list_domains(client) == ["a", "b"]
        stub.assert_no_pending_responses()


def test_check_connection_with_no_domains_says_so():
    client = stubbed_client()
    with Stubber(client) as stub:
        stub.add_response("list_domains", {"Items": []}, {})
        check = aws.check_connection(aws.Connection(region="us-east-1"), make_client=lambda _c: client)
    assert not check.ok and "no Customer Profiles domains" in check.message


def _domain(name: str) -> dict:
    import datetime

    now = datetime.datetime(2024, 1, 1)
    return {"DomainName": name, "CreatedAt": now, "LastUpdatedAt": now}
