"""The strategies' inputs: the current rules and per-ball statistics of a window."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from lottery.games import Game, current_era
from lottery.stats.engine import DrawSet, _combo_counts, ball_counts, pools

BONUS_NAMES = {Game.EUROMILLIONS: "stars", Game.LOTO: "chance number"}


class Strategy(StrEnum):
    """How the balls of a generated grid are weighted."""

    FREQUENCY_BASED = "frequency_based"
    GAP_BASED = "gap_based"
    COMBINATION_BASED = "combination_based"
    RANDOM = "random"


@dataclass(frozen=True, eq=False)
class StrategyInputs:
    """What the strategies need of a window: the current rules and per-ball statistics.

    Arrays are indexed by ball - 1. ``bonus_*`` cover the current era's bonus pool (a ball that did
    not exist in the window has frequency 0 and gap 0). ``pair_counts[i, j]`` is how many draws of
    the window held both numbers i+1 and j+1 (symmetric, 0 on the diagonal).
    """

    game: Game
    numbers_count: int
    numbers_max: int
    bonus_count: int
    bonus_max: int
    draw_count: int
    number_frequency: np.ndarray
    number_current_gap: np.ndarray
    bonus_frequency: np.ndarray
    bonus_current_gap: np.ndarray
    pair_counts: np.ndarray

    def __post_init__(self) -> None:
        k, big_k, b, big_s = self.numbers_count, self.numbers_max, self.bonus_count, self.bonus_max
        if not (1 <= k <= big_k and 0 <= b <= big_s):
            raise ValueError(f"inconsistent rules: {k} of 1..{big_k} and {b} of 1..{big_s}")
        shapes = {
            "number_frequency": (big_k,),
            "number_current_gap": (big_k,),
            "bonus_frequency": (big_s,),
            "bonus_current_gap": (big_s,),
            "pair_counts": (big_k, big_k),
        }
        for name, shape in shapes.items():
            value = np.asarray(getattr(self, name), dtype=np.float64)
            if value.shape != shape:
                raise ValueError(f"{name} must have shape {shape}, got {value.shape}")
            if not np.all(np.isfinite(value)) or np.any(value < 0):
                raise ValueError(f"{name} must hold finite non-negative values")
            value.setflags(write=False)
            object.__setattr__(self, name, value)


def inputs_from_draws(ds: DrawSet) -> StrategyInputs:
    """The strategies' inputs for a window of draws, under the game's current rules."""
    era = current_era(ds.game)
    big_k, big_s = era.numbers_max, era.bonus_max
    n = ds.size
    freq, gap = np.zeros(big_k), np.zeros(big_k)
    bfreq, bgap = np.zeros(big_s), np.zeros(big_s)
    pair_counts = np.zeros((big_k, big_k))
    if n:
        pool, bonus_pool = pools(ds.game, ds.dates)
        numbers = ball_counts(ds.numbers, np.full(n, pool), pool)
        np.divide(numbers.count, numbers.eligible, out=freq, where=numbers.eligible > 0)
        gap[:] = numbers.current_gap
        if ds.bonus.shape[1]:
            top = int(bonus_pool.max())
            bonus = ball_counts(ds.bonus, bonus_pool, top)
            np.divide(bonus.count, bonus.eligible, out=bfreq[:top], where=bonus.eligible > 0)
            bgap[:top] = bonus.current_gap
        base = 64
        upper = _combo_counts(ds.numbers, 2, base).reshape(base, base)[1 : big_k + 1, 1 : big_k + 1]
        pair_counts = (upper + upper.T).astype(np.float64)
        np.fill_diagonal(pair_counts, 0)
    return StrategyInputs(
        game=ds.game,
        numbers_count=era.numbers_count,
        numbers_max=big_k,
        bonus_count=era.bonus_count,
        bonus_max=big_s,
        draw_count=n,
        number_frequency=freq,
        number_current_gap=gap,
        bonus_frequency=bfreq,
        bonus_current_gap=bgap,
        pair_counts=pair_counts,
    )
