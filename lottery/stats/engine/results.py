"""The two shapes of result, quick and full statistics, from the passes run over one window."""

from __future__ import annotations

from typing import TypedDict

import numpy as np

from lottery.games import Game
from lottery.stats.engine.combos import pairs
from lottery.stats.engine.counts import BallStats, ball_counts
from lottery.stats.engine.gaps import ball_stats
from lottery.stats.engine.hot_and_cold import hot_cold
from lottery.stats.engine.passes import STATS_THREADS, _Passes
from lottery.stats.engine.pools import _constant, pools
from lottery.stats.engine.shapes import _shapes, distributions
from lottery.stats.engine.uniformity import chi_square
from lottery.stats.engine.window import DrawSet, _as_date, compact
from lottery.stats.models import (
    DrawOut,
    FullStats,
    NumberStat,
    QuickNumberStat,
    QuickStats,
    Randomness,
    StatsFilter,
)


def _quick_numbers(ds: DrawSet, st: BallStats) -> list[QuickNumberStat]:
    return [
        QuickNumberStat(
            number=i + 1,
            count=int(st.count[i]),
            frequency=float(st.count[i] / st.eligible[i]) if st.eligible[i] else 0.0,
            current_gap=int(st.current_gap[i]),
            last_drawn=_as_date(ds.dates[st.last_index[i]]) if st.last_index[i] >= 0 else None,
        )
        for i in range(len(st.count))
    ]


def _full_numbers(ds: DrawSet, st: BallStats) -> list[NumberStat]:
    return [
        NumberStat(
            **q.model_dump(),
            eligible_draws=int(st.eligible[i]),
            expected=float(st.expected[i]),
            max_gap=int(st.max_gap[i]) if st.max_gap[i] >= 0 else None,
            gap_before_first=int(st.gap_before_first[i]),
            mean_gap=None if np.isnan(st.mean_gap[i]) else float(st.mean_gap[i]),
        )
        for i, q in enumerate(_quick_numbers(ds, st))
    ]


class _WindowFields(TypedDict):
    """The fields both shapes of result start with."""

    game: Game
    filters: dict[str, object]
    draw_count: int
    first_draw: DrawOut
    last_draw: DrawOut
    data_version: str


def _window(ds: DrawSet, filters: StatsFilter, data_version: str) -> _WindowFields:
    """The fields both shapes of result start with."""
    return {
        "game": ds.game,
        "filters": filters.public(),
        "draw_count": ds.size,
        "first_draw": ds.draw(0),
        "last_draw": ds.draw(ds.size - 1),
        "data_version": data_version,
    }


def quick_stats(
    ds: DrawSet, filters: StatsFilter, data_version: str, *, hot_n: int = 50, threads: int = STATS_THREADS
) -> QuickStats:
    """Draw count, first/last draw, every number's and bonus ball's count/frequency/gap, hot/cold."""
    pool, bonus_pool = pools(ds.game, ds.dates)
    ds = compact(ds)
    with _Passes(ds.size, threads) as passes:
        numbers = passes.run(ball_counts, ds.numbers, _constant(pool, ds.size), pool)
        bonus = passes.run(ball_counts, ds.bonus, bonus_pool, int(bonus_pool.max()))
        hot = hot_cold(ds.numbers, pool, hot_n)
        return QuickStats(
            **_window(ds, filters, data_version),
            numbers=_quick_numbers(ds, numbers()),
            bonus=_quick_numbers(ds, bonus()),
            hot_cold=hot,
        )


def full_stats(
    ds: DrawSet,
    filters: StatsFilter,
    data_version: str,
    *,
    hot_n: int = 50,
    top_n: int | None = 20,
    triplets_n: int = 10,
    threads: int = STATS_THREADS,
) -> FullStats:
    """Everything: per-ball statistics, pairs, triplets, distributions, hot/cold, randomness.

    The passes over the draws (pairs and triplets, the draws' shapes, each pool's balls) are
    independent: on a large window they run on ``threads`` threads, longest first."""
    pool, bonus_pool = pools(ds.game, ds.dates)
    ds = compact(ds)
    number_pool = _constant(pool, ds.size)
    with _Passes(ds.size, threads) as passes:
        pairs_ = passes.run(pairs, ds, pool, bonus_pool, top_n, triplets_n)
        shapes = passes.run(_shapes, ds.numbers, pool)
        numbers_ = passes.run(ball_stats, ds.numbers, number_pool, pool)
        bonus_ = passes.run(ball_stats, ds.bonus, bonus_pool, int(bonus_pool.max()))
        numbers, bonus = numbers_(), bonus_()
        number_count = np.concatenate(([0], numbers.count))
        bonus_count = np.concatenate(([0], bonus.count))
        bonus_chi = passes.run(chi_square, ds.bonus, bonus_pool, ds.dates, ball_count=bonus_count)
        number_chi = chi_square(ds.numbers, number_pool, ds.dates, ball_count=number_count)
        return FullStats(
            **_window(ds, filters, data_version),
            numbers=_full_numbers(ds, numbers),
            bonus=_full_numbers(ds, bonus),
            pairs=pairs_(),
            distributions=distributions(ds, pool, number_count, shapes()),
            hot_cold=hot_cold(ds.numbers, pool, hot_n),
            randomness=Randomness(numbers=number_chi, bonus=bonus_chi()),
        )
