"""Slow and oversized clients against a real API process (``python -m api.server``) on 127.0.0.1.

The server runs with short timeouts (1 s) so the slow cases end quickly; each case asserts what
the client sees (408/414/431, or the connection closed) and that it happens before a generous
bound, never a precise time. The fence of ``api.connection_guard`` is checked first: the versions
it was checked against, and the uvicorn hooks it relies on.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import resource
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httptools
import httpx
import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.connection_guard import (
    ASSUMPTIONS,
    TESTED_HTTPTOOLS,
    TESTED_UVICORN,
    GuardedHttpToolsProtocol,
)
from api.server import uvicorn_options
from config.settings import Settings
from tests.redis_fixtures import CACHE_DB, redis_server_url
from tests.servers import uvicorn as api_server

pytestmark = pytest.mark.slow
TIMEOUT_S = 1.0  # header, body and keep-alive timeouts of the server under test
BOUND_S = 20.0  # "closed after the timeout": before this, however loaded the machine
SLOWLORIS = 1000
GET = b"GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def guarded_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The API's environment: no snapshot (``/ping`` answers anyway), short timeouts."""
    return {
        **os.environ,
        "REDIS_URL": f"{redis_server_url()}/{CACHE_DB}",
        "SERVING_DIR": str(tmp / "serving"),
        "API_HEADER_TIMEOUT_S": str(TIMEOUT_S),
        "API_BODY_TIMEOUT_S": str(TIMEOUT_S),
        "API_KEEPALIVE_TIMEOUT_S": str(TIMEOUT_S),
        "API_REFUSAL_LINGER_S": "0.5",
        **extra,
    }


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """The guarded API as the main command starts it; yields (host, port)."""
    tmp = tmp_path_factory.mktemp("guarded")
    with api_server(guarded_env(tmp), tmp / "api.log", ready_s=90) as base:
        parts = urlsplit(base)
        yield parts.hostname or "127.0.0.1", parts.port or 80


def connect(addr: tuple[str, int]) -> socket.socket:
    """A blocking socket to the API with a generous timeout on every operation."""
    return socket.create_connection(addr, timeout=BOUND_S)


