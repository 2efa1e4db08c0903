"""Back-test rows with chosen p-values, for the tests of the verdicts and of what prints them."""

from __future__ import annotations

from lottery.backtest import StrategyBacktest
from lottery.games import Game, current_era
from lottery.strategies import Strategy


def crafted_row(
    game: Game,
    strategy: Strategy,
    main_p: float | None,
    bonus_p: float | None = 0.5,
    any_p: float | None = 0.5,
    *,
    main_delta: float = 0.06,
) -> StrategyBacktest:
    """A row with the exact expectations of ``game``'s current rules and the given p-values.

    Main matches are ``main_delta`` above the expectation; bonus matches and the prize rate below it.
    """
    era = current_era(game)
    main = era.numbers_count**2 / era.numbers_max
    bonus = era.bonus_count**2 / era.bonus_max
    prize = sum(era.tier_probability(t) for t in era.tiers)
    return StrategyBacktest(
        strategy=strategy,
        targets=500,
        tickets=50_000,
        mean_main_matches=main + main_delta,
        expected_main_matches=main,
        main_ci_low=main + main_delta - 0.006,
        main_ci_high=main + main_delta + 0.006,
        main_p_value=main_p,
        mean_bonus_matches=bonus - 0.01,
        expected_bonus_matches=bonus,
        bonus_ci_low=bonus - 0.02,
        bonus_ci_high=bonus,
        bonus_p_value=bonus_p,
        any_prize_rate=prize - 0.001,
        expected_any_prize_rate=prize,
        any_prize_ci_low=prize - 0.003,
        any_prize_ci_high=prize + 0.001,
        any_prize_p_value=any_p,
        tier_counts={},
        expected_tier_counts={},
    )
