"""uvicorn's HTTP/1.1 protocol (h11) with a request-read deadline and fair connection admission.

uvicorn closes an idle kept-alive connection only after it has answered a request on it. A new
connection that sends nothing, a request whose head or body stops half-way, or one that trickles
in a byte every few seconds (slowloris) would hold its socket for ever, and a few hundred of them
exhaust the process's file descriptors. Here every request must arrive whole, head and body,
within ``read_timeout_s`` of its first byte (of the connection, for the first request), or the
connection is closed; trickling data does not restart the clock.

Admission. uvicorn's own ``limit_concurrency`` counts every open connection, idle ones too, and
answers 503 in plain text to every request (an admitted client's next one included) while the
count is over: 700 idle connections lock everyone out. Here, a connection over ``max_connections``
makes room by closing the connection idle the longest (one that never sent a request first, then a
kept-alive one between requests); only when every admitted connection is busy is the newcomer the
excess, and its request is answered 503 in the AWS error shape (JSON body, ``x-amzn-ErrorType``),
then the connection closed. Requests in flight are never dropped.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

import h11
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from .api import ApiError, error_response

log = logging.getLogger("profiles_sandbox")
_STILL_READING = (h11.IDLE, h11.SEND_BODY)   # the client's side of h11's state machine
REFUSED_READ_TIMEOUT_S = 2.0                 # a refused connection gets this long to send its request
REFUSED_ROOM = 64                            # refused connections waiting for their answer, at most


async def over_capacity(scope: Scope, receive: Receive, send: Send) -> None:
    """The answer to a request on a connection over the limit: AWS's 503 shape, then close."""
    response = error_response(ApiError(503, "ServiceUnavailableException",
                                       "The local service is serving as many connections as it takes "
                                       "at once; retry shortly."), str(uuid.uuid4()))
    response.headers["Connection"] = "close"
    await response(scope, receive, send)


class ReadDeadlineH11Protocol(H11Protocol):
    """H11Protocol whose connections are closed when a request is not read whole in time, and
    whose connections over ``max_connections`` are admitted fairly (see the module docstring)."""

    read_timeout_s: float = 10.0
    max_connections: int | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._read_deadline: asyncio.TimerHandle | None = None
        self.refused = False
        self.last_active = self.loop.time()
        self._arm_read_deadline()
        if self.max_connections is not None and len(self.connections) > self.max_connections:
            self._admit()

    def _admit(self) -> None:
        """Make room by closing the longest-idle connection, else refuse this one."""
        others = [c for c in self.connections if c is not self and isinstance(c, ReadDeadlineH11Protocol)]
        idle = [c for c in others if c.is_idle()]
        if idle:
            victim = min(idle, key=lambda c: (c.cycle is not None, c.last_active))
            log.debug("closed an idle connection to admit a new one")
            victim.transport.close()
            return
        if sum(c.refused for c in others) >= REFUSED_ROOM:
            self.transport.close()     # a flood: the excess beyond the room is closed unanswered
            return
        self.refused = True
        self.app = over_capacity
        self._arm_read_deadline(REFUSED_READ_TIMEOUT_S)

    def is_idle(self) -> bool:
        """Between requests (or before the first): no request being read or answered."""
        return (not self.refused and not self.transport.is_closing() and self.conn.their_state is h11.IDLE
                and (self.cycle is None or self.cycle.response_complete))

    def data_received(self, data: bytes) -> None:
        self.last_active = self.loop.time()
        if self._read_deadline is None and self.conn.their_state is h11.IDLE:
            self._arm_read_deadline()       # the first bytes of the next request on this connection
        super().data_received(data)
        if self.conn.their_state not in _STILL_READING:
            self._cancel_read_deadline()    # the whole request is in (or the connection is over)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_read_deadline()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        self.last_active = self.loop.time()
        super().on_response_complete()

    def _arm_read_deadline(self, seconds: float | None = None) -> None:
        self._cancel_read_deadline()
        self._read_deadline = self.loop.call_later(seconds or self.read_timeout_s, self._read_timed_out)

    def _cancel_read_deadline(self) -> None:
        if self._read_deadline is not None:
            self._read_deadline.cancel()
            self._read_deadline = None

    def _read_timed_out(self) -> None:
        self._read_deadline = None
        if not self.transport.is_closing():
            log.debug("closed a connection whose request was not read within %.1f s", self.read_timeout_s)
            self.transport.close()   # a handler waiting for the body sees the client disconnect


def with_read_timeout(seconds: float, max_connections: int | None = None) -> type[ReadDeadlineH11Protocol]:
    """The protocol class for uvicorn's ``http=`` setting, with this request-read timeout and
    connection limit (None: no limit)."""
    return type("ReadDeadlineH11Protocol", (ReadDeadlineH11Protocol,),
                {"read_timeout_s": seconds, "max_connections": max_connections})
