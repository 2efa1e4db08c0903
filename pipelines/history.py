"""The backfill code location: statistics snapshots of past dates, one daily partition per day.

``dagster asset materialize -m pipelines.history --select euromillions_stats_history
--partition-range 2025-01-01...2025-01-31`` writes the snapshot of each day of the range (statistics
as of that day: the draws dated on or before it), in one run. Both games share one partitions
definition, so ``--select '*'`` with a range backfills both.

Why a location of its own: in ``pipelines.definitions``, a partitioned asset makes
``dagster asset materialize --select '*'`` refuse to run ("Asset has partitions, but no
'--partition' option was provided"), and that command must materialise everything. ``workspace.yaml``
loads both locations, so the UI shows these assets (and launches backfills) beside the others.
"""

from datetime import date

import dagster as dg

from config.settings import get_settings
from lottery.games import Game
from pipelines.assets.ingest import draws_asset_key
from pipelines.catalog import game_table_asset
from pipelines.resources import Warehouse
from warehouse.catalog import game_rows
from warehouse.history import write_snapshot_as_of

HISTORY_GROUP = "statistics_history"
# EuroMillions' first draw; Loto's main formula starts 2008-10-06 (its days before write nothing).
FIRST_DAY = "2004-02-13"
PARIS = "Europe/Paris"
DAILY = dg.DailyPartitionsDefinition(start_date=FIRST_DAY, timezone=PARIS, end_offset=0)


def history_asset_key(game: Game) -> dg.AssetKey:
    """The partitioned asset holding one game's snapshots of past days."""
    return dg.AssetKey(f"{game.value}_stats_history")


def build_history_asset(game: Game) -> dg.AssetsDefinition:
    """``{game}_stats_history``: one daily partition per snapshot date, a range in one run."""

    @dg.asset(
        key=history_asset_key(game),
        group_name=HISTORY_GROUP,
        deps=[draws_asset_key(game)],
        partitions_def=DAILY,
        backfill_policy=dg.BackfillPolicy.single_run(),
        kinds={"duckdb", "numpy"},
        **game_table_asset(game, "number_stats"),
        description=(
            f"{game.value} statistics snapshots of past days (partition = snapshot_date), each computed from "
            "the draws dated on or before that day: the same `stats_snapshots` and `number_stats` rows the "
            "daily statistics asset writes. Up to yesterday (Paris); today's snapshot is the daily asset's. "
            "A day before the game's first draw writes nothing."
        ),
    )
    def _history(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        days = [date.fromisoformat(key) for key in context.partition_keys]
        written: list[str] = []
        problems: list[str] = []
        with warehouse.connect() as con:
            for day in days:
                outcome = write_snapshot_as_of(con, game, day)
                if outcome is None:
                    context.log.info("%s: no %s draw on or before it, nothing written", day, game.value)
                    continue
                report, audit = outcome
                written.append(day.isoformat())
                problems += [f"{day}: {p}" for p in audit.bad_sums + audit.bad_frequencies + audit.bad_counts]
                context.log.info(
                    "%s: %d scopes from %d draws", day, report.scopes, report.draw_counts.get("all", 0)
                )
            rows = game_rows(con, "number_stats", game)
        if problems:
            raise dg.Failure(f"backfilled snapshots fail their audit: {problems[:5]}")
        return dg.MaterializeResult(
            metadata={
                "days": len(days),
                "dagster/row_count": rows,
                "snapshots_written": len(written),
                "first": written[0] if written else "none",
                "last": written[-1] if written else "none",
            }
        )

    return _history


def build_history_definitions() -> dg.Definitions:
    """The history assets and the warehouse they write (settings from the environment)."""
    settings = get_settings()
    return dg.Definitions(
        assets=[build_history_asset(game) for game in Game],
        resources={"warehouse": Warehouse(database=str(settings.warehouse_path))},
        executor=dg.in_process_executor,
    )


defs = build_history_definitions()
