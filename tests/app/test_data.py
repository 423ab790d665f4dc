"""The Data page's logic through AppTest of the whole app (studio.py starts the real local service),
checked with boto3: domains created or deleted here change the domain in use everywhere, reset
is asked twice, faults are set and turned off from the page, the form clears an emptied field,
custom keys are added and attached. Each test leaves the demo domain as it found it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from streamlit.testing.v1 import AppTest

from components.connection import AWS, CONNECTION, CUSTOM_KEYS, LOCAL_DOMAIN, ActiveConnection
from profile_block.running import aws, local_service
from tests.app.conftest import APP, ROOT, until_started, widget

DATA_PAGE = ROOT / "app_pages" / "data.py"


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def app() -> Iterator[AppTest]:
    """The whole app on its Data page (its local service keeps its data in the session's temporary
    folder: tests/app/conftest.isolated_data_dir)."""
    at = until_started(AppTest.from_file(str(APP), default_timeout=60))
    at.switch_page("app_pages/data.py")
    run(at)
    yield at
    local_service.set_faults(endpoint(at), {"throttle_rate": 0, "error_rate": 0, "latency_ms": 0,
                                            "throttle_next": 0})


def endpoint(at: AppTest) -> str:
    return at.session_state[CONNECTION].connection.endpoint_url


def client(at: AppTest) -> Any:
    return aws.get_client(at.session_state[CONNECTION].connection)


def section(at: AppTest, name: str) -> AppTest:
    widget(at, "segmented_control", "Section").set_value(name).run()
    return run(at)


def texts(at: AppTest, kind: str) -> str:
    return " ".join(e.value for e in getattr(at, kind))


def create_domain_on_the_page(at: AppTest, name: str) -> None:
    section(at, "Domains")
    at.text_input(key="data_new_domain").input(name)
    next(b for b in at.button if b.label == "Create").click()
    run(at)     # AppTest follows the page's st.rerun(): the sidebar has taken the new domain


def test_with_the_aws_backend_the_page_explains_itself_and_shows_no_data():
    at = AppTest.from_file(str(DATA_PAGE), default_timeout=30)
    at.session_state[CONNECTION] = ActiveConnection(AWS, aws.Connection(region="eu-west-2"), "prod", True,
                                                    "ok")
    run(at)
    assert "Choose **Local sandbox** in the sidebar" in texts(at, "info")
    assert not at.segmented_control and not at.button


def test_a_domain_created_here_becomes_the_domain_in_use_and_deleting_it_goes_back_to_demo(app):
    name = f"page-{uuid.uuid4().hex[:8]}"
    create_domain_on_the_page(app, name)
    assert f"Created domain {name}" in texts(app, "success")
    assert app.sidebar.selectbox(key=LOCAL_DOMAIN).value == name
    active = app.session_state[CONNECTION]
    assert active.domain == name and active.ok and active.examples == []   # demo values are for demo only

    app.selectbox(key="data_delete_domain").set_value(name)
    app.checkbox(key="data_delete_domain_sure").check()
    run(app)
    app.button(key="data_delete_domain_go").click()
    run(app)
    assert f"Deleted domain {name}" in texts(app, "success")
    assert app.sidebar.selectbox(key=LOCAL_DOMAIN).value == "demo"
    assert name not in aws.list_domains(client(app))


def test_reset_demo_is_asked_twice(app):
    added = client(app).create_profile(DomainName="demo", FirstName="Temporary")["ProfileId"]
    section(app, "Domains")
    app.button(key="data_reset").click()
    run(app)
    assert "Really reset domain **demo**?" in texts(app, "warning")
    assert client(app).search_profiles(DomainName="demo", KeyName="_profileId", Values=[added])["Items"]
    app.button(key="data_reset_confirm").click()
    run(app)
    assert "has its original 32 profiles again" in texts(app, "success")
    assert not client(app).search_profiles(DomainName="demo", KeyName="_profileId", Values=[added])["Items"]


def test_cancelling_the_reset_keeps_the_data(app):
    added = client(app).create_profile(DomainName="demo", FirstName="Kept")["ProfileId"]
    try:
        section(app, "Domains")
        app.button(key="data_reset").click()
        run(app)
        app.button(key="data_reset_cancel").click()
        run(app)
        assert not at_warning(app, "Really reset")
        assert client(app).search_profiles(DomainName="demo", KeyName="_profileId", Values=[added])["Items"]
    finally:
        client(app).delete_profile(DomainName="demo", ProfileId=added)


def at_warning(at: AppTest, fragment: str) -> bool:
    return fragment in texts(at, "warning")


def test_faults_set_on_the_page_reach_the_service_and_turn_off_from_it(app):
    section(app, "Faults")
    next(s for s in app.slider if s.label == "Error rate").set_value(1.0)
    next(b for b in app.button if b.label == "Apply").click()
    run(app)
    assert local_service.get_faults(endpoint(app))["error_rate"] == 1.0
    assert "Faults are on: error_rate 1.0" in texts(app, "warning")
    # Every profile call now fails, but not the sidebar's connection check (a domain call): a
    # lookup can still run and land on the Error branch.
    app.sidebar.button(key="conn_refresh").click()
    run(app)
    assert app.session_state[CONNECTION].ok
    with pytest.raises(ClientError, match="InternalServerException"):
        client(app).search_profiles(DomainName="demo", KeyName="_phone", Values=["+15555550100"])
    # The Lookup page's "make the next lookup fail" is a fault too: Turn all off clears it as well.
    local_service.fail_next_lookup(endpoint(app), "Service error", 3, 10.0)
    next(b for b in app.button if b.label == "Turn all off").click()
    run(app)
    faults = local_service.get_faults(endpoint(app))
    assert faults["error_rate"] == 0 and local_service.pending_failure(faults) is None
    assert not texts(app, "warning") and "No faults" in texts(app, "success")


def test_throttle_the_next_n_is_left_for_the_calls_the_user_makes(app):
    section(app, "Faults")
    next(n for n in app.number_input if n.label == "Throttle the next N calls").set_value(2)
    next(b for b in app.button if b.label == "Apply").click()
    run(app)
    assert local_service.get_faults(endpoint(app))["throttle_next"] == 2     # none spent by the page
    app.sidebar.button(key="conn_refresh").click()
    run(app)
    assert app.session_state[CONNECTION].ok          # nor by the connection check
    assert local_service.get_faults(endpoint(app))["throttle_next"] == 2


def test_the_form_saves_a_change_and_clears_an_emptied_field(app):
    name = f"form-{uuid.uuid4().hex[:8]}"
    create_domain_on_the_page(app, name)
    try:
        profile_id = client(app).create_profile(DomainName=name, FirstName="Ana", LastName="Lima",
                                                Attributes={"tier": "gold"})["ProfileId"]
        section(app, "Profiles")
        [row] = local_service.profiles_page(endpoint(app), name, 0, 10).rows
        app.session_state["data_form"] = {"nonce": 900, "original": row}     # what "Edit selected" opens
        run(app)
        app.text_input(key="data_field:900:LastName").input("")
        app.text_input(key="data_field:900:EmailAddress").input("ana@example.com")
        next(b for b in app.button if b.label == "Save changes").click()
        run(app)
        assert f"Saved profile {profile_id}" in texts(app, "success")
        [saved] = client(app).search_profiles(DomainName=name, KeyName="_profileId",
                                              Values=[profile_id])["Items"]
        assert "LastName" not in saved
        assert (saved["FirstName"], saved["EmailAddress"], saved["Attributes"]) == \
            ("Ana", "ana@example.com", {"tier": "gold"})
    finally:
        client(app).delete_domain(DomainName=name)


def test_a_custom_key_added_here_is_offered_and_attached_values_are_found(app):
    name = f"keys-{uuid.uuid4().hex[:8]}"
    create_domain_on_the_page(app, name)
    try:
        profile_id = client(app).create_profile(DomainName=name, FirstName="Kim")["ProfileId"]
        section(app, "Custom keys")
        app.text_input(key="data_new_key").input("memberId")
        next(b for b in app.button if b.label == "Add key").click()
        run(app)
        assert "Added custom key memberId" in texts(app, "success")
        assert app.session_state[CUSTOM_KEYS] == ["memberId"]     # the Build page's key picker offers it

        app.selectbox(key="data_attach_key_name").set_value("memberId")
        app.text_input(key="data_attach_profile").input(profile_id)
        app.text_input(key="data_attach_value").input("M-42")
        next(b for b in app.button if b.label == "Attach").click()
        run(app)
        assert "Attached memberId = M-42" in texts(app, "success")
        found = client(app).search_profiles(DomainName=name, KeyName="memberId", Values=["M-42"])["Items"]
        assert [p["ProfileId"] for p in found] == [profile_id]

        app.text_input(key="data_new_key").input("bad key")
        next(b for b in app.button if b.label == "Add key").click()
        run(app)
        assert "has characters a search key cannot have" in texts(app, "error")
    finally:
        client(app).delete_domain(DomainName=name)
