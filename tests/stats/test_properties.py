"""Property tests: the numpy engine against a straightforward pure-Python reference, on random windows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations, pairwise
from math import comb, fsum, sqrt
from statistics import mean, stdev

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lottery.games import Game
from lottery.stats.engine import DrawSet, full_stats, pairs, pools, quick_stats
from lottery.stats.models import StatsFilter

approx = pytest.approx
FIRST_DAY = date(2004, 2, 13)
LAST_DAY = date(2026, 12, 31)
SPAN = (LAST_DAY - FIRST_DAY).days


def star_pool(day: date) -> int:
    """EuroMillions stars: 1..9, then 1..11 from 2011-05-10, then 1..12 from 2016-09-27."""
    if day >= date(2016, 9, 27):
        return 12
    return 11 if day >= date(2011, 5, 10) else 9


@dataclass(frozen=True)
class Window:
    days: list[date]
    numbers: list[tuple[int, ...]]
    stars: list[tuple[int, ...]]

    def drawset(self) -> DrawSet:
        return DrawSet(
            game=Game.EUROMILLIONS,
            dates=np.array([d.isoformat() for d in self.days], dtype="datetime64[D]"),
            numbers=np.array(self.numbers, dtype=np.int16),
            bonus=np.array(self.stars, dtype=np.int16),
        )


@st.composite
def windows(draw: st.DrawFn) -> Window:
    """1..300 valid EuroMillions draws on strictly increasing dates in 2004-2026.

    Numbers and stars may be drawn from a narrowed range (still valid draws) so that repeats,
    consecutive runs and never-drawn balls all occur.
    """
    n = draw(st.integers(1, 300))
    start = draw(st.integers(0, SPAN - n))
    width = draw(st.integers(n, min(SPAN - start, 3 * n + 30)))
    numbers_top = draw(st.sampled_from([5, 6, 8, 12, 20, 50, 50, 50]))
    stars_top = draw(st.sampled_from([2, 3, 12, 12]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    offsets = np.sort(rng.choice(width + 1, size=n, replace=False))
    days = [FIRST_DAY + timedelta(days=start + int(o)) for o in offsets]
    numbers = [tuple(sorted(int(x) + 1 for x in rng.choice(numbers_top, 5, replace=False))) for _ in days]
    stars = [
        tuple(sorted(int(x) + 1 for x in rng.choice(min(stars_top, star_pool(d)), 2, replace=False)))
        for d in days
    ]
    return Window(days, numbers, stars)


@dataclass
class RefBall:
    count: int
    eligible: int
    expected: float
    current_gap: int
    max_gap: int | None
    gap_before_first: int
    mean_gap: float | None
    last_drawn: date | None


def reference_balls(
    days: list[date], rows: list[tuple[int, ...]], pool_of: list[int], top: int
) -> list[RefBall]:
    """Per-ball figures by the definitions in the engine's docstring, one ball at a time."""
    n, k = len(rows), len(rows[0])
    out = []
    for ball in range(1, top + 1):
        eligible = [i for i in range(n) if pool_of[i] >= ball]
        hits = [i for i in range(n) if ball in rows[i]]
        between = [b - a - 1 for a, b in pairwise(hits)]  # complete gaps only
        out.append(
            RefBall(
                count=len(hits),
                eligible=len(eligible),
                expected=sum(k / pool_of[i] for i in eligible),
                current_gap=n - 1 - hits[-1] if hits else len(eligible),
                max_gap=max(between) if between else None,
                gap_before_first=sum(1 for i in eligible if not hits or i < hits[0]),
                mean_gap=mean(between) if between else None,
                last_drawn=days[hits[-1]] if hits else None,
            )
        )
    return out


def _hist(values: list[int], size: int) -> list[int]:
    c = Counter(values)
    return [c[v] for v in range(size)]


COMMON = settings(max_examples=50, deadline=None)


