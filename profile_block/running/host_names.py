"""Which host names the app answers: the defence against DNS rebinding.

A web page whose own name its owner points at 127.0.0.1 (DNS rebinding) is, for the browser, the
same site as the app behind that name: it could load the app, pick the AWS backend and run lookups
with the operator's credentials. What gives it away is the ``Host`` the browser sends: the page's
name, not one of this machine's. So the app runs only for allowed host names: the loopback names
(``localhost``, 127.0.0.0/8, ``[::1]``) and those an operator lists in ``STUDIO_ALLOWED_HOSTS`` (the
names a team's reverse proxy passes on). ``*.localhost`` is not allowed by default: browsers
resolve it to loopback themselves, but not every resolver does; an operator who uses such a name
lists it.

Checked twice: ``HostCheck`` (ASGI middleware, app.py) refuses such a request before Streamlit
serves anything, and the script (studio.py) refuses to run under one, for a server started without
that middleware (``streamlit run studio.py``, AppTest).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

ALLOWED_HOSTS = "STUDIO_ALLOWED_HOSTS"   # comma-separated host names the app answers besides loopback
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")   # as the refusal names them
# A registered name as a browser sends it (IDNs arrive as punycode): letters, digits, '-', '_', '.'.
_REG_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")
_PORT = re.compile(r"[0-9]{1,5}")
_SHOWN_CHARS = 80   # a longer Host is clipped in the refusal: it is a visitor's text


def is_loopback_host(host: str) -> bool:
    """Whether a host name or IP address (``[::1]`` brackets allowed) names this machine only:
    127.0.0.0/8, ::1 or ``localhost``. Other names are not resolved, so they count as remote."""
    host = host.strip()
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(value: str) -> str | None:
    """The host name of a ``Host`` header value (RFC 9110: host [":" port]), lower case, without
    the port, the IPv6 brackets or a final dot: ``"[::1]:8501"`` -> ``"::1"``,
    ``"Studio.Example.com.:443"`` -> ``"studio.example.com"``. None when it is not a host name
    (empty, a bare IPv6 address, a path, spaces, a port that is not a number)."""
    text = value.strip().lower()
    if text.startswith("["):
        inside, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not (rest.startswith(":") and _PORT.fullmatch(rest[1:]))):
            return None
        try:
            return str(ipaddress.IPv6Address(inside))
        except ValueError:
            return None
    name, colon, port = text.partition(":")
    if colon and not _PORT.fullmatch(port):
        return None          # a second colon (a bare IPv6 address) or a port that is not a number
    name = name.removesuffix(".")
    return name if _REG_NAME.fullmatch(name) else None


def allowed_names(environ: Mapping[str, str]) -> frozenset[str]:
    """The host names ``STUDIO_ALLOWED_HOSTS`` adds (each read as ``host_name`` reads a Host, so
    ``studio.example.com:443`` and ``[2001:db8::1]`` work; an entry that is no host name adds nothing)."""
    entries = (entry for entry in environ.get(ALLOWED_HOSTS, "").split(","))
    return frozenset(name for name in map(host_name, entries) if name)


def is_allowed_host(name: str, allowed: Iterable[str] = ()) -> bool:
    """Whether the app answers under the host name ``name`` (as ``host_name`` gives it)."""
    return is_loopback_host(name) or name in set(allowed)


def host_refusal(hosts: Sequence[str], environ: Mapping[str, str]) -> str | None:
    """Why the app does not run for a browser request whose ``Host`` header values are ``hosts``,
    in one sentence for the page (which host, and how an operator allows it); None when it runs.

    No ``Host`` at all is no browser request (every browser sends one; Streamlit's AppTest has
    none): it runs. Repeated ``Host`` headers must each be allowed.
    """
    allowed = allowed_names(environ)
    for value in hosts:
        name = host_name(value)
        if name is not None and is_allowed_host(name, allowed):
            continue
        shown = _clip(f"[{name}]" if name is not None and ":" in name else name or value.strip())
        what = f"the host name {shown}" if name is not None else f"the unreadable host {shown or '(empty)'}"
        how = (f"to serve it under {shown}, the operator adds that name to" if name is not None else
               "to serve it under another name, the operator adds that name to")
        return (f"This app does not answer {what}: it runs only for its loopback names "
                f"({', '.join(LOOPBACK_NAMES)}) and the names its operator allows, so that no other web "
                f"page can reach it through a name of its own; {how} {ALLOWED_HOSTS} where the app runs.")
    return None


def request_host(request_headers: Mapping[str, str]) -> str | None:
    """The ``Host`` header value of a request (header names in any case), or None."""
    return next((value for name, value in request_headers.items() if name.lower() == "host"), None)


def _clip(text: str) -> str:
    """A visitor's text, short enough for one sentence."""
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS - 1] + "…"


class HostCheck:
    """ASGI middleware: every request under a host name the app does not answer (``host_refusal``)
    gets that sentence and nothing else: an HTTP request a 400 plain-text answer, a WebSocket its
    handshake refused (403), before the application behind it sees either. So a rebound name loads
    no page, no script, no static file and opens no session. The lifespan passes through.

    ``environ`` is read on each request (``STUDIO_ALLOWED_HOSTS`` as the process has it)."""

    def __init__(self, app: Any, environ: Mapping[str, str] | None = None) -> None:
        self.app = app
        self._environ = environ

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            hosts = [value.decode("latin-1") for name, value in scope.get("headers", ())
                     if name.lower() == b"host"]
            refusal = host_refusal(hosts, os.environ if self._environ is None else self._environ)
            if refusal is not None:
                await _refuse(scope, send, refusal)
                return
        await self.app(scope, receive, send)


async def _refuse(scope: dict[str, Any], send: Any, refusal: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})   # before accept: HTTP 403, no session
        return
    body = refusal.encode("utf-8")
    await send({"type": "http.response.start", "status": 400, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"x-content-type-options", b"nosniff"),
        (b"cache-control", b"no-store"),
    ]})
    await send({"type": "http.response.body", "body": body})
