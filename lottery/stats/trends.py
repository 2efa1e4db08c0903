"""Statistics over time: per-year and rolling-window ball statistics, chi-square p over time, and the
back-test's verdicts week by week. Pure functions of the draws (numpy) and of stored results.

Every figure reuses the engine and the one significance rule, so a point here equals what the API's
``/stats`` says for the same window:

* **Per calendar year** (``period = "year"``): the draws of that year, exactly ``/stats?year=Y``:
  each ball's count, frequency (count / eligible draws), exact expectation, longest complete gap and
  the gap still running at the year's last draw (:func:`lottery.stats.engine.ball_stats`).
* **Rolling window** (``period = "rolling"``): the last :data:`ROLLING_DRAWS` (100) draws at the
  last draw of each calendar month that has one (``/stats?last=100`` as it stood that day), from the
  first month holding 100 draws. Eras: EuroMillions' star pool grew (9, 11, 12); a star counts only
  in draws where it existed, and a window straddling a change gets one chi-square term per era.
* **Chi-square p over time**: :func:`lottery.stats.engine.chi_square` of each year, of all draws up
  to each year's end (``period = "cumulative"``), and of each rolling window, judged as the
  statistics page judges it (numbers and bonus balls together: 2 comparisons, cutoff 0.025).
  Stored daily snapshots add their own all-history p (``period = "snapshot"``), read as stored.
* **Back-test verdicts week by week**: the last back-test run of each ISO week (the week's Monday),
  re-judged by :func:`lottery.backtest.judge_backtest` exactly as a fresh result.

Nothing here predicts a draw: the chart of a number's yearly frequency is noise around its
expectation, and the p-values move with the windows' luck.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from lottery.backtest import StrategyBacktest, judge_backtest
from lottery.games import Game
from lottery.significance import Level
from lottery.stats.engine import DrawSet, ball_stats, chi_square, pools
from lottery.stats.models import ChiSquare

ROLLING_DRAWS = 100


class Ball(StrEnum):
    """Main numbers or bonus balls (stars, chance number)."""

    NUMBER = "number"
    BONUS = "bonus"


class Period(StrEnum):
    """The kind of window a trend point describes."""

    YEAR = "year"
    CUMULATIVE = "cumulative"
    ROLLING = "rolling"
    SNAPSHOT = "snapshot"


class BallPoint(BaseModel):
    """One ball's statistics over one window (a calendar year, or the last 100 draws at a month end)."""

    period: Period = Field(description="year or rolling")
    period_end: date = Field(description="the window's last draw")
    label: str = Field(description="2024 (year) or 2024-12 (rolling: the month whose last draw ends it)")
    ball: Ball
    number: int
    draws: int = Field(description="draws in the window")
    eligible_draws: int = Field(description="draws of the window in which the ball existed")
    count: int
    frequency: float = Field(description="count / eligible_draws")
    expected: float = Field(description="exact expected count in fair draws")
    max_gap: int | None = Field(description="longest complete gap inside the window (None below two)")
    current_gap: int = Field(description="eligible draws after its last appearance, at the window's end")


class ChiPoint(BaseModel):
    """The chi-square test of uniformity of one window, judged by the one significance rule."""

    period: Period
    period_end: date = Field(description="the window's last draw (snapshot: the snapshot's date)")
    label: str
    ball: Ball
    draws: int
    corrected_statistic: float
    df: int
    p_value: float
    comparisons: int = Field(description="tests judged together (numbers and bonus balls: 2)")
    cutoff: float = Field(description="0.05 / comparisons: below it the departure stands out")
    level: Level


class BacktestWeek(BaseModel):
    """One strategy's back-test verdict in one week (the week's last run)."""

    week: date = Field(description="Monday of the ISO week")
    run_date: date
    strategy: str
    targets: int
    mean_main_matches: float
    expected_main_matches: float
    p_value: float | None = Field(description="the smallest of the three measures' p-values")
    comparisons: int
    cutoff: float
    level: Level
    verdict: str


class Trends(BaseModel):
    """Everything over time for one game."""

    game: Game
    rolling_draws: int = Field(description="draws in each rolling window")
    balls: list[BallPoint]
    chi_square: list[ChiPoint]
    backtests: list[BacktestWeek]


def _as_date(value: np.datetime64) -> date:
    return date.fromisoformat(str(value.astype("datetime64[D]")))


