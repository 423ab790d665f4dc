"""Who can reach the app decides whether the AWS endpoint URL may be set."""

from __future__ import annotations

import pytest

from profile_block.running.exposure import ALLOW_ENDPOINT_URL, binds_beyond_loopback, endpoint_url_policy


@pytest.mark.parametrize("address, beyond", [
    (None, True), ("", True), ("0.0.0.0", True), ("::", True), ("[::]", True),
    ("192.168.1.20", True), ("studio.example.com", True), ("my-laptop", True),
    ("127.0.0.1", False), ("127.0.0.2", False), ("::1", False), ("[::1]", False), ("localhost", False),
    ("LocalHost", False), ("unix:///run/studio.sock", False),
])
def test_binds_beyond_loopback(address, beyond):
    assert binds_beyond_loopback(address) is beyond


def test_loopback_allows_the_endpoint_url():
    assert endpoint_url_policy("127.0.0.1", {}, {}).allowed


@pytest.mark.parametrize("address", [None, "0.0.0.0", "10.0.0.5"])
def test_served_beyond_loopback_forbids_it_and_says_how_to_allow_it(address):
    policy = endpoint_url_policy(address, {}, {})
    assert not policy.allowed
    assert "served beyond this machine" in policy.reason and f"{ALLOW_ENDPOINT_URL}=1" in policy.reason


@pytest.mark.parametrize("header", ["X-Forwarded-For", "x-real-ip", "Forwarded"])
def test_a_request_through_a_proxy_forbids_it_even_on_loopback(header):
    policy = endpoint_url_policy("127.0.0.1", {header: "203.0.113.7"}, {})
    assert not policy.allowed and "proxy" in policy.reason


@pytest.mark.parametrize("value, allowed", [("1", True), ("true", True), ("0", False), ("no", False)])
def test_the_operator_setting_wins(value, allowed):
    assert endpoint_url_policy("0.0.0.0", {}, {ALLOW_ENDPOINT_URL: value}).allowed is allowed
    assert endpoint_url_policy("127.0.0.1", {}, {ALLOW_ENDPOINT_URL: value}).allowed is allowed


@pytest.mark.parametrize("host", ["localhost:8501", "127.0.0.1:8501", "[::1]:8501"])
def test_a_loopback_host_keeps_it(host):
    assert endpoint_url_policy("127.0.0.1", {"Host": host}, {}).allowed


@pytest.mark.parametrize("host, said", [("evil.example:8501", "the name evil.example"),
                                        ("studio.example.com", "the name studio.example.com"),
                                        ("evil example", "a Host that cannot be read")])
def test_a_host_that_is_not_loopback_forbids_it_even_on_loopback(host, said):
    # DNS rebinding, or a team name an operator allowed: the browser is not this machine's own page.
    policy = endpoint_url_policy("127.0.0.1", {"host": host}, {})
    assert not policy.allowed
    assert said in policy.reason and "not a loopback name" in policy.reason
    assert f"{ALLOW_ENDPOINT_URL}=1" in policy.reason
    assert endpoint_url_policy("127.0.0.1", {"host": host}, {ALLOW_ENDPOINT_URL: "1"}).allowed