def read_to_close(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (a reset ends the reading too)."""
    out = b""
    with sock:
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                return out
            if not chunk:
                return out
            out += chunk


def send_all(sock: socket.socket, data: bytes) -> None:
    """Send ``data``; a server that refuses midway may close its side first (that is not a failure)."""
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        sock.sendall(data)


def status(raw: bytes) -> int:
    """The status code of the first answer in ``raw``."""
    assert raw.startswith(b"HTTP/1.1 "), raw[:200]
    return int(raw.split(b" ", 2)[1])


def get_ok(addr: tuple[str, int]) -> None:
    """A normal client: ``GET /ping`` on a fresh connection answers 200."""
    host, port = addr
    assert httpx.get(f"http://{host}:{port}/ping", timeout=BOUND_S).status_code == 200


# -- the fence --------------------------------------------------------------------------------------


def test_the_guard_runs_on_the_versions_it_was_checked_against() -> None:
    """An upgrade fails here until ASSUMPTIONS are checked again and TESTED_* moved."""
    assert (uvicorn.__version__, httptools.__version__) == (TESTED_UVICORN, TESTED_HTTPTOOLS), ASSUMPTIONS


def test_the_uvicorn_hooks_the_guard_relies_on_are_there() -> None:
    for name in (
        "connection_made", "connection_lost", "data_received", "send_400_response", "on_message_begin",
        "on_url", "on_header", "on_headers_complete", "on_message_complete", "on_response_complete",
        "_unset_keepalive_if_required",
    ):  # fmt: skip
        assert callable(getattr(HttpToolsProtocol, name, None)), name
    feed = inspect.getsource(HttpToolsProtocol.data_received)
    assert "self.parser.feed_data(data)" in feed
    assert "self.send_400_response(" in feed
    cycle = inspect.getsource(HttpToolsProtocol.on_headers_complete)
    assert "self.cycle = RequestResponseCycle(" in cycle


def test_the_server_serves_with_the_guarded_protocol_unless_switched_off() -> None:
    config = uvicorn.Config(**uvicorn_options(Settings(api_connection_guard=True, api_keepalive_timeout_s=3)))
    config.load()
    assert config.http_protocol_class is GuardedHttpToolsProtocol
    assert config.timeout_keep_alive == 3
    plain = uvicorn.Config(**uvicorn_options(Settings(api_connection_guard=False)))
    plain.load()
    assert plain.http_protocol_class is HttpToolsProtocol


# -- limits -----------------------------------------------------------------------------------------


def test_a_head_over_the_size_limit_is_refused_431(api: tuple[str, int]) -> None:
    sock = connect(api)
    send_all(sock, b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n")
    raw = read_to_close(sock)
    assert status(raw) == 431
    assert b"request head larger than 16384 bytes" in raw
    assert b"connection: close" in raw
    get_ok(api)


def test_a_head_just_under_the_limits_is_served(api: tuple[str, int]) -> None:
    fields = b"".join(b"X-F%d: %s\r\n" % (i, b"v" * 100) for i in range(90))  # 90 fields, ~10 kB
    sock = connect(api)
    send_all(sock, b"GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + fields + b"\r\n")
    assert status(read_to_close(sock)) == 200


def test_more_header_fields_than_the_limit_are_refused_431(api: tuple[str, int]) -> None:
    sock = connect(api)
    fields = b"".join(b"X-%d: 1\r\n" % i for i in range(10_000))
    send_all(sock, b"GET /ping HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\n")
    raw = read_to_close(sock)
    assert status(raw) == 431
    assert b"more than 100 header fields" in raw


def test_a_url_over_the_size_limit_is_refused_414(api: tuple[str, int]) -> None:
    sock = connect(api)
    send_all(sock, b"GET /ping?q=" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status(read_to_close(sock)) == 414


# -- timeouts ---------------------------------------------------------------------------------------


def test_a_head_sent_byte_by_byte_is_cut_off_with_408(api: tuple[str, int]) -> None:
    sock = connect(api)
    sock.settimeout(0.2)
    started, received = time.monotonic(), b""
    for byte in b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"z" * 10_000:
        assert time.monotonic() - started < BOUND_S, "the slow head was never cut off"
        try:
            sock.send(bytes([byte]))
            chunk = sock.recv(4096)
        except TimeoutError:
            continue
        except (BrokenPipeError, ConnectionResetError):
            break
        received += chunk
        if not chunk:
            break
    sock.close()
    assert status(received) == 408
    assert b"request head not complete in 1 s" in received


def test_a_connection_that_sends_nothing_is_closed_without_an_answer(api: tuple[str, int]) -> None:
    assert read_to_close(connect(api)) == b""


def test_an_idle_kept_alive_connection_is_closed(api: tuple[str, int]) -> None:
    sock = connect(api)
    for _ in range(3):  # reused while busy: every answer arrives, none is a timeout
        sock.sendall(GET)
        head = b""
        while b'{"ok":true}' not in head:
            head += sock.recv(4096)
        assert status(head) == 200
        assert b"connection: close" not in head
    assert read_to_close(sock) == b""  # then idle: closed by the keep-alive timeout


def test_a_trickled_body_is_cut_off_with_408(api: tuple[str, int]) -> None:
    sock = connect(api)
    sock.sendall(
        b"POST /api/euromillions/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100000\r\n\r\n{"
    )
    sock.settimeout(0.2)
    started, received = time.monotonic(), b""
    while time.monotonic() - started < BOUND_S:
        try:
            sock.send(b" ")
            chunk = sock.recv(4096)
        except TimeoutError:
            continue
        except (BrokenPipeError, ConnectionResetError):
            break
        received += chunk
        if not chunk:
            break
    sock.close()
    assert status(received) == 408
    assert b"request body not complete in 1 s" in received


def test_a_body_sent_in_time_reaches_the_app(api: tuple[str, int]) -> None:
    body = b'{"tickets": []}'
    sock = connect(api)
    sock.sendall(
        b"POST /api/euromillions/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    raw = read_to_close(sock)
    assert status(raw) == 422  # the app parsed the body: an empty ticket list
    assert b'"loc":["body","tickets"]' in raw


# -- 1,000 slowloris sockets ------------------------------------------------------------------------


async def slowloris(addr: tuple[str, int], gap_s: float) -> float:
    """One socket sending a head a byte every ``gap_s``; seconds until the server closed it."""
    started = time.monotonic()
    reader, writer = await asyncio.open_connection(*addr)
    try:
        for byte in b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"z" * 10_000:
            writer.write(bytes([byte]))
            try:
                if not await asyncio.wait_for(reader.read(4096), gap_s) and reader.at_eof():
                    break
            except TimeoutError:
                continue
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()
    return time.monotonic() - started


async def attack_while_serving(addr: tuple[str, int]) -> tuple[list[float], list[int]]:
    """``SLOWLORIS`` slow sockets at once, and a normal client's statuses meanwhile."""
    attack = [asyncio.ensure_future(slowloris(addr, 0.5)) for _ in range(SLOWLORIS)]
    statuses = []
    async with httpx.AsyncClient(base_url=f"http://{addr[0]}:{addr[1]}", timeout=BOUND_S) as client:
        for _ in range(10):
            statuses.append((await client.get("/ping")).status_code)
            await asyncio.sleep(0.05)
    closed = await asyncio.wait_for(asyncio.gather(*attack), 3 * BOUND_S)
    return closed, statuses


def test_a_normal_client_is_served_while_1000_slowloris_sockets_are_cut_off(api: tuple[str, int]) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < SLOWLORIS + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4 * SLOWLORIS), hard))
    closed, statuses = asyncio.run(attack_while_serving(api))
    assert statuses == [200] * 10
    assert len(closed) == SLOWLORIS
    assert max(closed) < 3 * BOUND_S
    get_ok(api)


def test_switched_off_uvicorn_alone_accepts_a_1_mb_header(tmp_path: Path) -> None:
    """What the guard is for: without it, the locked uvicorn serves a 1 MB header (no limit)."""
    env = guarded_env(tmp_path, API_CONNECTION_GUARD="false")
    with api_server(env, tmp_path / "api.log", ready_s=90) as base:
        parts = urlsplit(base)
        sock = connect((parts.hostname or "127.0.0.1", parts.port or 80))
        send_all(
            sock,
            b"GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n",
        )
        assert status(read_to_close(sock)) == 200
