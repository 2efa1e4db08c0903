"""What one weekly report shows, gathered from the warehouse (and the service metrics from Redis)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Literal

import duckdb
import redis
from pydantic import BaseModel, Field

from lottery.backtest import BacktestVerdict, StrategyBacktest, judge_backtest
from lottery.games import Game
from lottery.stats.models import HotCold, HotColdNumber, NumberStat, Randomness, StatsFilter
from lottery.strategies import Strategy
from serving import cache
from serving.jobs import generation_stats
from warehouse.draw_queries import DrawRecord, draw_page
from warehouse.statistics import compute_full, data_version

LONGEST_GAPS_SHOWN = 10
WEEK_DAYS = 7


class ServiceWeek(BaseModel):
    """How the serving side did over the week."""

    cache_hits: int = 0
    cache_misses: int = 0
    cache_bypass: int = 0
    hit_rate: float | None = None
    generations: dict[str, dict] = Field(
        default_factory=dict, description="strategy -> {generations, failed, grids, p50_ms, p95_ms}"
    )
    days: list[dict] = Field(default_factory=list, description="per day: {day, hits, misses, hit_rate}")


class WeeklyReportData(BaseModel):
    """Everything one weekly report shows."""

    game: Literal["euromillions", "loto"]
    week_start: date
    week_end: date
    generated_at: datetime
    data_version: str
    draws: list[DrawRecord] = Field(description="the week's draws, newest first, with prize tiers")
    week_hot_cold: HotCold | None = Field(
        default=None, description="the week's draws against the fair expectation (None: no draw)"
    )
    numbers: list[NumberStat] = Field(description="every number over all history")
    longest_gaps: list[NumberStat] = Field(description="the longest current gaps, longest first")
    randomness: Randomness
    backtest: list[StrategyBacktest] = Field(default_factory=list)
    backtest_verdict: BacktestVerdict | None = Field(
        default=None, description="judge_backtest of the back-test: the verdicts the API prints too"
    )
    service: ServiceWeek | None = None
    draw_count: int = Field(description="draws in all history")

    @property
    def week_hot(self) -> list[HotColdNumber]:
        """The week's hot numbers (smallest upper tails first)."""
        return self.week_hot_cold.hot if self.week_hot_cold else []

    @property
    def week_cold(self) -> list[HotColdNumber]:
        """The week's cold numbers (smallest lower tails first)."""
        return self.week_hot_cold.cold if self.week_hot_cold else []

    @property
    def iso_week(self) -> str:
        """``2026-W21``."""
        return f"{self.week_start:%G-W%V}"


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of ``day``'s ISO week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def longest_gaps(numbers: Iterable[NumberStat], shown: int = LONGEST_GAPS_SHOWN) -> list[NumberStat]:
    """The ``shown`` numbers with the longest current gap, longest first (ties: smaller number)."""
    return sorted(numbers, key=lambda s: (-s.current_gap, s.number))[:shown]


def build_report_data(
    con: duckdb.DuckDBPyConnection,
    game: Game,
    week_start: date | None = None,
    *,
    backtest: Sequence[StrategyBacktest] = (),
    service: ServiceWeek | None = None,
    generated_at: datetime | None = None,
) -> WeeklyReportData:
    """The report of one ISO week (default: the week of the last draw) from a warehouse connection.

    Week hot/cold: the engine's hot/cold over the last N draws up to the week's end, N = the week's
    draw count: the week's counts against the fair expectation, with exact tails. The back-test is
    worded by :func:`lottery.backtest.judge_backtest`, the function the API's metrics use.
    """
    version = data_version(con, game)
    full = compute_full(con, game, StatsFilter(), version)
    if week_start is None:
        week_start = full.last_draw.draw_date
    week_start, week_end = week_of(week_start)
    draws = draw_page(con, game, version, date_from=week_start, date_to=week_end, limit=100).draws
    week_hot_cold = None
    if draws:
        upto = compute_full(con, game, StatsFilter(date_to=week_end), version, hot_n=len(draws))
        week_hot_cold = upto.hot_cold
    return WeeklyReportData(
        game=game.value,
        week_start=week_start,
        week_end=week_end,
        generated_at=generated_at or datetime.now(UTC),
        data_version=version,
        draws=draws,
        week_hot_cold=week_hot_cold,
        numbers=full.numbers,
        longest_gaps=longest_gaps(full.numbers),
        randomness=full.randomness,
        backtest=list(backtest),
        backtest_verdict=judge_backtest(game, backtest) if backtest else None,
        service=service,
        draw_count=full.draw_count,
    )


def service_week(client: redis.Redis) -> ServiceWeek:
    """The last seven days of cache and generation figures, from the metrics kept in Redis."""
    days = cache.read_counters(client, WEEK_DAYS)
    totals = cache.counter_totals(days)
    return ServiceWeek(
        cache_hits=totals["hits"],
        cache_misses=totals["misses"],
        cache_bypass=totals["bypass"],
        hit_rate=totals["hit_rate"],
        generations=generation_stats(client, WEEK_DAYS, [s.value for s in Strategy]),
        days=days,
    )
