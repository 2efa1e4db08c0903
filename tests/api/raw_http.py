"""A raw HTTP/1.1 connection for hostile-request tests: the bytes go out as written (no client
validates the path, the headers or the body), and answers are read off the same keep-alive socket."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Reply:
    """One answer: status, headers (lower-cased names), body."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def closes(self) -> bool:
        """Whether the server said it closes the connection after this answer."""
        return self.headers.get("connection", "").lower() == "close"


class RawConnection:
    """One keep-alive TCP connection to ``base`` (``http://127.0.0.1:port``)."""

    def __init__(self, base: str, timeout_s: float = 30.0) -> None:
        parts = urlsplit(base)
        self.host = parts.hostname or "127.0.0.1"
        self.sock = socket.create_connection((self.host, parts.port or 80), timeout=timeout_s)
        self.buffer = b""

    def request(
        self,
        method: bytes,
        target: bytes,
        headers: list[tuple[bytes, bytes]] | None = None,
        body: bytes = b"",
    ) -> Reply:
        """Send one request as given (a Content-Length is added for a body unless ``headers`` has
        one, or says chunked) and read its answer."""
        lines = [method + b" " + target + b" HTTP/1.1", b"Host: " + self.host.encode()]
        given = {name.lower() for name, _ in headers or []}
        lines += [name + b": " + value for name, value in headers or []]
        if body and not given & {b"content-length", b"transfer-encoding"}:
            lines.append(b"Content-Length: " + str(len(body)).encode())
        self.sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        return self.read()

    def read(self) -> Reply:
        """The next answer on the connection (Content-Length or chunked body)."""
        head = self._until(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while size := int(self._until(b"\r\n"), 16):
                body += self._exactly(size)
                self._until(b"\r\n")
            self._until(b"\r\n")
        else:
            body = self._exactly(int(headers.get("content-length", "0")))
        return Reply(int(status_line.split(" ", 2)[1]), headers, body)

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            self._fill()
        found, self.buffer = self.buffer.split(marker, 1)
        return found

    def _exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        found, self.buffer = self.buffer[:size], self.buffer[size:]
        return found

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()
