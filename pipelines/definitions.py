"""The Dagster code location: ``dagster dev -w workspace.yaml`` or ``-m pipelines.definitions``."""

from __future__ import annotations

import dagster as dg

from lottery.games import Game
from pipelines.assets.ingest import build_ingest_asset
from pipelines.assets.statistics import build_statistics_asset, daily_statistics_schedule, statistics_job
from pipelines.checks import build_ingest_checks
from pipelines.resources import FdjSource, Warehouse
from warehouse.settings import get_settings


def build_definitions() -> dg.Definitions:
    """Assets, checks and resources, configured from the environment (no connection is opened here)."""
    settings = get_settings()
    return dg.Definitions(
        assets=[
            *(build_ingest_asset(game) for game in Game),
            *(build_statistics_asset(game) for game in Game),
        ],
        jobs=[statistics_job],
        schedules=[daily_statistics_schedule],
        asset_checks=[check for game in Game for check in build_ingest_checks(game)],
        resources={
            "warehouse": Warehouse(database=str(settings.warehouse_path)),
            "fdj_source": FdjSource(location=settings.fdj_source, http_timeout_s=settings.http_timeout_s),
        },
        executor=dg.in_process_executor,
    )


defs = build_definitions()