def year_windows(dates: np.ndarray) -> list[tuple[str, int, int]]:
    """(label, first row, last row + 1) of each calendar year that has draws (dates ascending)."""
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    if len(years) == 0:
        return []
    cuts = np.flatnonzero(np.diff(years)) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [len(years)]))
    return [(str(int(years[s])), int(s), int(e)) for s, e in zip(starts, ends, strict=True)]


def rolling_windows(dates: np.ndarray, size: int = ROLLING_DRAWS) -> list[tuple[str, int, int]]:
    """(YYYY-MM, first row, last row + 1): the last ``size`` draws at each month's last draw.

    Months before the ``size``-th draw have no window; months without a draw have no point.
    """
    months = dates.astype("datetime64[M]")
    if len(months) < size:
        return []
    last_rows = np.flatnonzero(np.concatenate((months[1:] != months[:-1], [True])))
    return [(str(months[i]), int(i) + 1 - size, int(i) + 1) for i in last_rows if i + 1 >= size]


def _ball_kinds(
    ds: DrawSet, lo: int, hi: int, number_pool: int, bonus_pool: np.ndarray
) -> Iterator[tuple[Ball, np.ndarray, np.ndarray]]:
    """(ball, values, pool per draw) of rows ``lo:hi`` for the main numbers, then the bonus balls if any."""
    for ball, values, pool in (
        (Ball.NUMBER, ds.numbers[lo:hi], np.full(hi - lo, number_pool)),
        (Ball.BONUS, ds.bonus[lo:hi], bonus_pool[lo:hi]),
    ):
        if values.shape[1]:
            yield ball, values, pool


def _ball_points(
    ds: DrawSet, period: Period, label: str, lo: int, hi: int, number_pool: int, bonus_pool: np.ndarray
) -> list[BallPoint]:
    points: list[BallPoint] = []
    draws = hi - lo
    end = _as_date(ds.dates[hi - 1])
    for ball, values, pool in _ball_kinds(ds, lo, hi, number_pool, bonus_pool):
        st = ball_stats(values, pool, int(pool.max()))
        points += [
            BallPoint(
                period=period,
                period_end=end,
                label=label,
                ball=ball,
                number=i + 1,
                draws=draws,
                eligible_draws=int(st.eligible[i]),
                count=int(st.count[i]),
                frequency=float(st.count[i] / st.eligible[i]) if st.eligible[i] else 0.0,
                expected=float(st.expected[i]),
                max_gap=int(st.max_gap[i]) if st.max_gap[i] >= 0 else None,
                current_gap=int(st.current_gap[i]),
            )
            for i in range(len(st.count))
        ]
    return points


def _chi_points(
    ds: DrawSet, period: Period, label: str, lo: int, hi: int, number_pool: int, bonus_pool: np.ndarray
) -> list[ChiPoint]:
    end = _as_date(ds.dates[hi - 1])
    # chi_square judges by the page's rule: 2 comparisons
    return [
        _chi_point(period, end, label, ball, hi - lo, chi_square(values, pool, ds.dates[lo:hi]))
        for ball, values, pool in _ball_kinds(ds, lo, hi, number_pool, bonus_pool)
    ]


def _chi_point(period: Period, end: date, label: str, ball: Ball, draws: int, test: ChiSquare) -> ChiPoint:
    return ChiPoint(
        period=period,
        period_end=end,
        label=label,
        ball=ball,
        draws=draws,
        corrected_statistic=test.corrected_statistic,
        df=test.df,
        p_value=test.p_value,
        comparisons=test.significance.comparisons,
        cutoff=test.significance.cutoff,
        level=test.significance.level,
    )


def draw_trends(ds: DrawSet, rolling: int = ROLLING_DRAWS) -> tuple[list[BallPoint], list[ChiPoint]]:
    """Per-year and rolling ball statistics, and the chi-square of each year, cumulative and rolling."""
    if ds.size == 0:
        return [], []
    number_pool, bonus_pool = pools(ds.game, ds.dates)
    balls: list[BallPoint] = []
    chis: list[ChiPoint] = []
    for label, lo, hi in year_windows(ds.dates):
        balls += _ball_points(ds, Period.YEAR, label, lo, hi, number_pool, bonus_pool)
        chis += _chi_points(ds, Period.YEAR, label, lo, hi, number_pool, bonus_pool)
        chis += _chi_points(ds, Period.CUMULATIVE, label, 0, hi, number_pool, bonus_pool)
    for label, lo, hi in rolling_windows(ds.dates, rolling):
        balls += _ball_points(ds, Period.ROLLING, label, lo, hi, number_pool, bonus_pool)
        chis += _chi_points(ds, Period.ROLLING, label, lo, hi, number_pool, bonus_pool)
    return balls, chis


