"""Advanced generation through HTTP, a real Redis broker and a real Celery worker process."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from config.settings import Settings
from serving.jobs import JobStore, generation_stats
from tests.generation.conftest import Worker, generation_settings
from tests.serving_fixtures import Published

pytestmark = pytest.mark.slow
RULES = {"euromillions": (5, 50, 2, 12), "loto": (5, 49, 1, 10)}


def wait_for(
    api: TestClient, status_url: str, timeout: float = 60
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Poll until SUCCESS or FAILURE; returns the last status and every status seen."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = api.get(status_url).json()
        seen.append(body)
        if body["state"] in ("SUCCESS", "FAILURE"):
            return body, seen
        time.sleep(0.005)
    raise AssertionError(f"no result in {timeout} s; last: {seen[-1] if seen else None}")


def assert_valid(game: str, grids: list[dict[str, Any]], count: int) -> None:
    """Every grid obeys the game's current rules; none repeats."""
    k, top, b, top_bonus = RULES[game]
    assert len(grids) == count
    for g in grids:
        assert len(set(g["numbers"])) == k
        assert g["numbers"] == sorted(g["numbers"])
        assert all(1 <= n <= top for n in g["numbers"])
        assert len(set(g["bonus"])) == b
        assert g["bonus"] == sorted(g["bonus"])
        assert all(1 <= s <= top_bonus for s in g["bonus"])
        assert g["reason"]
        assert isinstance(g["score"], float)
    assert len({(tuple(g["numbers"]), tuple(g["bonus"])) for g in grids}) == count


@pytest.mark.parametrize(
    ("game", "strategy"),
    [
        ("euromillions", "frequency_based"),
        ("euromillions", "combination_based"),
        ("loto", "gap_based"),
        ("loto", "random"),
    ],
)
def test_generation_runs_on_the_worker_with_live_progress(
    api: TestClient, worker: Worker, gen_settings: Settings, game: str, strategy: str
) -> None:
    """202 with a status URL; progress moves; SUCCESS with valid, distinct grids; metrics recorded."""
    response = api.post(
        f"/api/{game}/generate-advanced", json={"strategy": strategy, "count": 10_000, "seed": 7}
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status_url"] == f"/api/{game}/task-status/{body['task_id']}"
    final, seen = wait_for(api, body["status_url"])
    assert final["state"] == "SUCCESS", final
    assert final["progress"] == {"done": 10_000, "total": 10_000}
    assert_valid(game, final["result"]["grids"], 10_000)
    assert final["result"]["seed"] == 7
    states = [s["state"] for s in seen]
    assert set(states) <= {"PENDING", "STARTED", "PROGRESS", "SUCCESS"}
    done_seen = [s["progress"]["done"] for s in seen]
    assert done_seen == sorted(done_seen)  # never goes backwards
    jobs = JobStore(redis.Redis.from_url(gen_settings.redis_url), 300)
    # the claim (STARTED), then every 10 % once PROGRESS_QUIET_S has passed (if it did)
    assert jobs.reports(body["task_id"]) >= 1
    stats = generation_stats(redis.Redis.from_url(gen_settings.redis_url), 1, [strategy])[strategy]
    assert (stats["generations"], stats["grids"]) == (1, 10_000)
    assert stats["p50_ms"] is not None


def test_same_seed_same_grids_other_seed_other_grids(api: TestClient, worker: Worker) -> None:
    """Determinism with a seed (same data_version), and a different answer for another seed."""

    def grids(seed: int) -> list[dict[str, Any]]:
        r = api.post(
            "/api/euromillions/generate-advanced", json={"count": 20, "seed": seed, "window": {"year": 2025}}
        )
        final, _ = wait_for(api, r.json()["status_url"])
        assert final["state"] == "SUCCESS", final
        assert final["result"]["window"] == {"year": 2025}
        assert final["result"]["draw_count"] == 104
        return final["result"]["grids"]

    first, again, other = grids(42), grids(42), grids(43)
    assert first == again
    assert first != other


def test_exclusions_are_respected(api: TestClient, worker: Worker) -> None:
    """Excluded balls never appear."""
    r = api.post(
        "/api/loto/generate-advanced",
        json={"strategy": "random", "count": 500, "exclude": list(range(1, 30)), "exclude_bonus": [1, 2, 3]},
    )
    final, _ = wait_for(api, r.json()["status_url"])
    assert final["state"] == "SUCCESS", final
    for g in final["result"]["grids"]:
        assert min(g["numbers"]) >= 30
        assert g["bonus"][0] >= 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"count": 0}, "count"),
        ({"count": 10_001}, "count"),
        ({"strategy": "martingale"}, "strategy"),
        ({"seed": -1}, "seed"),
        ({"exclude": [51]}, "exclude"),
        ({"exclude": list(range(1, 47))}, "exclude"),
        ({"exclude_bonus": list(range(1, 12))}, "exclude_bonus"),
        ({"window": {"month": 3}}, "month"),
        ({"window": {"year": 2003}}, "window"),
        ({"colour": "blue"}, "colour"),
        ({"count": 3000, "exclude": list(range(1, 45)), "exclude_bonus": list(range(1, 11))}, "count"),
        ({"exclude": [7, 7]}, "exclude"),
        # The domain's reachability rule: with the last draw's 5 numbers among 10 allowed, only 226 of
        # the 252 grids hold one of combination_based's pairs (it used to be queued, then fail).
        (
            {
                "strategy": "combination_based",
                "count": 227,
                "window": {"last": 1},
                "exclude": [n for n in range(1, 51) if n not in {1, 2, 3, 4, 5, 6, 12, 20, 38, 45}],
                "exclude_bonus": list(range(3, 13)),
            },
            "count",
        ),
    ],
)
def test_bad_bodies_are_422_before_anything_is_queued(
    api: TestClient, gen_settings: Settings, body: dict[str, Any], field: str
) -> None:
    """No worker needed: nothing reaches the broker."""
    response = api.post("/api/euromillions/generate-advanced", json=body)
    assert response.status_code == 422, response.text
    assert field in str(response.json()["detail"][0]["loc"]) + response.json()["detail"][0]["msg"]
    if body.get("strategy") == "combination_based":
        assert "only 226 distinct grids holding one of the top pairs" in response.json()["detail"][0]["msg"]
    broker = redis.Redis.from_url(gen_settings.celery_broker_url)
    assert broker.llen(gen_settings.celery_queue) == 0


