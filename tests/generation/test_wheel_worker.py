"""Wheels queued to a real Celery worker (WHEEL_INLINE_MAX_S=0): 202, progress, the same answer inline."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from lottery import wheel_table
from lottery.games import Game
from lottery.wheels import check_wheel, estimate_seconds
from tests.generation.conftest import Worker, generation_settings
from tests.generation.test_generation import wait_for
from tests.serving_fixtures import Published

pytestmark = pytest.mark.slow
BIG = {"numbers": list(range(31, 51)), "guarantee": {"match": 3, "if_drawn": 3}, "seed": 4}


def test_queued_wheel_reports_progress(queue_all: tuple[TestClient, TestClient]) -> None:
    api, _ = queue_all
    spec = check_wheel(Game.EUROMILLIONS, BIG["numbers"], 3, 3)
    assert estimate_seconds(spec) > 0  # queued because WHEEL_INLINE_MAX_S is 0
    response = api.post("/api/euromillions/wheel", json=BIG)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status_url"] == f"/api/euromillions/task-status/{body['task_id']}"
    final, seen = wait_for(api, body["status_url"], timeout=120)
    assert final["state"] == "SUCCESS", final
    assert final["progress"]["done"] == final["progress"]["total"] > 0
    done = [s["progress"]["done"] for s in seen]
    assert done == sorted(done)
    assert {s["state"] for s in seen} <= {"PENDING", "STARTED", "PROGRESS", "SUCCESS"}
    result = final["result"]
    assert result["verified"] is True
    assert result["subsets_checked"] == 1140
    tickets = [set(t["numbers"]) for t in result["tickets"]]
    assert all(any(len(t & set(d)) >= 3 for t in tickets) for d in combinations(BIG["numbers"], 3))
    assert result["count"] >= result["lower_bound"]["value"]
    assert result["count"] == wheel_table.design(20, 3, 3).size  # the table's wheel


@pytest.fixture
def queue_all(
    published: Published, redis_url: str, tmp_path: Path
) -> Iterator[tuple[TestClient, TestClient]]:
    """One app that queues every wheel (WHEEL_INLINE_MAX_S=0) with its worker, one that answers inline."""
    settings = generation_settings(
        published, redis_url, f"lotostats.test.{uuid.uuid4().hex[:8]}", wheel_inline_max_s=0
    )
    w = Worker(settings, tmp_path / "worker.log")
    w.start()
    try:
        with (
            TestClient(create_app(settings)) as queued,
            TestClient(
                create_app(Settings(serving_dir=published.serving_dir, redis_url=redis_url))
            ) as inline,
        ):
            yield queued, inline
    finally:
        w.stop()


def test_queued_and_inline_answers_agree(queue_all: tuple[TestClient, TestClient]) -> None:
    queued, inline = queue_all
    body = {
        "numbers": [3, 7, 11, 19, 23, 28, 34, 41, 45, 50],
        "guarantee": {"match": 3, "if_drawn": 4},
        "seed": 1,
    }
    accepted = queued.post("/api/euromillions/wheel", json=body)
    assert accepted.status_code == 202
    final, _ = wait_for(queued, accepted.json()["status_url"], timeout=60)
    assert final["state"] == "SUCCESS", final
    direct = inline.post("/api/euromillions/wheel", json=body)
    assert direct.status_code == 200
    assert final["result"]["tickets"] == direct.json()["tickets"]  # same seed, other process
