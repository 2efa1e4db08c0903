"""The back-test's request and results, as stored and served."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lottery.games import Game
from lottery.significance import Significance
from lottery.strategies import Strategy

MAX_DRAWS = 5000
MAX_GRIDS = 1000


class BacktestConfig(BaseModel):
    """What to back-test: the last ``draws`` draws as targets, ``grids`` tickets per strategy each."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    draws: int = Field(default=200, ge=1, le=MAX_DRAWS, description="targets: the last N draws")
    grids: int = Field(default=10, ge=1, le=MAX_GRIDS, description="tickets per strategy per target")
    seed: int = Field(default=0, ge=0, description="reproduces the tickets")
    strategies: list[Strategy] = Field(default_factory=lambda: list(Strategy), min_length=1)
    min_history: int = Field(default=50, ge=1, description="earlier draws each target needs")

    @field_validator("strategies")
    @classmethod
    def _distinct(cls, value: list[Strategy]) -> list[Strategy]:
        if len(set(value)) != len(value):
            raise ValueError("strategies must not repeat")
        return value


class StrategyBacktest(BaseModel):
    """One strategy's tickets against the targets, next to the exact figures for random tickets."""

    strategy: Strategy
    targets: int
    tickets: int
    mean_main_matches: float
    expected_main_matches: float = Field(description="exact for random tickets: k*k/K")
    main_ci_low: float | None = Field(description="95 % t interval over the per-draw means")
    main_ci_high: float | None
    main_p_value: float | None = Field(description="two-sided t test against the exact expectation")
    mean_bonus_matches: float
    expected_bonus_matches: float = Field(description="exact for random tickets: b*b/S of each era")
    bonus_ci_low: float | None
    bonus_ci_high: float | None
    bonus_p_value: float | None
    any_prize_rate: float = Field(description="share of tickets that won any prize tier")
    expected_any_prize_rate: float = Field(description="exact: summed tier probabilities of each era")
    any_prize_ci_low: float | None
    any_prize_ci_high: float | None
    any_prize_p_value: float | None
    tier_counts: dict[str, int] = Field(description="tier label -> tickets that would have won it")
    expected_tier_counts: dict[str, float] = Field(description="exact expectation for random tickets")
    verdict: str = Field(default="", description="plain words from judge_backtest (the one rule)")
    significance: Significance | None = Field(
        default=None, description="the smallest of the three p-values, judged among all comparisons"
    )


class BacktestVerdict(BaseModel):
    """What a whole back-test says, worded once for the API, the report and the stored result."""

    comparisons: int = Field(description="3 measures x strategies, tested together")
    cutoff: float = Field(description="0.05 / comparisons: a difference stands out only below it")
    verdicts: dict[Strategy, str] = Field(description="each strategy's verdict")
    significance: dict[Strategy, Significance]
    conclusion: str = Field(description="one paragraph over all strategies and all three measures")


class BacktestResult(BaseModel):
    """A walk-forward back-test of one game's strategies."""

    game: Game
    first_target: date
    last_target: date
    config: BacktestConfig
    strategies: list[StrategyBacktest]
    note: str
    comparisons: int | None = Field(default=None, description="3 measures x strategies, judged together")
    cutoff: float | None = Field(default=None, description="0.05 / comparisons (see BacktestVerdict)")
    conclusion: str = Field(default="", description="judge_backtest's conclusion over every strategy")
