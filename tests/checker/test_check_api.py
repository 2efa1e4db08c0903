"""POST /api/{game}/check: 200 direct, 202 on a real Celery worker, by generation task id, every 4xx."""

from __future__ import annotations

from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from config.settings import Settings
from serving.jobs import JOBS_PREFIX
from tests.checker.conftest import QUEUED_ABOVE
from tests.generation.conftest import Worker
from tests.generation.test_generation import wait_for

GOOD = {"numbers": [2, 12, 20, 38, 45], "bonus": [2, 5]}


def jobs(settings: Settings) -> list[bytes]:
    """Job records in the job store (none may appear for a refused request)."""
    return list(redis.Redis.from_url(settings.redis_url).scan_iter(f"{JOBS_PREFIX}:*"))


def test_small_check_answers_at_once(api: TestClient, gen_settings: Settings) -> None:
    res = api.post("/api/euromillions/check", json={"tickets": [GOOD], "window": {"from": "2020-01-01"}})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["window"] == {"from": "2020-01-01"}
    assert body["draws"]["first"] >= "2020-01-01"
    assert body["totals"]["tickets"] == 1
    ticket = body["tickets"][0]
    assert ticket["draws_played"] == body["draws"]["count"] < QUEUED_ABOVE
    assert ticket["exact_combination_drawn"] == ["2026-05-19"]
    assert ticket["net_cents"] == ticket["won_cents"] - ticket["cost_cents"]
    assert ticket["cost_cents"] > 0
    assert ticket["price_sources"]
    assert jobs(gen_settings) == []


@pytest.mark.slow
def test_large_check_runs_on_the_worker_with_progress(
    api: TestClient, worker: Worker, gen_settings: Settings
) -> None:
    """3 tickets x the whole history > QUEUED_ABOVE: 202, progress, and the same answer as a direct check."""
    tickets = [
        GOOD,
        {"numbers": [1, 2, 3, 4, 5], "bonus": [11, 12]},
        {"numbers": [10, 20, 30, 40, 50], "bonus": [1, 2]},
    ]
    res = api.post("/api/euromillions/check", json={"tickets": tickets})
    assert res.status_code == 202, res.text
    accepted = res.json()
    assert (
        res.headers["Location"]
        == accepted["status_url"]
        == f"/api/euromillions/task-status/{accepted['task_id']}"
    )
    final, seen = wait_for(api, accepted["status_url"])
    assert final["state"] == "SUCCESS", final
    assert final["progress"] == {"done": 3, "total": 3}
    assert {s["state"] for s in seen} <= {"PENDING", "STARTED", "PROGRESS", "SUCCESS"}
    queued = final["result"]
    direct = [api.post("/api/euromillions/check", json={"tickets": [t]}).json() for t in tickets[:1]]
    assert direct[0]["tickets"][0] == queued["tickets"][0]
    assert queued["totals"]["tickets"] == 3
    assert queued["tickets"][1]["not_playable"][0]["from"] == "2004-02-13"
    assert api.get(f"/api/loto/task-status/{accepted['task_id']}").status_code == 404


@pytest.mark.slow
def test_check_the_grids_of_a_generation(api: TestClient, worker: Worker) -> None:
    gen = api.post("/api/loto/generate-advanced", json={"count": 4, "seed": 3}).json()
    final, _ = wait_for(api, gen["status_url"])
    assert final["state"] == "SUCCESS", final
    grids = final["result"]["grids"]
    res = api.post("/api/loto/check", json={"task_id": gen["task_id"], "window": {"last": 100}})
    assert res.status_code == 200, res.text
    checked = res.json()["tickets"]
    assert [(t["numbers"], t["bonus"]) for t in checked] == [(g["numbers"], g["bonus"]) for g in grids]
    assert all(t["draws_played"] == 100 for t in checked)
    by_tickets = api.post(
        "/api/loto/check",
        json={
            "tickets": [{"numbers": g["numbers"], "bonus": g["bonus"]} for g in grids],
            "window": {"last": 100},
        },
    ).json()["tickets"]
    assert by_tickets == checked
    # another game's task id is unknown here
    assert api.post("/api/euromillions/check", json={"task_id": gen["task_id"]}).status_code == 404


def test_unfinished_generation_is_409_and_unknown_is_404(api: TestClient) -> None:
    """No worker listens on this queue: the generation stays PENDING."""
    gen = api.post("/api/euromillions/generate-advanced", json={"count": 2}).json()
    res = api.post("/api/euromillions/check", json={"task_id": gen["task_id"]})
    assert res.status_code == 409
    assert res.json()["detail"][0]["loc"] == ["body", "task_id"]
    assert "PENDING" in res.json()["detail"][0]["msg"]
    res = api.post("/api/euromillions/check", json={"task_id": "no-such-task"})
    assert res.status_code == 404
    assert res.json()["detail"][0]["loc"] == ["body", "task_id"]


