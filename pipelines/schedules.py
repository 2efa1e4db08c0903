"""Jobs, schedules (Europe/Paris) and sensors: statistics 06:00, clean-up 02:00, report Monday 08:00, FDJ
downloads after each draw day (``pipelines/download.py``), inbox, orphaned runs.

Schedules and sensors start RUNNING when AUTOMATION_ENABLED is set (the main command sets it) and
STOPPED otherwise (tests, one-off CLI runs), where the UI or a test can still turn them on.
"""

from pathlib import Path

import dagster as dg

from config.settings import Settings
from intake.inbox import Inbox
from intake.sources import game_hint
from lottery.games import Game
from pipelines.assets.backtest import backtest_asset_key
from pipelines.assets.report import REPORT_KEY
from pipelines.assets.serving import SERVING_KEY, cache_cleanup_op
from pipelines.assets.statistics import statistics_asset_key
from pipelines.assets.trends import trends_asset_key
from pipelines.download import build_download_schedules
from pipelines.fresh import INBOX_JOBS
from pipelines.orphans import fail_orphaned_runs

PARIS = "Europe/Paris"
INBOX_TAG = "lotostats/inbox_file"

daily_statistics_job = dg.define_asset_job(
    "daily_statistics_job",
    selection=dg.AssetSelection.assets(
        *(statistics_asset_key(g) for g in Game),
        *(trends_asset_key(g) for g in Game),
        SERVING_KEY,
        "cache_warm",
    ),
    description="Today's statistics snapshot of every game, published to the API and warmed into Redis.",
)

weekly_report_job = dg.define_asset_job(
    "weekly_report_job",
    selection=dg.AssetSelection.assets(
        *(backtest_asset_key(g) for g in Game),
        *(trends_asset_key(g) for g in Game),
        SERVING_KEY,
        "cache_warm",
        REPORT_KEY,
    ),
    description="The week's back-tests, published to the API, and the weekly reports.",
)

inbox_ingest_job = dg.define_asset_job(
    "inbox_ingest_job",
    selection=dg.AssetSelection.all(),
    description="One inbox file whose name names no game: every asset (both ingests and all downstream).",
)
INBOX_RUN_JOBS = [*INBOX_JOBS.values(), inbox_ingest_job]


@dg.job(description="Nightly removal of cache entries whose data_version is superseded.")
def cache_cleanup_job() -> None:
    """One op: the clean-up."""
    cache_cleanup_op()


def failure_reason(instance: dg.DagsterInstance, run_id: str, run_message: str | None) -> str:
    """Why a run failed: its own message and each failed step's error (a rejected file's reason)."""
    parts = [run_message or "the ingest run failed"]
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        event = entry.dagster_event
        error = event.step_failure_data.error if event is not None and event.step_failure_data else None
        if error is not None:
            parts.append(f"{event.step_key}: {error.message.strip()}")
    return "\n".join(parts)[:8000]


