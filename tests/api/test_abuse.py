"""The abuse cases of issue 11, replayed: each is a clear 4xx with a short body, never a 5xx."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message

from api.errors import excerpt, redact
from api.limits import BodySizeLimit
from api.main import create_app
from config.settings import Settings

GENERATE = "/api/euromillions/generate-advanced"
INT64_OVERFLOW = 2**63  # 9223372036854775808: was a 500 from DuckDB


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app with its lifespan running (the broker is the flushed cache database: nothing lingers)."""
    with TestClient(create_app(settings.model_copy(update={"celery_broker_url": settings.redis_url}))) as c:
        yield c


def test_a_10_mb_body_is_a_413_before_it_is_parsed(client: TestClient) -> None:
    """Declared length over the limit: refused up front, in a short body."""
    body = b'{"exclude": [' + b"1," * (5 * 2**20) + b"1]}"
    response = client.post(GENERATE, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert len(response.content) < 300
    assert "larger than 65536 bytes" in response.text


def test_a_streamed_body_is_cut_as_soon_as_it_crosses_the_limit() -> None:
    """No Content-Length (chunked): the middleware stops reading at the limit and answers 413."""
    chunks_read = 0
    sent: list[Message] = []

    async def app(scope, receive, send) -> None:  # reads the whole body, like a JSON route would
        while True:
            message = await receive()
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"read it all"})

    async def receive() -> Message:
        nonlocal chunks_read
        chunks_read += 1
        return {"type": "http.request", "body": b"x" * 65536, "more_body": chunks_read < 160}  # 10 MB

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": [(b"transfer-encoding", b"chunked")]}
    asyncio.run(BodySizeLimit(app, max_bytes=100_000)(scope, receive, send))
    assert chunks_read == 2  # 128 KiB read of 10 MB
    assert [m.get("status") for m in sent if m["type"] == "http.response.start"] == [413]
    assert b"read it all" not in b"".join(m.get("body", b"") for m in sent)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/euromillions/draws?offset={INT64_OVERFLOW}", "offset"),
        (f"/api/euromillions/draws?limit={INT64_OVERFLOW}", "limit"),
        ("/api/euromillions/draws?offset=100001", "offset"),  # int64, but beyond API_MAX_OFFSET
        ("/api/euromillions/draws?limit=1001", "limit"),
        (f"/api/euromillions/stats?last={INT64_OVERFLOW}", "last"),
        ("/api/euromillions/stats?last=100001", "last"),
        (f"/api/euromillions/draws?offset={'9' * 5000}", "offset"),  # past Python's int() digit limit
        ("/api/euromillions/draws?to=0.0", "to"),  # pydantic alone reads it as a Unix timestamp
    ],
)
def test_integers_beyond_their_bounds_are_422_not_500(client: TestClient, url: str, field: str) -> None:
    """Every integer query parameter has an upper bound; the connection keeps working after it."""
    response = client.get(url)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][-1] == field
    assert len(response.content) < 600
    assert client.get("/api/euromillions/draws?limit=1").status_code == 200


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"window": {"last": INT64_OVERFLOW}}, "last", "at most 100000"),
        ({"window": {"last": 2**63 - 1}}, "last", "at most 100000"),
        ({"exclude": [3, 3]}, "exclude", "3 is listed more than once"),
        ({"exclude_bonus": [1, 2, 1]}, "exclude_bonus", "1 is listed more than once"),
        ({"exclude": [INT64_OVERFLOW]}, "exclude", "far out of range"),
        (
            {"exclude": list(range(1, 51))},
            "exclude",
            "exclusions leave 0 numbers but a euromillions grid needs 5",
        ),
        ({"exclude": list(range(1, 66))}, "exclude", "at most 64 items"),
        ({"count": 10_001}, "count", "less than or equal to 10000"),
        ({"seed": INT64_OVERFLOW}, "seed", "less than 9223372036854775808"),
        # Past a double's range: not JSON that a strict parser accepts (at character 18).
        ({"window": {"year": 10**4000}}, 18, "not valid JSON: number is infinity"),
        ({"window": {"from": 0}}, "from", "YYYY-MM-DD"),
        ({"seed": True}, "seed", "valid integer"),  # JSON true is not the seed 1
        ({"count": "5"}, "count", "valid integer"),
        ({"exclude": [True]}, 0, "valid integer"),
    ],
)
def test_generation_bodies_out_of_bounds_are_422(
    client: TestClient, body: dict[str, object], field: str | int, words: str
) -> None:
    """Exclusions at most the pool and distinct, integers bounded and integers (not booleans or
    strings), before anything is queued."""
    response = client.post(GENERATE, json=body)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == field
    assert words in detail["msg"]
    assert len(response.content) < 1000


