"""Fresh data without a person: FDJ's current archives, downloaded the evening after each draw day.

One schedule per game, on that game's draw days as ``lottery/games.py``'s current era states them
(EuroMillions Tuesday and Friday, Loto Monday, Wednesday and Saturday): at 23:30 Paris time, two hours
after the evening draws (FDJ republishes the archive afterwards and states no hour for it), and again at
05:30 the next morning, which catches a publication after 23:30 or a network failure of the evening tick
before the 06:00 statistics. The tick:

1. downloads the archive (``intake/archives.py``: the ingest guards, the timeout ``FDJ_DOWNLOAD_TIMEOUT_S``);
2. hashes its bytes (sha256) and asks the warehouse whether those bytes were already ingested
   (``ingest_log.fetched_sha256``);
3. asks for one run only when they were not: the archive, staged under ``FDJ_DOWNLOAD_DIR``, ingested by
   the game's ingest asset, then what serves it (``pipelines/fresh.py``: statistics, trends, serving
   snapshot, cache), with ``run_key`` = game and sha256.

An unchanged archive is a ``SkipReason`` and no run; so is a transient network failure (timeout, no
connection, HTTP 5xx/429: the next tick tries again) and a busy warehouse. An archive that cannot be
ingested as it is (HTTP 4xx, over ``INGEST_MAX_FILE_BYTES``, a broken or hostile zip, another game's
file) fails the tick with the reason, and nothing is staged or run. What only loading can find (rows
contradicting loaded draws, mostly bad rows) fails the run, as any refused file does: nothing of it loaded.
"""

from __future__ import annotations

import dagster as dg

from config.settings import Settings
from intake.archives import ArchiveRefusedError, download_archive, stage
from intake.sources import TransientDownloadError
from lottery.fdj.guards import size_text
from lottery.games import WEEKDAY_NAMES, Game, current_era
from pipelines.fresh import build_fresh_job
from warehouse.fetched_files import WarehouseBusyError, read_past_ingest

EVENING = (23, 30)  # on each draw day
MORNING = (5, 30)  # the day after, before the 06:00 statistics
URL_TAG = "lotostats/fdj_archive_url"
SHA_TAG = "lotostats/fdj_archive_sha256"


def download_job_name(game: Game) -> str:
    """The job that ingests one downloaded archive of ``game`` and everything downstream."""
    return f"fdj_download_{game.value}_job"


def build_download_job(game: Game) -> dg.UnresolvedAssetJobDefinition:
    """``game``'s ingest, statistics and trends, the serving snapshot and the cache (pipelines/fresh.py)."""
    return build_fresh_job(
        download_job_name(game),
        game,
        f"One downloaded FDJ {game.value} archive: its ingest, statistics, trends, the serving snapshot, "
        "the cache.",
    )


DOWNLOAD_JOBS: dict[Game, dg.UnresolvedAssetJobDefinition] = {game: build_download_job(game) for game in Game}


def draw_days(game: Game) -> list[int]:
    """The weekdays (``date.weekday()``: Monday 0) of ``game``'s draws under its current rules."""
    weekdays = current_era(game).weekdays
    if not weekdays:  # pragma: no cover - every current era has fixed draw days
        raise ValueError(f"{game} has no fixed draw days")
    return sorted(weekdays)


def _cron_days(weekdays: list[int]) -> str:
    """Weekdays as cron writes them (Sunday 0)."""
    return ",".join(str((d + 1) % 7) for d in sorted(weekdays, key=lambda d: (d + 1) % 7))


def download_crons(game: Game) -> list[str]:
    """23:30 on ``game``'s draw days and 05:30 on the days after."""
    days = draw_days(game)
    return [
        f"{EVENING[1]} {EVENING[0]} * * {_cron_days(days)}",
        f"{MORNING[1]} {MORNING[0]} * * {_cron_days([(d + 1) % 7 for d in days])}",
    ]


def check_archive(game: Game, settings: Settings) -> dg.RunRequest | dg.SkipReason:
    """One tick's decision for ``game``: download, hash, then a run for new bytes or why not.

    Raises :class:`ArchiveRefusedError` (the tick fails with the reason) for an archive that cannot be
    ingested as it is.
    """
    url = settings.fdj_download_url(game)
    if not settings.fdj_download_enabled or not url:
        return dg.SkipReason(
            f"{game}: downloads are off (FDJ_DOWNLOAD_ENABLED, FDJ_DOWNLOAD_URL_{game.upper()})"
        )
    try:
        archive = download_archive(
            game, url, timeout_s=settings.fdj_download_timeout_s, limits=settings.file_limits()
        )
    except TransientDownloadError as exc:
        return dg.SkipReason(f"{game}: {exc}. Nothing staged or run; the next tick tries again.")
    except ArchiveRefusedError as exc:
        raise ArchiveRefusedError(f"{game}: archive refused, nothing staged or run: {exc}") from exc
    digest = f"sha256 {archive.sha256[:12]}…, {size_text(len(archive.data))}"
    try:
        past = read_past_ingest(settings.warehouse_path, game, archive.sha256)
    except WarehouseBusyError as exc:
        return dg.SkipReason(f"{game}: downloaded ({digest}) but {exc}; the next tick tries again.")
    if past is not None and past.ok:
        return dg.SkipReason(
            f"{game}: archive unchanged ({digest}), already ingested by run {past.run_id} at "
            f"{past.finished_at:%Y-%m-%d %H:%M}: nothing to recompute."
        )
    if past is not None:
        return dg.SkipReason(
            f"{game}: archive ({digest}) was refused by run {past.run_id} at "
            f"{past.finished_at:%Y-%m-%d %H:%M} and has not changed since: {past.error}"
        )
    path = stage(archive, settings.fdj_download_dir)
    return dg.RunRequest(
        run_key=f"{game.value}:{archive.sha256}",
        run_config={"resources": {"fdj_source": {"config": {"location": str(path)}}}},
        tags={URL_TAG: url, SHA_TAG: archive.sha256},
    )


def build_download_schedules(
    settings: Settings, *, timezone: str, status: dg.DefaultScheduleStatus
) -> list[dg.ScheduleDefinition]:
    """One download schedule per game (RUNNING only when ``status`` says so and downloads are on)."""
    if not settings.fdj_download_enabled:
        status = dg.DefaultScheduleStatus.STOPPED
    schedules = []
    for game in Game:
        days = ", ".join(WEEKDAY_NAMES[d] for d in draw_days(game))
        schedules.append(
            _download_schedule(game, settings, timezone, status, f"{days} at 23:30 and the next day at 05:30")
        )
    return schedules


def _download_schedule(
    game: Game, settings: Settings, timezone: str, status: dg.DefaultScheduleStatus, when: str
) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=f"fdj_download_{game.value}_schedule",
        cron_schedule=download_crons(game),
        execution_timezone=timezone,
        job=DOWNLOAD_JOBS[game],
        default_status=status,
        description=f"{when} ({timezone}): download FDJ's current {game.value} archive "
        f"({settings.fdj_download_url(game) or 'no URL set'}); a run only when its sha256 is new.",
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        decision = check_archive(game, settings)
        if isinstance(decision, dg.SkipReason):
            context.log.info(decision.skip_message)
        else:
            context.log.info("%s: new archive, requesting run %s", game, decision.run_key)
        return decision

    return _schedule
