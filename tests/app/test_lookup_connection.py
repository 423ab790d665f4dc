"""The sidebar connection panel through AppTest of the whole app (studio.py, default page).

Local sandbox: studio.py starts the real local service in-process (data in the session's temporary
folder, tests/app/conftest.isolated_data_dir).
AWS: an isolated AWS config, so no real account is touched and nothing leaves the machine; the
"works" case points the AWS backend's endpoint URL at a local service.

Each scenario is a fresh AppTest whose widget values are set before its first run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from components.connection import AWS, CONNECTION, CUSTOM_KEYS
from profile_block.running import aws
from profile_block.running.exposure import ALLOW_ENDPOINT_URL
from profiles_sandbox.server import start_in_thread
from tests.app.conftest import shown, until_started

APP = Path(__file__).resolve().parents[2] / "studio.py"


@pytest.fixture
def served_at() -> Iterator[Callable[[str | None], None]]:
    """Set Streamlit's server.address for the test (as `--server.address` would); restored after."""
    previous = config.get_option("server.address")
    yield lambda address: config.set_option("server.address", address)
    config.set_option("server.address", previous)


@pytest.fixture
def isolated_aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, served_at) -> Path:
    served_at("127.0.0.1")            # as .streamlit/config.toml says, wherever pytest runs from
    monkeypatch.delenv(ALLOW_ENDPOINT_URL, raising=False)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    (tmp_path / "config").write_text("[profile dev]\nregion = eu-west-2\n")
    return tmp_path


def open_app(**widgets: Any) -> AppTest:
    """A first run of the app with the sidebar widgets already set to ``widgets``."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in widgets.items():
        at.session_state[key] = value
    return until_started(at)


@pytest.fixture
def app(isolated_aws: Path) -> AppTest:
    return open_app()


def sidebar_texts(at: AppTest, kind: str) -> str:
    return " ".join(shown(e.value) for e in getattr(at.sidebar, kind))


def test_local_sandbox_is_the_default_and_works(app: AppTest):
    assert app.sidebar.radio(key="conn_backend").value == "Local sandbox"
    active = app.session_state[CONNECTION]
    assert active.ok and active.is_local and active.domain == "demo"
    assert "Local sandbox at http://127.0.0.1:" in sidebar_texts(app, "success")
    # Custom keys of the demo domain are discovered for the Build page's key picker.
    assert app.session_state[CUSTOM_KEYS] == ["loyaltyId"]
    assert "loyaltyId" in sidebar_texts(app, "caption")


def test_aws_without_credentials_says_so(isolated_aws: Path):
    app = open_app(conn_backend=AWS)
    assert app.sidebar.selectbox(key="conn_profile").options == ["(default credential chain)", "dev"]
    assert "No AWS credentials" in sidebar_texts(app, "error")
    app = open_app(conn_backend=AWS, conn_profile="dev")
    assert app.sidebar.selectbox(key="conn_region").value == "eu-west-2"     # the profile's region
    assert "No AWS credentials" in sidebar_texts(app, "error")
    assert not app.session_state[CONNECTION].ok
    assert app.session_state[CUSTOM_KEYS] == []
    assert not [t for t in app.sidebar.text_input if "secret" in t.label.lower() or "key" in t.label.lower()]


@pytest.fixture(scope="module")
def other_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    running = start_in_thread(tmp_path_factory.mktemp("aws-like") / "s.sqlite3")
    yield running
    running.stop()


def test_aws_backend_lists_domains_through_the_credential_chain(isolated_aws: Path, other_service: Any,
                                                                 monkeypatch: pytest.MonkeyPatch):
    # Credentials from the environment, as the chain reads them (placeholders the local service accepts).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "sandbox")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "sandbox")
    app = open_app(conn_backend=AWS, conn_endpoint=other_service.endpoint_url)
    assert "Connected" in sidebar_texts(app, "success")
    assert app.sidebar.selectbox(key="conn_domain").options == ["demo"]
    active = app.session_state[CONNECTION]
    assert active.ok and not active.is_local and active.domain == "demo"
    assert active.connection.endpoint_url == other_service.endpoint_url
    assert not active.connection.local_service       # signed through the chain, not the local key
    assert app.session_state[CUSTOM_KEYS] == ["loyaltyId"]


def test_aws_backend_at_the_local_service_with_another_key_is_told_the_key_it_expects(
        isolated_aws: Path, other_service: Any, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLEOTHER")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "placeholder")
    aws.forget_clients()        # clients are cached per connection: not with this test's credentials
    try:
        app = open_app(conn_backend=AWS, conn_endpoint=other_service.endpoint_url)
    finally:
        aws.forget_clients()
    said = sidebar_texts(app, "error")
    assert "Access denied" in said and "'sandbox'" in said and "--access-key" in said


def test_aws_settings_come_back_after_using_the_local_sandbox(isolated_aws: Path):
    # The AWS widgets were not drawn in the last run (local sandbox): their saved values return.
    app = open_app(conn_backend=AWS, **{"conn_endpoint.saved": "http://127.0.0.1:9",
                                        "conn_region.saved": "ap-southeast-2"})
    assert app.sidebar.text_input(key="conn_endpoint").value == "http://127.0.0.1:9"
    assert app.sidebar.selectbox(key="conn_region").value == "ap-southeast-2"


def test_unreachable_endpoint_is_reported(isolated_aws: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "sandbox")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "sandbox")
    app = open_app(conn_backend=AWS, conn_endpoint="http://127.0.0.1:9")
    assert "unreachable" in sidebar_texts(app, "error")
    assert not app.session_state[CONNECTION].ok


# --- served beyond this machine: the endpoint URL is off unless the operator allows it ----------
@pytest.mark.parametrize("address", [None, "0.0.0.0", "192.168.1.20"])
def test_served_beyond_loopback_the_endpoint_url_is_off(isolated_aws: Path, served_at, address):
    served_at(address)
    # A visitor's server (on loopback, so that a regression could not send anything off the machine).
    app = open_app(conn_backend=AWS, conn_endpoint="http://127.0.0.1:9/a-visitors-server")
    assert app.sidebar.text_input(key="conn_endpoint").disabled
    assert app.session_state[CONNECTION].connection.endpoint_url is None    # never used, even if kept
    assert f"{ALLOW_ENDPOINT_URL}=1" in sidebar_texts(app, "caption")


def test_the_operator_may_allow_the_endpoint_url_beyond_loopback(isolated_aws: Path, served_at,
                                                                 other_service: Any,
                                                                 monkeypatch: pytest.MonkeyPatch):
    served_at("0.0.0.0")
    monkeypatch.setenv(ALLOW_ENDPOINT_URL, "1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "sandbox")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "sandbox")
    app = open_app(conn_backend=AWS, conn_endpoint=other_service.endpoint_url)
    assert not app.sidebar.text_input(key="conn_endpoint").disabled
    assert app.session_state[CONNECTION].connection.endpoint_url == other_service.endpoint_url
    assert "Connected" in sidebar_texts(app, "success")
