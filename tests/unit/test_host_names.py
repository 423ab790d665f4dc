"""The app answers its loopback names and the names an operator allows, nothing else (DNS rebinding)."""

from __future__ import annotations

import pytest

from profile_block.running.host_names import ALLOWED_HOSTS, allowed_names, host_name, host_refusal


@pytest.mark.parametrize("value, name", [
    ("localhost", "localhost"), ("localhost:8501", "localhost"), ("LocalHost.:8501", "localhost"),
    ("127.0.0.1", "127.0.0.1"), ("127.0.0.1:8501", "127.0.0.1"), ("[::1]", "::1"), ("[::1]:8501", "::1"),
    ("[0:0:0:0:0:0:0:1]:80", "::1"), ("Studio.Example.com:443", "studio.example.com"),
    ("evil.example", "evil.example"), ("xn--bcher-kva.example", "xn--bcher-kva.example"),
    (" evil.example:8501 ", "evil.example"),
])
def test_host_name_reads_a_host_header(value, name):
    assert host_name(value) == name


@pytest.mark.parametrize("value", [
    "", " ", "::1", "::1:8501", "[::1", "[::1]x", "[::1]:", "[not-ipv6]:80", "localhost:", "localhost:80:80",
    "localhost:http", "evil.example/path", "evil example", "user@evil.example", "evil..example", ".", ":8501",
])
def test_host_name_refuses_what_is_no_host_name(value):
    assert host_name(value) is None


@pytest.mark.parametrize("host", ["localhost", "localhost:8501", "127.0.0.1:8501", "127.3.4.5", "[::1]:8501",
                                  "LOCALHOST.:8501"])
def test_loopback_names_run_by_default(host):
    assert host_refusal([host], {}) is None


def test_no_host_header_is_no_browser_request_and_runs():
    assert host_refusal([], {}) is None


@pytest.mark.parametrize("host, shown", [
    ("evil.example:8501", "evil.example"), ("192.168.1.20:8501", "192.168.1.20"), ("0.0.0.0:8501", "0.0.0.0"),
    ("[2001:db8::1]:8501", "[2001:db8::1]"), ("studio.localhost:8501", "studio.localhost"),
    ("localhost.evil.example", "localhost.evil.example"),
    ("127.0.0.1.evil.example", "127.0.0.1.evil.example"),
])
def test_any_other_name_is_refused_in_one_sentence_that_says_how_to_allow_it(host, shown):
    refusal = host_refusal([host], {})
    assert refusal is not None
    assert f"does not answer the host name {shown}:" in refusal
    assert f"adds that name to {ALLOWED_HOSTS}" in refusal and f"under {shown}," in refusal
    assert refusal.count(". ") == 0 and refusal.endswith(".")      # one sentence


def test_an_unreadable_host_is_refused_and_shown_clipped():
    refusal = host_refusal(["evil example " + "x" * 500], {})
    assert refusal is not None and "the unreadable host evil example" in refusal
    assert len(refusal) < 500 and ALLOWED_HOSTS in refusal


def test_every_repeated_host_header_must_be_allowed():
    assert host_refusal(["localhost:8501", "evil.example"], {}) is not None
    assert host_refusal(["evil.example", "localhost:8501"], {}) is not None


def test_the_operator_setting_adds_names():
    environ = {ALLOWED_HOSTS: " Studio.Example.com:443 , [2001:db8::1],, not a name, studio.localhost"}
    assert allowed_names(environ) == {"studio.example.com", "2001:db8::1", "studio.localhost"}
    for host in ("studio.example.com", "STUDIO.example.com:8443", "[2001:db8::1]:80", "studio.localhost:8501",
                 "localhost:8501"):
        assert host_refusal([host], environ) is None, host
    for host in ("evil.example", "sub.studio.example.com", "example.com"):
        assert host_refusal([host], environ) is not None, host