def build_automation(settings: Settings) -> tuple[list[dg.ScheduleDefinition], list[dg.SensorDefinition]]:
    """Schedules and sensors, on by default only where AUTOMATION_ENABLED says so."""
    on = settings.automation_enabled
    schedule_status = dg.DefaultScheduleStatus.RUNNING if on else dg.DefaultScheduleStatus.STOPPED
    sensor_status = dg.DefaultSensorStatus.RUNNING if on else dg.DefaultSensorStatus.STOPPED
    inbox = Inbox(settings.inbox_dir)

    @dg.schedule(
        cron_schedule="0 6 * * *",
        execution_timezone=PARIS,
        job=daily_statistics_job,
        default_status=schedule_status,
        description="Every day at 06:00 Paris time: statistics, serving snapshot, cache warm-up.",
    )
    def daily_statistics_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        """One run a day, keyed by the day so a retried tick does not run twice."""
        return dg.RunRequest(run_key=context.scheduled_execution_time.date().isoformat())

    weekly_report_schedule = dg.ScheduleDefinition(
        name="weekly_report_schedule",
        job=weekly_report_job,
        cron_schedule="0 8 * * 1",
        execution_timezone=PARIS,
        default_status=schedule_status,
        description="Every Monday at 08:00 Paris time: back-tests and weekly reports.",
    )

    cache_cleanup_schedule = dg.ScheduleDefinition(
        name="cache_cleanup_schedule",
        job=cache_cleanup_job,
        cron_schedule="0 2 * * *",
        execution_timezone=PARIS,
        default_status=schedule_status,
        description="Every day at 02:00 Paris time.",
    )

    @dg.sensor(
        jobs=INBOX_RUN_JOBS,
        minimum_interval_seconds=settings.inbox_poll_s,
        default_status=sensor_status,
        description=f"One run per FDJ .csv/.zip file dropped in {settings.inbox_dir} (the tick only decides: "
        "it reads and moves nothing): the job of the game its name names (inbox_<game>_job: that game's "
        "ingest, statistics, trends, the serving snapshot, the cache), else every asset (inbox_ingest_job). "
        "The run ingests it within the guards, then the file goes to archive/ or, with the run's error as "
        "its reason, to rejected/.",
    )
    def fdj_inbox_sensor(context: dg.SensorEvaluationContext):
        """Ask for one run per settled file, keyed by name, size and mtime: a pure decision."""
        inbox.ensure()  # the folders exist from the first tick, even if someone removed them
        for path in inbox.ready():
            game = game_hint(path.name)
            job = INBOX_JOBS[game] if game is not None else inbox_ingest_job
            context.log.info("requesting a run of %s for %s", job.name, path.name)
            yield dg.RunRequest(
                run_key=inbox.run_key(path),
                job_name=job.name,
                run_config={"resources": {"fdj_source": {"config": {"location": str(path)}}}},
                tags={INBOX_TAG: str(path)},
            )

    @dg.run_status_sensor(
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitored_jobs=INBOX_RUN_JOBS,
        default_status=sensor_status,
        description="Moves an inbox file whose run succeeded to archive/.",
    )
    def inbox_archive_sensor(context: dg.RunStatusSensorContext) -> None:
        """Archive the run's file."""
        path = context.dagster_run.tags.get(INBOX_TAG)
        if path:
            context.log.info("archived %s", inbox.archive_file(Path(path)))

    @dg.run_failure_sensor(
        monitored_jobs=INBOX_RUN_JOBS,
        default_status=sensor_status,
        description="Moves an inbox file whose run failed to rejected/, with the failure as its reason.",
    )
    def inbox_reject_sensor(context: dg.RunFailureSensorContext) -> None:
        """Reject the run's file with the run's error."""
        path = context.dagster_run.tags.get(INBOX_TAG)
        if path and (Path(path).exists() or Path(path).is_symlink()):
            reason = failure_reason(
                context.instance, context.dagster_run.run_id, context.failure_event.message
            )
            context.log.info(
                "rejected %s", inbox.reject(Path(path), f"run {context.dagster_run.run_id}: {reason}")
            )

    @dg.sensor(
        minimum_interval_seconds=60,
        default_status=sensor_status,
        description="Marks FAILURE the STARTED runs whose process is gone (kill -9, crash): see "
        "pipelines/orphans.py. Run monitoring (dagster.yaml) cannot tell with the default run launcher.",
    )
    def orphaned_run_sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
        """Fail orphaned runs; never requests a run."""
        failed = fail_orphaned_runs(context.instance)
        if failed:
            context.log.warning("marked %d orphaned run(s) FAILURE: %s", len(failed), ", ".join(failed))
        return dg.SkipReason(f"{len(failed)} orphaned run(s) marked FAILURE")

    return (
        [
            daily_statistics_schedule,
            cache_cleanup_schedule,
            weekly_report_schedule,
            *build_download_schedules(settings, timezone=PARIS, status=schedule_status),
        ],
        [fdj_inbox_sensor, inbox_archive_sensor, inbox_reject_sensor, orphaned_run_sensor],
    )
