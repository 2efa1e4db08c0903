"""The HTTP API against a real serving snapshot and a real Redis (in-process ASGI, real lifespan)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
import redis
from fastapi.testclient import TestClient

from api.errors import ErrorBody
from api.main import create_app
from config.settings import Settings
from lottery.games import Game
from lottery.stats.models import StatsFilter
from serving import cache
from serving.snapshot import precomputed_entries, read_manifest
from warehouse.statistics import compute_full, compute_quick


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app with its lifespan running."""
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def warehouse_con(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the warehouse the snapshot was published from."""
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    yield con
    con.close()


def test_quick_stats_are_the_engine_figures_and_a_hit_after_warming(
    client: TestClient, settings: Settings, warehouse_con: duckdb.DuckDBPyConnection
) -> None:
    """Warmed keys are served as HIT, byte-identical to what the engine computes on the warehouse."""
    written = cache.warm(
        redis.Redis.from_url(settings.redis_url), precomputed_entries(settings.serving_dir, settings)
    )
    assert written > 2 * (1 + 23 + 12 * 20)  # quick + full for all, years, months, last-N, both games
    response = client.get("/api/euromillions/quick-stats", params={"year": 2025})
    assert response.status_code == 200
    assert response.headers["x-cache"] == "HIT"
    expected = compute_quick(warehouse_con, Game.EUROMILLIONS, StatsFilter(year=2025))
    assert response.json() == json.loads(expected.model_dump_json())
    assert response.json()["draw_count"] == 104
    manifest = read_manifest(settings.serving_dir)
    assert manifest is not None
    assert response.json()["data_version"] == manifest.version(Game.EUROMILLIONS)


def test_miss_then_hit_for_a_window_nothing_precomputed(
    client: TestClient, warehouse_con: duckdb.DuckDBPyConnection
) -> None:
    """An ad-hoc window is computed from the snapshot once, then served from the cache."""
    params = {"from": "2020-01-01", "to": "2020-06-30"}
    first = client.get("/api/euromillions/stats", params=params)
    second = client.get("/api/euromillions/stats", params=params)
    assert (first.status_code, first.headers["x-cache"]) == (200, "MISS")
    assert (second.status_code, second.headers["x-cache"]) == (200, "HIT")
    assert first.content == second.content
    engine = compute_full(
        warehouse_con, Game.EUROMILLIONS, StatsFilter(date_from=date(2020, 1, 1), date_to=date(2020, 6, 30))
    )
    assert first.json() == json.loads(engine.model_dump_json())
    assert first.json()["draw_count"] == 52


def test_precomputed_scope_on_a_cold_cache_is_a_miss_served_from_the_snapshot(client: TestClient) -> None:
    """Without warming, the first quick-stats request is a MISS, the second a HIT."""
    assert client.get("/api/loto/quick-stats").headers["x-cache"] == "MISS"
    again = client.get("/api/loto/quick-stats")
    assert again.headers["x-cache"] == "HIT"
    assert again.json()["draw_count"] == 2600
    assert again.json()["first_draw"]["draw_date"] == "2008-10-06"


@pytest.mark.parametrize(
    ("url", "status", "field", "words"),
    [
        ("/api/euromillions/quick-stats?month=3", 422, "month", "needs a year"),
        ("/api/euromillions/quick-stats?year=2025&month=13", 422, "month", "less than or equal to 12"),
        ("/api/euromillions/quick-stats?year=2025&month=0", 422, "month", "greater than or equal to 1"),
        ("/api/euromillions/quick-stats?year=twenty", 422, "year", "valid integer"),
        ("/api/euromillions/stats?from=2021-01-01&to=2020-01-01", 422, "from", "is after"),
        ("/api/euromillions/stats?last=0", 422, "last", "greater than or equal to 1"),
        ("/api/euromillions/draws?limit=0", 422, "limit", "greater than or equal to 1"),
        ("/api/euromillions/draws?from=2020-13-01", 422, "from", "valid date"),
        ("/api/bingo/quick-stats", 404, "game", "unknown game 'bingo'"),
        ("/api/euromillions/quick-stats?year=2003", 404, "year", "draws run from 2004-02-13"),
    ],
)
def test_bad_parameters_say_which_field_and_why(
    client: TestClient, url: str, status: int, field: str, words: str
) -> None:
    """422 for parameters that can never work, 404 for unknown games and empty windows."""
    response = client.get(url)
    assert response.status_code == status, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == field
    assert words in detail["msg"]


def test_draws_are_listed_newest_first_with_prize_tiers(client: TestClient) -> None:
    """Paging, date range and the prize tiers of each draw."""
    page = client.get(
        "/api/euromillions/draws", params={"from": "2025-01-01", "to": "2025-12-31", "limit": 3}
    )
    body = page.json()
    assert page.status_code == 200
    assert body["total"] == 104
    assert [d["draw_date"] for d in body["draws"]] == ["2025-12-30", "2025-12-26", "2025-12-23"]
    tiers = body["draws"][0]["prize_tiers"]
    main = [t for t in tiers if t["prize_table"] == "main"]
    assert [t["pattern"] for t in main[:3]] == ["5+2", "5+1", "5+0"]
    assert len(main) == 13
    window = {"from": "2025-01-01", "to": "2025-12-31", "limit": 1, "offset": 1}
    assert (
        client.get("/api/euromillions/draws", params=window).json()["draws"][0]["draw_date"] == "2025-12-26"
    )


def test_latest_draw(client: TestClient) -> None:
    """The latest draw of each game, with draw order and prizes."""
    em = client.get("/api/euromillions/draws/latest").json()
    assert em["draw_date"] == "2026-05-19"
    assert em["numbers"] == [2, 12, 20, 38, 45]
    assert em["balls_drawn"] == [12, 20, 45, 38, 2]
    assert em["bonus"] == [2, 5]
    loto = client.get("/api/loto/draws/latest").json()
    assert (loto["draw_date"], loto["numbers"], loto["bonus"]) == ("2025-05-14", [12, 31, 34, 42, 43], [10])
    assert loto["prize_tiers"][0]["pattern"] == "5+1"


def test_health_and_metrics(client: TestClient) -> None:
    """Health lists every dependency; /metrics counts requests and cache outcomes."""
    health = client.get("/health")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok"
    assert {k: v["ok"] for k, v in body["checks"].items()} == {
        "redis": True,
        "celery_broker": True,
        "snapshot": True,
    }
    client.get("/api/euromillions/quick-stats")
    client.get("/api/euromillions/quick-stats")
    text = client.get("/metrics").text
    assert 'lotostats_cache_total{kind="quick",status="MISS"} 1.0' in text
    assert 'lotostats_cache_total{kind="quick",status="HIT"} 1.0' in text
    assert (
        'lotostats_http_requests_total{method="GET",route="/api/{game}/quick-stats",status="200"} 2.0' in text
    )
    assert "lotostats_http_request_duration_seconds_bucket" in text


def test_hit_and_miss_counters_reach_redis_per_day(settings: Settings) -> None:
    """Counters are flushed to Redis, where any process can read the day's hit rate."""
    with TestClient(create_app(settings)) as c:
        for _ in range(3):
            c.get("/api/euromillions/quick-stats", params={"year": 2024})
    # The lifespan's shutdown flushes what the 1 s loop had not written yet.
    days = cache.read_counters(redis.Redis.from_url(settings.redis_url), 1)
    assert days[-1]["misses"] == 1
    assert days[-1]["hits"] == 2
    assert days[-1]["hit_rate"] == pytest.approx(2 / 3)


def test_snapshot_missing_is_a_503_that_says_to_run_the_pipeline(tmp_path: Path, redis_url: str) -> None:
    """Before the first pipeline run there is nothing to serve: say so."""
    settings = Settings(serving_dir=tmp_path / "nothing", redis_url=redis_url)
    with TestClient(create_app(settings)) as c:
        response = c.get("/api/euromillions/quick-stats")
        assert response.status_code == 503
        assert "run the pipeline" in response.json()["detail"][0]["msg"]
        health = c.get("/health")
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"


def test_in_process_hits_are_byte_identical_to_the_route(client: TestClient) -> None:
    """The fast path (in-process copy) answers exactly what the FastAPI route answered."""
    url = "/api/euromillions/stats?year=2024&month=2"
    first = client.get(url)
    second = client.get(url)  # served from the in-process layer, before routing
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
    assert first.content == second.content
    assert second.headers["content-type"] == "application/json"
    text = client.get("/metrics").text
    assert 'lotostats_http_requests_total{method="GET",route="/api/{game}/stats",status="200"} 2.0' in text


@pytest.mark.parametrize(
    ("kind", "query", "scope"),
    [
        (cache.CacheKind.QUICK, b"year=2025", "2025"),
        (cache.CacheKind.QUICK, b"month=3&year=2025", "2025-03"),
        (cache.CacheKind.QUICK, b"", "all"),
        (cache.CacheKind.FULL, b"last=50", "last50"),
        (cache.CacheKind.FULL, b"from=2020-01-01&to=2020-06-30", "2020-01-01..2020-06-30"),
        (cache.CacheKind.QUICK, b"last=50", None),  # not a quick-stats parameter: FastAPI answers
        (cache.CacheKind.QUICK, b"year=2025&year=2024", None),
        (cache.CacheKind.QUICK, b"month=3", None),  # invalid: the route gives the 422
        (cache.CacheKind.QUICK, b"year=%FF", None),
    ],
)
def test_fast_path_only_takes_queries_it_parses_exactly_like_the_route(
    kind: cache.CacheKind, query: bytes, scope: str | None
) -> None:
    """Anything unusual goes on to FastAPI, which validates it."""
    from api.fastpath import parse_filters

    parsed = parse_filters(kind, query)
    assert (parsed.scope if parsed else None) == scope


def test_every_error_has_one_shape(settings: Settings, tmp_path: Path, redis_url: str) -> None:
    """404 (game, route, task, report), 405, 422 and 503 all answer {"detail": [{loc, msg, type}]}."""
    with TestClient(create_app(settings.model_copy(update={"reports_dir": tmp_path / "reports"}))) as client:
        answers = _error_answers(client)
    with TestClient(create_app(Settings(serving_dir=tmp_path / "none", redis_url=redis_url))) as empty:
        answers["no snapshot"] = empty.get("/api/euromillions/quick-stats")
    expected = {
        "unknown game": 404, "unknown route": 404, "method": 405, "bad filter": 422, "no draws": 404,
        "unknown task": 404, "no report": 404, "no snapshot": 503,
    }  # fmt: skip
    for name, response in answers.items():
        assert response.status_code == expected[name], name
        body = ErrorBody.model_validate(response.json())
        assert body.detail, name
        assert body.detail[0].msg, name
    assert answers["unknown task"].json()["detail"][0]["loc"] == ["path", "task_id"]
    assert answers["bad filter"].json()["detail"][0]["loc"] == ["query", "month"]


def _error_answers(client: TestClient) -> dict:
    return {
        "unknown game": client.get("/api/keno/quick-stats"),
        "unknown route": client.get("/api/euromillions/nothing-here"),
        "method": client.delete("/api/euromillions/quick-stats"),
        "bad filter": client.get("/api/euromillions/quick-stats", params={"month": 3}),
        "no draws": client.get("/api/euromillions/stats", params={"year": 1999}),
        "unknown task": client.get("/api/euromillions/task-status/abc"),
        "no report": client.get("/api/euromillions/reports/latest"),
    }


def test_every_endpoint_has_a_response_model_in_openapi(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    metrics = paths["/api/{game}/performance-metrics"]["get"]["responses"]
    assert metrics["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PerformanceMetrics"
    }
    for path, operations in paths.items():
        for method, operation in operations.items():
            for status in ("404", "422", "503"):
                if status in operation["responses"] and path.startswith("/api/"):
                    schema = operation["responses"][status]["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (path, method, status)
