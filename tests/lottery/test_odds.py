"""Exact odds per rank: the hypergeometric formula, checked against brute-force enumeration."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from fractions import Fraction
from itertools import combinations
from math import comb

import pytest

from lottery.games import ERAS, DrawKind, Era, Game, eras_of
from lottery.odds import (
    RankValue,
    any_rank_probability,
    one_in,
    pattern_probability,
    patterns,
    rounded_one_in,
    stake_value,
    tier_probability,
)

ERA_IDS = [f"{e.game.value}-{e.kind.value}-{e.start}" for e in ERAS]


def hypergeometric(k: int, n: int, big_n: int) -> Fraction:
    """P(exactly k of my n among the n drawn from big_n), written out once more for the test."""
    return Fraction(comb(n, k) * comb(big_n - n, n - k), comb(big_n, n))


def scaled(era: Era) -> Era:
    """The same structure on pools small enough to enumerate every ticket."""
    if era.bonus_from_numbers:  # 6 of 49 + complementary from the rest -> 4 of 9 + 1 of the 5 left
        return replace(era, numbers_count=4, numbers_max=9, bonus_max=9)
    if era.bonus_count == 0:  # 5 of 49 -> 3 of 9
        return replace(era, numbers_count=3, numbers_max=9)
    # 5 of 50 + b of S -> 3 of 9 + b of (b + 3)
    return replace(era, numbers_count=3, numbers_max=9, bonus_max=era.bonus_count + 3)


def enumerate_patterns(era: Era) -> Counter[tuple[int, int]]:
    """Count the (k, s) pattern of every possible ticket against one fixed draw (brute force).

    By symmetry a fixed ticket against every draw gives the same law; for the complementary ball
    (drawn after the main numbers, from the balls left) we enumerate every draw against a fixed ticket.
    """
    n, big_n = era.numbers_count, era.numbers_max
    counts: Counter[tuple[int, int]] = Counter()
    if era.bonus_from_numbers:
        ticket = set(range(1, n + 1))
        for drawn in combinations(range(1, big_n + 1), n):
            for extra in sorted(set(range(1, big_n + 1)) - set(drawn)):
                counts[(len(ticket & set(drawn)), int(extra in ticket))] += 1
        return counts
    drawn = set(range(1, n + 1))
    bonus_drawn = set(range(1, era.bonus_count + 1))
    bonus_tickets = list(combinations(range(1, era.bonus_max + 1), era.bonus_count)) or [()]
    for numbers in combinations(range(1, big_n + 1), n):
        k = len(drawn & set(numbers))
        for bonus in bonus_tickets:
            counts[(k, len(bonus_drawn & set(bonus)))] += 1
    return counts


@pytest.mark.parametrize("era", ERAS, ids=ERA_IDS)
def test_patterns_equal_brute_force_on_scaled_pools(era: Era) -> None:
    small = scaled(era)
    counts = enumerate_patterns(small)
    total = sum(counts.values())
    for k, s in patterns(small):
        assert pattern_probability(small, k, s) == Fraction(counts[(k, s)], total), (k, s)


@pytest.mark.parametrize("era", [e for e in ERAS if e.bonus_count and not e.bonus_from_numbers], ids=str)
def test_bonus_law_at_full_size_by_enumerating_every_bonus_ticket(era: Era) -> None:
    """Every star pair / chance number of the real pool against one drawn set: the bonus factor exactly."""
    drawn = set(range(1, era.bonus_count + 1))
    counts = Counter(
        len(drawn & set(pick)) for pick in combinations(range(1, era.bonus_max + 1), era.bonus_count)
    )
    total = sum(counts.values())
    for s in range(era.bonus_count + 1):
        # The bonus factor is pattern_probability(k, s) / pattern_probability(k, any s) for any k.
        main = sum(pattern_probability(era, 0, t) for t in range(era.bonus_count + 1))
        assert pattern_probability(era, 0, s) / main == Fraction(counts[s], total)


def test_complementary_ball_at_full_size_by_enumerating_every_ball_left() -> None:
    """6/49: for each count k of my six among the six drawn, the complementary ball is one of the 43 left."""
    era = next(e for e in ERAS if e.bonus_from_numbers)
    mine = set(range(1, 7))
    for k in range(7):
        drawn = set(range(1, k + 1)) | set(range(43, 43 + 6 - k))  # k of mine, 6 - k of the others
        left = set(range(1, 50)) - drawn
        hits = sum(ball in mine for ball in left)
        main = pattern_probability(era, k, 0) + pattern_probability(era, k, 1)
        assert pattern_probability(era, k, 1) / main == Fraction(hits, len(left))


@pytest.mark.parametrize("era", ERAS, ids=ERA_IDS)
def test_patterns_equal_the_hypergeometric_formula_at_full_size(era: Era) -> None:
    n, big_n = era.numbers_count, era.numbers_max
    for k, s in patterns(era):
        main = hypergeometric(k, n, big_n)
        if era.bonus_count == 0:
            bonus = Fraction(1)
        elif era.bonus_from_numbers:
            hit = Fraction(n - k, big_n - n)
            bonus = hit if s == 1 else 1 - hit
        else:
            bonus = hypergeometric(s, era.bonus_count, era.bonus_max)
        assert pattern_probability(era, k, s) == main * bonus
        # The float formula in lottery.games agrees to the last bits.
        assert era.odds(k, s) == pytest.approx(float(main * bonus), rel=1e-12, abs=0)


@pytest.mark.parametrize("era", ERAS, ids=ERA_IDS)
def test_all_patterns_sum_to_one_and_ranks_are_disjoint(era: Era) -> None:
    assert sum(pattern_probability(era, k, s) for k, s in patterns(era)) == 1
    for k, s in patterns(era):
        assert sum(t.wins(k, s) for t in era.tiers) <= 1, (k, s)
    assert sum(tier_probability(era, t) for t in era.tiers) == any_rank_probability(era)


def test_bonus_pool_of_each_era_shows_in_the_jackpot_odds() -> None:
    """The published 1-in-N of the top rank of every era (FDJ's figures)."""
    top = {e.start.isoformat(): one_in(tier_probability(e, e.tiers[0])) for e in ERAS}
    assert top["2004-02-13"] == 76_275_360  # 5/50 + 2/9
    assert top["2011-05-10"] == 116_531_800  # 5/50 + 2/11
    assert top["2016-09-27"] == 139_838_160  # 5/50 + 2/12
    assert top["1976-05-19"] == 13_983_816  # 6/49
    assert top["2008-10-06"] == top["2017-03-06"] == 19_068_840  # 5/49 + 1/10
    assert top["2019-11-04"] == 1_906_884  # second draw, 5/49


def test_any_rank_odds_match_the_published_one_in_13_and_one_in_6() -> None:
    em = eras_of(Game.EUROMILLIONS)[-1]
    loto = eras_of(Game.LOTO, DrawKind.MAIN)[-1]
    assert round(float(one_in(any_rank_probability(em)))) == 13
    assert round(float(one_in(any_rank_probability(loto)))) == 6


@pytest.mark.parametrize(
    ("probability", "shown"),
    [
        (Fraction(1, 139_838_160), 139_838_160.0),
        (Fraction(3, 10), 3.33),
        (Fraction(1000, 6061), 6.06),
        (Fraction(2, 99), 49.5),
        (Fraction(7, 6000), 857.1),
    ],
)
def test_one_in_n_is_rounded_for_reading(probability: Fraction, shown: float) -> None:
    assert rounded_one_in(probability) == shown


def test_stake_value_keeps_the_jackpot_apart_and_says_which_ranks_never_paid() -> None:
    ranks = [
        RankValue(1, Fraction(1, 1_000_000), 200_000_000),  # 2 M EUR
        RankValue(2, Fraction(1, 1000), 100_000),  # 1,000 EUR
        RankValue(3, Fraction(1, 10), 500),  # 5 EUR
        RankValue(4, Fraction(1, 100_000), None),
    ]
    value = stake_value(ranks, 200)
    assert value.below_jackpot == pytest.approx((100_000 / 1000 + 500 / 10) / 200)
    assert value.jackpot == pytest.approx(1.0)
    assert value.ranks_without_payout == (4,)
    assert value.total == pytest.approx(value.below_jackpot + 1.0)
    with pytest.raises(ValueError, match="price"):
        stake_value(ranks, 0)
    # An era with no paid draw yet: nothing to average, said as None rather than 0.
    unpaid = stake_value([RankValue(1, Fraction(1, 10), None), RankValue(2, Fraction(1, 5), None)], 200)
    assert (unpaid.below_jackpot, unpaid.jackpot, unpaid.total) == (None, None, None)
    assert unpaid.ranks_without_payout == (1, 2)
