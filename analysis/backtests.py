"""The walk-forward back-tests as DataFrames: one row per strategy and run."""

from __future__ import annotations

import pandas as pd

from analysis.dtypes import GAME, STRATEGY, as_dates
from analysis.snapshot import as_game, has_table
from lottery.backtest import StrategyBacktest
from lottery.games import Game
from serving.queries import backtest_history, latest_backtest
from serving.snapshot import ServingView

MEASURES = tuple(
    name
    for name in StrategyBacktest.model_fields
    if name not in ("strategy", "tier_counts", "expected_tier_counts", "significance")
)
"""The figures of :class:`StrategyBacktest` that are one number (or the verdict), in model order."""


def backtests(view: ServingView, game: Game | str, *, history: bool = False) -> pd.DataFrame:
    """The latest back-test of ``game`` (the one the API and the weekly report show), or every run
    kept with ``history=True``; oldest run first, strategies in name order.

    Columns: ``game``, ``run_date``, ``first_target``, ``last_target`` (datetime64), ``strategy``
    (category), the measures beside their exact expectation for random tickets with 95 % intervals
    and p-values (``MEASURES``; NaN where undefined), the ``verdict`` worded by the one significance
    rule, and ``significance_level`` (``none``, ``nominal``, ``beyond_chance``).
    """
    game = as_game(game)
    with view.reading() as cur:
        if not history:
            stored = latest_backtest(cur, game)
        elif has_table(view, "backtest_history"):
            stored = backtest_history(cur, game)
        else:
            raise LookupError(
                f"snapshot {view.manifest.snapshot} was published before it kept every back-test: "
                "materialise serving_snapshot again"
            )
    frame = pd.DataFrame(
        [
            {
                "game": game.value,
                "run_date": s.run_date,
                "first_target": s.first_target,
                "last_target": s.last_target,
                "strategy": s.result.strategy.value,
                **{m: getattr(s.result, m) for m in MEASURES},
                "significance_level": s.result.significance.level.value if s.result.significance else None,
            }
            for s in stored
        ],
        columns=[
            "game",
            "run_date",
            "first_target",
            "last_target",
            "strategy",
            *MEASURES,
            "significance_level",
        ],
    )
    frame["game"] = frame["game"].astype(GAME)
    frame["strategy"] = frame["strategy"].astype(STRATEGY)
    as_dates(frame, ["run_date", "first_target", "last_target"])
    floats = [m for m in MEASURES if m not in ("targets", "tickets", "verdict")]
    frame = frame.astype(
        {
            "targets": "int64",
            "tickets": "int64",
            **dict.fromkeys(floats, "float64"),
            "verdict": "string",
            "significance_level": "category",
        }
    )
    return frame
