"""``GET /api/{game}/trends`` against a real serving snapshot and Redis.

Acceptance: the per-year counts equal a count per calendar year made here from FDJ's own files, read
with the csv module (no code shared with lottery.fdj or the warehouse). The per-year chi-square is the
one ``/stats?year=`` gives (one rule decides significance everywhere). Bad parameters are 422s.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from tests.fdj_files import EM_DIR, STAR_INTRODUCED, Draw, euromillions_draws


def _raw_draws() -> list[Draw]:
    """Every EuroMillions draw in FDJ's files, one per date (a later file's row wins), by date."""
    draws = {d[0]: d for path in sorted(EM_DIR.glob("*.csv")) for d in euromillions_draws(path)}
    return sorted(draws.values())


RAW = _raw_draws()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app with its lifespan running."""
    with TestClient(create_app(settings)) as c:
        yield c


def test_per_year_frequencies_equal_counts_from_fdj_files(client: TestClient) -> None:
    draws_per_year = Counter(d.year for d, _, _ in RAW)
    numbers = Counter((d.year, n) for d, ns, _ in RAW for n in ns)
    stars = Counter((d.year, s) for d, _, ss in RAW for s in ss)
    assert len(RAW) == 1947

    response = client.get("/api/euromillions/trends", params={"ball": "number", "window": "year"})
    assert response.status_code == 200, response.text
    body = response.json()
    labels = [w["label"] for w in body["windows"]]
    assert labels == [str(y) for y in sorted(draws_per_year)]
    assert [w["draws"] for w in body["windows"]] == [draws_per_year[y] for y in sorted(draws_per_year)]
    assert [s["number"] for s in body["series"]] == list(range(1, 51))
    for s in body["series"]:
        for i, label in enumerate(labels):
            year = int(label)
            assert s["count"][i] == numbers[(year, s["number"])], (label, s["number"])
            assert s["frequency"][i] == pytest.approx(numbers[(year, s["number"])] / draws_per_year[year])

    stars_body = client.get("/api/euromillions/trends", params={"ball": "bonus"}).json()
    for s in stars_body["series"]:
        star = s["number"]
        for i, label in enumerate(labels):
            year = int(label)
            eligible = sum(
                1 for d, _, _ in RAW if d.year == year and d >= STAR_INTRODUCED.get(star, date.min)
            )
            if eligible == 0:
                assert s["count"][i] is None, (label, star)  # the star did not exist that year
                continue
            assert s["count"][i] == stars[(year, star)], (label, star)
            assert s["eligible_draws"][i] == eligible
            assert s["frequency"][i] == pytest.approx(stars[(year, star)] / eligible)


def test_one_number_and_the_chi_square_of_a_year_is_the_stats_pages(client: TestClient) -> None:
    one = client.get("/api/euromillions/trends", params={"number": 7}).json()
    assert [s["number"] for s in one["series"]] == [7]
    by_label = {(c["period"], c["label"]): c for c in one["chi_square"]}
    for year in (2011, 2020, 2025):
        stats = client.get("/api/euromillions/stats", params={"year": year}).json()["randomness"]["numbers"]
        point = by_label[("year", str(year))]
        assert point["p_value"] == pytest.approx(stats["p_value"], rel=1e-12)
        assert point["level"] == stats["significance"]["level"]
        assert point["cutoff"] == stats["significance"]["cutoff"]
    everything = client.get("/api/euromillions/stats").json()["randomness"]["numbers"]
    last_cumulative = max(
        (c for c in one["chi_square"] if c["period"] == "cumulative"), key=lambda c: c["label"]
    )
    assert last_cumulative["draws"] == len(RAW)
    assert last_cumulative["p_value"] == pytest.approx(everything["p_value"], rel=1e-12)
    snapshot = [c for c in one["chi_square"] if c["period"] == "snapshot"]
    assert [c["label"] for c in snapshot] == [date.today().isoformat()]
    assert {w["strategy"] for w in one["backtests"]} >= {"random"}
    assert {w["run_date"] for w in one["backtests"]} == {date.today().isoformat()}


def test_rolling_windows_hold_100_draws_at_month_ends(client: TestClient) -> None:
    body = client.get("/api/loto/trends", params={"window": "rolling", "ball": "bonus", "number": 3}).json()
    assert body["rolling_draws"] == 100
    assert {w["draws"] for w in body["windows"]} == {100}
    assert len({w["label"] for w in body["windows"]}) == len(body["windows"])
    assert {c["period"] for c in body["chi_square"]} == {"rolling", "snapshot"}


def test_cached_with_the_data_version_in_the_key(client: TestClient, settings: Settings) -> None:
    params = {"ball": "bonus", "window": "year", "number": 2}
    first = client.get("/api/loto/trends", params=params)
    second = client.get("/api/loto/trends", params=params)
    assert first.headers["x-cache"] == "MISS"
    assert second.headers["x-cache"] == "HIT"
    assert second.content == first.content
    assert first.json()["data_version"] == client.get("/api/loto/quick-stats").json()["data_version"]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("euromillions", {"ball": "stars"}, "ball"),
        ("euromillions", {"window": "month"}, "window"),
        ("euromillions", {"number": 0}, "number"),
        ("euromillions", {"number": 51}, "number"),
        ("euromillions", {"number": "x"}, "number"),
        ("euromillions", {"ball": "bonus", "number": 13}, "number"),
        ("loto", {"number": 50}, "number"),
        ("loto", {"ball": "bonus", "number": 11}, "number"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(
    client: TestClient, path: str, params: dict[str, object], field: str
) -> None:
    response = client.get(f"/api/{path}/trends", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["query", field]


def test_unknown_game_is_404(client: TestClient) -> None:
    assert client.get("/api/keno/trends").status_code == 404


def test_a_snapshot_published_before_the_trend_tables_is_a_404_saying_why(
    settings: Settings, tmp_path: Path
) -> None:
    """An older serving snapshot (no trend tables) answers 404 with the assets to run, never a 500."""
    old = tmp_path / "serving"
    shutil.copytree(settings.serving_dir, old)
    manifest = json.loads((old / "manifest.json").read_text())
    with duckdb.connect(str(old / manifest["snapshot"])) as con:
        for table in ("trend_balls", "trend_chi_square", "trend_backtests"):
            con.execute(f"DROP TABLE {table}")
    with TestClient(create_app(settings.model_copy(update={"serving_dir": old}))) as c:
        response = c.get("/api/euromillions/trends")
        assert response.status_code == 404
        assert "materialise euromillions_trends and serving_snapshot" in response.json()["detail"][0]["msg"]
        assert c.get("/api/euromillions/quick-stats").status_code == 200
