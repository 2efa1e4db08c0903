"""Statistics over time in the warehouse: computed from the draws, the stored snapshots and back-tests
(:mod:`lottery.stats.trends`), written to ``trend_balls``, ``trend_chi_square`` and ``trend_backtests``
(one set of rows per game, replaced whole), and read back by the same queries from the serving snapshot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import duckdb
from pydantic import BaseModel

from lottery.backtest import StrategyBacktest
from lottery.games import Game
from lottery.significance import ALPHA
from lottery.stats.models import ChiSquare, StatsFilter
from lottery.stats.trends import (
    ROLLING_DRAWS,
    TRENDS_NOTE,
    BacktestWeek,
    Ball,
    BallPoint,
    ChiPoint,
    Period,
    TrendsOut,
    TrendWindow,
    draw_trends,
    series_out,
    snapshot_point,
    weekly_verdicts,
)
from warehouse.statistics import data_version, load_window


@dataclass(frozen=True)
class TrendsReport:
    """What one computation wrote."""

    game: Game
    data_version: str
    ball_rows: int
    chi_rows: int
    week_rows: int
    years: int
    snapshots: int


def backtest_runs(con: duckdb.DuckDBPyConnection, game: Game) -> list[tuple[date, list[StrategyBacktest]]]:
    """Every stored back-test run of ``game``, oldest first, its strategies as stored."""
    rows = con.execute(
        "SELECT run_date, payload FROM backtests WHERE game = ? ORDER BY run_date, strategy", [game.value]
    ).fetchall()
    runs: dict[date, list[StrategyBacktest]] = {}
    for run_date, payload in rows:
        runs.setdefault(run_date, []).append(StrategyBacktest.model_validate(json.loads(payload)))
    return list(runs.items())


def snapshot_chi_squares(con: duckdb.DuckDBPyConnection, game: Game) -> list[ChiPoint]:
    """The all-history chi-square of every stored daily snapshot of ``game`` (numbers and bonus balls)."""
    rows = con.execute(
        "SELECT snapshot_date, draw_count, json_extract(payload, '$.randomness')::VARCHAR "
        "FROM stats_snapshots WHERE game = ? AND scope = 'all' AND kind = 'full' ORDER BY snapshot_date",
        [game.value],
    ).fetchall()
    points = []
    for day, draws, randomness in rows:
        tests = json.loads(randomness)
        for ball, name in ((Ball.NUMBER, "numbers"), (Ball.BONUS, "bonus")):
            points.append(snapshot_point(day, draws, ball, ChiSquare.model_validate(tests[name])))
    return points


# Column -> DuckDB type of each table's rows (game, data_version and computed_at are added on insert).
BALL_TYPES = {
    "period": "VARCHAR",
    "period_end": "DATE",
    "label": "VARCHAR",
    "ball": "VARCHAR",
    "number": "INTEGER",
    "draws": "INTEGER",
    "eligible_draws": "INTEGER",
    "count": "INTEGER",
    "frequency": "DOUBLE",
    "expected": "DOUBLE",
    "max_gap": "INTEGER",
    "current_gap": "INTEGER",
}
CHI_TYPES = {
    "period": "VARCHAR",
    "period_end": "DATE",
    "label": "VARCHAR",
    "ball": "VARCHAR",
    "draws": "INTEGER",
    "corrected_statistic": "DOUBLE",
    "df": "INTEGER",
    "p_value": "DOUBLE",
    "comparisons": "INTEGER",
    "cutoff": "DOUBLE",
    "level": "VARCHAR",
}
WEEK_TYPES = {
    "week": "DATE",
    "run_date": "DATE",
    "strategy": "VARCHAR",
    "targets": "INTEGER",
    "mean_main_matches": "DOUBLE",
    "expected_main_matches": "DOUBLE",
    "p_value": "DOUBLE",
    "comparisons": "INTEGER",
    "cutoff": "DOUBLE",
    "level": "VARCHAR",
    "verdict": "VARCHAR",
}


def _insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    types: dict[str, str],
    rows: list[BaseModel],
    fixed: dict[str, object],
) -> None:
    """Insert ``rows`` (one list parameter per column, unnested in SQL) with the ``fixed`` columns."""
    if not rows:
        return
    dumped = [r.model_dump(mode="json") for r in rows]
    columns = [*fixed, *types]
    select = ", ".join(
        [f"?::VARCHAR AS {name}" for name in fixed]
        + [f"unnest(?::{kind}[]) AS {name}" for name, kind in types.items()]
    )
    params = [*fixed.values(), *([d[name] for d in dumped] for name in types)]
    con.execute(
        f"INSERT INTO {table} ({', '.join(columns)}, computed_at) SELECT *, now() FROM (SELECT {select})",
        params,
    )


def write_trends(con: duckdb.DuckDBPyConnection, game: Game, rolling: int = ROLLING_DRAWS) -> TrendsReport:
    """Compute ``game``'s trends from its draws, snapshots and back-tests; replace its stored trends."""
    version = data_version(con, game)
    draws = load_window(con, game, StatsFilter())
    balls, chis = draw_trends(draws, rolling)
    snapshots = snapshot_chi_squares(con, game)
    weeks = weekly_verdicts(game, backtest_runs(con, game))
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("trend_balls", "trend_chi_square", "trend_backtests"):
            con.execute(f"DELETE FROM {table} WHERE game = ?", [game.value])
        stamp = {"game": game.value, "data_version": version}
        _insert(con, "trend_balls", BALL_TYPES, balls, stamp)
        _insert(con, "trend_chi_square", CHI_TYPES, [*chis, *snapshots], stamp)
        _insert(con, "trend_backtests", WEEK_TYPES, weeks, {"game": game.value})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return TrendsReport(
        game=game,
        data_version=version,
        ball_rows=len(balls),
        chi_rows=len(chis) + len(snapshots),
        week_rows=len(weeks),
        years=sum(1 for c in chis if c.period is Period.YEAR and c.ball is Ball.NUMBER),
        snapshots=len({c.period_end for c in snapshots}),
    )