def test_a_five_million_element_exclusion_is_refused(settings: Settings) -> None:
    """At the default limit it is a 413; with the body limit raised, the list length gives a 422
    whose echo of the input is a short excerpt, not the list."""
    exclude = json.dumps({"exclude": [7] * 5_000_000}).encode()
    with TestClient(create_app(settings)) as c:
        assert (
            c.post(GENERATE, content=exclude, headers={"content-type": "application/json"}).status_code == 413
        )
    roomy = settings.model_copy(update={"api_max_body_bytes": 32 * 2**20})
    with TestClient(create_app(roomy)) as c:
        response = c.post(GENERATE, content=exclude, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert len(response.content) < 1000
    detail = response.json()["detail"][0]
    assert detail["type"] == "too_long"
    assert detail["input"].startswith("[7, 7, 7")
    assert detail["input"].endswith("(15000000 characters)")


def test_a_long_invalid_input_is_echoed_as_a_short_excerpt(client: TestClient) -> None:
    """FastAPI's 422 echoes the input; ours cuts it to API_ERROR_EXCERPT_CHARS and counts the rest."""
    response = client.post(GENERATE, json={"strategy": "z" * 50_000, "count": "many"})
    assert response.status_code == 422
    assert len(response.content) < 800
    by_field = {d["loc"][-1]: d for d in response.json()["detail"]}
    assert by_field["strategy"]["input"] == "z" * 120 + "… (50000 characters)"
    assert by_field["count"]["input"] == "many"


def test_many_errors_are_capped(client: TestClient) -> None:
    """A body with thousands of bad items lists the first ten errors and how many more there were."""
    response = client.post(GENERATE, json={"exclude": ["x"] * 60})
    assert response.status_code == 422
    body = response.json()
    assert len(body["detail"]) == 10
    assert body["more_errors"] == 50


def test_excerpt_and_redaction_rules() -> None:
    """Short values pass through; long ones are cut; huge integers are described; hosts are hidden."""
    assert excerpt([1, 2, 3]) == [1, 2, 3]
    assert excerpt(2**80) == "<an integer of 81 bits>"
    assert excerpt([10**5000]) == "<list of 1 items>"
    assert excerpt("abc" * 100, 10) == "abcabcabca… (300 characters)"
    message = "Error 111 connecting to 127.0.0.1:6379. Connection refused (redis://:pw@cache.internal:6380/0)"
    assert "127.0.0.1" not in redact(message)
    assert "cache.internal" not in redact(message)
    assert "6379" not in redact(message)
    assert redact("at 12:30 the broker was down") == "at 12:30 the broker was down"


def test_503_bodies_and_health_do_not_name_the_redis_host(settings: Settings) -> None:
    """With the job store and broker unreachable, the 503 says what is down, not where it lives."""
    dead = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app_settings = settings.model_copy(
        update={"redis_url": dead, "celery_broker_url": dead, "redis_timeout_s": 0.1}
    )
    with TestClient(create_app(app_settings)) as c:
        response = c.post(GENERATE, json={"count": 1})
        health = c.get("/health")
    assert response.status_code == 503
    assert "unreachable" in response.json()["detail"][0]["msg"]
    for text in (response.text, health.text):
        assert "127.0.0.1" not in text
        assert ":1/" not in text
        assert "redis://" not in text
