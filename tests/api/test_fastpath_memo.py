"""The fast path remembers parsed query strings and keys, yet a bad query still gets FastAPI's 422
every time, and a new publication is followed at the next look at the manifest."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from lottery.games import Game
from serving.snapshot import SnapshotReader, publish
from tests.serving_fixtures import Published


def test_a_bad_query_is_validated_every_time(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        for _ in range(3):
            r = client.get("/api/euromillions/quick-stats", params={"month": 3})
            assert r.status_code == 422
            assert r.json()["detail"][0]["loc"] == ["query", "month"]
        for _ in range(2):
            assert client.get("/api/euromillions/stats?last=0").status_code == 422


def _republish_without_late_2025(warehouse: Path, serving: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("DELETE FROM draws WHERE game = 'euromillions' AND draw_date >= DATE '2025-07-01'")
        publish(con, serving)


def test_a_reader_looks_at_the_manifest_once_per_interval(published: Published, tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    shutil.copytree(published.serving_dir, serving)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(published.warehouse, warehouse)
    now = [100.0]
    reader = SnapshotReader(serving, recheck_s=0.1, clock=lambda: now[0])
    first = reader.current()
    assert first is not None
    _republish_without_late_2025(warehouse, serving)
    now[0] += 0.09
    assert reader.current() is first  # inside the interval: the manifest is not looked at
    now[0] += 0.02
    newer = reader.current()
    assert newer is not None
    assert newer is not first
    assert newer.manifest.version(Game.EUROMILLIONS) != first.manifest.version(Game.EUROMILLIONS)
    reader.close()


def test_hits_follow_a_new_publication_at_the_next_request(
    published: Published, redis_url: str, tmp_path: Path
) -> None:
    serving = tmp_path / "serving"
    shutil.copytree(published.serving_dir, serving)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(published.warehouse, warehouse)
    # Looking at every request (SERVING_RECHECK_S=0): the first request after publish sees it.
    settings = Settings(
        serving_dir=serving, warehouse_path=warehouse, redis_url=redis_url, serving_recheck_s=0
    )
    url = "/api/euromillions/quick-stats?year=2025"
    with TestClient(create_app(settings)) as client:
        client.get(url)
        before = client.get(url)
        assert before.headers["x-cache"] == "HIT"
        _republish_without_late_2025(warehouse, serving)
        after = client.get(url)
        assert after.headers["x-cache"] != "HIT"
        assert after.json()["data_version"] != before.json()["data_version"]
        assert after.json()["draw_count"] < before.json()["draw_count"]
        again = client.get(url)
        assert again.headers["x-cache"] == "HIT"
        assert again.content == after.content
        text = client.get("/metrics").text
        assert 'lotostats_cache_total{kind="quick",status="HIT"} 2.0' in text
