"""Statistics over time, one asset per game: the trend tables from the draws, the stored daily
snapshots and the back-tests (warehouse/trends.py, lottery/stats/trends.py)."""

import dagster as dg

from lottery.games import Game
from lottery.significance import p_text
from pipelines.assets.backtest import backtest_asset_key
from pipelines.assets.ingest import draws_asset_key
from pipelines.assets.statistics import statistics_asset_key
from pipelines.catalog import game_table_asset, game_table_metadata
from pipelines.resources import Warehouse
from warehouse.trends import write_trends

TRENDS_GROUP = "trends"
# The catalog's preview: the chi-square p of each year, newest first (numbers, then bonus balls).
PREVIEW_SQL = (
    "SELECT label, ball, draws, p_value, cutoff, level FROM trend_chi_square "
    "WHERE game = ? AND period = 'year' ORDER BY period_end DESC, ball DESC"
)


def trends_asset_key(game: Game) -> dg.AssetKey:
    """The asset that holds one game's statistics over time."""
    return dg.AssetKey(f"{game.value}_trends")


def build_trends_asset(game: Game) -> dg.AssetsDefinition:
    """``{game}_trends``: per-year and rolling ball statistics, chi-square p over time, weekly verdicts."""

    @dg.asset(
        key=trends_asset_key(game),
        group_name=TRENDS_GROUP,
        deps=[draws_asset_key(game), statistics_asset_key(game), backtest_asset_key(game)],
        kinds={"duckdb", "numpy"},
        **game_table_asset(game, "trend_chi_square"),
        description=(
            f"{game.value} statistics over time: each number's and bonus ball's count, frequency and gaps "
            "per calendar year and over the last 100 draws at each month end (`trend_balls`); the "
            "chi-square p of each year, cumulative to each year end, of each rolling window and of every "
            "stored daily snapshot, judged by the one significance rule (`trend_chi_square`); the "
            "back-test's verdicts week by week (`trend_backtests`). Replaced whole at each run."
        ),
    )
    def _trends(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            report = write_trends(con, game)
            table = game_table_metadata(con, "trend_chi_square", game, PREVIEW_SQL, [game.value])
            latest = con.execute(
                "SELECT label, p_value FROM trend_chi_square WHERE game = ? AND period = 'year' "
                "AND ball = 'number' ORDER BY period_end DESC LIMIT 1",
                [game.value],
            ).fetchall()
        context.log.info(
            "%s: %d ball rows, %d chi-square rows, %d back-test weeks",
            game.value,
            report.ball_rows,
            report.chi_rows,
            report.week_rows,
        )
        return dg.MaterializeResult(
            metadata={
                "data_version": report.data_version,
                "years": report.years,
                "snapshots": report.snapshots,
                "backtest_weeks": report.week_rows,
                **table,
                "trend_balls_rows": report.ball_rows,
                "latest_year_numbers_p": f"{p_text(latest[0][1])} ({latest[0][0]})" if latest else "no draws",
            }
        )

    return _trends
