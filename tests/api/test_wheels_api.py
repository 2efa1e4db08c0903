"""POST /api/{game}/wheel answered inline: the verified wheel, its cost and odds; every 422 before work."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from lottery import wheel_table
from lottery.games import Game
from lottery.prices import price_on
from tests.redis_fixtures import BROKER_DB, redis_server_url

EXAMPLE = {
    "numbers": [3, 7, 11, 19, 23, 28, 34, 41, 45, 50],
    "guarantee": {"match": 3, "if_drawn": 4},
    "seed": 1,
}


@pytest.fixture
def client(redis_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The app on the test's Redis; no serving snapshot is needed for wheels."""
    settings = Settings(
        serving_dir=tmp_path / "serving",
        redis_url=redis_url,
        celery_broker_url=f"{redis_server_url()}/{BROKER_DB}",
    )
    with TestClient(create_app(settings)) as c:
        yield c


def covered(numbers: list[int], tickets: list[dict[str, Any]], t: int, m: int) -> bool:
    return all(
        any(len(set(ticket["numbers"]) & set(drawn)) >= t for ticket in tickets)
        for drawn in combinations(numbers, m)
    )


def test_inline_wheel_is_verified_priced_and_deterministic(client: TestClient) -> None:
    response = client.post("/api/euromillions/wheel", json=EXAMPLE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert body["subsets_checked"] == 210
    assert body["count"] == len(body["tickets"]) >= body["lower_bound"]["value"] == 4
    assert "counting bound" in body["lower_bound"]["name"]
    assert body["full_wheel"] == 252
    assert covered(EXAMPLE["numbers"], body["tickets"], 3, 4)  # independent of the server's check
    price = price_on(Game.EUROMILLIONS, date.today())
    assert price is not None
    assert body["cost"]["cents"] == price.cents * body["count"]
    assert body["cost"]["source"] == price.source
    assert body["p_condition"]["numerator"] == 309
    assert body["p_condition"]["denominator"] == 75670
    assert "same as for any tickets" in body["note"]
    again = client.post("/api/euromillions/wheel", json=EXAMPLE).json()
    assert again["tickets"] == body["tickets"]


def test_answer_is_the_tables_wheel_with_its_bound_and_best_known(client: TestClient) -> None:
    """10 numbers, 4 if 4: the table's 51 tickets (C(10,5,4) = 51), Schönheim bound 50 beside it."""
    numbers = [4, 9, 12, 17, 22, 26, 31, 38, 43, 47]
    body = {"numbers": numbers, "guarantee": {"match": 4, "if_drawn": 4}, "seed": 5}
    response = client.post("/api/euromillions/wheel", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["count"] == wheel_table.design(10, 4, 4).size == 51
    assert answer["lower_bound"]["value"] == 50
    assert answer["best_known"]["value"] == 51
    assert answer["best_known"]["source"] == "A066010"
    assert "A066010" in answer["best_known"]["citation"]
    assert answer["optimal"] is False
    assert answer["search"]["from_table"] is True
    assert covered(numbers, answer["tickets"], 4, 4)
    # a design without a published record: best_known is null, the bound is still there
    open_design = {"numbers": list(range(1, 17)), "guarantee": {"match": 3, "if_drawn": 5}}
    answer = client.post("/api/euromillions/wheel", json=open_design).json()
    design = wheel_table.design(16, 3, 5)
    assert answer["count"] == design.size
    assert answer["lower_bound"]["value"] == design.lower_bound
    assert "best_known" in answer
    assert (answer["best_known"] is None) == (design.best_known is None)
    assert answer["optimal"] is design.optimal


def test_inline_loto_wheel_with_chance_number(client: TestClient) -> None:
    body = {
        "numbers": [2, 9, 14, 22, 31, 38, 44],
        "bonus": [4],
        "guarantee": {"match": 2, "if_drawn": 2},
        "seed": 9,
    }
    response = client.post("/api/loto/wheel", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert all(t["bonus"] == [4] for t in answer["tickets"])
    assert "Schönheim" in answer["lower_bound"]["name"]
    assert covered(body["numbers"], answer["tickets"], 2, 2)


@pytest.mark.parametrize(
    ("game", "body", "loc", "reason"),
    [
        (
            "euromillions",
            {"numbers": [1, 2, 3, 4, 51], "guarantee": {"match": 2, "if_drawn": 2}},
            ["body", "numbers"],
            "not a ball",
        ),
        (
            "loto",
            {"numbers": [1, 2, 3, 4, 50], "guarantee": {"match": 2, "if_drawn": 2}},
            ["body", "numbers"],
            "1..49",
        ),
        (
            "euromillions",
            {"numbers": [0, 2, 3, 4, 5], "guarantee": {"match": 2, "if_drawn": 2}},
            ["body", "numbers", 0],
            "greater than or equal to 1",
        ),
        (
            "euromillions",
            {"numbers": [1, 2, 2, 4, 5, 6], "guarantee": {"match": 2, "if_drawn": 2}},
            ["body", "numbers"],
            "twice",
        ),
        (
            "euromillions",
            {"numbers": list(range(1, 22)), "guarantee": {"match": 2, "if_drawn": 2}},
            ["body", "numbers"],
            "at most 20",
        ),
        (
            "euromillions",
            {"numbers": [1, 2, 3], "guarantee": {"match": 2, "if_drawn": 2}},
            ["body", "numbers"],
            "at least 5",
        ),
        (
            "euromillions",
            {"numbers": list(range(1, 11)), "guarantee": {"match": 4, "if_drawn": 3}},
            ["body", "guarantee"],
            "cannot exceed",
        ),
        (
            "euromillions",
            {"numbers": list(range(1, 11)), "guarantee": {"match": 3, "if_drawn": 6}},
            ["body", "guarantee"],
            "at most 5",
        ),
        (
            "euromillions",
            {"numbers": list(range(1, 11)), "guarantee": {"match": 0, "if_drawn": 3}},
            ["body", "guarantee", "match"],
            "greater than or equal to 1",
        ),
        (
            "euromillions",
            {"numbers": list(range(1, 11)), "guarantee": {"match": 2}},
            ["body", "guarantee", "if_drawn"],
            "Field required",
        ),
        (
            "euromillions",
            {"numbers": list(range(1, 11)), "bonus": [13], "guarantee": {"match": 2, "if_drawn": 3}},
            ["body", "bonus"],
            "1..12",
        ),
        (
            "euromillions",
            {"numbers": list(range(1, 11)), "bonus": [3], "guarantee": {"match": 2, "if_drawn": 3}},
            ["body", "bonus"],
            "none or at least 2",
        ),
        (
            "euromillions",
            {"numbers": list(range(1, 21)), "guarantee": {"match": 5, "if_drawn": 5}},
            ["body", "guarantee"],
            "at least 15504 tickets",
        ),
        (
            "euromillions",
            {"numbers": list(range(1, 11)), "guarantee": {"match": 2, "if_drawn": 2}, "seed": -1},
            ["body", "seed"],
            "greater than or equal to 0",
        ),
        (
            "euromillions",
            {"numbers": list(range(1, 11)), "guarantee": {"match": 2, "if_drawn": 2}, "extra": 1},
            ["body", "extra"],
            "Extra inputs",
        ),
    ],
)
def test_bad_input_is_422_with_reason_before_anything_is_queued(
    client: TestClient, redis_url: str, game: str, body: dict[str, Any], loc: list[Any], reason: str
) -> None:
    broker = redis.Redis.from_url(f"{redis_server_url()}/{BROKER_DB}")
    broker.flushdb()
    response = client.post(f"/api/{game}/wheel", json=body)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == loc
    assert reason in detail["msg"]
    assert broker.dbsize() == 0  # nothing queued
    assert not redis.Redis.from_url(redis_url).keys("lotostats:v1:jobs:*")  # no job record


def test_too_long_a_search_is_422(redis_url: str, tmp_path: Path) -> None:
    settings = Settings(serving_dir=tmp_path, redis_url=redis_url, wheel_max_search_s=0.001)
    with TestClient(create_app(settings)) as c:
        response = c.post("/api/euromillions/wheel", json=EXAMPLE)
    assert response.status_code == 422
    assert "too large a search" in response.json()["detail"][0]["msg"]
