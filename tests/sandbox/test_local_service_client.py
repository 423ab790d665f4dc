"""profile_block.running.local_service, the Data page's client of the admin routes, against a real
local service: answers become values, refusals and an unreachable service become words."""

from __future__ import annotations

import uuid

import pytest

from profile_block.running import local_service
from profile_block.running.local_service import LocalServiceError
from tests.loopback import free_port


def test_format_pages_search_and_export(sandbox):
    fmt = local_service.csv_format(sandbox.endpoint_url)
    assert fmt.columns[:2] == ["ProfileId", "AccountNumber"] and "Address.City" in fmt.columns
    assert fmt.choices["Gender"] == ["MALE", "FEMALE", "UNSPECIFIED"] and fmt.map_members == ["Attributes"]
    page = local_service.profiles_page(sandbox.endpoint_url, "demo", 30, 10)
    assert (page.count, page.offset, len(page.rows), page.more) == (32, 30, 2, False)
    found = local_service.search_profiles(sandbox.endpoint_url, "demo", "_phone", "+15555550111", 50)
    assert sorted(r["FirstName"] for r in found.rows) == ["James", "Linda"]
    assert local_service.export_csv(sandbox.endpoint_url, "demo").startswith(b"ProfileId,")


def test_preview_then_load_of_records(sandbox, client):
    domain = f"cl-{uuid.uuid4().hex[:8]}"
    preview = local_service.load_rows(sandbox.endpoint_url, domain, [{"FirstName": "Ana"}], commit=False)
    assert preview.ok and preview.create_domain and not preview.committed and preview.creates == 1
    assert domain not in [d["DomainName"] for d in client.list_domains()["Items"]]
    done = local_service.load_rows(sandbox.endpoint_url, domain, [{"FirstName": "Ana"}], commit=True)
    assert done.committed and len(done.profile_ids) == 1 and "1 created" in done.summary
    client.delete_domain(DomainName=domain)


def test_refusals_carry_the_services_message(sandbox):
    with pytest.raises(LocalServiceError, match="Domain 'nope' was not found"):
        local_service.profiles_page(sandbox.endpoint_url, "nope", 0, 10)
    with pytest.raises(LocalServiceError, match="throttle_rate must be a number from 0 to 1"):
        local_service.set_faults(sandbox.endpoint_url, {"throttle_rate": 7})
    with pytest.raises(LocalServiceError, match="file cannot be read as CSV: the file is not UTF-8"):
        local_service.load_csv(sandbox.endpoint_url, "demo", b"\xff\xfe", commit=False)


def test_an_unreachable_service_is_said_in_words():
    port = free_port()                      # nobody listens on it
    with pytest.raises(LocalServiceError, match=rf"local service at http://127.0.0.1:{port} did not answer"):
        local_service.get_faults(f"http://127.0.0.1:{port}")
