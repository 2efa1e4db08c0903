"""Exact figures of fair draws that the statistics, the strategies and the report share.

In a fair draw of k balls out of K, a given ball comes out with probability p = k/K, independently
from draw to draw; its gaps (draws between two appearances) are geometric.
"""

from __future__ import annotations

import math
from datetime import date

from lottery.games import DrawKind, Game, current_era, era_on


def expected_gap(drawn: int, pool: int) -> float:
    """Mean number of draws between two appearances of a ball of a fair draw: (1 - p) / p."""
    p = drawn / pool
    return (1 - p) / p


def gap_tail(drawn: int, pool: int, gap: int) -> float:
    """P(a given ball's current gap >= ``gap``) in fair draws: (1 - p)^gap."""
    return (1 - drawn / pool) ** gap


def gap_percentile(drawn: int, pool: int, q: float = 0.95) -> float:
    """The gap a given ball exceeds with probability 1 - q in fair draws: (1 - p)^g = 1 - q."""
    return math.log(1 - q) / math.log(1 - drawn / pool)


def some_ball_tail(drawn: int, pool: int, gap: int) -> float:
    """≈ P(at least one of the ``pool`` balls has a current gap >= ``gap``), balls taken independent."""
    return 1 - (1 - gap_tail(drawn, pool, gap)) ** pool


def number_shape(game: Game) -> tuple[int, int]:
    """(k, K) of the main numbers under ``game``'s current rules."""
    era = current_era(game)
    return era.numbers_count, era.numbers_max


def tier_odds(game: Game, draw_date: date, pattern: str | None) -> float | None:
    """Exact probability that one random ticket wins the main-formula tier ``pattern`` on ``draw_date``."""
    era = era_on(game, DrawKind.MAIN, draw_date)
    if era is None or pattern is None:
        return None
    return next((era.tier_probability(t) for t in era.tiers if t.label == pattern), None)
