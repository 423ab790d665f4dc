"""DNS rebinding in real Chromium and over raw sockets: a web page whose name points at 127.0.0.1 gets
no app: app.py's server refuses the request (profile_block.running.host_names.HostCheck).

Chromium's ``--host-resolver-rules`` plays the attacker's DNS: ``evil.example`` (a page of theirs)
and ``studio.example`` (a name the operator allows, as a team's proxy would pass it on) both resolve
to 127.0.0.1, so the browser sends those names as ``Host`` to the app on loopback.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from profile_block.running.host_names import ALLOWED_HOSTS
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, start_streamlit, stop, wait_until_idle

REBOUND_NAMES = ("evil.example", "studio.example")
REFUSAL = "This app does not answer the host name evil.example"


@pytest.fixture(scope="module")
def rebinding_browser(browser: Browser) -> Iterator[Browser]:
    """Chromium whose DNS answers 127.0.0.1 for the rebound names (this module's own browser: the
    shared one keeps the machine's resolver). Launched through the shared browser's Playwright: a
    second sync_playwright() cannot start while the session's one runs."""
    rules = ", ".join(f"MAP {name} 127.0.0.1" for name in REBOUND_NAMES)
    rebinding = browser.browser_type.launch(executable_path=CHROMIUM, headless=True,
                                            args=[*CHROMIUM_ARGS, f"--host-resolver-rules={rules}"])
    yield rebinding
    rebinding.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """A fresh app on loopback that allows studio.example besides its loopback names: (port, data folder)."""
    data = tmp_path_factory.mktemp("studio-data-hosts")
    with pytest.MonkeyPatch.context() as env:
        env.setenv(ALLOWED_HOSTS, "studio.example")
        env.delenv("STUDIO_ALLOW_ENDPOINT_URL", raising=False)
        proc, url = start_streamlit(Path(__file__).resolve().parents[2] / "app.py", data)
    yield urlsplit(url).port or 0, data
    stop(proc)


@pytest.fixture
def visit(rebinding_browser: Browser) -> Iterator:
    contexts = []

    def open_url(url: str) -> Page:
        context = rebinding_browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        wait_until_idle(page)
        return page

    yield open_url
    for context in contexts:
        context.close()


def test_a_page_under_another_name_gets_one_sentence_and_nothing_runs(served, rebinding_browser):
    port, _ = served
    context = rebinding_browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        for path in ("/", "/lookup?b=1.AAAA"):     # the start page and a deep link alike
            response = page.goto(f"http://evil.example:{port}{path}", timeout=TIMEOUT_MS)
            assert response is not None and response.status == 400
            assert response.headers["content-type"].startswith("text/plain")
            body = page.locator("body")
            expect(body).to_contain_text(REFUSAL)
            expect(body).to_contain_text(f"adds that name to {ALLOWED_HOSTS}")
            # Nothing of the app: no Streamlit page, no script of it, so no session and no widget.
            expect(page.locator("[data-testid], script, input, button")).to_have_count(0)
    finally:
        context.close()


def _answer(port: int, path: str, *hosts: str, websocket: bool = False) -> tuple[int, bytes]:
    """Status and body of a GET of ``path`` sent to 127.0.0.1:port with a ``Host`` header for each of
    ``hosts``, as a browser resolving that name to loopback sends it (a WebSocket handshake when
    ``websocket``: its answer's head only, as an accepted one stays open)."""
    head = "".join(f"Host: {host}\r\n" for host in hosts)
    head += ("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n") if websocket else "Connection: close\r\n"
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\n{head}\r\n".encode())
        while not (websocket and b"\r\n\r\n" in answer):
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def test_the_server_refuses_every_request_under_another_name_before_streamlit_sees_it(served):
    """Not only the page: its scripts, Streamlit's own endpoints and the session's WebSocket.
    The same requests under the loopback name are answered, so each refusal is the name's doing."""
    port, _ = served
    status, page = _answer(port, "/", f"127.0.0.1:{port}")
    assert status == 200
    script = re.search(rb'src="\./(static/js/[^"]+\.js)"', page)
    assert script, "the app's page names no script"
    paths = ("/", "/lookup", f"/{script.group(1).decode()}", "/_stcore/health", "/_stcore/host-config",
             "/favicon.png")
    for path in paths:
        assert _answer(port, path, f"127.0.0.1:{port}")[0] == 200, path
        status, body = _answer(port, path, f"evil.example:{port}")
        assert status == 400, path
        assert REFUSAL.encode() in body, path
    assert _answer(port, "/_stcore/stream", f"127.0.0.1:{port}", websocket=True)[0] == 101
    assert _answer(port, "/_stcore/stream", f"evil.example:{port}", websocket=True)[0] == 403
    # A request that repeats Host (one allowed, one not) is refused too: here by the HTTP parser
    # already, which takes no repeated Host; host_refusal would (tests/unit/test_host_names.py).
    status, body = _answer(port, "/", f"127.0.0.1:{port}", "evil.example")
    assert status == 400 and b"<script" not in body


def test_the_loopback_name_still_gets_the_app(served, visit):
    port, data = served
    page = visit(f"http://127.0.0.1:{port}/")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("radiogroup", name="Backend")).to_be_visible()
    expect(sidebar).to_contain_text("Local sandbox at")
    expect(page.get_by_text(REFUSAL)).to_have_count(0)
    assert (data / "sandbox.sqlite3").exists()


def test_an_allowed_name_that_is_not_loopback_runs_without_the_endpoint_url(served, visit):
    port, _ = served
    page = visit(f"http://studio.example:{port}/")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("AWS", exact=True).click()
    wait_until_idle(page)
    expect(sidebar.get_by_role("textbox", name="Endpoint URL (optional)")).to_be_disabled()
    expect(sidebar).to_contain_text("reached under the name studio.example, not a loopback name")
