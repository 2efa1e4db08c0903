"""Hostile requests, byte for byte, against a real uvicorn: each gets an answer or a clear 4xx in the
error shape, never a 5xx, and the keep-alive connection it came on keeps working afterwards."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from config.settings import Settings
from tests.api.live import live_api
from tests.api.raw_http import RawConnection, Reply

GEN = b"/api/euromillions/generate-advanced"
CHECK = b"/api/euromillions/check"
WHEEL = b"/api/euromillions/wheel"
JSON = [(b"Content-Type", b"application/json")]


@dataclass(frozen=True)
class Hostile:
    """One request as sent and the statuses it may get."""

    name: str
    method: bytes
    target: bytes
    expect: frozenset[int]
    body: bytes = b""
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)


def case(
    name: str, method: bytes, target: bytes, expect: set[int], body: bytes = b"", headers=None
) -> Hostile:  # type: ignore[no-untyped-def]
    return Hostile(name, method, target, frozenset(expect), body, list(headers or []))


TABLE = [
    # Bodies that are not JSON, or no content type at all.
    case("text body", b"POST", GEN, {415}, b"hello", [(b"Content-Type", b"text/plain")]),
    case("JSON without a content type", b"POST", GEN, {415}, b'{"count": 1}'),
    case(
        "form body",
        b"POST",
        GEN,
        {415},
        b"count=1",
        [(b"Content-Type", b"application/x-www-form-urlencoded")],
    ),
    case(
        "multipart body",
        b"POST",
        CHECK,
        {415},
        b"--x\r\n\r\n--x--",
        [(b"Content-Type", b"multipart/form-data; boundary=x")],
    ),
    case("xml body", b"POST", WHEEL, {415}, b"<a/>", [(b"Content-Type", b"application/xml")]),
    case(
        "chunked text body",
        b"POST",
        GEN,
        {415},
        b"5\r\nhello\r\n0\r\n\r\n",
        [(b"Content-Type", b"text/plain"), (b"Transfer-Encoding", b"chunked")],
    ),
    # JSON that Python's json module takes but JSON does not, or that no encoder writes back.
    case("NaN", b"POST", GEN, {422}, b'{"count": NaN}', JSON),
    case("Infinity", b"POST", GEN, {422}, b'{"seed": Infinity}', JSON),
    case("-Infinity in a list", b"POST", GEN, {422}, b'{"exclude": [-Infinity]}', JSON),
    case("overflow to infinity", b"POST", GEN, {422}, b'{"seed": 1e400}', JSON),
    case("5,000-digit integer", b"POST", GEN, {422}, b'{"count": 1' + b"0" * 5000 + b"}", JSON),
    case("lone surrogate", b"POST", CHECK, {422}, b'{"task_id": "\\ud800"}', JSON),
    case("lone surrogate in a key", b"POST", GEN, {422}, b'{"\\udfff": 1}', JSON),
    case("invalid UTF-8", b"POST", CHECK, {422}, b'{"task_id": "\xff\xfe"}', JSON),
    case(
        "latin-1 declared",
        b"POST",
        GEN,
        {422},
        b'{"strategy": "\xe9"}',
        [(b"Content-Type", b"application/json; charset=latin-1")],
    ),
    case("nested 5,000 deep", b"POST", GEN, {422}, b"[" * 5000 + b"]" * 5000, JSON),
    case("a string", b"POST", GEN, {422}, b'"generate"', JSON),
    case("a list", b"POST", WHEEL, {422}, b"[]", JSON),
    case("null", b"POST", CHECK, {422}, b"null", JSON),
    case("truncated", b"POST", GEN, {422}, b'{"count": ', JSON),
    case("trailing garbage", b"POST", GEN, {422}, b'{"count": 1} x', JSON),
    case(
        "floats for balls",
        b"POST",
        CHECK,
        {422},
        b'{"tickets": [{"numbers": [1.5, 2, 3, 4, 5], "bonus": [1, 2]}]}',
        JSON,
    ),
    case(
        "huge float ball",
        b"POST",
        WHEEL,
        {422},
        b'{"numbers": [1e308], "guarantee": {"match": 2, "if_drawn": 2}}',
        JSON,
    ),
    case("duplicate keys", b"POST", GEN, {202, 422}, b'{"count": 1, "count": 2}', JSON),
    case(
        "empty JSON body",
        b"POST",
        GEN,
        {202, 422},
        b"",
        [(b"Content-Type", b"application/json"), (b"Content-Length", b"0")],
    ),
    case(
        "JSON suffix type",
        b"POST",
        GEN,
        {202, 422},
        b'{"count": 1, "window": {"year": 1990}}',
        [(b"Content-Type", b"application/vnd.api+json")],
    ),
    case(
        "chunked JSON",
        b"POST",
        GEN,
        {422},
        b'e\r\n{"count": 0.5}\r\n0\r\n\r\n',
        [(b"Content-Type", b"application/json"), (b"Transfer-Encoding", b"chunked")],
    ),
    # Paths and query strings.
    case("NUL in the path", b"GET", b"/%00", {404}),
    case("NUL in an API path", b"GET", b"/api/euromillions/quick-stats%00", {404}),
    case("NUL as the game", b"GET", b"/api/%00/stats", {404}),
    case("control character in a path", b"GET", b"/tirages%0a", {404}),
    case("NUL in a query value", b"GET", b"/api/euromillions/quick-stats?year=%00", {422}),
    case("invalid UTF-8 in a query", b"GET", b"/api/euromillions/quick-stats?year=%ff%fe", {422}),
    case("invalid UTF-8 task id", b"GET", b"/api/euromillions/task-status/%ff%fe", {404}),
    case("encoded surrogate task id", b"GET", b"/api/euromillions/task-status/%ed%a0%80", {404}),
    case("overlong task id", b"GET", b"/api/euromillions/task-status/" + b"a" * 5000, {422}),
    case("dot-dot in the app", b"GET", b"/assets/..%2f..%2f..%2fetc%2fpasswd", {404}),
    case("dot-dot in the docs files", b"GET", b"/docs-static/../../../etc/passwd", {404}),
    case(
        "many repeated parameters",
        b"GET",
        b"/api/euromillions/stats?" + b"&".join([b"year=2020"] * 500),
        {200, 422},
    ),
    case("8 kB query value", b"GET", b"/api/euromillions/stats?last=" + b"9" * 8000, {422}),
    case("negative last", b"GET", b"/api/euromillions/stats?last=-1", {422}),
    case("unknown game", b"GET", b"/api/keno/stats", {404}),
    # Methods no route has, and bodies where none is read.
    case("DELETE", b"DELETE", b"/api/euromillions/stats", {405}),
    case("PROPFIND", b"PROPFIND", b"/", {405}),
    case("OPTIONS", b"OPTIONS", b"/api/euromillions/quick-stats", {405}),
    case("PUT JSON on a GET route", b"PUT", b"/api/euromillions/quick-stats", {405}, b"{}", JSON),
    case(
        "GET with a JSON body", b"GET", b"/api/euromillions/quick-stats?year=2024", {200}, b'{"x": NaN}', JSON
    ),
    # Headers.
    case(
        "non-ASCII header value",
        b"GET",
        b"/api/euromillions/quick-stats",
        {200},
        headers=[(b"X-Note", b"\xff\xfe")],
    ),
    case(
        "garbage forwarded-for",
        b"GET",
        b"/api/euromillions/quick-stats",
        {200},
        headers=[(b"X-Forwarded-For", b"::::,,,not an address")],
    ),
    case(
        "HTML wanted",
        b"GET",
        b"/api/euromillions/task-status/nope",
        {404},
        headers=[(b"Accept", b"text/html")],
    ),
]


def _problem(hostile: Hostile, reply: Reply) -> str | None:
    """What is wrong with the answer to ``hostile``, or None."""
    if reply.status not in hostile.expect:
        return f"status {reply.status}, expected {sorted(hostile.expect)}: {reply.body[:200]!r}"
    if reply.status >= 400:
        if not reply.headers.get("content-type", "").startswith("application/json"):
            return f"{reply.status} is not JSON ({reply.headers.get('content-type')})"
        detail = json.loads(reply.body)["detail"]
        if not (isinstance(detail, list) and detail and {"loc", "msg", "type"} <= detail[0].keys()):
            return f"{reply.status} not in the error shape: {reply.body[:200]!r}"
    return None


def test_hostile_requests_get_a_4xx_or_an_answer_and_the_connection_survives(settings: Settings) -> None:
    """One keep-alive connection carries the whole table: after each hostile request, /ping still
    answers on it (unless the server said it would close, then a new connection is opened)."""
    app_settings = settings.model_copy(
        update={
            "celery_broker_url": settings.redis_url,  # nothing consumes what is queued here
            "api_budget_generation_grids": 0,
            "api_budget_check_cells": 0,
            "api_budget_wheel_ms": 0,
        }
    )
    problems: dict[str, str] = {}
    closed: list[str] = []
    with live_api(app_settings) as base:
        conn = RawConnection(base)
        try:
            for hostile in TABLE:
                try:
                    reply = conn.request(hostile.method, hostile.target, hostile.headers, hostile.body)
                except ConnectionError as exc:
                    problems[hostile.name] = f"no answer: {exc!r}"
                    conn.close()
                    conn = RawConnection(base)
                    continue
                if (problem := _problem(hostile, reply)) is not None:
                    problems[hostile.name] = problem
                if reply.closes:
                    closed.append(hostile.name)
                    conn.close()
                    conn = RawConnection(base)
                    continue
                ping = conn.request(b"GET", b"/ping")
                if ping.status != 200:
                    problems[f"{hostile.name}: /ping after it"] = f"status {ping.status}"
        finally:
            conn.close()
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
    assert not closed, f"the server closed the connection after: {closed}"


def test_a_413_says_it_closes_and_the_next_connection_works(settings: Settings) -> None:
    """A body declared over the limit is refused unread: the server says it closes (the unread body
    is still on the wire), and a new connection is served at once."""
    with live_api(settings) as base:
        conn = RawConnection(base)
        try:
            reply = conn.request(b"POST", GEN, [*JSON, (b"Content-Length", str(10 * 2**20).encode())], b"{}")
            assert reply.status == 413
            assert reply.closes
        finally:
            conn.close()
        again = RawConnection(base)
        try:
            assert again.request(b"GET", b"/ping").status == 200
        finally:
            again.close()
