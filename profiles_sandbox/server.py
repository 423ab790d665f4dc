"""Start and stop the local Customer Profiles service: in-process on a background thread (the app
and the tests) or in the foreground (``python -m profiles_sandbox``)."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import uvicorn

from .admin import admin_routes
from .api import MAX_BODY_BYTES, Faults, create_app, is_loopback
from .demo import parse_seed
from .read_deadline import with_read_timeout
from .store import DEFAULT_DB_PATH, Store, open_store

DEFAULT_ACCESS_KEY = "sandbox"
STARTUP_TIMEOUT_S = 30.0
log = logging.getLogger("profiles_sandbox")


def endpoint_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket; binding here (not in uvicorn) lets port 0 report the port it got."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    family, _, _, _, address = infos[0]
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted sockets only for it, and
    # without TCP_NODELAY every response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


@dataclass(frozen=True)
class Limits:
    """What one client may take, so that slow, stalled or hostile clients cannot exhaust the
    service (file descriptors, memory) or lock other clients out."""

    request_read_timeout_s: float = 10.0   # a request, head and body, must arrive whole within this
    keep_alive_timeout_s: float = 5.0      # an idle kept-alive connection is closed after this
    max_connections: int = 512             # beyond: the longest-idle one is closed, else an AWS 503
    max_body_bytes: int = MAX_BODY_BYTES   # a larger body is refused (413) before it is read


def make_server(db_path: str | os.PathLike[str], *, seed: str, access_key: str, latency_ms: int,
                throttle_rate: float, error_rate: float, log_requests: bool, host: str = "127.0.0.1",
                limits: Limits = Limits()) -> tuple[uvicorn.Server, Store]:
    """Open (and on a new file, seed) the store and wrap the app in a uvicorn server for ``host``.

    Raises ValueError for a bad seed or fault setting, or a database path that cannot be used.
    """
    seeders = parse_seed(seed)
    faults = Faults(throttle_rate=throttle_rate, error_rate=error_rate, latency_ms=latency_ms)
    if not access_key:
        raise ValueError("the access key must not be empty")
    store = open_store(db_path, seeders)
    admin = admin_routes(store, faults, log_requests=log_requests, max_body_bytes=limits.max_body_bytes)
    app = create_app(store, access_key=access_key, faults=faults, log_requests=log_requests,
                     bound_host=host, max_body_bytes=limits.max_body_bytes, admin_routes=admin)
    # log_config=None: never reconfigure the host process's logging (Streamlit's, pytest's).
    config = uvicorn.Config(app, log_config=None, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=3, server_header=False, ws="none",
                            http=with_read_timeout(limits.request_read_timeout_s,  # type: ignore[arg-type]
                                                   limits.max_connections),
                            timeout_keep_alive=limits.keep_alive_timeout_s)
    return uvicorn.Server(config), store


@dataclass
class RunningSandbox:
    """A sandbox serving on a background thread; ``stop()`` shuts it down cleanly."""

    endpoint_url: str
    port: int
    db_path: str
    _server: uvicorn.Server = field(repr=False, compare=False)
    _thread: threading.Thread = field(repr=False, compare=False)
    _store: Store = field(repr=False, compare=False)
    _stop_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def stop(self) -> None:
        """Stop serving, wait for the thread, close the database (safe to call more than once)."""
        with self._stop_lock:
            self._server.should_exit = True
            if self._thread.is_alive() and self._thread is not threading.current_thread():
                self._thread.join(timeout=15)
            self._store.close()


def start_in_thread(db_path: str | os.PathLike[str] = DEFAULT_DB_PATH, *, seed: str = "demo",
                    host: str = "127.0.0.1", port: int = 0, access_key: str = DEFAULT_ACCESS_KEY,
                    latency_ms: int = 0, throttle_rate: float = 0.0, error_rate: float = 0.0,
                    quiet: bool = True, limits: Limits = Limits()) -> RunningSandbox:
    """Serve the sandbox on ``host:port`` (0: a free port) in a daemon thread.

    Returns once the server answers HTTP. ``seed`` applies only when ``db_path`` is a new file.
    Raises ValueError for a non-loopback host or bad settings, OSError if the port is taken.
    """
    if not is_loopback(host):
        raise ValueError(f"host {host!r} is not a loopback address; the sandbox only serves this machine")
    if not quiet and not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s profiles_sandbox %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    server, store = make_server(db_path, seed=seed, access_key=access_key, latency_ms=latency_ms,
                                throttle_rate=throttle_rate, error_rate=error_rate, log_requests=not quiet,
                                host=host, limits=limits)
    try:
        sock = bind_socket(host, port)
    except OSError:
        store.close()
        raise
    actual_port = sock.getsockname()[1]
    url = endpoint_url(host, actual_port)

    def serve() -> None:
        try:
            server.run(sockets=[sock])
        finally:
            sock.close()

    thread = threading.Thread(target=serve, name=f"profiles-sandbox-{actual_port}", daemon=True)
    thread.start()
    running = RunningSandbox(url, actual_port, str(db_path), server, thread, store)
    try:
        _wait_until_up(url, thread)
    except BaseException:
        running.stop()
        raise
    return running


def _wait_until_up(url: str, thread: threading.Thread) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError(f"the sandbox at {url} stopped while starting")
        with contextlib.suppress(OSError, urllib.error.URLError):
            with opener.open(f"{url}/_sandbox/health", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.02)
    raise RuntimeError(f"the sandbox at {url} did not answer within {STARTUP_TIMEOUT_S:.0f} s")
