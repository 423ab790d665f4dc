"""The AWS backend pointed at the local service: a refusal says which access key that service expects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from profile_block.running import aws


@pytest.fixture
def no_shared_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    aws.forget_clients()
    yield
    aws.forget_clients()


def aws_backend_at(url: str) -> aws.ConnectionCheck:
    return aws.check_connection(aws.Connection(region="us-east-1", endpoint_url=url))


def test_another_access_key_is_told_the_one_the_local_service_expects(sandbox: Any, no_shared_credentials,
                                                                      monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLEOTHER")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    check = aws_backend_at(sandbox.endpoint_url)
    assert not check.ok
    assert "Access denied" in check.message and "'sandbox'" in check.message
    assert "--access-key" in check.message and "Local sandbox backend" in check.message
    assert "not-a-real-secret" not in check.message


def test_no_credentials_at_all_are_told_it_too(sandbox: Any, no_shared_credentials):
    check = aws_backend_at(sandbox.endpoint_url.replace("127.0.0.1", "localhost"))
    assert not check.ok and "No AWS credentials" in check.message and "'sandbox'" in check.message


def test_the_expected_key_works_and_a_remote_endpoint_gets_no_such_hint(sandbox: Any, no_shared_credentials,
                                                                        monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", aws.LOCAL_SERVICE_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "anything")
    assert aws_backend_at(sandbox.endpoint_url).ok
    assert not aws.is_loopback_url("https://profile.eu-west-2.amazonaws.com")
    assert aws.is_loopback_url("http://[::1]:4599") and aws.is_loopback_url("http://127.0.0.2:1")
