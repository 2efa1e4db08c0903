"""Exact expectations against brute-force enumeration, and the chi-square correction by simulation."""

from __future__ import annotations

from collections import Counter
from itertools import combinations, pairwise
from math import comb

import numpy as np
import pytest
from scipy.stats import chi2

from lottery.games import Game
from lottery.stats.engine import DrawSet, _hypergeom, chi_square, distributions, hot_cold, sum_distribution

approx = pytest.approx


def _brute(pool: int, k: int, measure) -> dict[int, float]:
    """Exact distribution of ``measure(combination)`` over every k-subset of 1..pool."""
    counts = Counter(measure(c) for c in combinations(range(1, pool + 1), k))
    total = comb(pool, k)
    return {v: c / total for v, c in counts.items()}


@pytest.mark.parametrize(("pool", "k"), [(12, 3), (10, 4), (20, 2), (9, 1), (15, 5), (7, 7)])
def test_sum_distribution_matches_enumeration(pool: int, k: int) -> None:
    exact = sum_distribution(pool, k)
    brute = _brute(pool, k, sum)
    assert len(exact) == k * pool + 1
    assert exact == approx([brute.get(s, 0.0) for s in range(k * pool + 1)], abs=1e-15)


@pytest.mark.parametrize(("pool", "k"), [(50, 5), (49, 5), (12, 2), (11, 2), (9, 2)])
def test_sum_distribution_sums_to_one_with_exact_mean_and_variance(pool: int, k: int) -> None:
    p = np.array(sum_distribution(pool, k))
    s = np.arange(len(p))
    assert p.sum() == approx(1.0, abs=1e-12)
    assert (p >= 0).all()
    assert (s * p).sum() == approx(k * (pool + 1) / 2)
    variance = (s**2 * p).sum() - (k * (pool + 1) / 2) ** 2
    assert variance == approx(k * (pool + 1) * (pool - k) / 12)
    assert p[: k * (k + 1) // 2].sum() == 0.0  # below 1 + 2 + ... + k is impossible
    assert p[k * (k + 1) // 2] == approx(1 / comb(pool, k))


def _draws(pool: int, k: int, n: int = 2) -> DrawSet:
    """``n`` identical draws of balls 1..k (the expected shares do not depend on the draws)."""
    return DrawSet(
        game=Game.EUROMILLIONS,
        dates=np.arange(np.datetime64("2020-01-03"), np.datetime64("2020-01-03") + 7 * n, 7),
        numbers=np.tile(np.arange(1, k + 1, dtype=np.int16), (n, 1)),
        bonus=np.tile(np.array([1, 2], dtype=np.int16), (n, 1)),
    )


def _one_draw(pool: int, k: int) -> DrawSet:
    return _draws(pool, k, 1)


def test_repeats_from_previous_needs_two_draws() -> None:
    """With one draw there is no previous draw: the distribution is None, not a row of zeros."""
    assert distributions(_one_draw(50, 5), 50).repeats_from_previous is None
    two = distributions(_draws(50, 5, 2), 50).repeats_from_previous
    assert two is not None
    assert [b.count for b in two.buckets] == [0, 0, 0, 0, 0, 1]


def _consecutive_pairs(c: tuple[int, ...]) -> int:
    return sum(b - a == 1 for a, b in pairwise(c))


@pytest.mark.parametrize(
    ("pool", "k"), [(pool, k) for pool in range(5, 15) for k in range(1, 6) if k <= pool]
)
def test_expected_shares_match_enumeration(pool: int, k: int) -> None:
    """The shares distributions() expects (consecutive pairs, odd, low, repeats, sum) for pool K."""
    d = distributions(_draws(pool, k), pool)
    assert d.repeats_from_previous is not None
    consecutive = _brute(pool, k, _consecutive_pairs)
    assert [b.expected_share for b in d.consecutive_pairs.buckets] == approx(
        [consecutive.get(j, 0.0) for j in range(k)], abs=1e-15
    )
    odd = _brute(pool, k, lambda c: sum(x % 2 for x in c))
    assert [b.expected_share for b in d.odd_count.buckets] == approx([odd.get(j, 0.0) for j in range(k + 1)])
    low = _brute(pool, k, lambda c: sum(x <= pool // 2 for x in c))
    assert [b.expected_share for b in d.low_count.buckets] == approx([low.get(j, 0.0) for j in range(k + 1)])
    # Repeats with the previous draw: by symmetry, overlap of a random k-set with a fixed one.
    repeats = _brute(pool, k, lambda c: sum(x <= k for x in c))
    assert [b.expected_share for b in d.repeats_from_previous.buckets] == approx(
        [repeats.get(j, 0.0) for j in range(k + 1)]
    )
    for dist in (d.consecutive_pairs, d.odd_count, d.low_count, d.repeats_from_previous):
        assert sum(b.expected_share for b in dist.buckets) == approx(1.0)


@pytest.mark.parametrize(
    ("pool", "good", "k"), [(50, 25, 5), (49, 25, 5), (49, 24, 5), (50, 5, 5), (12, 2, 2)]
)
def test_hypergeometric_shares_sum_to_one(pool: int, good: int, k: int) -> None:
    shares = [_hypergeom(pool, good, k, j) for j in range(k + 1)]
    assert sum(shares) == approx(1.0)
    assert sum(j * s for j, s in enumerate(shares)) == approx(k * good / pool)


def test_expected_consecutive_shares_for_euromillions() -> None:
    """At K=50, k=5 the chance of no consecutive pair is C(46,5)/C(50,5) (about 0.65)."""
    d = distributions(_one_draw(50, 5), 50)
    shares = [b.expected_share for b in d.consecutive_pairs.buckets]
    assert shares[0] == approx(comb(46, 5) / comb(50, 5))
    assert shares[4] == approx(46 / comb(50, 5))  # five in a row: 46 starting points
    assert sum(shares) == approx(1.0)


def _dates(n: int) -> np.ndarray:
    return np.arange(np.datetime64("2004-02-13"), np.datetime64("2004-02-13") + 3 * n, 3)


def _fair_draws(rng: np.random.Generator, n: int, pool: int, k: int) -> np.ndarray:
    return np.sort(np.argsort(rng.random((n, pool)), axis=1)[:, :k] + 1, axis=1)


@pytest.mark.parametrize(("pool", "k"), [(50, 5), (12, 2)])
def test_chi_square_p_value_is_roughly_uniform_for_fair_draws(pool: int, k: int) -> None:
    """With the (K-k)/(K-1) correction about 5% of fair windows have p < 0.05."""
    seeds = 200
    corrected_p, raw_p, corrected_x2 = [], [], []
    for seed in range(seeds):
        values = _fair_draws(np.random.default_rng(10_000 + seed), 500, pool, k)
        cs = chi_square(values, np.full(500, pool), _dates(500))
        assert cs.correction == approx((pool - k) / (pool - 1))
        corrected_p.append(cs.p_value)
        corrected_x2.append(cs.corrected_statistic)
        raw_p.append(float(chi2.sf(cs.statistic, cs.df)))
    corrected_p, raw_p = np.array(corrected_p), np.array(raw_p)
    assert 0.02 <= (corrected_p < 0.05).mean() <= 0.09
    assert 0.35 <= (corrected_p < 0.5).mean() <= 0.65
    # The corrected statistic averages df (chi2(df) has mean df, sd sqrt(2 df)); the raw one
    # averages c x df, several standard errors below.
    df = pool - 1
    assert abs(np.mean(corrected_x2) - df) < 2.5 * np.sqrt(2 * df / seeds)
    # Without the correction fewer fair windows would be flagged (the raw test is conservative).
    assert (raw_p < 0.05).mean() < (corrected_p < 0.05).mean()


def test_chi_square_eras_add_degrees_of_freedom() -> None:
    rng = np.random.default_rng(7)
    old = _fair_draws(rng, 300, 11, 2)
    new = _fair_draws(rng, 400, 12, 2)
    dates = _dates(700)
    both = chi_square(np.vstack([old, new]), np.array([11] * 300 + [12] * 400), dates)
    a, b = chi_square(old, np.full(300, 11), dates[:300]), chi_square(new, np.full(400, 12), dates[300:])
    assert both.df == a.df + b.df == 10 + 11
    # One term per era, each with its own (K-k)/(K-1); no blended correction at the top.
    assert both.correction is None
    assert [(e.pool, e.draws, e.df) for e in both.eras] == [(11, 300, 10), (12, 400, 11)]
    assert [e.correction for e in both.eras] == approx([9 / 10, 10 / 11])
    assert [e.statistic for e in both.eras] == approx([a.statistic, b.statistic])
    assert [e.corrected_statistic for e in both.eras] == approx(
        [a.corrected_statistic, b.corrected_statistic]
    )
    assert (both.eras[0].first_date, both.eras[0].last_date) == (dates[0], dates[299])
    assert both.eras[1].first_date == dates[300]
    assert a.correction == approx(9 / 10)
    assert both.statistic == approx(a.statistic + b.statistic)
    assert both.corrected_statistic == approx(a.corrected_statistic + b.corrected_statistic)
    assert both.p_value == approx(chi2.sf(both.corrected_statistic, 21))
    assert both.min_expected == approx(min(300 * 2 / 11, 400 * 2 / 12))


def test_hot_cold_reach_as_the_readme_states_it() -> None:
    """README: cold needs 29 EuroMillions draws (0.9^29 < 0.05 < 0.9^28); 50 draws: 1.2 hot, 1.7 cold."""
    rng = np.random.default_rng(3)
    for m, cold in ((28, False), (29, True)):
        assert hot_cold(_fair_draws(rng, m, 50, 5), 50, m).cold_possible is cold
    hc = hot_cold(_fair_draws(rng, 50, 50, 5), 50, 50)
    assert (round(hc.expected_hot_by_chance, 1), round(hc.expected_cold_by_chance, 1)) == (1.2, 1.7)
    assert not hot_cold(_fair_draws(rng, 1, 50, 5), 50, 1).hot_possible
