"""The weekly report of each game: HTML (charts embedded) and Markdown under REPORTS_DIR.

A thin caller: gathering and rendering live in ``reporting/``.
"""

import dagster as dg
import redis

from lottery.games import Game
from pipelines.assets.backtest import backtest_asset_key
from pipelines.assets.statistics import statistics_asset_key
from pipelines.catalog import DUCKDB_POOL, OWNERS
from pipelines.resources import RedisCache, ReportsStore, Warehouse
from warehouse.backtests import latest_backtest

REPORT_KEY = dg.AssetKey("weekly_report")


@dg.asset(
    key=REPORT_KEY,
    group_name="reports",
    deps=[*(statistics_asset_key(g) for g in Game), *(backtest_asset_key(g) for g in Game)],
    kinds={"html", "markdown"},
    owners=OWNERS,
    pool=DUCKDB_POOL,
    description=(
        "Each game's weekly report (week of its latest draw): the week's draws with prize tiers, hot/cold "
        "numbers against fair draws with exact tails, longest gaps, the chi-square verdict, the back-test "
        "against random tickets with its verdicts, the week's service metrics, with charts; HTML and "
        "Markdown under REPORTS_DIR."
    ),
)
def weekly_report(
    warehouse: Warehouse, redis_cache: RedisCache, reports: ReportsStore
) -> dg.MaterializeResult:
    """Render and write both games' reports; the Markdown appears here as metadata."""
    # Imported here: matplotlib and pandas cost every process that loads the code location (each run
    # starts one) seconds, and only this asset draws charts.
    from reporting.data import ServiceWeek, build_report_data, service_week
    from reporting.files import write_report

    client = redis_cache.client()
    try:
        service: ServiceWeek | None = service_week(client)
    except redis.RedisError:
        service = None  # the report still renders, without the service section
    finally:
        client.close()
    metadata: dict[str, object] = {}
    with warehouse.connect() as con:
        for game in Game:
            data = build_report_data(con, game, backtest=latest_backtest(con, game), service=service)
            paths = write_report(data, reports.path)
            metadata[f"{game.value}_html"] = dg.MetadataValue.path(str(paths["html"]))
            metadata[f"{game.value}_report"] = dg.MetadataValue.md(paths["md"].read_text())
    return dg.MaterializeResult(metadata=metadata)