CHI_PERIODS = {
    TrendWindow.YEAR: (Period.YEAR, Period.CUMULATIVE, Period.SNAPSHOT),
    TrendWindow.ROLLING: (Period.ROLLING, Period.SNAPSHOT),
}


def read_trends(
    con: duckdb.DuckDBPyConnection,
    game: Game,
    version: str,
    ball: Ball = Ball.NUMBER,
    window: TrendWindow = TrendWindow.YEAR,
    number: int | None = None,
) -> TrendsOut:
    """The stored trends of one ball kind and window (one ball with ``number``), from the warehouse or
    a serving snapshot (same tables)."""
    where, params = "game = ? AND ball = ? AND period = ?", [game.value, ball.value, window.value]
    if number is not None:
        where += " AND number = ?"
        params.append(number)
    names = ", ".join(BALL_TYPES)
    cur = con.execute(f"SELECT {names} FROM trend_balls WHERE {where} ORDER BY period_end, number", params)
    points = [BallPoint(**dict(zip(BALL_TYPES, row, strict=True))) for row in cur.fetchall()]
    windows, series = series_out(points)
    periods = [p.value for p in CHI_PERIODS[window]]
    chi_rows = con.execute(
        f"SELECT {', '.join(CHI_TYPES)} FROM trend_chi_square WHERE game = ? AND ball = ? "
        "AND list_contains(?::VARCHAR[], period) ORDER BY period, period_end",
        [game.value, ball.value, periods],
    ).fetchall()
    week_rows = con.execute(
        f"SELECT {', '.join(WEEK_TYPES)} FROM trend_backtests WHERE game = ? ORDER BY week, strategy",
        [game.value],
    ).fetchall()
    return TrendsOut(
        game=game,
        data_version=version,
        ball=ball,
        window=window,
        rolling_draws=ROLLING_DRAWS,
        windows=windows,
        series=series,
        chi_square=[ChiPoint(**dict(zip(CHI_TYPES, r, strict=True))) for r in chi_rows],
        backtests=[BacktestWeek(**dict(zip(WEEK_TYPES, r, strict=True))) for r in week_rows],
        alpha=ALPHA,
        note=TRENDS_NOTE,
    )
