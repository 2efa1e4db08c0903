"""The Dagster code location: ``dagster dev -w workspace.yaml`` or ``-m pipelines.definitions``."""

from __future__ import annotations

import dagster as dg

from config.settings import get_settings
from lottery.games import Game
from pipelines.assets.backtest import build_backtest_asset
from pipelines.assets.ingest import build_ingest_asset
from pipelines.assets.report import weekly_report
from pipelines.assets.serving import cache_warm, serving_snapshot
from pipelines.assets.statistics import build_statistics_asset
from pipelines.assets.trends import build_trends_asset
from pipelines.checks import build_ingest_checks
from pipelines.download import DOWNLOAD_JOBS
from pipelines.fresh import INBOX_JOBS
from pipelines.freshness import build_freshness_checks, build_freshness_sensor
from pipelines.resources import Clock, FdjSource, RedisCache, ReportsStore, ServingStore, Warehouse
from pipelines.schedules import (
    build_automation,
    cache_cleanup_job,
    daily_statistics_job,
    inbox_ingest_job,
    weekly_report_job,
)


def build_definitions() -> dg.Definitions:
    """Assets, checks and resources, configured from the environment (no connection is opened here)."""
    settings = get_settings()
    schedules, sensors = build_automation(settings)
    freshness_checks = [check for game in Game for check in build_freshness_checks(game)]
    return dg.Definitions(
        assets=[
            *(build_ingest_asset(game) for game in Game),
            *(build_statistics_asset(game) for game in Game),
            *(build_backtest_asset(game) for game in Game),
            *(build_trends_asset(game) for game in Game),
            serving_snapshot,
            cache_warm,
            weekly_report,
        ],
        jobs=[
            daily_statistics_job,
            cache_cleanup_job,
            inbox_ingest_job,
            *INBOX_JOBS.values(),
            weekly_report_job,
            *DOWNLOAD_JOBS.values(),
        ],
        schedules=schedules,
        sensors=[*sensors, build_freshness_sensor(freshness_checks, settings)],
        asset_checks=[*(check for game in Game for check in build_ingest_checks(game)), *freshness_checks],
        resources={
            "warehouse": Warehouse(database=str(settings.warehouse_path)),
            "fdj_source": FdjSource.from_settings(settings),
            "clock": Clock(),
            "serving": ServingStore(directory=str(settings.serving_dir)),
            "reports": ReportsStore(directory=str(settings.reports_dir)),
            "redis_cache": RedisCache(
                url=settings.redis_url,
                ttl_quick_s=settings.cache_ttl_quick_s,
                ttl_full_s=settings.cache_ttl_full_s,
            ),
        },
        executor=dg.in_process_executor,
    )


defs = build_definitions()
