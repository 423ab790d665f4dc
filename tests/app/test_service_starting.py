"""While the local service starts (on a background thread, after the first run drew its page) the
sidebar and the Data page say so: never an error, never "not selected", never a connection."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from components.connection import CONNECTION, CUSTOM_KEYS, STARTING, ActiveConnection
from tests.app.conftest import ROOT, TIMEOUT, shown


def _sidebar_while_starting() -> None:
    import threading

    from components import connection
    from components.service_start import BackgroundStart

    never = threading.Event()
    connection.render_sidebar(BackgroundStart(lambda: never.wait(60)))    # not begun: starting


def test_the_sidebar_says_the_local_service_is_starting():
    at = AppTest.from_function(_sidebar_while_starting, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    active = at.session_state[CONNECTION]
    assert active.starting and not active.ok and active.connection is None
    assert at.session_state[CUSTOM_KEYS] == []
    assert [shown(i.value) for i in at.sidebar.info] == [STARTING]
    assert not at.sidebar.error and not at.sidebar.success


def test_the_data_page_waits_for_the_start_instead_of_asking_for_the_local_sandbox():
    at = AppTest.from_file(str(ROOT / "app_pages" / "data.py"), default_timeout=TIMEOUT)
    at.session_state[CONNECTION] = ActiveConnection("Local sandbox", None, "", False, STARTING, starting=True)
    at.run()
    assert not at.exception, at.exception
    assert [shown(i.value) for i in at.info] == [STARTING]
    assert not at.error and not at.warning


def test_the_lookup_page_waits_for_the_start_without_an_error():
    at = AppTest.from_file(str(ROOT / "app_pages" / "lookup.py"), default_timeout=TIMEOUT)
    at.session_state[CONNECTION] = ActiveConnection("Local sandbox", None, "", False, STARTING, starting=True)
    at.run()
    assert not at.exception, at.exception
    assert STARTING in [shown(i.value) for i in at.info]
    assert not at.error
    assert at.button(key="lookup_run").disabled
