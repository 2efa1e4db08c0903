"""Golden tests: tiny hand-made windows with every figure worked out by hand in the comments."""

from __future__ import annotations

from datetime import date
from math import comb, sqrt

import numpy as np
import pytest
from scipy.stats import chi2

from lottery.games import Game
from lottery.stats.engine import chi_square, full_stats, quick_stats
from lottery.stats.models import Distribution, FullStats, NumberStat, StatsFilter
from tests.stats.helpers import drawset

approx = pytest.approx

# Five EuroMillions draws straddling 2016-09-27, when star 12 came in (pools 11, 11, 12, 12, 12).
EM_ROWS = [
    ("2016-09-20", [1, 2, 3, 10, 20], [1, 11]),
    ("2016-09-23", [2, 3, 4, 30, 40], [1, 2]),
    ("2016-09-27", [1, 5, 7, 9, 50], [11, 12]),
    ("2016-09-30", [2, 10, 20, 49, 50], [3, 12]),
    ("2016-10-04", [11, 13, 15, 17, 19], [1, 3]),
]
D = {i: date.fromisoformat(r[0]) for i, r in enumerate(EM_ROWS)}


@pytest.fixture(scope="module")
def em() -> FullStats:
    ds = drawset(Game.EUROMILLIONS, EM_ROWS)
    return full_stats(ds, StatsFilter(), "v1", hot_n=2, top_n=5, triplets_n=2)


def _row(s: NumberStat) -> tuple:
    return (s.count, s.eligible_draws, s.current_gap, s.max_gap, s.gap_before_first, s.mean_gap, s.last_drawn)


def _hist(d: Distribution) -> list[int]:
    return [b.count for b in d.buckets]


# number: (count, current_gap, max_gap, gap_before_first, mean_gap, last_drawn); draw indices 0..4.
# max_gap is the longest complete gap (between two appearances); the censored runs are the run
# before the first appearance (gap_before_first) and the one still running (current_gap).
EM_NUMBERS = {
    1: (2, 2, 1, 0, 1.0, D[2]),  # drawn 0, 2: complete gap 1; current run 2 (draws 3, 4)
    2: (3, 1, 1, 0, 0.5, D[3]),  # drawn 0, 1, 3: complete gaps 0 and 1
    3: (2, 3, 0, 0, 0.0, D[1]),  # drawn 0, 1: complete gap 0; current run 3
    4: (1, 3, None, 1, None, D[1]),  # drawn 1: one appearance, no complete gap; before 1, current 3
    5: (1, 2, None, 2, None, D[2]),  # drawn 2: before 2, current 2
    7: (1, 2, None, 2, None, D[2]),
    9: (1, 2, None, 2, None, D[2]),
    10: (2, 1, 2, 0, 2.0, D[3]),  # drawn 0, 3: complete gap 2
    11: (1, 0, None, 4, None, D[4]),  # drawn 4 only: before 4
    13: (1, 0, None, 4, None, D[4]),
    15: (1, 0, None, 4, None, D[4]),
    17: (1, 0, None, 4, None, D[4]),
    19: (1, 0, None, 4, None, D[4]),
    20: (2, 1, 2, 0, 2.0, D[3]),
    30: (1, 3, None, 1, None, D[1]),
    40: (1, 3, None, 1, None, D[1]),
    49: (1, 1, None, 3, None, D[3]),  # drawn 3: before 3
    50: (2, 1, 0, 2, 0.0, D[3]),  # drawn 2, 3: complete gap 0, before 2
}


def test_em_numbers(em: FullStats) -> None:
    assert em.draw_count == 5
    assert em.first_draw.draw_date == D[0]
    assert em.first_draw.numbers == [1, 2, 3, 10, 20]
    assert em.last_draw.bonus == [1, 3]
    assert [s.number for s in em.numbers] == list(range(1, 51))
    for s in em.numbers:
        count, current, longest, before, mean, last = EM_NUMBERS.get(s.number, (0, 5, None, 5, None, None))
        assert _row(s) == (count, 5, current, longest, before, mean, last), s.number
        assert s.expected == approx(5 * 5 / 50)
        assert s.frequency == approx(count / 5)
    assert sum(s.count for s in em.numbers) == 25


