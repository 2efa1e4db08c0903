"""Slow and oversized clients cut off where the API reads HTTP: uvicorn's httptools protocol, fenced.

uvicorn (0.54.0 with httptools 0.9.0, as locked) bounds only the idle time after a response
(``timeout_keep_alive``). It does not bound how long a request's head may take to arrive, how large
it may be or how many header fields it may hold, nor how long a body may trickle in; a connection
that never sends a byte is never closed. ``GuardedHttpToolsProtocol`` adds those four bounds to
uvicorn's own protocol (an ASGI layer cannot: it sees a request only once its head is complete):

* the head (request line and headers) must be complete ``header_timeout_s`` after the connection
  opened or, on a kept-alive connection, after the next request's first byte: else 408 and close
  (a connection that sent nothing is closed without an answer);
* the head may hold ``max_header_bytes`` and ``max_headers`` fields: else 431 (414 for the URL);
  the bytes of a head still incomplete are counted as they arrive, so a 1 MB header is refused after
  its first ``max_header_bytes``, not buffered;
* the body must be complete ``body_timeout_s`` after the head: else 408 (or, once an answer was
  sent, a plain close).

A refusal is written with ``connection: close``, the sending side is shut (``write_eof``) and what
the client still sends is read and dropped for ``linger_s`` before the socket is closed, so the
client reads the answer instead of a reset.

The fence: it relies on what HttpToolsProtocol does in the pinned version (``ASSUMPTIONS`` lists it;
tests/api/test_connection_guard.py checks each item and the behaviour over real sockets, and fails
on another uvicorn version until it is checked again). ``API_CONNECTION_GUARD=false`` serves with
uvicorn's own protocol instead (see api/server.py).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from dataclasses import dataclass
from typing import Any, NoReturn

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from config.settings import Settings, get_settings

log = logging.getLogger("uvicorn.error")  # beside uvicorn's own "Invalid HTTP request received."

TESTED_UVICORN = "0.54.0"
TESTED_HTTPTOOLS = "0.9.0"
ASSUMPTIONS = (
    "data_received feeds the httptools parser; a parser error, including an exception raised by one "
    "of our callbacks, ends in send_400_response and nothing else is written",
    "on_message_begin, on_url, on_header, on_headers_complete, on_message_complete are the parser's "
    "callbacks, called from data_received",
    "on_response_complete runs when an answer is complete, and arms the keep-alive timer when no "
    "pipelined request waits",
    "self.cycle is the current RequestResponseCycle: response_started, response_complete, "
    "disconnected, message_event",
    "connection_made / connection_lost bracket the connection; self.transport is its transport",
)


@dataclass(frozen=True)
class ConnectionLimits:
    """The bounds one connection is held to (see the module docstring)."""

    header_timeout_s: float
    max_header_bytes: int
    max_headers: int
    body_timeout_s: float
    linger_s: float

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        """The limits the settings name."""
        return cls(
            header_timeout_s=settings.api_header_timeout_s,
            max_header_bytes=settings.api_max_header_bytes,
            max_headers=settings.api_max_headers,
            body_timeout_s=settings.api_body_timeout_s,
            linger_s=settings.api_refusal_linger_s,
        )


@functools.cache
def process_limits() -> ConnectionLimits:
    """This process's limits, read once from the environment (each uvicorn worker reads its own)."""
    return ConnectionLimits.from_settings(get_settings())


