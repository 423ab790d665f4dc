"""The large Customer Profiles model is parsed once per process: the local service's routes and
CSV loads share one model, and the app's clients read it through the loader the service used
(local_sandbox.py wires them with aws.share_data_loader; benchmarks/cold_start.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from profile_block.running import aws
from profiles_sandbox.validation import data_loader, load_service_model


@pytest.fixture
def shared_loader() -> Iterator[None]:
    aws.forget_clients()
    aws.share_data_loader(data_loader())
    yield
    aws.share_data_loader(None)     # the next client makes its own loader again
    aws.forget_clients()


def test_the_local_service_reads_its_model_once():
    assert load_service_model() is load_service_model()


def test_a_client_made_after_sharing_uses_the_model_the_service_read(shared_loader: None):
    client = aws.get_client(aws.Connection(endpoint_url="http://127.0.0.1:9", local_service=True))
    assert client.meta.service_model._service_description is load_service_model()._service_description


def test_clients_share_one_loader_without_the_service():
    aws.forget_clients()
    try:
        local = aws.get_client(aws.Connection(endpoint_url="http://127.0.0.1:9", local_service=True))
        other = aws.get_client(aws.Connection(region="eu-west-2", endpoint_url="http://127.0.0.1:9"))
        assert local is not other
        assert local.meta.service_model._service_description is other.meta.service_model._service_description
    finally:
        aws.forget_clients()