# Stars: pool 11 in draws 0-1, 12 in draws 2-4. Expected for stars 1..11: 2 x 2/11 + 3 x 2/12 = 19/22.
# star: (count, eligible, expected, current_gap, max_gap, gap_before_first, mean_gap, last_drawn)
EM_STARS = {
    1: (3, 5, 19 / 22, 0, 2, 0, 1.0, D[4]),  # drawn 0, 1, 4: complete gaps 0 and 2
    2: (1, 5, 19 / 22, 3, None, 1, None, D[1]),
    3: (2, 5, 19 / 22, 0, 0, 3, 0.0, D[4]),  # drawn 3, 4: before 3
    11: (2, 5, 19 / 22, 2, 1, 0, 1.0, D[2]),  # drawn 0, 2
    12: (2, 3, 3 * 2 / 12, 1, 0, 0, 0.0, D[3]),  # eligible from draw 2; drawn 2, 3: nothing before
}


def test_em_stars_and_star_12_eligibility(em: FullStats) -> None:
    assert [s.number for s in em.bonus] == list(range(1, 13))
    for s in em.bonus:
        count, eligible, expected, current, longest, before, mean, last = EM_STARS.get(
            s.number, (0, 5, 19 / 22, 5, None, 5, None, None)
        )
        assert _row(s) == (count, eligible, current, longest, before, mean, last), s.number
        assert s.expected == approx(expected)
        assert s.frequency == approx(count / eligible)
    assert em.bonus[11].frequency == approx(2 / 3)
    assert sum(s.count for s in em.bonus) == 10


def test_never_drawn_new_star_gap_is_its_eligible_draws() -> None:
    ds = drawset(
        Game.EUROMILLIONS, [("2016-09-23", [1, 2, 3, 4, 5], [1, 2]), ("2016-09-27", [1, 2, 3, 4, 5], [1, 2])]
    )
    stats = full_stats(ds, StatsFilter(), "v")
    star12 = stats.bonus[11]
    assert (star12.count, star12.eligible_draws, star12.current_gap, star12.max_gap) == (0, 1, 1, None)
    assert star12.gap_before_first == 1
    assert star12.expected == approx(2 / 12)
    assert star12.frequency == 0.0
    assert star12.last_drawn is None
    star11 = stats.bonus[10]
    assert (star11.eligible_draws, star11.current_gap, star11.max_gap, star11.gap_before_first) == (
        2,
        2,
        None,
        2,
    )
    assert star11.expected == approx(2 / 11 + 2 / 12)


def test_em_pairs_and_triplets(em: FullStats) -> None:
    p = em.pairs
    assert p.total_number_pairs == comb(50, 2)
    # Pairs seen twice: {2,3} (draws 0, 1) and {2,10}, {2,20}, {10,20} (draws 0, 3); then count-1
    # pairs in code order, the first being {1,2}.
    assert [(x.numbers, x.count) for x in p.numbers] == [
        ([2, 3], 2),
        ([2, 10], 2),
        ([2, 20], 2),
        ([10, 20], 2),
        ([1, 2], 1),
    ]
    assert all(x.expected == approx(5 * 5 * 4 / (50 * 49)) and x.poisson_noise for x in p.numbers)
    assert [(x.numbers, x.count) for x in p.triplets] == [([2, 10, 20], 2), ([1, 2, 3], 1)]
    assert p.triplets[0].expected == approx(5 * 10 / comb(50, 3))
    # Star pairs each come out once; expected 2/C(11,2) + 3/C(12,2) = 9/110, or 3/66 with star 12.
    assert [(x.numbers, x.count) for x in p.bonus] == [
        ([1, 2], 1),
        ([1, 3], 1),
        ([1, 11], 1),
        ([3, 12], 1),
        ([11, 12], 1),
    ]
    assert p.bonus[0].expected == approx(9 / 110)
    assert p.bonus[3].expected == approx(3 / 66)


def test_em_pairs_all() -> None:
    ds = drawset(Game.EUROMILLIONS, EM_ROWS)
    stats = full_stats(ds, StatsFilter(), "v", top_n=None, triplets_n=comb(50, 3))
    assert len(stats.pairs.numbers) == comb(50, 2)
    assert len(stats.pairs.bonus) == comb(12, 2)
    assert len(stats.pairs.triplets) == comb(50, 3)
    assert sum(x.count for x in stats.pairs.numbers) == 5 * 10
    assert sum(x.count for x in stats.pairs.triplets) == 5 * 10
    assert sum(x.count for x in stats.pairs.bonus) == 5
    assert sum(x.expected for x in stats.pairs.numbers) == approx(5 * 10)
    assert sum(x.expected for x in stats.pairs.bonus) == approx(5)
    counts = {tuple(x.numbers): x.count for x in stats.pairs.numbers}
    assert counts[(49, 50)] == 1
    assert counts[(1, 50)] == 1
    assert counts[(1, 49)] == 0


