"""A minimal asyncio HTTP/1.1 client for benchmarks that fire many requests at once.

On a 2-core machine the load generator shares the cores with the server it measures: httpx's
``AsyncClient`` with 50 concurrent connections spent about 3.6 ms of CPU per request (540 ms of
CPU during a 50-generation burst of 760 ms, twice what the API process used), so the burst measured
the client. This client keeps up to ``max_connections`` keep-alive connections to one server,
sends a request as one write and reads a ``Content-Length`` body (all uvicorn sends for JSON
answers); nothing else (no TLS, no chunked bodies, no redirects).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit


class LeanHTTPError(Exception):
    """The connection broke or the answer is not one this client reads."""


class LeanHTTP:
    """Keep-alive connections to ``base`` (``http://host:port``), at most ``max_connections``."""

    def __init__(self, base: str, max_connections: int = 100) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._slots = asyncio.Semaphore(max_connections)

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """``(status, decoded JSON body)``; raises LeanHTTPError if the connection breaks."""
        payload = b"" if body is None else json.dumps(body).encode()
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(payload)}\r\n"
            + ("Content-Type: application/json\r\n" if body is not None else "")
            + "\r\n"
        ).encode()
        async with self._slots:
            conn = self._idle.pop() if self._idle else await asyncio.open_connection(self.host, self.port)
            reader, writer = conn
            try:
                writer.write(head + payload)
                raw = await reader.readuntil(b"\r\n\r\n")
                lines = raw.decode("latin-1").split("\r\n")
                status = int(lines[0].split(" ", 2)[1])
                headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
                length = int({k.lower(): v for k, v in headers.items()}.get("content-length", "0"))
                data = await reader.readexactly(length)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
                writer.close()
                raise LeanHTTPError(f"{method} {path}: {exc!r}") from None
            self._idle.append(conn)
        return status, json.loads(data) if data else None

    async def close(self) -> None:
        """Close every idle connection."""
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()
