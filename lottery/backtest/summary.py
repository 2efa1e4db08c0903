"""The whole back-test: the walk summed up per strategy, next to the exact expectations."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np

from lottery.backtest.models import (
    BacktestConfig,
    BacktestResult,
    StrategyBacktest,
)
from lottery.backtest.uncertainty import mean_test
from lottery.backtest.verdicts import with_verdicts
from lottery.backtest.walk import DrawScore, _as_date, _check, walk_forward
from lottery.games import Era
from lottery.stats.engine import DrawSet

NOTE = (
    "Walk-forward back-test: for each target draw, every strategy generated its grids from the draws "
    "dated strictly before that draw only, and the grids were scored against it with the prize tiers "
    "in force on its date. 'expected' is the exact figure for random tickets (k*k/K main matches, "
    "b*b/S bonus matches, the summed probability of the prize tiers), averaged over the targets. "
    "Tickets of one draw share that draw (and often balls), so they are not independent: means, 95 % "
    "confidence intervals (Student t) and two-sided p-values are computed over the per-draw means, "
    "one value per target. A p-value is the chance of a difference at least this large if the "
    "strategy did no better than random tickets; with several strategies and three measures each, "
    "a p below 0.05 now and then is expected by chance. Lottery draws do not depend on the past: no "
    "strategy changes the odds, and these figures only show how the past draws fell."
)


class _Tally:
    """Per-target values of one strategy, filled as the walk goes."""

    def __init__(self, n: int) -> None:
        self.main, self.bonus, self.any = np.zeros(n), np.zeros(n), np.zeros(n)
        self.tickets = 0
        self.tiers: dict[str, int] = {}
        self.expected_tiers: dict[str, float] = {}

    def add(self, t: int, score: DrawScore) -> None:
        m = len(score.tier)
        self.tickets += m
        self.main[t] = score.main_matches.mean()
        self.bonus[t] = score.bonus_matches.mean()
        self.any[t] = score.won.mean()
        won = np.bincount(score.tier[score.won], minlength=len(score.era.tiers))
        for tier, count in zip(score.era.tiers, won.tolist(), strict=True):
            self.tiers[tier.label] = self.tiers.get(tier.label, 0) + count
            expected = m * _tier_probabilities(score.era)[tier.rank - 1]
            self.expected_tiers[tier.label] = self.expected_tiers.get(tier.label, 0.0) + expected


@cache
def _tier_probabilities(era: Era) -> tuple[float, ...]:
    return tuple(era.tier_probability(t) for t in era.tiers)


@cache
def expectations(era: Era) -> tuple[float, float, float]:
    """Exact main matches, bonus matches and any-prize probability of one random ticket of ``era``."""
    k, b = era.numbers_count, era.bonus_count
    return k * k / era.numbers_max, (b * b / era.bonus_max if b else 0.0), sum(_tier_probabilities(era))


def backtest(
    draws: DrawSet,
    config: BacktestConfig | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> BacktestResult:
    """Walk-forward back-test of ``config.strategies`` on the last ``config.draws`` draws.

    ValueError when the window is empty, shorter than the targets asked or leaves the first target
    fewer than ``config.min_history`` earlier draws. ``progress(done, total)`` is called after each
    target.
    """
    config = config or BacktestConfig()
    first = _check(draws, config)
    n = draws.size - first
    tallies = {s: _Tally(n) for s in config.strategies}
    expected = np.zeros((n, 3))
    for t, outcome in enumerate(walk_forward(draws, config)):
        expected[t] = expectations(outcome.target.era)
        for s, score in outcome.scores.items():
            tallies[s].add(t, score)
        if progress is not None:
            progress(t + 1, n)
    out = []
    for s, tally in tallies.items():
        main = mean_test(tally.main, expected[:, 0])
        bonus = mean_test(tally.bonus, expected[:, 1])
        anyp = mean_test(tally.any, expected[:, 2])
        out.append(
            StrategyBacktest(
                strategy=s,
                targets=n,
                tickets=tally.tickets,
                mean_main_matches=main.mean,
                expected_main_matches=main.expected,
                main_ci_low=main.ci_low,
                main_ci_high=main.ci_high,
                main_p_value=main.p_value,
                mean_bonus_matches=bonus.mean,
                expected_bonus_matches=bonus.expected,
                bonus_ci_low=bonus.ci_low,
                bonus_ci_high=bonus.ci_high,
                bonus_p_value=bonus.p_value,
                any_prize_rate=anyp.mean,
                expected_any_prize_rate=anyp.expected,
                any_prize_ci_low=anyp.ci_low,
                any_prize_ci_high=anyp.ci_high,
                any_prize_p_value=anyp.p_value,
                tier_counts=tally.tiers,
                expected_tier_counts=tally.expected_tiers,
            )
        )
    return with_verdicts(
        BacktestResult(
            game=draws.game,
            first_target=_as_date(draws.dates[first]),
            last_target=_as_date(draws.dates[-1]),
            config=config,
            strategies=out,
            note=NOTE,
        )
    )
