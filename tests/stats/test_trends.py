"""Statistics over time on crafted draws: windows, per-year counts and eras, the chi-square rule reused,
the weekly back-test verdicts."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import numpy as np
import pytest

from lottery.backtest import judge_backtest
from lottery.games import Game
from lottery.significance import judge
from lottery.stats.engine import chi_square, pools
from lottery.stats.trends import (
    Ball,
    BallPoint,
    Period,
    draw_trends,
    rolling_windows,
    series_out,
    week_of,
    weekly_verdicts,
    year_windows,
)
from lottery.strategies import Strategy
from tests.backtest.crafted import crafted_row
from tests.stats.helpers import drawset


def _em_draws(start: date, count: int, seed: int = 1) -> list[tuple[str, list[int], list[int]]]:
    """EuroMillions draws every Tuesday and Friday from ``start``, stars from the pool in force."""
    rng = np.random.default_rng(seed)
    rows, day = [], start
    while len(rows) < count:
        if day.weekday() in (1, 4):
            stars = 9 if day < date(2011, 5, 10) else (11 if day < date(2016, 9, 27) else 12)
            rows.append(
                (
                    day.isoformat(),
                    sorted(rng.choice(50, 5, replace=False) + 1),
                    sorted(rng.choice(stars, 2, replace=False) + 1),
                )
            )
        day += timedelta(days=1)
    return rows


ROWS = _em_draws(date(2010, 6, 1), 250)  # June 2010 .. early 2012: across the 9 -> 11 stars change
DS = drawset(Game.EUROMILLIONS, ROWS)


def _point(balls: list[BallPoint], period: Period, label: str, ball: Ball, number: int) -> BallPoint:
    return next(p for p in balls if (p.period, p.label, p.ball, p.number) == (period, label, ball, number))


def _count(year: str, ball: int, which: int) -> int:
    return sum(1 for r in ROWS if r[0].startswith(year) and ball in r[which])


def test_year_windows_split_the_draws_by_calendar_year() -> None:
    windows = year_windows(DS.dates)
    assert [w[0] for w in windows] == ["2010", "2011", "2012"]
    assert windows[0][1] == 0
    assert windows[-1][2] == DS.size
    for (label, lo, hi), nxt in pairwise(windows):
        assert hi == nxt[1]
        assert all(r[0].startswith(label) for r in ROWS[lo:hi])


def test_per_year_counts_frequencies_and_star_eligibility() -> None:
    balls, _ = draw_trends(DS)
    year = {(p.label, p.ball, p.number): p for p in balls if p.period is Period.YEAR}
    for label in ("2010", "2011", "2012"):
        draws = sum(1 for r in ROWS if r[0].startswith(label))
        for n in (1, 17, 50):
            p = year[(label, Ball.NUMBER, n)]
            assert p.count == _count(label, n, 1)
            assert p.draws == p.eligible_draws == draws
            assert p.frequency == pytest.approx(p.count / draws)
            assert p.expected == pytest.approx(draws * 5 / 50)
        for star in (1, 9):
            assert year[(label, Ball.BONUS, star)].count == _count(label, star, 2)
    # Stars 10 and 11 did not exist in 2010; in 2011 they count only from 2011-05-10.
    assert ("2010", Ball.BONUS, 10) not in year
    after = sum(1 for r in ROWS if "2011-05-10" <= r[0] <= "2011-12-31")
    star10 = year[("2011", Ball.BONUS, 10)]
    assert star10.eligible_draws == after
    assert star10.count == _count("2011", 10, 2)
    assert star10.frequency == pytest.approx(star10.count / after)


def test_gaps_of_a_year_are_those_of_the_year_alone() -> None:
    balls, _ = draw_trends(DS)
    year_rows = [r for r in ROWS if r[0].startswith("2011")]
    for n in (3, 42):
        hits = [i for i, r in enumerate(year_rows) if n in r[1]]
        p = _point(balls, Period.YEAR, "2011", Ball.NUMBER, n)
        assert p.current_gap == (len(year_rows) - 1 - hits[-1] if hits else len(year_rows))
        complete = [b - a - 1 for a, b in pairwise(hits)]
        assert p.max_gap == (max(complete) if complete else None)


def test_chi_square_points_are_the_engines_judged_by_the_one_rule() -> None:
    _, chis = draw_trends(DS)
    number_pool, bonus_pool = pools(DS.game, DS.dates)
    windows = {label: (lo, hi) for label, lo, hi in year_windows(DS.dates)}
    for point in chis:
        if point.period is Period.ROLLING:
            continue
        lo, hi = windows[point.label]
        if point.period is Period.CUMULATIVE:
            lo = 0
        values = DS.numbers[lo:hi] if point.ball is Ball.NUMBER else DS.bonus[lo:hi]
        pool = np.full(hi - lo, number_pool) if point.ball is Ball.NUMBER else bonus_pool[lo:hi]
        engine = chi_square(values, pool, DS.dates[lo:hi])
        assert point.p_value == engine.p_value
        assert point.df == engine.df
        assert point.draws == hi - lo
        assert point.comparisons == 2
        assert point.level == judge(point.p_value, 2).level
        assert point.cutoff == pytest.approx(0.025)
    # 2011 straddles the stars' change: one chi-square term per era (8 + 10 degrees of freedom).
    star_2011 = next(c for c in chis if (c.period, c.label, c.ball) == (Period.YEAR, "2011", Ball.BONUS))
    assert star_2011.df == 8 + 10
    cumulative = [c for c in chis if c.period is Period.CUMULATIVE and c.ball is Ball.NUMBER]
    assert cumulative[-1].draws == DS.size


def test_rolling_windows_are_the_last_100_draws_at_each_month_end() -> None:
    windows = rolling_windows(DS.dates, 100)
    assert windows, "250 draws hold several 100-draw windows"
    months = DS.dates.astype("datetime64[M]")
    for label, lo, hi in windows:
        assert hi - lo == 100
        assert str(months[hi - 1]) == label
        assert hi == DS.size or months[hi] != months[hi - 1]  # the month's last draw
    assert windows[0][2] >= 100  # the first month holding 100 draws ...
    assert windows[0][2] - 1 < 100 + 9  # ... ends at most 9 draws (a month) after the 100th
    assert windows[-1][2] == DS.size
    assert rolling_windows(DS.dates[:99], 100) == []
    balls, chis = draw_trends(DS)
    label, lo, hi = windows[3]
    p = _point(balls, Period.ROLLING, label, Ball.NUMBER, 7)
    assert p.count == sum(1 for r in ROWS[lo:hi] if 7 in r[1])
    assert p.draws == 100
    assert sum(1 for c in chis if c.period is Period.ROLLING) == 2 * len(windows)


def test_series_align_every_ball_with_the_windows() -> None:
    balls, _ = draw_trends(DS)
    windows, series = series_out([p for p in balls if p.period is Period.YEAR and p.ball is Ball.BONUS])
    assert [w.label for w in windows] == ["2010", "2011", "2012"]
    star10 = next(s for s in series if s.number == 10)
    assert star10.count[0] is None  # no star 10 in 2010
    assert star10.count[1] == _count("2011", 10, 2)
    star1 = next(s for s in series if s.number == 1)
    assert star1.count == [_count(y, 1, 2) for y in ("2010", "2011", "2012")]


def test_weekly_verdicts_keep_each_weeks_last_run_judged_as_a_fresh_one() -> None:
    game = Game.EUROMILLIONS
    early = [crafted_row(game, s, 0.5) for s in Strategy]
    late = [crafted_row(game, s, 0.0001 if s is Strategy.RANDOM else 0.5) for s in Strategy]
    other = [crafted_row(game, s, 0.03) for s in Strategy]
    monday = date(2026, 11, 2)
    weeks = weekly_verdicts(
        game, [(monday, early), (monday + timedelta(days=3), late), (monday + timedelta(days=7), other)]
    )
    assert {w.week for w in weeks} == {monday, monday + timedelta(days=7)}
    first = [w for w in weeks if w.week == monday]
    assert {w.run_date for w in first} == {monday + timedelta(days=3)}
    judged = judge_backtest(game, late)
    for w in first:
        s = Strategy(w.strategy)
        assert w.level == judged.significance[s].level
        assert w.verdict == judged.verdicts[s]
        assert w.cutoff == judged.cutoff == pytest.approx(0.05 / (3 * len(Strategy)))
    random_week = next(w for w in first if w.strategy == Strategy.RANDOM.value)
    assert random_week.level == "beyond_chance"
    assert all(w.level == "nominal" for w in weeks if w.week != monday)
    assert week_of(date(2026, 11, 8)) == monday  # a Sunday belongs to the week that began on Monday
