"""The generated grids, their scores and the reasons they give."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lottery.stats.fair import expected_gap
from lottery.strategies.inputs import BONUS_NAMES, Strategy, StrategyInputs
from lottery.strategies.sampling import _Plan


@dataclass(frozen=True, slots=True)
class Grid:
    """One generated grid: sorted distinct numbers and bonus balls, the strategy's weight, why."""

    numbers: tuple[int, ...]
    bonus: tuple[int, ...]
    score: float
    reason: str


@dataclass(frozen=True)
class Generation:
    """A generation request's result: the seed that reproduces it and the distinct grids."""

    strategy: Strategy
    seed: int
    grids: list[Grid]


def _than_average(ratio: float) -> str:
    pct = round((ratio - 1) * 100)
    if pct == 0:
        return "as often as average"
    return f"{abs(pct)}% {'more' if pct > 0 else 'less'} often than average"


def _grids(
    strategy: Strategy,
    inputs: StrategyInputs,
    plan: _Plan,
    numbers: np.ndarray,
    bonus: np.ndarray,
    picked: np.ndarray | None,
) -> list[Grid]:
    k, b = inputs.numbers_count, inputs.bonus_count
    number_norm = plan.numbers.norm[numbers - 1]
    bonus_norm = plan.bonus.norm[bonus - 1]
    total = number_norm.sum(axis=1) + bonus_norm.sum(axis=1)
    bonus_name = BONUS_NAMES.get(inputs.game, "bonus balls")
    rows = len(numbers)

    if strategy is Strategy.RANDOM:
        scores = np.ones(rows)
        reasons = [
            "random: uniform pick, every grid equally likely; no strategy changes the odds of the next draw"
        ]
        reasons *= rows
    elif inputs.draw_count == 0:
        scores = total / (k + b)
        reasons = [
            f"{strategy.value}: no draws in the window, so every ball weighs the same; "
            "no strategy changes the odds of the next draw"
        ] * rows
    elif strategy is Strategy.FREQUENCY_BASED:
        scores = total / (k + b)
        main = [_than_average(r) for r in number_norm.mean(axis=1).tolist()]
        extra = (
            [f", {bonus_name} {_than_average(r)}" for r in bonus_norm.mean(axis=1).tolist()]
            if b
            else [""] * rows
        )
        reasons = [
            f"frequency_based: numbers drawn {m} in this window{e}; "
            "past frequency does not change the odds of the next draw"
            for m, e in zip(main, extra, strict=True)
        ]
    elif strategy is Strategy.GAP_BASED:
        scores = total / (k + b)
        gaps = inputs.number_current_gap[numbers - 1].mean(axis=1).tolist()
        fair = expected_gap(k, inputs.numbers_max)
        if b:
            bonus_fair = expected_gap(b, inputs.bonus_max)
            extra = [
                f", {bonus_name} {g:.1f} (fair average gap {bonus_fair:.0f})"
                for g in inputs.bonus_current_gap[bonus - 1].mean(axis=1).tolist()
            ]
        else:
            extra = [""] * rows
        reasons = [
            f"gap_based: numbers absent for {g:.1f} draws on average (fair average gap {fair:.0f}){e}; "
            "long-absent balls weigh more, but past gaps do not change the next draw's odds"
            for g, e in zip(gaps, extra, strict=True)
        ]
    else:
        assert plan.pairs is not None
        assert picked is not None
        pairs = plan.pairs
        a, c = pairs.a[picked], pairs.b[picked]
        pair_norm = pairs.norm[picked]
        total += 2 * pair_norm - plan.numbers.norm[a - 1] - plan.numbers.norm[c - 1]
        scores = total / (k + b)
        reasons = [
            f"combination_based: built around {x}-{y}, drawn together {n} times in this window "
            f"({r:.1f}x the average pair), the rest weighted by frequency; "
            "past pairings do not change the odds of the next draw"
            for x, y, n, r in zip(
                a.tolist(),
                c.tolist(),
                pairs.count[picked].astype(int).tolist(),
                pair_norm.tolist(),
                strict=True,
            )
        ]
    return [
        Grid(numbers=tuple(n), bonus=tuple(s), score=sc, reason=r)
        for n, s, sc, r in zip(
            numbers.tolist(), bonus.tolist(), np.round(scores, 4).tolist(), reasons, strict=True
        )
    ]
