"""analysis/: typed DataFrames from a published snapshot, equal to the warehouse's SQL and the API."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from fastapi.testclient import TestClient

import analysis
from api.main import create_app
from config.settings import Settings
from lottery.games import Game, current_era
from lottery.stats.models import InvalidFilterError, StatsFilter, UnknownGameError
from serving.snapshot import ServingView, publish
from tests.analysis.conftest import DAY_BEFORE, TODAY, YESTERDAY, TwoDays
from tests.serving_fixtures import Published


@pytest.fixture(scope="module")
def view(published: Published) -> Iterator[ServingView]:
    """The published snapshot, opened the analysts' way."""
    with analysis.snapshot(published.serving_dir) as v:
        yield v


@pytest.fixture(scope="module")
def warehouse(published: Published) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse the snapshot was published from, read-only (the expected figures)."""
    con = duckdb.connect(str(published.warehouse), read_only=True)
    yield con
    con.close()


def sql_one(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> object:
    """The single value a query returns."""
    return con.execute(sql, params).fetchall()[0][0]


@pytest.mark.parametrize("game", list(Game))
def test_draws_are_typed_and_every_draw_of_the_warehouse(
    view: ServingView, warehouse: duckdb.DuckDBPyConnection, game: Game
) -> None:
    """One row per draw, oldest first; dates datetime64, balls int16 columns and sorted lists."""
    frame = analysis.draws(view, game.value)
    expected = sql_one(warehouse, "SELECT count(*) FROM draws WHERE game = ?", [game.value])
    assert len(frame) == expected == analysis.draw_count(view, game) > 1000
    era = current_era(game)
    ball_columns = [f"n{i + 1}" for i in range(era.numbers_count)] + [
        f"b{i + 1}" for i in range(era.bonus_count)
    ]
    assert list(frame.columns[:4]) == ["game", "draw_date", "numbers", "bonus"]
    assert isinstance(frame["game"].dtype, pd.CategoricalDtype)
    assert set(frame["game"].cat.categories) == {g.value for g in Game}
    assert (frame["game"] == game.value).all()
    assert str(frame["draw_date"].dtype) == "datetime64[s]"
    assert str(frame["claim_deadline"].dtype) == "datetime64[s]"
    assert all(str(frame[c].dtype) == "int16" for c in ball_columns)
    assert frame["draw_date"].is_monotonic_increasing
    first, last = sql_one(
        warehouse, "SELECT [min(draw_date), max(draw_date)] FROM draws WHERE game = ?", [game.value]
    )
    assert frame["draw_date"].iloc[0].date() == first
    assert frame["draw_date"].iloc[-1].date() == last
    row = frame.iloc[-1]
    numbers, bonus = sql_one(
        warehouse, "SELECT [numbers, bonus] FROM draws WHERE game = ? AND draw_date = ?", [game.value, last]
    )
    assert row["numbers"] == list(numbers)
    assert row["bonus"] == list(bonus)
    assert [int(row[c]) for c in ball_columns] == list(numbers) + list(bonus)
    assert all(type(b) is int for b in row["numbers"])


def test_draw_windows_match_the_statistics_windows(
    view: ServingView, warehouse: duckdb.DuckDBPyConnection
) -> None:
    """``year``, ``month``, dates and ``last`` select the draws the statistics count."""
    for filters in (
        {"year": 2025},
        {"year": 2025, "month": 3},
        {"date_from": "2020-01-01", "date_to": "2020-06-30"},
        {"last": 50},
    ):
        frame = analysis.draws(view, Game.EUROMILLIONS, **filters)
        stats = analysis.number_stats(view, Game.EUROMILLIONS, **filters)
        assert len(frame) == stats.attrs["draw_count"], filters
    assert len(analysis.draws(view, "euromillions", year=2025)) == sql_one(
        warehouse, "SELECT count(*) FROM draws WHERE game = 'euromillions' AND year(draw_date) = 2025", []
    )
    last50 = analysis.draws(view, "euromillions", last=50)
    assert last50["draw_date"].iloc[-1] == analysis.draws(view, "euromillions")["draw_date"].iloc[-1]


def test_prize_tiers_are_every_main_tier_of_the_warehouse(
    view: ServingView, warehouse: duckdb.DuckDBPyConnection
) -> None:
    """One row per draw and rank; patterns and winners typed; joinable to the draws."""
    for game in Game:
        tiers = analysis.prize_tiers(view, game)
        assert len(tiers) == sql_one(
            warehouse, "SELECT count(*) FROM prize_tiers WHERE game = ? AND kind = 'main'", [game.value]
        )
    tiers = analysis.prize_tiers(view, "euromillions", year=2025)
    assert str(tiers["draw_date"].dtype) == "datetime64[s]"
    assert str(tiers["winners_europe"].dtype) == "Int64"
    assert str(tiers["rank"].dtype) == "int16"
    assert str(tiers["pattern"].dtype) == "string"
    assert isinstance(tiers["prize_table"].dtype, pd.CategoricalDtype)
    jackpots = tiers[(tiers.prize_table == "main") & (tiers.pattern == "5+2")]
    draws_2025 = analysis.draws(view, "euromillions", year=2025)
    assert len(jackpots) == len(draws_2025) == 104
    joined = draws_2025.merge(jackpots, on=["game", "draw_date"], validate="one_to_one")
    assert len(joined) == 104
    winners = sql_one(
        warehouse,
        "SELECT sum(winners_europe) FROM prize_tiers WHERE game = 'euromillions' AND kind = 'main' "
        "AND prize_table = 'main' AND pattern = '5+2' AND year(draw_date) = 2025",
        [],
    )
    assert int(jackpots["winners_europe"].sum()) == winners


@pytest.fixture
def client(published: Published, redis_url: str) -> Iterator[TestClient]:
    """The API on the same snapshot (real lifespan, real Redis)."""
    settings = Settings(
        serving_dir=published.serving_dir, warehouse_path=published.warehouse, redis_url=redis_url
    )
    with TestClient(create_app(settings)) as c:
        yield c


WINDOWS = [
    {},
    {"year": 2025},
    {"year": 2025, "month": 3},
    {"from": "2020-01-01", "to": "2020-06-30"},
    {"last": 37},
    {"from": "2016-01-01", "last": 200},
]


@pytest.mark.parametrize("params", WINDOWS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all")
def test_number_stats_equal_the_api_for_the_same_filter(
    view: ServingView, client: TestClient, params: dict[str, object]
) -> None:
    """Every row of the frame is the API's figure for that ball, for stored and computed windows."""
    response = client.get("/api/euromillions/stats", params=params)
    assert response.status_code == 200
    body = response.json()
    window = StatsFilter.model_validate(params)
    frame = analysis.number_stats(view, "euromillions", window)
    assert frame.attrs["draw_count"] == body["draw_count"]
    assert frame.attrs["data_version"] == body["data_version"]
    assert frame.attrs["filters"] == body["filters"]
    api_rows = [
        {"ball": ball, **s}
        for ball in ("number", "bonus")
        for s in body[{"number": "numbers", "bonus": "bonus"}[ball]]
    ]
    assert len(frame) == len(api_rows) == 62
    for record, api in zip(frame.to_dict("records"), api_rows, strict=True):
        assert record["ball"] == api["ball"]
        for column in ("number", "count", "eligible_draws", "current_gap", "gap_before_first"):
            assert record[column] == api[column], (column, api["number"])
        assert record["frequency"] == api["frequency"]
        assert record["expected"] == api["expected"]
        assert (None if pd.isna(record["max_gap"]) else record["max_gap"]) == api["max_gap"]
        assert (None if pd.isna(record["mean_gap"]) else record["mean_gap"]) == api["mean_gap"]
        last = None if pd.isna(record["last_drawn"]) else record["last_drawn"].date().isoformat()
        assert last == api["last_drawn"]