def _ticket(numbers: list[int], bonus: list[int]) -> dict[str, Any]:
    return {"numbers": numbers, "bonus": bonus}


@pytest.mark.parametrize(
    ("body", "loc", "reason"),
    [
        (
            {"tickets": [GOOD, _ticket([1, 2, 3, 4, 51], [1, 2])]},
            ["body", "tickets", 1, "numbers"],
            "number 51 outside 1..50",
        ),
        (
            {"tickets": [_ticket([1, 2, 3, 4, 4], [1, 2])]},
            ["body", "tickets", 0, "numbers"],
            "repeated number",
        ),
        (
            {"tickets": [_ticket([1, 2, 3, 4], [1, 2])]},
            ["body", "tickets", 0, "numbers"],
            "has 5 number(s), got 4",
        ),
        (
            {"tickets": [_ticket([1, 2, 3, 4, 5], [1, 13])]},
            ["body", "tickets", 0, "bonus"],
            "star 13 outside 1..12",
        ),
        ({"tickets": [_ticket([1, 2, 3, 4, 5], [2, 2])]}, ["body", "tickets", 0, "bonus"], "repeated star"),
        (
            {"tickets": [_ticket([1, 2, 3, 4, 5], [])]},
            ["body", "tickets", 0, "bonus"],
            "has 2 star(s), got 0",
        ),
        (
            {"tickets": [_ticket([1, 2, 3, 4, 5], [1, 12])], "window": {"to": "2016-09-26"}},
            ["body", "tickets", 0, "bonus"],
            "playable on no draw of the window: star 12 outside 1..11",
        ),
        ({"tickets": [GOOD] * 51}, ["body", "tickets"], "at most 50 tickets per check, got 51"),
        ({"tickets": [GOOD], "window": {"year": 1990}}, ["body", "window"], "no euromillions draws match"),
        ({"tickets": [GOOD], "window": {"month": 3}}, ["query", "month"], "month needs a year"),
        ({"tickets": [GOOD], "window": {"last": 10**6}}, ["query", "last"], "last must be at most"),
        ({"tickets": [GOOD], "task_id": "x"}, ["body"], "either tickets or task_id"),
        ({}, ["body"], "either tickets or task_id"),
        ({"tickets": []}, ["body", "tickets"], "at least 1 item"),
        ({"tickets": [GOOD], "extra": 1}, ["body", "extra"], "Extra inputs are not permitted"),
    ],
)
def test_bad_requests_are_422_before_anything_runs(
    api: TestClient, gen_settings: Settings, body: dict[str, Any], loc: list[Any], reason: str
) -> None:
    res = api.post("/api/euromillions/check", json=body)
    assert res.status_code == 422, res.text
    items = res.json()["detail"]
    assert any(item["loc"][: len(loc)] == loc and reason in item["msg"] for item in items), items
    assert jobs(gen_settings) == []


def test_loto_chance_number_out_of_range(api: TestClient) -> None:
    res = api.post("/api/loto/check", json={"tickets": [_ticket([1, 2, 3, 4, 5], [11])]})
    assert res.status_code == 422
    assert res.json()["detail"][0] == {
        "loc": ["body", "tickets", 0, "bonus"],
        "msg": "chance number 11 outside 1..10",
        "type": "CheckRequestError",
    }


def test_many_bad_tickets_list_ten_reasons_and_count_the_rest(api: TestClient) -> None:
    res = api.post("/api/euromillions/check", json={"tickets": [_ticket([1, 2, 3, 4, 99], [1, 2])] * 30})
    body = res.json()
    assert res.status_code == 422
    assert len(body["detail"]) == 10
    assert body["more_errors"] == 20


def test_schema_ceiling_and_body_limit(api: TestClient, gen_settings: Settings) -> None:
    """10,001 tickets break the schema's ceiling (422); a body above API_MAX_CHECK_BODY_BYTES is 413."""
    res = api.post("/api/euromillions/check", json={"tickets": [GOOD] * 10_001})
    assert res.status_code == 422
    assert res.json()["detail"][0]["loc"] == ["body", "tickets"]
    huge = b'{"tickets": [' + b" " * (gen_settings.api_max_check_body_bytes + 1) + b"]}"
    res = api.post("/api/euromillions/check", content=huge, headers={"Content-Type": "application/json"})
    assert res.status_code == 413
    # the default limit still holds elsewhere
    big = b'{"count": 1' + b" " * (gen_settings.api_max_body_bytes + 1) + b"}"
    res = api.post(
        "/api/euromillions/generate-advanced", content=big, headers={"Content-Type": "application/json"}
    )
    assert res.status_code == 413
    assert jobs(gen_settings) == []
