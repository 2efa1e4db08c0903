"""Fair-draw figures shared by the strategies and the report, against direct computation."""

from __future__ import annotations

from datetime import date
from math import comb

import numpy as np
import pytest

from lottery.games import Game
from lottery.stats import fair


def test_expected_gap_is_the_mean_of_simulated_gaps() -> None:
    """(1 - p)/p: the mean run of misses between two hits of a p = 0.1 ball."""
    assert fair.expected_gap(5, 50) == pytest.approx(9.0)
    rng = np.random.default_rng(1)
    hits = np.flatnonzero(rng.random(400_000) < 0.1)
    assert np.mean(np.diff(hits) - 1) == pytest.approx(9.0, rel=0.02)


def test_gap_tail_and_percentile_agree() -> None:
    g = fair.gap_percentile(5, 50, 0.95)
    assert fair.gap_tail(5, 50, 0) == 1.0
    assert fair.gap_tail(5, 50, 10) == pytest.approx(0.9**10)
    assert fair.gap_tail(5, 50, g) == pytest.approx(0.05)  # type: ignore[arg-type]
    assert fair.some_ball_tail(5, 50, 28) == pytest.approx(1 - (1 - 0.9**28) ** 50)


def test_tier_odds_are_the_eras_hypergeometric_odds() -> None:
    """5+2 in 2026: C(5,5)C(45,0)/C(50,5) x C(2,2)/C(12,2); in 2010 the star pool was 9."""
    assert fair.tier_odds(Game.EUROMILLIONS, date(2026, 5, 19), "5+2") == pytest.approx(
        1 / comb(50, 5) / comb(12, 2)
    )
    assert fair.tier_odds(Game.EUROMILLIONS, date(2010, 5, 7), "5+2") == pytest.approx(
        1 / comb(50, 5) / comb(9, 2)
    )
    assert fair.tier_odds(Game.EUROMILLIONS, date(2026, 5, 19), "9+9") is None
    assert fair.tier_odds(Game.EUROMILLIONS, date(2026, 5, 19), None) is None
    assert fair.number_shape(Game.LOTO) == (5, 49)