def test_number_stats_are_typed_and_add_up(view: ServingView) -> None:
    """Categories, integers, nullable gaps; counts sum to balls per draw x draws."""
    frame = analysis.number_stats(view, "loto", year=2024)
    assert isinstance(frame["game"].dtype, pd.CategoricalDtype)
    assert list(frame["ball"].cat.categories) == ["number", "bonus"]
    assert str(frame["number"].dtype) == "int16"
    assert str(frame["count"].dtype) == "int64"
    assert str(frame["max_gap"].dtype) == "Int64"
    assert str(frame["last_drawn"].dtype) == "datetime64[s]"
    draws = frame.attrs["draw_count"]
    by_ball = frame.groupby("ball", observed=True)["count"].sum()
    assert by_ball["number"] == 5 * draws
    assert by_ball["bonus"] == draws
    assert analysis.window_stats(view, "loto", year=2024).draw_count == draws


def test_bad_input_is_refused_with_the_apis_errors(view: ServingView, tmp_path: Path) -> None:
    """Unknown games, impossible windows and an empty serving folder say what is wrong."""
    with pytest.raises(UnknownGameError, match="known games"):
        analysis.draws(view, "keno")
    with pytest.raises(InvalidFilterError, match="month needs a year"):
        analysis.number_stats(view, "euromillions", month=3)
    with pytest.raises(InvalidFilterError, match="after"):
        analysis.draws(view, "euromillions", date_from="2021-01-01", date_to="2020-01-01")
    with pytest.raises(TypeError, match="not both"):
        analysis.draws(view, "euromillions", StatsFilter(year=2025), last=3)
    with pytest.raises(ValueError, match="ball must be"):
        analysis.stats_history(view, "euromillions", ball="star")
    with pytest.raises(FileNotFoundError, match="materialise serving_snapshot"):
        analysis.open_snapshot(tmp_path)


