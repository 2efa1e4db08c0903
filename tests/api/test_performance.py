"""Performance metrics and the weekly report over HTTP, against counters and files written by the test."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
import redis
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from lottery.games import Game
from reporting.data import build_report_data
from reporting.files import write_report
from serving import cache
from serving.jobs import GenerationCount, JobDeadlines, JobStore


def generation_ended(settings: Settings, generation: GenerationCount, state: str) -> None:
    """A job recorded, claimed and ended in ``state`` as the API and a worker do it, counting
    ``generation`` in the day's metrics."""
    jobs = JobStore(redis.Redis.from_url(settings.redis_url), settings.cache_ttl_generation_s)
    deadlines, task_id = JobDeadlines.from_settings(settings), str(uuid.uuid4())
    jobs.create(task_id, "euromillions", generation.strategy, 10, queued_ttl_s=60)
    assert jobs.claim(task_id, "worker", deadlines) == "claimed"
    assert jobs.finish(task_id, "worker", state, deadlines, "", generation=generation) == state


@pytest.fixture
def client(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    """The app, with its reports folder in tmp_path."""
    with TestClient(create_app(settings.model_copy(update={"reports_dir": tmp_path / "reports"}))) as c:
        yield c


def test_metrics_report_exactly_what_the_counters_hold(client: TestClient, settings: Settings) -> None:
    """Cache counters per day and over the period, generation counts and percentiles, back-test, service."""
    r = redis.Redis.from_url(settings.redis_url)
    today = cache.today()
    yesterday = today - timedelta(days=1)
    r.hset(cache.counters_key(today), mapping={"HIT": 30, "MISS": 10, "BYPASS": 2})
    r.hset(cache.counters_key(yesterday), mapping={"HIT": 9, "MISS": 1})
    r.hset(cache.counters_key(today - timedelta(days=9)), mapping={"HIT": 1000})  # outside days=7
    for ms in (10, 20, 30, 40, 1000):
        generation_ended(settings, GenerationCount("gap_based", 10, ms / 1000), "SUCCESS")
    generation_ended(settings, GenerationCount("random", 0, 0.5), "FAILURE")

    body = client.get("/api/euromillions/performance-metrics", params={"days": 7}).json()

    assert [d["day"] for d in body["cache"]["per_day"]][-2:] == [yesterday.isoformat(), today.isoformat()]
    assert body["cache"]["per_day"][-1] == {
        "day": today.isoformat(),
        "hits": 30,
        "misses": 10,
        "bypass": 2,
        "hit_rate": 0.75,
    }
    assert (body["cache"]["hits"], body["cache"]["misses"], body["cache"]["bypass"]) == (39, 11, 2)
    assert body["cache"]["hit_rate"] == pytest.approx(39 / 50)
    gap = body["generation"]["gap_based"]
    assert (gap["generations"], gap["grids"], gap["failed"]) == (5, 50, 0)
    assert (gap["p50_ms"], gap["p95_ms"]) == (30.0, 1000.0)
    assert body["generation"]["random"]["failed"] == 1
    assert body["redis"]["keys"] >= 3
    assert body["redis"]["used_memory_bytes"] > 0
    strategies = {b["strategy"]: b for b in body["backtest"]}
    assert set(strategies) == {"frequency_based", "gap_based", "combination_based", "random"}
    assert strategies["random"]["expected_main_matches"] == pytest.approx(0.5)
    assert strategies["random"]["targets"] == 20
    assert body["service"]["data_version"].startswith("1947-")
    assert "versions" not in body["service"]
    assert "python" not in body["service"]
    assert "redis_version" not in body["redis"]
    assert "127.0.0.1" not in json.dumps(body)
    assert client.get("/api/euromillions/performance-metrics", params={"days": 91}).status_code == 422
    assert client.get("/api/euromillions/performance-metrics", params={"days": 0}).status_code == 422


def test_latest_report_is_served_as_html_and_markdown(client: TestClient, settings: Settings) -> None:
    """404 before the first report; then the HTML (charts inlined) and the Markdown."""
    missing = client.get("/api/euromillions/reports/latest")
    assert missing.status_code == 404
    assert "weekly_report" in missing.text
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        write_report(
            build_report_data(con, Game.EUROMILLIONS), client.app.state.lotostats.settings.reports_dir
        )
    html = client.get("/api/euromillions/reports/latest")
    assert html.status_code == 200
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert "2026-05-19" in html.text
    assert html.text.count("data:image/png;base64,") >= 2
    md = client.get("/api/euromillions/reports/latest", params={"format": "markdown"})
    assert md.headers["content-type"].startswith("text/markdown")
    assert "chi-square" in md.text.lower()
