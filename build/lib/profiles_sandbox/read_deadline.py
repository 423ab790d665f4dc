"""uvicorn's HTTP/1.1 protocol (h11) with a request-read deadline.

uvicorn closes an idle kept-alive connection only after it has answered a request on it. A new
connection that sends nothing, a request whose head or body stops half-way, or one that trickles
in a byte every few seconds (slowloris) would hold its socket for ever, and a few hundred of them
exhaust the process's file descriptors. Here every request must arrive whole, head and body,
within ``read_timeout_s`` of its first byte (of the connection, for the first request), or the
connection is closed; trickling data does not restart the clock.
"""

from __future__ import annotations

import asyncio
import logging

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("profiles_sandbox")
_STILL_READING = (h11.IDLE, h11.SEND_BODY)   # the client's side of h11's state machine


class ReadDeadlineH11Protocol(H11Protocol):
    """H11Protocol whose connections are closed when a request is not read whole in time."""

    read_timeout_s: float = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._read_deadline: asyncio.TimerHandle | None = None
        self._arm_read_deadline()

    def data_received(self, data: bytes) -> None:
        if self._read_deadline is None and self.conn.their_state is h11.IDLE:
            self._arm_read_deadline()       # the first bytes of the next request on this connection
        super().data_received(data)
        if self.conn.their_state not in _STILL_READING:
            self._cancel_read_deadline()    # the whole request is in (or the connection is over)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_read_deadline()
        super().connection_lost(exc)

    def _arm_read_deadline(self) -> None:
        self._cancel_read_deadline()
        self._read_deadline = self.loop.call_later(self.read_timeout_s, self._read_timed_out)

    def _cancel_read_deadline(self) -> None:
        if self._read_deadline is not None:
            self._read_deadline.cancel()
            self._read_deadline = None

    def _read_timed_out(self) -> None:
        self._read_deadline = None
        if not self.transport.is_closing():
            log.debug("closed a connection whose request was not read within %.1f s", self.read_timeout_s)
            self.transport.close()   # a handler waiting for the body sees the client disconnect


def with_read_timeout(seconds: float) -> type[ReadDeadlineH11Protocol]:
    """The protocol class for uvicorn's ``http=`` setting, with this request-read timeout."""
    return type("ReadDeadlineH11Protocol", (ReadDeadlineH11Protocol,), {"read_timeout_s": seconds})