def test_backtests_are_the_snapshots_latest_run(
    view: ServingView, warehouse: duckdb.DuckDBPyConnection
) -> None:
    """One row per strategy, the warehouse's latest figures, typed."""
    frame = analysis.backtests(view, "euromillions")
    rows = warehouse.execute(
        "SELECT strategy, run_date, targets, mean_main_matches, main_p_value, verdict FROM backtests "
        "WHERE game = 'euromillions' "
        "AND run_date = (SELECT max(run_date) FROM backtests WHERE game = 'euromillions') ORDER BY strategy"
    ).fetchall()
    assert len(frame) == len(rows) == 4
    for record, (strategy, run_date, targets, mean, p, verdict) in zip(
        frame.to_dict("records"), rows, strict=True
    ):
        assert (record["strategy"], record["run_date"].date(), record["targets"]) == (
            strategy,
            run_date,
            targets,
        )
        assert record["mean_main_matches"] == mean
        assert record["main_p_value"] == p
        assert record["verdict"] == verdict
    assert isinstance(frame["strategy"].dtype, pd.CategoricalDtype)
    assert str(frame["run_date"].dtype) == "datetime64[s]"
    assert set(frame["significance_level"]) <= {"none", "nominal", "beyond_chance"}


def test_statistics_over_time_hold_each_change_of_the_draws(two_days: TwoDays) -> None:
    """One set per data version, dated by its first stored day, equal to the warehouse's rows; every
    back-test run."""
    con = duckdb.connect(str(two_days.warehouse), read_only=True)
    try:
        expected = con.execute(
            "SELECT snapshot_date, number, count, frequency, current_gap FROM number_stats "
            "WHERE game = 'euromillions' AND scope = 'all' AND ball = 'number' AND snapshot_date IN (?, ?) "
            "ORDER BY snapshot_date, number",
            [DAY_BEFORE, TODAY],
        ).fetchall()
        stored_days = con.execute(
            "SELECT count(DISTINCT snapshot_date) FROM number_stats WHERE game = 'euromillions'"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert stored_days == 3
    with analysis.snapshot(two_days.serving_dir) as view:
        history = analysis.stats_history(view, "euromillions", ball="number")
        assert str(history["snapshot_date"].dtype) == "datetime64[s]"
        assert isinstance(history["ball"].dtype, pd.CategoricalDtype)
        rows = history[["snapshot_date", "number", "count", "frequency", "current_gap"]]
        assert [(d.date(), n, c, f, g) for d, n, c, f, g in rows.itertuples(index=False)] == expected
        per_day = history.groupby("snapshot_date")["draw_count"].first()
        assert {d.date(): n for d, n in per_day.items()} == {
            DAY_BEFORE: two_days.draws_today - 1,  # yesterday had the same draws: left out
            TODAY: two_days.draws_today,
        }
        assert history.groupby("snapshot_date")["data_version"].nunique().eq(1).all()
        wide = history.pivot(index="snapshot_date", columns="number", values="count")
        assert wide.shape == (2, 50)
        assert (wide.sum(axis=1).to_numpy() == 5 * per_day.to_numpy()).all()
        assert len(analysis.stats_history(view, "euromillions", ball="bonus")) == 2 * 12
        assert len(analysis.stats_history(view, "euromillions")) == 2 * 62
        assert len(analysis.stats_history(view, "loto")) == 59  # today only
        runs = analysis.backtests(view, "euromillions", history=True)
        assert [(d.date(), t) for d, t in runs.groupby("run_date")["targets"].first().items()] == [
            (YESTERDAY, 5),
            (TODAY, 20),
        ]
        assert len(runs) == 8
        assert len(analysis.backtests(view, "euromillions")) == 4


def test_reads_while_another_process_holds_the_warehouse_for_writing(two_days: TwoDays) -> None:
    """The warehouse is never opened: frames are read while a writer holds it (as Dagster does)."""
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
            "con.execute('CREATE TABLE IF NOT EXISTS busy (x INTEGER)'); "
            "print('holding', flush=True); time.sleep(60)",
            str(two_days.warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "holding"
        with pytest.raises(duckdb.IOException):
            duckdb.connect(str(two_days.warehouse), read_only=True)  # the lock is real
        with analysis.snapshot(two_days.serving_dir) as view:
            assert len(analysis.draws(view, "euromillions")) == two_days.draws_today - 1
            assert analysis.number_stats(view, "euromillions", last=10).attrs["draw_count"] == 10
    finally:
        writer.kill()
        writer.wait()


def test_a_view_stays_on_its_file_when_a_new_snapshot_is_published(
    two_days: TwoDays, published: Published, tmp_path: Path
) -> None:
    """Frames read through one view come from one file; open_snapshot again follows the new manifest."""
    serving = tmp_path / "serving"
    shutil.copytree(two_days.serving_dir, serving)
    view = analysis.open_snapshot(serving)
    try:
        assert analysis.draw_count(view, "euromillions") == two_days.draws_today - 1
        warehouse = tmp_path / "warehouse.duckdb"
        shutil.copy(published.warehouse, warehouse)
        with duckdb.connect(str(warehouse)) as con:
            publish(con, serving)
        assert analysis.draw_count(view, "euromillions") == two_days.draws_today - 1
        assert len(analysis.draws(view, "euromillions")) == two_days.draws_today - 1
        with analysis.snapshot(serving) as fresh:
            assert fresh.manifest.snapshot != view.manifest.snapshot
            assert analysis.draw_count(fresh, "euromillions") == two_days.draws_today
    finally:
        view.connection.close()