def test_unknown_and_foreign_task_ids_are_404(api: TestClient) -> None:
    """An id never issued, or issued for the other game, is 404, not an eternal PENDING."""
    assert api.get("/api/euromillions/task-status/00000000-0000-0000-0000-000000000000").status_code == 404
    issued = api.post("/api/euromillions/generate-advanced", json={"count": 1}).json()["task_id"]
    assert (
        api.get(f"/api/euromillions/task-status/{issued}").json()["state"] == "PENDING"
    )  # no worker: queued
    assert api.get(f"/api/loto/task-status/{issued}").status_code == 404


def test_broker_down_is_a_503_with_a_clear_message(published: Published, redis_url: str) -> None:
    """Nothing answers at the broker URL: 503, and no job record is left behind."""
    settings = generation_settings(published, redis_url, "lotostats.test.down")
    settings = settings.model_copy(update={"celery_broker_url": "redis://127.0.0.1:1/0"})
    from api.main import create_app

    with TestClient(create_app(settings)) as client:
        response = client.post("/api/euromillions/generate-advanced", json={"count": 5})
        assert response.status_code == 503
        assert "broker" in response.json()["detail"][0]["msg"]
        assert "nothing was queued" in response.json()["detail"][0]["msg"]
    assert not redis.Redis.from_url(redis_url).keys("lotostats:v2:jobs:*")


def test_a_task_that_raises_is_a_readable_failure(
    api: TestClient, worker: Worker, gen_settings: Settings
) -> None:
    """A job the worker cannot do ends FAILURE with the reason, never a stack trace."""
    state = api.app.state.lotostats
    state.jobs.create("bad-strategy-job", "euromillions", "nonsense", 3, queued_ttl_s=600)
    state.celery.send_task(
        "lotostats.generate_grids",
        task_id="bad-strategy-job",
        queue=gen_settings.celery_queue,
        kwargs={"game": "euromillions", "strategy": "nonsense", "count": 3},
    )
    final, _ = wait_for(api, "/api/euromillions/task-status/bad-strategy-job")
    assert final["state"] == "FAILURE"
    assert "nonsense" in final["error"]
    assert "Traceback" not in final["error"]
    assert "File " not in final["error"]


def test_a_worker_killed_mid_task_does_not_leave_the_job_in_progress(
    published: Published, redis_url: str, tmp_path: Path
) -> None:
    """SIGKILL the worker while it generates: the job turns FAILURE (worker lost) once it stays silent."""
    from api.main import create_app

    settings = generation_settings(published, redis_url, "lotostats.test.kill", job_heartbeat_timeout_s=2.0)
    client = redis.Redis.from_url(redis_url)
    with TestClient(create_app(settings)) as api:
        for attempt in range(5):
            worker = Worker(settings, tmp_path / f"worker{attempt}.log")
            worker.start()
            r = api.post(
                "/api/euromillions/generate-advanced", json={"strategy": "combination_based", "count": 10_000}
            )
            task_id = r.json()["task_id"]
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and client.hget(
                f"lotostats:v2:jobs:{task_id}", "state"
            ) not in (b"STARTED", b"PROGRESS", b"SUCCESS"):
                time.sleep(0.001)
            worker.kill()
            if client.hget(f"lotostats:v2:jobs:{task_id}", "state") != b"SUCCESS":
                break  # killed mid-task
        else:
            pytest.fail("the worker finished every task before it could be killed")
        assert api.get(r.json()["status_url"]).json()["state"] in ("STARTED", "PROGRESS")
        final, _ = wait_for(api, r.json()["status_url"], timeout=10)
        assert final["state"] == "FAILURE"
        assert "worker lost" in final["error"]
        assert api.get(r.json()["status_url"]).json()["state"] == "FAILURE"  # and it stays so


def test_the_worker_log_holds_only_the_start_of_a_result(api: TestClient, worker: Worker) -> None:
    """Celery logs the start of each result (saferepr walks it token by token): 128 characters."""
    body = api.post("/api/euromillions/generate-advanced", json={"count": 100, "seed": 3}).json()
    final, _ = wait_for(api, body["status_url"])
    assert final["state"] == "SUCCESS", final
    deadline = time.monotonic() + 30
    while (line := _succeeded_line(worker.log_text(), body["task_id"])) is None:
        assert time.monotonic() < deadline, "no 'succeeded' line for the task"
        time.sleep(0.05)
    shown = line.split("s: ", 1)[1]  # "... succeeded in 0.0115s: {'game': ..."
    assert shown.startswith("{'game': 'euromillions'")
    assert len(shown) <= 128 + len("...}") + 10, shown


def _succeeded_line(log: str, task_id: str) -> str | None:
    return next((line for line in log.splitlines() if task_id in line and "succeeded in" in line), None)