def test_em_distributions(em: FullStats) -> None:
    d = em.distributions
    # odd: {1,3}=2, {3}=1, {1,5,7,9}=4, {49}=1, all five=5
    assert _hist(d.odd_count) == [0, 2, 1, 0, 1, 1]
    assert d.odd_count.mean == approx(13 / 5)
    assert d.odd_count.expected_mean == approx(5 * 25 / 50)
    # low (1..25): 5, 3, 4, 3, 5
    assert _hist(d.low_count) == [0, 0, 0, 2, 1, 2]
    assert d.low_count.mean == approx(4.0)
    # consecutive pairs: (1,2),(2,3) -> 2; (2,3),(3,4) -> 2; none; (49,50) -> 1; none
    assert [b.value for b in d.consecutive_pairs.buckets] == ["0", "1", "2", "3", "4"]
    assert _hist(d.consecutive_pairs) == [2, 1, 2, 0, 0]
    assert d.consecutive_pairs.buckets[0].share == approx(2 / 5)
    assert d.consecutive_pairs.buckets[0].expected_share == approx(comb(46, 5) / comb(50, 5))
    # repeats from the previous draw: {2,3}, none, {50}, none (4 comparisons)
    assert _hist(d.repeats_from_previous) == [2, 1, 1, 0, 0, 0]
    assert d.repeats_from_previous.buckets[0].share == approx(2 / 4)
    assert d.repeats_from_previous.mean == approx(3 / 4)
    assert d.repeats_from_previous.expected_mean == approx(5 * 5 / 50)
    # sums 36, 79, 72, 131, 75
    buckets = {b.value: b.count for b in d.sum.buckets}
    assert buckets["30-39"] == 1
    assert buckets["70-79"] == 3
    assert buckets["130-139"] == 1
    assert sum(buckets.values()) == 5
    assert d.sum.buckets[0].value == "30-39"
    assert d.sum.mean == approx(393 / 5)
    assert d.sum.sd == approx(sqrt(4617.2 / 4))
    assert d.sum.expected_mean == approx(127.5)
    assert d.sum.expected_sd == approx(sqrt(5 * 51 * 45 / 12))
    # decades: 1-9: 3+3+4+1, 10-19: 1+1+5, 20-29: 2, 30-39: 1, 40-50: 1+1+2
    assert [(b.value, b.count) for b in d.decades.buckets] == [
        ("1-9", 11),
        ("10-19", 7),
        ("20-29", 2),
        ("30-39", 1),
        ("40-50", 4),
    ]
    assert [b.expected_share for b in d.decades.buckets] == approx(
        [9 / 50, 10 / 50, 10 / 50, 10 / 50, 11 / 50]
    )
    assert d.decades.buckets[0].share == approx(11 / 25)


def test_sum_buckets_stop_at_the_bucket_of_the_largest_sum(em: FullStats) -> None:
    # Largest sum 131: the last bucket must be 130-139, not an empty 140-149.
    assert em.distributions.sum.buckets[-1].value == "130-139"
    assert all(b.count > 0 for b in (em.distributions.sum.buckets[0], em.distributions.sum.buckets[-1]))


