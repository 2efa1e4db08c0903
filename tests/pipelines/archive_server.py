"""A loopback HTTP server standing in for FDJ's archive service, and FDJ-format archives built from the
shipped files (what FDJ serves: a zip holding one ``<game>_<period>.csv``)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.reliability.bad_files import zip_of
from tests.rows import FdjCsv

EM_MEMBER = "euromillions_202002.csv"
LOTO_MEMBER = "loto_201911.csv"


def fdj_zip(member: str, csv: bytes) -> bytes:
    """An archive as FDJ serves it: one CSV, deflated."""
    return zip_of({member: csv})


def older_export(csv: bytes, missing: int) -> bytes:
    """The same export as it was ``missing`` draws ago (FDJ's files are sorted newest first)."""
    return FdjCsv.from_bytes(csv).tail(missing).to_bytes()


def revised_prize(csv: bytes, row: int, column: str, value: str) -> bytes:
    """The export with one prize cell of data row ``row`` revised."""
    edited = FdjCsv.from_bytes(csv)
    return edited.with_row(row, edited.edited(row, {column: value})).to_bytes()


@dataclass
class Route:
    """What one path answers: a status and a body, optionally after stalling."""

    body: bytes = b""
    status: int = 200
    stall_s: float = 0.0  # wait this long after the headers, before the body
    trickle_s: float = 0.0  # send the body 1 KB at a time, waiting this long before each


@dataclass
class ArchiveServer:
    """A real HTTP server on 127.0.0.1; ``routes`` can change between requests."""

    base_url: str
    routes: dict[str, Route] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        """The URL of ``path`` (no leading slash)."""
        return f"{self.base_url}/{path}"

    def serve(
        self, path: str, body: bytes, status: int = 200, stall_s: float = 0.0, trickle_s: float = 0.0
    ) -> str:
        """Answer ``path`` with this body from now on; returns its URL."""
        self.routes[path] = Route(body, status, stall_s, trickle_s)
        return self.url(path)


@contextmanager
def archive_server() -> Iterator[ArchiveServer]:
    """Start the server in a thread; stalled answers are released and the thread joined at the end."""
    state = ArchiveServer(base_url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.lstrip("/")
            state.hits[path] = state.hits.get(path, 0) + 1
            route = state.routes.get(path, Route(b"not found", 404))
            self.send_response(route.status)
            self.send_header("Content-Type", "application/zip" if route.status == 200 else "text/plain")
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            if route.stall_s:
                self.wfile.flush()
                state.release.wait(route.stall_s)
            try:
                if route.trickle_s:
                    for at in range(0, len(route.body), 1024):
                        if state.release.wait(route.trickle_s):
                            return
                        self.wfile.write(route.body[at : at + 1024])
                        self.wfile.flush()
                else:
                    self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
