"""studio.py under a Host it does not answer: one sentence, and nothing else runs (AppTest).

AppTest has no browser request, so the request's headers are handed in where Streamlit reads them
(``st.context.headers`` asks the session's client context); the real browser test is
tests/e2e/test_host_names.py.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from streamlit.runtime import context as streamlit_context
from streamlit.testing.v1 import AppTest

from components.connection import CONNECTION
from profile_block.running.host_names import ALLOWED_HOSTS
from tests.app.conftest import APP, TIMEOUT, texts, until_started


def opened_under(monkeypatch: pytest.MonkeyPatch, host: str) -> AppTest:
    request = SimpleNamespace(headers=[("Host", host), ("Accept", "*/*")])
    monkeypatch.setattr(streamlit_context, "_get_client_context", lambda: request)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def test_under_another_host_the_app_says_why_and_runs_nothing(monkeypatch):
    monkeypatch.delenv(ALLOWED_HOSTS, raising=False)
    at = opened_under(monkeypatch, "evil.example:8501")
    assert [type(e).__name__ for e in at.main.children.values()] == ["Error"]     # one element
    assert "does not answer the host name evil.example" in texts(at, "error")[0]
    assert not at.sidebar.children and CONNECTION not in at.session_state
    assert "block" not in at.session_state                           # no page ran


def test_an_allowed_host_runs_the_app(monkeypatch):
    monkeypatch.setenv(ALLOWED_HOSTS, "studio.example")
    # Until the local service is up (alone, this is the process's first start of it).
    at = until_started(opened_under(monkeypatch, "studio.example:8501"))
    assert not at.error and at.session_state[CONNECTION].ok
    assert "block" in at.session_state