def test_em_chi_square(em: FullStats) -> None:
    # Numbers: expected 0.5 each; sum o^2 = 9 + 5x4 + 12x1 = 41; X^2 = 41/0.5 - 25 = 57.
    num = em.randomness.numbers
    assert num.statistic == approx(57.0)
    assert num.correction == approx(45 / 49)
    assert num.corrected_statistic == approx(57.0 * 49 / 45)
    assert num.df == 49
    assert num.p_value == approx(chi2.sf(57.0 * 49 / 45, 49))
    assert num.min_expected == approx(0.5)
    # Stars, pool 11 era (draws 0-1): e = 4/11, sum o^2 = 6, X^2 = 6/(4/11) - 4 = 12.5, c = 9/10;
    # pool 12 era (draws 2-4): e = 1/2, sum o^2 = 10, X^2 = 10/0.5 - 6 = 14, c = 10/11.
    star = em.randomness.bonus
    assert star.statistic == approx(26.5)
    assert star.corrected_statistic == approx(12.5 / 0.9 + 14 * 11 / 10)
    # Two pool eras: no single correction; each era's term is reported with its own c.
    assert star.correction is None
    assert [(e.pool, e.draws, e.first_date, e.last_date) for e in star.eras] == [
        (11, 2, D[0], D[1]),
        (12, 3, D[2], D[4]),
    ]
    assert [e.statistic for e in star.eras] == approx([12.5, 14.0])
    assert [e.correction for e in star.eras] == approx([0.9, 10 / 11])
    assert [e.corrected_statistic for e in star.eras] == approx([12.5 / 0.9, 15.4])
    assert [e.df for e in star.eras] == [10, 11]
    assert [e.min_expected for e in star.eras] == approx([4 / 11, 0.5])
    assert star.df == 10 + 11
    assert star.min_expected == approx(4 / 11)
    assert star.p_value == approx(chi2.sf(12.5 / 0.9 + 15.4, 21))
    assert "Expected counts are small" in star.verdict


def test_chi_square_direct_tiny_case() -> None:
    # 3 draws of 2 balls of 1..4: {1,2}, {1,3}, {1,4}. e = 1.5; X^2 = ((3-1.5)^2 + 3 x 0.5^2)/1.5 = 2.0.
    values = np.array([[1, 2], [1, 3], [1, 4]])
    cs = chi_square(
        values, np.full(3, 4), np.array(["2024-01-01", "2024-01-03", "2024-01-06"], "datetime64[D]")
    )
    assert cs.statistic == approx(2.0)
    assert cs.correction == approx(2 / 3)
    assert cs.corrected_statistic == approx(3.0)
    assert cs.df == 3
    assert cs.p_value == approx(chi2.sf(3.0, 3))


def test_em_hot_cold_last_two(em: FullStats) -> None:
    """Last two draws against fair draws: p = 5/50 per draw, fair count 0.2, Binomial(2, 0.1)."""
    hc = em.hot_cold
    assert hc.last_n == 2
    assert hc.line == 0.05
    # Draws 3 and 4 hold 10 distinct numbers, each once: z = (1 - 0.2)/sqrt(2 x 0.1 x 0.9), not 0,
    # and P(count >= 1) = 1 - 0.9^2 = 0.19: none crosses the line. Ties: the smaller number first.
    assert [h.number for h in hc.hot] == [2, 10, 11, 13, 15]
    assert hc.hot[0].recent_count == 1
    assert hc.hot[0].fair_expected == approx(0.2)
    assert hc.hot[0].z == approx(0.8 / sqrt(0.18))
    assert hc.hot[0].tail_probability == approx(0.19)
    assert not hc.hot[0].crosses_line
    # Hot needs 2 of 2 (P = 0.01 <= 0.05): 50 x 0.01 = 0.5 numbers expected by chance.
    assert hc.hot_possible
    assert hc.expected_hot_by_chance == approx(0.5)
    assert hc.hot_crossing == 0
    # Cold: even a count of 0 has P = 0.81 > 0.05, so no number can be called cold: no list.
    assert not hc.cold_possible
    assert hc.cold == []
    assert (hc.cold_crossing, hc.expected_cold_by_chance) == (0, 0.0)
    assert "too few to call any number cold" in hc.note
    assert "0.81" in hc.note
    assert hc.significance.comparisons == 100
    assert hc.significance.level == "none"


def test_quick_stats_agree_with_full(em: FullStats) -> None:
    ds = drawset(Game.EUROMILLIONS, EM_ROWS)
    quick = quick_stats(ds, StatsFilter(year=2016), "v1", hot_n=2)
    assert quick.filters == {"year": 2016}
    assert quick.data_version == "v1"
    assert quick.draw_count == 5
    fields = ("number", "count", "frequency", "current_gap", "last_drawn")
    for q_list, f_list in ((quick.numbers, em.numbers), (quick.bonus, em.bonus)):
        assert [q.model_dump(include=set(fields)) for q in q_list] == [
            f.model_dump(include=set(fields)) for f in f_list
        ]
    assert quick.hot_cold == em.hot_cold