@COMMON
@given(windows())
def test_ball_figures_match_reference(w: Window) -> None:
    ds = w.drawset()
    n = len(w.days)
    stats = full_stats(ds, StatsFilter(), "v")
    quick = quick_stats(ds, StatsFilter(), "v")
    star_pools = [star_pool(d) for d in w.days]
    assert pools(Game.EUROMILLIONS, ds.dates)[1].tolist() == star_pools

    for got, qgot, ref in (
        (stats.numbers, quick.numbers, reference_balls(w.days, w.numbers, [50] * n, 50)),
        (stats.bonus, quick.bonus, reference_balls(w.days, w.stars, star_pools, max(star_pools))),
    ):
        assert len(got) == len(ref) == len(qgot)
        for s, q, r in zip(got, qgot, ref, strict=True):
            assert (
                s.count,
                s.eligible_draws,
                s.current_gap,
                s.max_gap,
                s.gap_before_first,
                s.last_drawn,
            ) == (
                r.count,
                r.eligible,
                r.current_gap,
                r.max_gap,
                r.gap_before_first,
                r.last_drawn,
            ), s.number
            assert s.expected == approx(r.expected)
            assert s.mean_gap == (None if r.mean_gap is None else approx(r.mean_gap))
            assert s.frequency == approx(r.count / r.eligible if r.eligible else 0.0)
            assert 0.0 <= s.frequency <= 1.0
            assert (q.count, q.current_gap, q.last_drawn, q.frequency) == (
                s.count,
                s.current_gap,
                s.last_drawn,
                s.frequency,
            )

    assert sum(s.count for s in stats.numbers) == 5 * n
    assert sum(s.count for s in stats.bonus) == 2 * n
    assert stats.draw_count == quick.draw_count == n
    assert stats.first_draw.draw_date == w.days[0]
    assert stats.last_draw.numbers == list(w.numbers[-1])


