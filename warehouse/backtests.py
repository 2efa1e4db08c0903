"""Back-test results in the warehouse: one row per game, run date and strategy (earlier runs kept)."""

from __future__ import annotations

import json
from datetime import date

import duckdb

from lottery.backtest import BacktestResult, StrategyBacktest
from lottery.games import Game

COLUMNS = (
    "targets",
    "tickets",
    "mean_main_matches",
    "expected_main_matches",
    "main_ci_low",
    "main_ci_high",
    "main_p_value",
    "any_prize_rate",
    "expected_any_prize_rate",
    "verdict",
)


def store_backtest(con: duckdb.DuckDBPyConnection, result: BacktestResult, run_date: date) -> int:
    """Replace the run of ``run_date`` for the result's game; returns the rows written."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM backtests WHERE game = ? AND run_date = ?", [result.game.value, run_date])
        for s in result.strategies:
            con.execute(
                f"""
                INSERT INTO backtests (game, run_date, strategy, first_target, last_target,
                                       {", ".join(COLUMNS)}, payload, computed_at)
                VALUES (?, ?, ?, ?, ?, {", ".join("?" for _ in COLUMNS)}, ?::JSON, now())
                """,
                [
                    result.game.value,
                    run_date,
                    s.strategy.value,
                    result.first_target,
                    result.last_target,
                    *(getattr(s, c) for c in COLUMNS),
                    s.model_dump_json(),
                ],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(result.strategies)


def latest_backtest(con: duckdb.DuckDBPyConnection, game: Game) -> list[StrategyBacktest]:
    """The most recent back-test of ``game``, one entry per strategy (empty if none ran yet)."""
    rows = con.execute(
        """
        SELECT payload FROM backtests
        WHERE game = ? AND run_date = (SELECT max(run_date) FROM backtests WHERE game = ?)
        ORDER BY strategy
        """,
        [game.value, game.value],
    ).fetchall()
    return [StrategyBacktest.model_validate(json.loads(payload)) for (payload,) in rows]
