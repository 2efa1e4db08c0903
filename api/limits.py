"""Request body size limit: a pure ASGI middleware that counts bytes as they stream in.

A declared ``Content-Length`` above the limit is refused before anything is read; a body that
streams past it (chunked, or a lying header) is refused as soon as the limit is crossed, so a
10 MB body costs at most ``api_max_body_bytes`` of reading, never a parse.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLargeError(Exception):
    """Raised inside the app's ``receive`` once the body crossed the limit (the middleware answers)."""


def _too_large(limit: int) -> tuple[Message, Message]:
    body = json.dumps(
        {"detail": [{"loc": ["body"], "msg": f"request body larger than {limit} bytes", "type": "too_large"}]}
    ).encode()
    start: Message = {
        "type": "http.response.start",
        "status": 413,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class BodySizeLimit:
    """413 for bodies larger than ``max_bytes`` (declared or actual); paths matching a pattern of
    ``larger`` (the ticket checker) have that limit instead."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: dict[re.Pattern[str], int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}

    def limit(self, path: str) -> int:
        """The body limit of one path."""
        return next((n for pattern, n in self.larger.items() if pattern.fullmatch(path)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared, framed = None, False
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name == b"transfer-encoding":
                framed = True
        if declared is None and not framed:  # no body on the wire (RFC 9112, 6.3): nothing to count
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit(scope.get("path", ""))
        if declared is not None and (not declared.isdigit() or int(declared[:20]) > max_bytes):
            for message in _too_large(max_bytes):
                await send(message)
            return
        seen = 0
        started = answered = False

        async def counting_receive() -> Message:
            nonlocal seen, answered
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    if not started:
                        answered = True
                        for reply in _too_large(max_bytes):
                            await send(reply)
                    raise BodyTooLargeError(f"body crossed {max_bytes} bytes")
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if answered:
                return  # the 413 is out; whatever the app makes of the aborted read is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLargeError:
            if not answered:
                raise
