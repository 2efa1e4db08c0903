"""Exact odds of every prize rank of an era, and the value of a stake from paid-out prizes.

Probabilities are exact fractions (hypergeometric over the main pool times the bonus pool of the
era; for Loto 6/49 the complementary ball comes from the 43 balls the main draw left). Values
per euro are plain arithmetic on figures the caller brings (mean payouts FDJ paid, the price of
a grid). Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import comb

from lottery.games import Era, PrizeTier


def pattern_probability(era: Era, numbers_matched: int, bonus_matched: int) -> Fraction:
    """Exact probability that one ticket of ``era`` matches exactly ``k`` numbers and ``s`` bonus balls."""
    k, s = numbers_matched, bonus_matched
    n, big_n = era.numbers_count, era.numbers_max
    if not 0 <= k <= n:
        return Fraction(0)
    numbers = Fraction(comb(n, k) * comb(big_n - n, n - k), comb(big_n, n))
    if era.bonus_count == 0:
        return numbers if s == 0 else Fraction(0)
    if era.bonus_from_numbers:
        # One complementary ball drawn from the big_n - n balls left: it is one of the ticket's
        # n - k missed numbers with probability (n - k) / (big_n - n).
        hit = Fraction(n - k, big_n - n)
        return numbers * {0: 1 - hit, 1: hit}.get(s, Fraction(0))
    b, big_s = era.bonus_count, era.bonus_max
    if not 0 <= s <= b:
        return Fraction(0)
    return numbers * Fraction(comb(b, s) * comb(big_s - b, b - s), comb(big_s, b))


def patterns(era: Era) -> list[tuple[int, int]]:
    """Every (numbers matched, bonus matched) pattern a ticket of ``era`` can show."""
    return [(k, s) for k in range(era.numbers_count + 1) for s in range(era.bonus_count + 1)]


def tier_probability(era: Era, tier: PrizeTier) -> Fraction:
    """Exact probability that one ticket wins ``tier`` (patterns are disjoint, so they add up)."""
    return sum((pattern_probability(era, k, s) for k, s in patterns(era) if tier.wins(k, s)), Fraction(0))


def any_rank_probability(era: Era) -> Fraction:
    """Exact probability that one ticket wins some rank of ``era``."""
    return sum(
        (pattern_probability(era, k, s) for k, s in patterns(era) if any(t.wins(k, s) for t in era.tiers)),
        Fraction(0),
    )


def one_in(probability: Fraction) -> Fraction:
    """N of "1 in N": the exact reciprocal of a non-zero probability."""
    return 1 / probability


def rounded_one_in(probability: Fraction) -> float:
    """N of "1 in N" rounded for reading: 4 significant digits, at most 2 decimals (e.g. 6.06, 139838160)."""
    n = float(one_in(probability))
    digits = len(str(int(n)))
    return float(round(n, max(0, min(2, 4 - digits))))


@dataclass(frozen=True)
class RankValue:
    """What one rank gives back per euro staked: p(rank) x mean payout / price."""

    rank: int
    probability: Fraction
    mean_payout_cents: float | None  # None: no payout recorded for this rank in the era

    def per_euro(self, price_cents: int) -> float | None:
        """Expected return of this rank per euro staked (None without a payout)."""
        if self.mean_payout_cents is None:
            return None
        return float(self.probability) * self.mean_payout_cents / price_cents


@dataclass(frozen=True)
class StakeValue:
    """Expected return per euro: the ranks below the jackpot summed, the jackpot on its own."""

    below_jackpot: float | None  # ranks > 1 with a payout: sum of p x mean / price (None: none paid)
    jackpot: float | None  # rank 1 alone (None when it was never paid in the window)
    ranks_without_payout: tuple[int, ...]  # ranks left out of the sums (never paid)

    @property
    def total(self) -> float | None:
        """Both together (None when either was never paid)."""
        if self.jackpot is None or self.below_jackpot is None:
            return None
        return self.below_jackpot + self.jackpot


def stake_value(ranks: list[RankValue], price_cents: int) -> StakeValue:
    """The expected return per euro of one grid at ``price_cents`` from each rank's mean payout."""
    if price_cents <= 0:
        raise ValueError(f"price must be positive, got {price_cents} cents")
    below: float | None = None
    jackpot = None
    missing = []
    for rank in ranks:
        value = rank.per_euro(price_cents)
        if value is None:
            missing.append(rank.rank)
        elif rank.rank == 1:
            jackpot = value
        else:
            below = value if below is None else below + value
    return StakeValue(below_jackpot=below, jackpot=jackpot, ranks_without_payout=tuple(missing))
