"""task-status answered before FastAPI (api/fastpath.py): the route's bytes for every state, the
route's 404/422/503 for what the fast path leaves to it, and the request counted as the route's."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import redis
from fastapi.testclient import TestClient

from api.main import create_app
from api.routes import generation
from config.settings import Settings
from serving.jobs import JobDeadlines, JobStore, job_key
from tests.generation.conftest import Worker
from tests.generation.test_generation import wait_for

pytestmark = pytest.mark.slow
ROUTE_COUNT = re.compile(
    r'lotostats_http_requests_total\{method="GET",route="/api/\{game\}/task-status/\{task_id\}",'
    r'status="200"\} (\S+)'
)


@contextmanager
def route_only(api: TestClient) -> Iterator[None]:
    """Requests in this block skip the fast path: FastAPI's route answers them."""
    app = api.app
    fast_path = app.fast_path  # type: ignore[attr-defined]

    class Declines:
        async def answer(self, *args: Any) -> bool:
            return False

    app.fast_path = Declines()  # type: ignore[attr-defined]
    try:
        yield
    finally:
        app.fast_path = fast_path  # type: ignore[attr-defined]


@contextmanager
def fast_path_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Requests in this block fail (500) if they reach the route's reader (the route looks
    ``read_task_state`` up in its module; the fast path holds the reference it imported)."""

    def route_reached(*args: Any) -> None:
        raise AssertionError("the route answered, not the fast path")

    with monkeypatch.context() as m:
        m.setattr(generation, "read_task_state", route_reached)
        yield


def both(api: TestClient, url: str) -> tuple[httpx.Response, httpx.Response]:
    """The answer as served (fast path first), then FastAPI's route's answer to the same request."""
    served = api.get(url)
    with route_only(api):
        routed = api.get(url)
    return served, routed


def assert_same(served: httpx.Response, routed: httpx.Response) -> None:
    assert served.status_code == routed.status_code
    assert served.content == routed.content
    assert served.headers["content-type"] == routed.headers["content-type"]
    assert served.headers["content-length"] == routed.headers["content-length"]


def route_count(api: TestClient) -> float:
    found = ROUTE_COUNT.search(api.get("/metrics").text)
    return float(found.group(1)) if found else 0.0


def test_every_state_is_the_routes_bytes(
    api: TestClient, worker: Worker, gen_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = redis.Redis.from_url(gen_settings.redis_url)
    jobs = JobStore(client, gen_settings.cache_ttl_generation_s)
    deadlines = JobDeadlines.from_settings(gen_settings)
    backend = api.app.state.lotostats.celery.backend  # type: ignore[attr-defined]
    status = "/api/euromillions/task-status/{}"

    jobs.create("pending-job", "euromillions", "random", 10, queued_ttl_s=60)
    jobs.create("progress-job", "euromillions", "random", 10_000, queued_ttl_s=60)
    assert jobs.claim("progress-job", "w1", deadlines) == "claimed"
    assert jobs.heartbeat("progress-job", "w1", 2_500, 10_000, deadlines) == "ok"
    jobs.create("lost-job", "euromillions", "random", 10, queued_ttl_s=60)
    assert jobs.claim("lost-job", "w1", deadlines) == "claimed"
    client.hset(job_key("lost-job"), "heartbeat_at", time.time() - 3600)  # FAILURE at the next read
    jobs.create("crashed-job", "euromillions", "random", 10, queued_ttl_s=60)
    backend.store_result("crashed-job", ZeroDivisionError("boom"), "FAILURE")  # the backend settles it
    accepted = api.post("/api/euromillions/generate-advanced", json={"count": 10, "seed": 7}).json()
    final, _ = wait_for(api, accepted["status_url"])
    assert final["state"] == "SUCCESS"

    expected = {
        "pending-job": "PENDING",
        "progress-job": "PROGRESS",
        "lost-job": "FAILURE",
        "crashed-job": "FAILURE",
        accepted["task_id"]: "SUCCESS",
    }
    before = route_count(api)
    for task_id, state in expected.items():
        with fast_path_only(monkeypatch):
            served = api.get(status.format(task_id))
        with route_only(api):
            routed = api.get(status.format(task_id))
        assert served.json()["state"] == state, served.json()
        assert_same(served, routed)
    assert served.json()["result"]["grids"] == final["result"]["grids"]
    assert api.get(status.format("progress-job")).json()["progress"] == {"done": 2_500, "total": 10_000}
    assert "ZeroDivisionError" in api.get(status.format("crashed-job")).json()["error"]
    # each state read twice (fast path, route) and three more: all counted under the route's label
    assert route_count(api) - before == 2 * len(expected) + 2


def test_what_the_fast_path_leaves_to_the_route_is_answered_as_before(
    api: TestClient, gen_settings: Settings
) -> None:
    """Unknown, foreign and expired ids 404, a bad id or game as the route says, a query string:
    the same answers with or without the fast path."""
    jobs = JobStore(redis.Redis.from_url(gen_settings.redis_url), gen_settings.cache_ttl_generation_s)
    jobs.create("loto-job", "loto", "random", 10, queued_ttl_s=60)
    jobs.create("gone-job", "euromillions", "random", 10, queued_ttl_s=60)
    assert jobs.claim("gone-job", "w1", JobDeadlines.from_settings(gen_settings)) == "claimed"
    assert jobs.finish("gone-job", "w1", "SUCCESS", JobDeadlines.from_settings(gen_settings)) == "SUCCESS"
    cases = {
        "/api/euromillions/task-status/00000000-0000-0000-0000-000000000000": 404,
        "/api/euromillions/task-status/loto-job": 404,  # another game's job
        "/api/euromillions/task-status/gone-job": 404,  # SUCCESS whose result is gone
        "/api/euromillions/task-status/" + "x" * 65: 422,
        "/api/keno/task-status/loto-job": None,  # whatever the route says of an unknown game
        "/api/loto/task-status/loto-job?extra=1": 200,
    }
    for url, code in cases.items():
        served, routed = both(api, url)
        assert_same(served, routed)
        if code is not None:
            assert served.status_code == code, (url, served.text)
    assert api.get("/api/loto/task-status/" + "x" * 64).status_code == 404


def test_a_result_backend_out_of_reach_is_the_routes_503(gen_settings: Settings) -> None:
    closed = Settings(
        **{
            **gen_settings.model_dump(),
            "celery_result_backend": "redis://127.0.0.1:1/0",
            "redis_retries": 0,
        }
    )
    jobs = JobStore(redis.Redis.from_url(closed.redis_url), closed.cache_ttl_generation_s)
    jobs.create("some-job", "euromillions", "random", 10, queued_ttl_s=60)
    with TestClient(create_app(closed)) as api:
        served, routed = both(api, "/api/euromillions/task-status/some-job")
    assert served.status_code == routed.status_code == 503
    assert served.json()["detail"] == routed.json()["detail"]


def test_a_result_backend_that_is_not_redis_gives_the_same_answers(gen_settings: Settings) -> None:
    """Without an asyncio client for the result backend, the one reader reads it through Celery
    (in a worker thread): the same states, the stored result, the same bytes with or without the
    fast path."""
    memory = Settings(**{**gen_settings.model_dump(), "celery_result_backend": "cache+memory://"})
    jobs = JobStore(redis.Redis.from_url(memory.redis_url), memory.cache_ttl_generation_s)
    deadlines = JobDeadlines.from_settings(memory)
    for task_id in ("memory-pending", "memory-done", "memory-crashed"):
        jobs.create(task_id, "euromillions", "random", 2, queued_ttl_s=60)
    grids = {"grids": [{"numbers": [1, 2, 3, 4, 5], "bonus": [1, 2]}]}
    with TestClient(create_app(memory)) as api:
        state = api.app.state.lotostats  # type: ignore[attr-defined]
        assert state.results is None
        assert jobs.claim("memory-done", "w1", deadlines) == "claimed"
        state.celery.backend.store_result("memory-done", grids, "SUCCESS")
        assert jobs.finish("memory-done", "w1", "SUCCESS", deadlines) == "SUCCESS"
        state.celery.backend.store_result("memory-crashed", ZeroDivisionError("boom"), "FAILURE")
        expected = {"memory-pending": "PENDING", "memory-done": "SUCCESS", "memory-crashed": "FAILURE"}
        for task_id, want in expected.items():
            served, routed = both(api, f"/api/euromillions/task-status/{task_id}")
            assert_same(served, routed)
            assert served.json()["state"] == want, served.json()
        assert api.get("/api/euromillions/task-status/memory-done").json()["result"] == grids
        assert "ZeroDivisionError" in api.get("/api/euromillions/task-status/memory-crashed").json()["error"]
        assert api.get("/api/loto/task-status/memory-done").status_code == 404
