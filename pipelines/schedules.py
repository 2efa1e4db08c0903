"""Jobs and schedules (Europe/Paris): statistics at 06:00, cache clean-up at 02:00."""

import dagster as dg

from lottery.games import Game
from pipelines.assets.serving import SERVING_KEY, cache_cleanup_op
from pipelines.assets.statistics import statistics_asset_key

PARIS = "Europe/Paris"

daily_statistics_job = dg.define_asset_job(
    "daily_statistics_job",
    selection=dg.AssetSelection.assets(*(statistics_asset_key(g) for g in Game), SERVING_KEY, "cache_warm"),
    description="Today's statistics snapshot of every game, published to the API and warmed into Redis.",
)


@dg.schedule(
    cron_schedule="0 6 * * *",
    execution_timezone=PARIS,
    job=daily_statistics_job,
    description="Every day at 06:00 Paris time: statistics, serving snapshot, cache warm-up.",
)
def daily_statistics_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """One run a day, keyed by the day so a retried tick does not run twice."""
    return dg.RunRequest(run_key=context.scheduled_execution_time.date().isoformat())


@dg.job(description="Nightly removal of cache entries whose data_version is superseded.")
def cache_cleanup_job() -> None:
    """One op: the clean-up."""
    cache_cleanup_op()


cache_cleanup_schedule = dg.ScheduleDefinition(
    job=cache_cleanup_job,
    cron_schedule="0 2 * * *",
    execution_timezone=PARIS,
    description="Every day at 02:00 Paris time.",
)
