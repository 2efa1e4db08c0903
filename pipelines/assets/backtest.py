"""Weekly walk-forward back-test of every strategy, one asset per game."""

from datetime import date

import dagster as dg

from lottery.backtest import BacktestConfig, BacktestResult, backtest
from lottery.games import Game
from lottery.significance import cutoff_text, p_text
from lottery.stats.models import StatsFilter
from pipelines.assets.ingest import DUCKDB_POOL, draws_asset_key
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


def backtest_markdown(result: BacktestResult) -> str:
    """The result table, with the exact expectation and the uncertainty next to every figure."""

    def num(x: float | None, fmt: str = ".3f") -> str:
        return "—" if x is None else format(x, fmt)

    lines = [
        f"### {result.game.value}: {result.strategies[0].targets} draws "
        f"({result.first_target} → {result.last_target}), {result.config.grids} grids per strategy and draw",
        "",
        "| strategy | mean matches | random tickets | 95 % CI | p | any prize | random tickets | verdict |",
        "|---|---:|---:|---|---:|---:|---:|---|",
    ]
    for s in result.strategies:
        lines.append(
            f"| {s.strategy.value} | {s.mean_main_matches:.3f} | {s.expected_main_matches:.3f} | "
            f"[{num(s.main_ci_low)}, {num(s.main_ci_high)}] | {p_text(s.main_p_value)} | "
            f"{s.any_prize_rate:.2%} | {s.expected_any_prize_rate:.2%} | {s.verdict} |"
        )
    lines += ["", result.conclusion, ""]
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
        kinds={"duckdb", "numpy"},
        pool=DUCKDB_POOL,
        description=(
            f"Walk-forward back-test of every strategy on {game.value}: for each of the last N draws, grids "
            "built only from earlier draws, scored against the draw, compared with the exact expectation "
            "for random tickets (95 % CI, p-value). Stored in `backtests`."
        ),
    )
    def _backtest(
        context: dg.AssetExecutionContext, config: BacktestRunConfig, warehouse: Warehouse
    ) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            draws = load_window(con, game, StatsFilter())
            targets = min(config.draws, draws.size - MIN_HISTORY)
            if targets < 1:
                message = (
                    f"not enough history for a back-test: {draws.size} {game.value} draws, each target needs "
                    f"{MIN_HISTORY} earlier ones; nothing stored"
                )
                context.log.warning(message)
                return dg.MaterializeResult(metadata={"targets": 0, "summary": dg.MetadataValue.md(message)})
            if targets < config.draws:
                context.log.warning(
                    "only %d targets have %d earlier draws (asked %d)", targets, MIN_HISTORY, config.draws
                )
            run = BacktestConfig(draws=targets, grids=config.grids, seed=config.seed, min_history=MIN_HISTORY)
            result = backtest(draws, run)
            store_backtest(con, result, date.today())
        return dg.MaterializeResult(
            metadata={
                "targets": result.strategies[0].targets,
                "first_target": str(result.first_target),
                "last_target": str(result.last_target),
                "summary": dg.MetadataValue.md(backtest_markdown(result)),
            }
        )

    return _backtest
