"""Weekly walk-forward back-test of every strategy, one asset per game."""

from datetime import date

import dagster as dg

from lottery.backtest import BacktestConfig, BacktestResult, backtest
from lottery.games import Game
from lottery.significance import cutoff_text
from lottery.stats.models import StatsFilter
from pipelines.assets.ingest import draws_asset_key
from pipelines.catalog import game_table_asset, game_table_metadata
from pipelines.resources import Warehouse
from warehouse.backtests import store_backtest
from warehouse.statistics import load_window

BACKTEST_GROUP = "backtest"
MIN_HISTORY = 50  # draws a strategy needs before the first target


def backtest_asset_key(game: Game) -> dg.AssetKey:
    """The asset that holds one game's latest back-test."""
    return dg.AssetKey(f"{game.value}_backtest")


class BacktestRunConfig(dg.Config):
    """How big a back-test to run (defaults: last 200 draws, 10 grids per strategy and draw)."""

    draws: int = 200
    grids: int = 10
    seed: int = 0


# Each strategy's result in the back-test just stored, against random tickets.
VERDICTS_SQL = """
    SELECT strategy, targets, tickets,
           round(mean_main_matches, 4) AS mean_matches, round(expected_main_matches, 4) AS random_tickets,
           round(main_ci_low, 4) AS ci95_low, round(main_ci_high, 4) AS ci95_high, main_p_value AS p,
           round(any_prize_rate, 4) AS any_prize_rate, round(expected_any_prize_rate, 4) AS random_prize_rate,
           verdict
    FROM backtests WHERE game = ? AND run_date = ? ORDER BY strategy
"""


def backtest_markdown(result: BacktestResult) -> str:
    """What was tested, the conclusion and the caveats, as prose (the figures are in the preview table)."""
    lines = [
        f"### {result.game.value}: {result.strategies[0].targets} draws "
        f"({result.first_target} → {result.last_target}), {result.config.grids} grids per strategy and draw",
        "",
        "Each strategy's mean matches, 95 % CI, p-value, prize rate and verdict against random tickets: "
        "the `preview` table.",
        "",
        result.conclusion,
        "",
    ]
    if result.cutoff is not None:
        cut = cutoff_text(result.cutoff)
        lines += [f"Cutoff allowing for the {result.comparisons} comparisons: p < {cut}.", ""]
    lines.append(result.note)
    return "\n".join(lines)


def build_backtest_asset(game: Game) -> dg.AssetsDefinition:
    """The back-test of ``game``: each strategy predicts each of the last N draws from the draws before it."""

    @dg.asset(
        key=backtest_asset_key(game),
        group_name=BACKTEST_GROUP,
        deps=[draws_asset_key(game)],
        kinds={"duckdb", "numpy", "table"},
        **game_table_asset(game, "backtests"),
        description=(
            f"Walk-forward back-test of every strategy on {game.value}: for each of the last N draws, grids "
            "built only from earlier draws, scored against the draw, compared with the exact expectation "
            "for random tickets (95 % CI, p-value). Stored in `backtests`."
        ),
    )
    def _backtest(
        context: dg.AssetExecutionContext, config: BacktestRunConfig, warehouse: Warehouse
    ) -> dg.MaterializeResult:
        run_date = date.today()
        with warehouse.connect() as con:
            draws = load_window(con, game, StatsFilter())
            targets = min(config.draws, draws.size - MIN_HISTORY)
            if targets < 1:
                message = (
                    f"not enough history for a back-test: {draws.size} {game.value} draws, each target needs "
                    f"{MIN_HISTORY} earlier ones; nothing stored"
                )
                context.log.warning(message)
                table = game_table_metadata(con, "backtests", game, VERDICTS_SQL, [game.value, run_date])
                return dg.MaterializeResult(
                    metadata={**table, "targets": 0, "summary": dg.MetadataValue.md(message)}
                )
            if targets < config.draws:
                context.log.warning(
                    "only %d targets have %d earlier draws (asked %d)", targets, MIN_HISTORY, config.draws
                )
            run = BacktestConfig(draws=targets, grids=config.grids, seed=config.seed, min_history=MIN_HISTORY)
            result = backtest(draws, run)
            store_backtest(con, result, run_date)
            table = game_table_metadata(con, "backtests", game, VERDICTS_SQL, [game.value, run_date])
        return dg.MaterializeResult(
            metadata={
                **table,
                "targets": result.strategies[0].targets,
                "first_target": str(result.first_target),
                "last_target": str(result.last_target),
                "summary": dg.MetadataValue.md(backtest_markdown(result)),
            }
        )

    return _backtest