class RequestRefusedError(Exception):
    """Raised in a parser callback to stop parsing a request that is refused with ``status``."""

    def __init__(self, status: int, loc: str, msg: str, kind: str) -> None:
        super().__init__(msg)
        self.status, self.loc, self.msg, self.kind = status, loc, msg, kind


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with header and body limits and timeouts (module docstring)."""

    def __init__(self, *args: Any, limits: ConnectionLimits | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits or process_limits()
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._linger_timer: asyncio.TimerHandle | None = None
        self._in_head = False  # a request's head has begun and is not complete
        self._in_body = False  # a head is complete, its body is not
        self._head_bytes = 0  # bytes received while this head was incomplete
        self._head_size = 0  # URL and header fields parsed so far
        self._header_count = 0
        self._refusal: RequestRefusedError | None = None
        self._draining = False

    # -- connection ------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer = self.loop.call_later(self.limits.header_timeout_s, self._head_timed_out)

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in (self._head_timer, self._body_timer, self._linger_timer):
            if timer is not None:
                timer.cancel()
        self._head_timer = self._body_timer = self._linger_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._draining:
            return  # a refused request's leftovers: read and dropped until the linger ends
        if self._head_timer is None and not self._in_body:
            # The next request's first bytes on a kept-alive connection (or pipelined behind one).
            self._head_timer = self.loop.call_later(self.limits.header_timeout_s, self._head_timed_out)
        began = not self._in_head
        super().data_received(data)
        if self._in_head and not self._draining:
            # Still incomplete, so every byte fed since the head began is the head's (an upper bound
            # when the head began inside ``data``).
            self._head_bytes = len(data) if began else self._head_bytes + len(data)
            if self._head_bytes > self.limits.max_header_bytes:
                self._refuse(self._too_large("request head", self.limits.max_header_bytes, 431))

    # -- parser callbacks ------------------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head, self._head_size, self._header_count = True, 0, 0

    def on_url(self, url: bytes) -> None:
        self._head_size += len(url)
        if self._head_size > self.limits.max_header_bytes:
            self._stop(self._too_large("URL", self.limits.max_header_bytes, 414))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        self._head_size += len(name) + len(value) + 4  # ": " and CRLF
        if self._header_count > self.limits.max_headers:
            self._stop(
                RequestRefusedError(
                    431, "header", f"more than {self.limits.max_headers} header fields", "too_many"
                )
            )
        if self._head_size > self.limits.max_header_bytes:
            self._stop(self._too_large("request head", self.limits.max_header_bytes, 431))
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head, self._in_body, self._head_bytes = False, True, 0
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        self._body_timer = self.loop.call_later(self.limits.body_timeout_s, self._body_timed_out)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_body = False
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a parser error; a refusal raised by one of our callbacks is answered
        instead."""
        if self._refusal is not None:
            self._refuse(self._refusal)
            return
        super().send_400_response(msg)

    # -- timeouts and refusals -------------------------------------------------------------------

    def _stop(self, refusal: RequestRefusedError) -> NoReturn:
        """Stop the parser (httptools turns this into a parser error: see send_400_response)."""
        self._refusal = refusal
        raise refusal

    def _too_large(self, what: str, limit: int, status: int) -> RequestRefusedError:
        return RequestRefusedError(status, "header", f"{what} larger than {limit} bytes", "too_large")

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self._draining:
            return
        if not self._in_head:
            self.transport.close()  # nothing of a request arrived: nobody to answer
            return
        limit = self.limits.header_timeout_s
        self._refuse(
            RequestRefusedError(408, "header", f"request head not complete in {limit:g} s", "timeout")
        )

    def _body_timed_out(self) -> None:
        self._body_timer = None
        if self.transport.is_closing() or self._draining:
            return
        cycle = self.cycle
        if cycle is not None and cycle.response_started:
            self.transport.close()  # answered already: only the rest of the body is refused
            return
        limit = self.limits.body_timeout_s
        self._refuse(RequestRefusedError(408, "body", f"request body not complete in {limit:g} s", "timeout"))

    def _refuse(self, refusal: RequestRefusedError) -> None:
        """Answer ``refusal`` with ``connection: close``, then drain and close (a lingering close)."""
        if self._draining or self.transport.is_closing():
            return
        self._draining = True
        log.info("%s:%s - refused %d: %s", *(self.client or ("-", "-")), refusal.status, refusal.msg)
        for timer in (self._head_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._head_timer = self._body_timer = None
        self._unset_keepalive_if_required()
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True  # the app's receive() sees http.disconnect; its send is dropped
            self.cycle.message_event.set()
        body = json.dumps(
            {"detail": [{"loc": [refusal.loc], "msg": refusal.msg, "type": refusal.kind}]}
        ).encode()
        head = [STATUS_LINE[refusal.status]]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head += [
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.flow.resume_reading()  # keep reading (and dropping) what the client still sends
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self._linger_timer = self.loop.call_later(self.limits.linger_s, self.transport.close)
        else:
            self.transport.close()