def week_of(day: date) -> date:
    """Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def weekly_verdicts(
    game: Game, runs: Iterable[tuple[date, Sequence[StrategyBacktest]]]
) -> list[BacktestWeek]:
    """The last back-test run of each week, every strategy judged by :func:`judge_backtest`."""
    last_of_week: dict[date, tuple[date, Sequence[StrategyBacktest]]] = {}
    for run_date, strategies in runs:
        week = week_of(run_date)
        if week not in last_of_week or run_date >= last_of_week[week][0]:
            last_of_week[week] = (run_date, strategies)
    out: list[BacktestWeek] = []
    for week in sorted(last_of_week):
        run_date, strategies = last_of_week[week]
        if not strategies:
            continue
        judged = judge_backtest(game, strategies)
        for s in sorted(strategies, key=lambda s: s.strategy.value):
            sig = judged.significance[s.strategy]
            out.append(
                BacktestWeek(
                    week=week,
                    run_date=run_date,
                    strategy=s.strategy.value,
                    targets=s.targets,
                    mean_main_matches=s.mean_main_matches,
                    expected_main_matches=s.expected_main_matches,
                    p_value=sig.p_value,
                    comparisons=judged.comparisons,
                    cutoff=judged.cutoff,
                    level=sig.level,
                    verdict=judged.verdicts[s.strategy],
                )
            )
    return out


def snapshot_point(snapshot_date: date, draws: int, ball: Ball, test: ChiSquare) -> ChiPoint:
    """A stored snapshot's all-history chi-square as a point over time (its stored judgement kept)."""
    return _chi_point(Period.SNAPSHOT, snapshot_date, snapshot_date.isoformat(), ball, draws, test)


# ---------------------------------------------------------------------------------------------
# What the API serves: one ball kind and one kind of window, as aligned series


class TrendWindow(StrEnum):
    """The windows of the per-ball series: calendar years, or the last 100 draws at each month end."""

    YEAR = "year"
    ROLLING = "rolling"


class WindowOut(BaseModel):
    """One window of the series (the arrays of every :class:`BallSeries` are aligned with these)."""

    label: str
    period_end: date
    draws: int


class BallSeries(BaseModel):
    """One ball over the windows; None where the ball did not exist (a star before its era)."""

    number: int
    count: list[int | None]
    eligible_draws: list[int | None]
    frequency: list[float | None]
    expected: list[float | None]
    max_gap: list[int | None]
    current_gap: list[int | None]


class TrendsOut(BaseModel):
    """``GET /api/{game}/trends``: a ball kind's statistics over time, the chi-square p over time and
    the back-test's verdicts week by week."""

    game: Game
    data_version: str
    ball: Ball
    window: TrendWindow
    rolling_draws: int = Field(description="draws in each rolling window")
    windows: list[WindowOut]
    series: list[BallSeries]
    chi_square: list[ChiPoint] = Field(
        description="year: each year, cumulative to each year end, and each stored daily snapshot; "
        "rolling: each rolling window and each snapshot"
    )
    backtests: list[BacktestWeek]
    alpha: float = Field(description="the level a single test is read at")
    note: str


TRENDS_NOTE = (
    "Each point is what the statistics page says for that window (a calendar year, or the last "
    f"{ROLLING_DRAWS} draws at a month's last draw). Counts wander around their exact expectation in "
    "fair draws, and p-values move with each window's luck: about 1 window in 20 falls below 0.05 by "
    "chance, which is why a departure only stands out below the cutoff. None of it predicts a draw."
)


def series_out(points: Sequence[BallPoint]) -> tuple[list[WindowOut], list[BallSeries]]:
    """Windows in order, and each ball's values aligned with them (None where it did not exist)."""
    windows: dict[str, WindowOut] = {}
    for p in sorted(points, key=lambda p: (p.period_end, p.label)):
        windows.setdefault(p.label, WindowOut(label=p.label, period_end=p.period_end, draws=p.draws))
    index = {label: i for i, label in enumerate(windows)}
    n = len(windows)
    by_number: dict[int, dict[str, list[Any]]] = {}  # each field's values, by getattr
    fields = ("count", "eligible_draws", "frequency", "expected", "max_gap", "current_gap")
    for p in points:
        row = by_number.setdefault(p.number, {f: [None] * n for f in fields})
        for f in fields:
            row[f][index[p.label]] = getattr(p, f)
    series = [BallSeries(number=k, **by_number[k]) for k in sorted(by_number)]
    return list(windows.values()), series
