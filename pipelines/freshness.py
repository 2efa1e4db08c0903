"""Freshness checks: each game's draws against its draw calendar, its statistics against the day.

Dagster's freshness builders (``build_last_update_freshness_checks``) and its newer ``FreshnessPolicy``
judge *when an asset was materialised*; a re-ingest of stale files would look fresh. These checks judge
the *data*: the last draw in the warehouse against the draws the game's calendar (``lottery/
draw_calendar.py``) says are published by now, and the last statistics snapshot's day. They are
non-blocking (WARN): stale data is still served, the miss is visible. They run with every
materialisation of their asset and from ``freshness_checks_sensor``, Dagster's freshness-check sensor:
a passing result carries ``dagster/fresh_until_timestamp`` (the instant the next draw, or the next
day's snapshot, becomes due), so the sensor re-runs it only then; a failing one is re-run by the next
materialisation. "Now" comes from the ``clock`` resource, so tests choose it.
"""

from __future__ import annotations

import warnings
from datetime import date, datetime, time, timedelta

import dagster as dg

from config.settings import Settings
from lottery.draw_calendar import PUBLICATION_GRACE_DAYS, latest_due_draw, missed_draws, next_draw_day
from lottery.games import WEEKDAY_NAMES, DrawKind, Game, era_on
from pipelines.assets.ingest import draws_asset_key
from pipelines.assets.statistics import statistics_asset_key
from pipelines.catalog import DUCKDB_POOL
from pipelines.resources import PARIS, Clock, Warehouse
from warehouse.freshness import last_draw_date, last_snapshot_date

FRESH_UNTIL = "dagster/fresh_until_timestamp"  # read by build_sensor_for_freshness_checks
STATISTICS_MAX_AGE_DAYS = 1
MISSED_LISTED = 20  # missed draw dates kept in the check's metadata
MISSED_IN_MESSAGE = 5
SENSOR_INTERVAL_S = 600


def _paris_midnight(day: date) -> float:
    return datetime.combine(day, time(), PARIS).timestamp()


def missed_message(game: Game, missed: list[date], last: date | None, today: date) -> str:
    """One sentence naming the missed draws (the first few and the latest) and the game's draw days."""
    names = [d.isoformat() for d in missed]
    shown = names if len(names) <= MISSED_IN_MESSAGE else [*names[: MISSED_IN_MESSAGE - 1], "…", names[-1]]
    since = f"after its last draw of {last}" if last else "(no draw at all)"
    era = era_on(game, DrawKind.MAIN, missed[-1])
    days = ", ".join(WEEKDAY_NAMES[d] for d in sorted(era.weekdays or ())) if era else ""
    return (
        f"{len(missed)} {game.value} draw(s) due by {today} missing {since}: {', '.join(shown)} "
        f"(draws on {days}, due the day after)."
    )


def build_freshness_checks(game: Game) -> list[dg.AssetChecksDefinition]:
    """``draws_fresh`` on ``game``'s draws and ``statistics_fresh`` on its statistics."""

    @dg.asset_check(
        asset=draws_asset_key(game),
        name="draws_fresh",
        pool=DUCKDB_POOL,
        description=(
            f"Every {game.value} draw the draw calendar says is published by now is in the warehouse (a "
            f"draw is due {PUBLICATION_GRACE_DAYS} day after its draw day); a miss names the dates."
        ),
    )
    def draws_fresh(warehouse: Warehouse, clock: Clock) -> dg.AssetCheckResult:
        today = clock.today()
        with warehouse.connect() as con:
            last = last_draw_date(con, game)
        due = latest_due_draw(game, today)
        missed = missed_draws(game, last, today)
        metadata: dict[str, object] = {
            "as_of": today.isoformat(),
            "last_draw": str(last),
            "latest_due_draw": str(due),
            "missed_draws": len(missed),
        }
        if missed:
            metadata["missed_dates"] = dg.MetadataValue.json([d.isoformat() for d in missed[:MISSED_LISTED]])
            return dg.AssetCheckResult(
                passed=False,
                severity=dg.AssetCheckSeverity.WARN,
                description=missed_message(game, missed, last, today),
                metadata=metadata,
            )
        newest = max((d for d in (due, last) if d is not None), default=today)
        next_due = next_draw_day(game, newest) + timedelta(days=PUBLICATION_GRACE_DAYS)
        metadata[FRESH_UNTIL] = dg.MetadataValue.timestamp(_paris_midnight(next_due))
        return dg.AssetCheckResult(
            passed=True,
            description=f"Up to date: the last {game.value} draw ({last}) is the latest due by {today}.",
            metadata=metadata,
        )

    @dg.asset_check(
        asset=statistics_asset_key(game),
        name="statistics_fresh",
        pool=DUCKDB_POOL,
        description=(
            f"The latest {game.value} statistics snapshot is at most {STATISTICS_MAX_AGE_DAYS} day old "
            "(the daily job writes one every morning)."
        ),
    )
    def statistics_fresh(warehouse: Warehouse, clock: Clock) -> dg.AssetCheckResult:
        today = clock.today()
        with warehouse.connect() as con:
            last = last_snapshot_date(con, game)
        age = None if last is None else (today - last).days
        metadata: dict[str, object] = {"as_of": today.isoformat(), "last_snapshot": str(last)}
        if last is None or age is None or age > STATISTICS_MAX_AGE_DAYS:
            return dg.AssetCheckResult(
                passed=False,
                severity=dg.AssetCheckSeverity.WARN,
                description=(
                    f"No {game.value} statistics snapshot yet."
                    if last is None
                    else f"The latest {game.value} statistics snapshot is {age} days old on {today} ({last})."
                ),
                metadata={**metadata, "age_days": age if age is not None else -1},
            )
        stale_from = last + timedelta(days=STATISTICS_MAX_AGE_DAYS + 1)
        return dg.AssetCheckResult(
            passed=True,
            description=f"The latest {game.value} statistics snapshot is of {last} ({age} day(s) old).",
            metadata={
                **metadata,
                "age_days": age,
                FRESH_UNTIL: dg.MetadataValue.timestamp(_paris_midnight(stale_from)),
            },
        )

    return [draws_fresh, statistics_fresh]


def build_freshness_sensor(checks: list[dg.AssetChecksDefinition], settings: Settings) -> dg.SensorDefinition:
    """Dagster's freshness-check sensor over ``checks``, on where AUTOMATION_ENABLED says so.

    Its builder is marked superseded by ``FreshnessPolicy``, which cannot express a draw calendar
    (see the module docstring); the warning is silenced here, where that choice is made.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.SupersessionWarning)
        return dg.build_sensor_for_freshness_checks(
            freshness_checks=checks,
            name="freshness_checks_sensor",
            minimum_interval_seconds=SENSOR_INTERVAL_S,
            default_status=(
                dg.DefaultSensorStatus.RUNNING
                if settings.automation_enabled
                else dg.DefaultSensorStatus.STOPPED
            ),
        )