# Four Loto draws (5 of 1..49, chance 1..10).
LOTO_ROWS = [
    ("2024-01-01", [1, 2, 3, 4, 5], [1]),
    ("2024-01-03", [45, 46, 47, 48, 49], [10]),
    ("2024-01-06", [5, 10, 15, 20, 25], [1]),
    ("2024-01-08", [1, 24, 25, 26, 49], [3]),
]
L = {i: date.fromisoformat(r[0]) for i, r in enumerate(LOTO_ROWS)}
# number: (count, current_gap, max_gap, gap_before_first, mean_gap, last_drawn)
LOTO_NUMBERS = {
    1: (2, 0, 2, 0, 2.0, L[3]),  # drawn 0, 3: complete gap 2
    2: (1, 3, None, 0, None, L[0]),
    3: (1, 3, None, 0, None, L[0]),
    4: (1, 3, None, 0, None, L[0]),
    5: (2, 1, 1, 0, 1.0, L[2]),  # drawn 0, 2
    10: (1, 1, None, 2, None, L[2]),
    15: (1, 1, None, 2, None, L[2]),
    20: (1, 1, None, 2, None, L[2]),
    24: (1, 0, None, 3, None, L[3]),
    25: (2, 0, 0, 2, 0.0, L[3]),  # drawn 2, 3: complete gap 0, before 2
    26: (1, 0, None, 3, None, L[3]),
    45: (1, 2, None, 1, None, L[1]),
    46: (1, 2, None, 1, None, L[1]),
    47: (1, 2, None, 1, None, L[1]),
    48: (1, 2, None, 1, None, L[1]),
    49: (2, 0, 1, 1, 1.0, L[3]),  # drawn 1, 3
}
LOTO_CHANCE = {1: (2, 1, 1, 0, 1.0, L[2]), 3: (1, 0, None, 3, None, L[3]), 10: (1, 2, None, 1, None, L[1])}


def test_loto_golden() -> None:
    stats = full_stats(drawset(Game.LOTO, LOTO_ROWS), StatsFilter(), "v", top_n=None)
    assert [s.number for s in stats.numbers] == list(range(1, 50))
    assert [s.number for s in stats.bonus] == list(range(1, 11))
    for got, table, default in (
        (stats.numbers, LOTO_NUMBERS, (0, 4, None, 4, None, None)),
        (stats.bonus, LOTO_CHANCE, (0, 4, None, 4, None, None)),
    ):
        for s in got:
            count, current, longest, before, mean, last = table.get(s.number, default)
            assert _row(s) == (count, 4, current, longest, before, mean, last), s.number
    assert stats.numbers[0].expected == approx(4 * 5 / 49)
    assert stats.bonus[0].expected == approx(0.4)
    assert stats.bonus[0].frequency == approx(0.5)

    assert stats.pairs.bonus == []
    assert stats.pairs.total_number_pairs == comb(49, 2)
    assert sorted(x.count for x in stats.pairs.numbers if x.count) == [1] * 40

    d = stats.distributions
    assert _hist(d.odd_count) == [0, 0, 0, 4, 0, 0]  # every draw has 3 odd numbers
    assert _hist(d.low_count) == [1, 0, 1, 0, 1, 1]  # low is 1..24: 5, 0, 4, 2
    assert _hist(d.consecutive_pairs) == [1, 0, 1, 0, 2]  # 4, 4, 0, 2
    assert d.repeats_from_previous is not None
    assert _hist(d.repeats_from_previous) == [2, 1, 0, 0, 0, 0]  # none, none, {25}
    assert [(b.value, b.count) for b in d.decades.buckets] == [
        ("1-9", 7),
        ("10-19", 2),
        ("20-29", 5),
        ("30-39", 0),
        ("40-49", 6),
    ]
    assert d.sum.mean == approx((15 + 235 + 75 + 125) / 4)
    assert d.sum.expected_mean == approx(5 * 50 / 2)
    assert d.odd_count.buckets[3].expected_share == approx(comb(25, 3) * comb(24, 2) / comb(49, 5))

    # Numbers: e = 20/49, sum o^2 = 4x4 + 12 = 28, X^2 = 28 x 49/20 - 20 = 48.6, c = 44/48.
    assert stats.randomness.numbers.statistic == approx(48.6)
    assert stats.randomness.numbers.corrected_statistic == approx(48.6 * 48 / 44)
    assert stats.randomness.numbers.df == 48
    # Chance: e = 0.4, sum o^2 = 6, X^2 = 6/0.4 - 4 = 11; one ball per draw, so no correction.
    assert stats.randomness.bonus.statistic == approx(11.0)
    assert stats.randomness.bonus.correction == approx(1.0)
    assert stats.randomness.bonus.df == 9
