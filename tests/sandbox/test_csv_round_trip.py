"""A dump always loads back: any text the service accepts in a profile (NUL, carriage returns,
quotes, commas, non-BMP characters ...) is dumped and loaded back equal, through the real
service over HTTP (CreateProfile with boto3, the admin routes for dump and load)."""

from __future__ import annotations

import base64
import json
import urllib.parse
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import http

# What the API takes in these members: 1 to 255 characters of Unicode text (lone surrogates are
# not text: the API refuses them, and hypothesis's text() never draws them).
value = st.text(min_size=1, max_size=255)


def export(endpoint: str, domain: str) -> bytes:
    from profile_block.running import local_service  # the app's own client of the admin routes
    return local_service.export_csv(endpoint, domain)


def load(endpoint: str, domain: str, data: bytes) -> dict:
    path = f"/_sandbox/domains/{urllib.parse.quote(domain, safe='')}/load"
    body = json.dumps({"csv": base64.b64encode(data).decode("ascii"), "commit": True}).encode()
    status, _, answer = http("POST", endpoint + path, body, {"Content-Type": "application/json"})
    assert status == 200, answer
    return answer


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=value, city=value, tier=value)
def test_any_text_the_service_accepts_dumps_and_loads_back_equal(sandbox, client, first, city, tier):
    source, copy = f"rt-{uuid.uuid4().hex[:12]}", f"rt-{uuid.uuid4().hex[:12]}"
    client.create_domain(DomainName=source, DefaultExpirationDays=30)
    try:
        profile_id = client.create_profile(DomainName=source, FirstName=first, Address={"City": city},
                                           Attributes={"tier": tier})["ProfileId"]
        dumped = export(sandbox.endpoint_url, source)
        answer = load(sandbox.endpoint_url, copy, dumped)
        assert answer["committed"], answer["errors"]
        assert export(sandbox.endpoint_url, copy) == dumped
        found = client.search_profiles(DomainName=copy, KeyName="_profileId", Values=[profile_id])["Items"]
        assert [(p["FirstName"], p["Address"]["City"], p["Attributes"]["tier"]) for p in found] == \
            [(first, city, tier)]
    finally:
        client.delete_domain(DomainName=source)
        try:
            client.delete_domain(DomainName=copy)
        except client.exceptions.ResourceNotFoundException:    # the load made nothing
            pass


def test_a_nul_in_a_name_dumps_and_loads_back(sandbox, client):
    """The case that broke: the service takes "a\\u0000b", dump wrote the raw NUL, load refused it."""
    test_any_text_the_service_accepts_dumps_and_loads_back_equal.hypothesis.inner_test(
        sandbox, client, "a\x00b", "Lis\x00bon", "\x00")