@COMMON
@given(windows())
def test_pairs_and_triplets_match_reference(w: Window) -> None:
    ds = w.drawset()
    _, bonus_pool = pools(Game.EUROMILLIONS, ds.dates)
    ref_pairs = Counter(c for row in w.numbers for c in combinations(row, 2))
    ref_triplets = Counter(c for row in w.numbers for c in combinations(row, 3))
    ref_bonus = Counter(tuple(row) for row in w.stars)
    # Asking for as many triplets as were seen returns exactly the seen ones (counts rank first).
    got = pairs(ds, 50, bonus_pool, None, len(ref_triplets))

    assert {tuple(p.numbers): p.count for p in got.numbers if p.count} == ref_pairs
    assert {tuple(p.numbers): p.count for p in got.triplets} == ref_triplets
    assert {tuple(p.numbers): p.count for p in got.bonus if p.count} == ref_bonus
    assert len(got.numbers) == comb(50, 2)
    assert len(got.bonus) == comb(int(bonus_pool.max()), 2)
    n = len(w.days)
    assert sum(p.expected for p in got.numbers) == approx(10 * n)
    assert sum(p.expected for p in got.bonus) == approx(n)
    assert all(p.expected == approx(n * 10 / comb(50, 3)) for p in got.triplets)

    top = pairs(ds, 50, bonus_pool, 20, 10)
    ranked = sorted(ref_pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    assert [(tuple(p.numbers), p.count) for p in top.numbers][: len(ranked)] == ranked
    assert [p.count for p in top.triplets] == sorted(ref_triplets.values(), reverse=True)[:10]


@COMMON
@given(windows())
def test_distributions_match_reference(w: Window) -> None:
    ds = w.drawset()
    d = full_stats(ds, StatsFilter(), "v").distributions
    n = len(w.numbers)
    odd = [sum(x % 2 for x in row) for row in w.numbers]
    low = [sum(x <= 25 for x in row) for row in w.numbers]
    consecutive = [sum(b - a == 1 for a, b in pairwise(row)) for row in w.numbers]
    repeats = [len(set(a) & set(b)) for a, b in zip(w.numbers, w.numbers[1:], strict=False)]
    sums = [sum(row) for row in w.numbers]

    assert [b.count for b in d.odd_count.buckets] == _hist(odd, 6)
    assert [b.count for b in d.low_count.buckets] == _hist(low, 6)
    assert [b.count for b in d.consecutive_pairs.buckets] == _hist(consecutive, 5)
    if n < 2:
        assert d.repeats_from_previous is None
    else:
        assert d.repeats_from_previous is not None
        assert [b.count for b in d.repeats_from_previous.buckets] == _hist(repeats, 6)
        assert d.repeats_from_previous.mean == approx(mean(repeats))
    assert d.odd_count.mean == approx(mean(odd))
    for dist in (d.odd_count, d.low_count, d.consecutive_pairs):
        assert sum(b.share for b in dist.buckets) == approx(1.0)
        assert sum(b.expected_share for b in dist.buckets) == approx(1.0)

    for b in d.sum.buckets:
        lo, hi = map(int, b.value.split("-"))
        assert hi == lo + 9
        assert lo % 10 == 0
        assert b.count == sum(lo <= s <= hi for s in sums)
    assert sum(b.count for b in d.sum.buckets) == n
    assert d.sum.buckets[0].count > 0
    assert d.sum.buckets[-1].count > 0
    assert d.sum.mean == approx(mean(sums))
    assert d.sum.sd == (approx(stdev(sums)) if n > 1 else None)

    decades = [(1, 9), (10, 19), (20, 29), (30, 39), (40, 50)]
    assert [b.count for b in d.decades.buckets] == [
        sum(lo <= x <= hi for row in w.numbers for x in row) for lo, hi in decades
    ]


def _binomial_tail(m: int, p: float, count: int, *, upper: bool) -> float:
    """P(X >= count) (upper) or P(X <= count) of X ~ Binomial(m, p), summed term by term."""
    js = range(count, m + 1) if upper else range(count + 1)
    return fsum(comb(m, j) * p**j * (1 - p) ** (m - j) for j in js)


@COMMON
@given(windows(), st.integers(1, 60))
def test_hot_cold_against_a_term_by_term_binomial(w: Window, hot_n: int) -> None:
    """Recent counts against the fair expectation m x 5/50, exact tails, crossings and chance counts."""
    hc = quick_stats(w.drawset(), StatsFilter(), "v", hot_n=hot_n).hot_cold
    m, p = min(hot_n, len(w.numbers)), 5 / 50
    recent = Counter(x for row in w.numbers[-m:] for x in row)
    upper = {b: _binomial_tail(m, p, recent[b], upper=True) for b in range(1, 51)}
    lower = {b: _binomial_tail(m, p, recent[b], upper=False) for b in range(1, 51)}
    assert hc.last_n == m
    for rows, tails in ((hc.hot, upper), (hc.cold, lower)):
        for h in rows:
            assert h.recent_count == recent[h.number]
            assert h.fair_expected == approx(m * p)
            assert h.z == approx((recent[h.number] - m * p) / sqrt(m * p * (1 - p)))
            assert h.tail_probability == approx(tails[h.number], abs=1e-12)
            assert h.crosses_line == (tails[h.number] <= 0.05)
    hot_rank = sorted(range(1, 51), key=lambda b: (upper[b], -recent[b], b))
    cold_rank = sorted(range(1, 51), key=lambda b: (lower[b], recent[b], b))
    hot_reach = [c for c in range(m + 1) if _binomial_tail(m, p, c, upper=True) <= 0.05]
    cold_reach = [c for c in range(m + 1) if _binomial_tail(m, p, c, upper=False) <= 0.05]
    assert hc.hot_possible == bool(hot_reach)
    assert hc.cold_possible == bool(cold_reach)
    assert [h.number for h in hc.hot] == (hot_rank[:5] if hot_reach else [])
    assert [h.number for h in hc.cold] == (cold_rank[:5] if cold_reach else [])
    assert hc.hot_crossing == sum(upper[b] <= 0.05 for b in range(1, 51))
    assert hc.cold_crossing == sum(lower[b] <= 0.05 for b in range(1, 51))
    pmf = [comb(m, c) * p**c * (1 - p) ** (m - c) for c in range(m + 1)]
    assert hc.expected_hot_by_chance == approx(50 * fsum(pmf[c] for c in hot_reach), abs=1e-9)
    assert hc.expected_cold_by_chance == approx(50 * fsum(pmf[c] for c in cold_reach), abs=1e-9)
    assert hc.significance.p_value == approx(min(min(upper.values()), min(lower.values())), abs=1e-12)
    assert hc.significance.comparisons == 100
