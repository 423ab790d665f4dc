"""A free loopback port: for a server a test starts, or (left closed) an address where nothing listens;
and another web server on loopback, one that answers every request with an HTML page."""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
from collections.abc import Iterator

PAGE = b"<html>\n<h1>Not Found</h1>\n</html>\n"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (closed again: nothing listens on it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def web_page_server(status: int) -> Iterator[str]:
    """A web server on loopback that is not Customer Profiles: every request gets an HTML page with
    ``status`` (404; or 200, as a proxy's sign-in page or a web app's catch-all route answers).
    Yields its URL."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 -- http.server's name
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        do_GET = do_POST  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
