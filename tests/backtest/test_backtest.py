"""Walk-forward back-test: no look-ahead, exact expectations, era-aware scoring, honest uncertainty."""

from __future__ import annotations

from datetime import date
from math import fsum

import numpy as np
import pytest
from pydantic import ValidationError
from scipy.stats import t as student_t

from lottery.backtest import (
    BacktestConfig,
    BacktestResult,
    MeanTest,
    StrategyBacktest,
    TargetDraw,
    backtest,
    era_of,
    history_before,
    judge_backtest,
    mean_test,
    score_grids,
    target_draw,
    target_seed,
    tickets_for,
    walk_forward,
)
from lottery.games import Game, eras_of
from lottery.stats.engine import DrawSet
from lottery.strategies import Grid, Strategy
from tests.backtest.crafted import crafted_row

EM = Game.EUROMILLIONS
STARS_12 = date(2016, 9, 27)
STARS_11 = date(2011, 5, 10)


def _grid(numbers: tuple[int, ...], bonus: tuple[int, ...]) -> Grid:
    return Grid(numbers=numbers, bonus=bonus, score=1.0, reason="hand-made")


def _target(day: date, numbers: tuple[int, ...] = (3, 14, 25, 36, 47), bonus: tuple[int, ...] = (2, 7)):
    return TargetDraw(game=EM, index=0, day=day, numbers=numbers, bonus=bonus)


def _prefix(ds: DrawSet, end: int) -> DrawSet:
    return DrawSet(game=ds.game, dates=ds.dates[:end], numbers=ds.numbers[:end], bonus=ds.bonus[:end])


def _row_of(ds: DrawSet, day: date) -> int:
    return int(np.searchsorted(ds.dates, np.datetime64(day, "D")))


# ---------------------------------------------------------------------------------------------
# No look-ahead


def test_history_before_holds_only_earlier_draws_as_copies(em_draws: DrawSet) -> None:
    for i in range(0, em_draws.size, 37):
        history = history_before(em_draws, i)
        assert history.size == i  # one draw per date in the shipped data
        if i:
            assert history.dates[-1] < em_draws.dates[i]
        np.testing.assert_array_equal(history.numbers, em_draws.numbers[:i])
        np.testing.assert_array_equal(history.bonus, em_draws.bonus[:i])
        for mine, theirs in ((history.dates, em_draws.dates), (history.numbers, em_draws.numbers)):
            assert not np.shares_memory(mine, theirs)  # nothing after the target is reachable


def test_history_before_drops_draws_of_the_target_date(em_draws: DrawSet) -> None:
    ds = _prefix(em_draws, 10)
    dates = ds.dates.copy()
    dates[6] = dates[5]  # two rows on one date: the second is not history of the first
    same_day = DrawSet(game=EM, dates=dates, numbers=ds.numbers, bonus=ds.bonus)
    assert history_before(same_day, 6).size == 5
    assert history_before(same_day, 5).size == 5
    with pytest.raises(IndexError):
        history_before(ds, 10)


def test_tickets_for_refuses_a_history_reaching_the_target(em_draws: DrawSet) -> None:
    i = em_draws.size - 1
    day = target_draw(em_draws, i).day
    with pytest.raises(ValueError, match="not strictly before"):
        tickets_for(_prefix(em_draws, i + 1), day, BacktestConfig())


def test_a_target_ignores_every_later_draw(em_draws: DrawSet) -> None:
    """Rewrite every draw after target i arbitrarily: targets up to i keep their tickets and scores."""
    config = BacktestConfig(draws=30, grids=5, seed=3)
    i = em_draws.size - 12
    rng = np.random.default_rng(99)
    later = em_draws.size - i - 1
    numbers, bonus = em_draws.numbers.copy(), em_draws.bonus.copy()
    numbers[i + 1 :] = np.sort(np.argsort(rng.random((later, 50)), axis=1)[:, :5] + 1, axis=1)
    bonus[i + 1 :] = np.sort(np.argsort(rng.random((later, 12)), axis=1)[:, :2] + 1, axis=1)
    changed = DrawSet(game=EM, dates=em_draws.dates, numbers=numbers, bonus=bonus)

    before = list(walk_forward(em_draws, config))
    after = list(walk_forward(changed, config))
    truncated = list(walk_forward(_prefix(em_draws, i + 1), config.model_copy(update={"draws": 1})))
    differs = False
    for a, b in zip(before, after, strict=True):
        assert a.target.index == b.target.index
        assert a.history_size == a.target.index
        same_tickets = all(a.tickets[s] == b.tickets[s] for s in config.strategies)
        if a.target.index <= i:
            assert same_tickets
            for s in config.strategies:
                np.testing.assert_array_equal(a.scores[s].main_matches, b.scores[s].main_matches)
                np.testing.assert_array_equal(a.scores[s].tier, b.scores[s].tier)
        else:
            differs |= not same_tickets
        if a.target.index == i:
            assert truncated[0].tickets == a.tickets  # the same tickets when the future does not exist
    assert differs  # the check above can see a change when there is one


def test_the_result_is_the_sum_of_runs_without_a_future(em_draws: DrawSet) -> None:
    """Each target scored in a window that ends at it gives the full run's figures: no look-ahead,
    and a target's tickets do not depend on how many targets are run."""
    config = BacktestConfig(draws=12, grids=4, seed=5, strategies=[Strategy.GAP_BASED, Strategy.RANDOM])
    full = backtest(em_draws, config)
    single = [
        backtest(_prefix(em_draws, end), config.model_copy(update={"draws": 1}))
        for end in range(em_draws.size - 11, em_draws.size + 1)
    ]
    for t, row in enumerate(full.strategies):
        parts = [r.strategies[t] for r in single]
        assert row.mean_main_matches == pytest.approx(fsum(p.mean_main_matches for p in parts) / 12)
        assert row.mean_bonus_matches == pytest.approx(fsum(p.mean_bonus_matches for p in parts) / 12)
        assert row.any_prize_rate == pytest.approx(fsum(p.any_prize_rate for p in parts) / 12)
        for label, count in row.tier_counts.items():
            assert count == sum(p.tier_counts[label] for p in parts)
    assert single[0].strategies[0].main_p_value is None
    assert single[0].strategies[0].verdict.startswith("too few targets")


# ---------------------------------------------------------------------------------------------
# Exact expectations and uncertainty on the shipped data


def test_default_backtest_of_the_shipped_euromillions(em_default: BacktestResult, em_draws: DrawSet) -> None:
    result = em_default
    assert result.game is EM
    assert result.first_target == target_draw(em_draws, em_draws.size - 200).day
    assert result.last_target == target_draw(em_draws, em_draws.size - 1).day
    assert result.first_target >= STARS_12
    assert [s.strategy for s in result.strategies] == list(Strategy)
    assert "per-draw means" in result.note
    era = eras_of(EM)[-1]
    assert len(era.tiers) == 13
    any_prize = fsum(era.tier_probability(t) for t in era.tiers)
    assert any_prize == pytest.approx(1 / 13, rel=0.01)
    for row in result.strategies:
        assert (row.targets, row.tickets) == (200, 2000)
        assert row.expected_main_matches == pytest.approx(0.5, abs=1e-12)
        assert row.expected_bonus_matches == pytest.approx(4 / 12, abs=1e-12)
        assert row.expected_any_prize_rate == pytest.approx(any_prize, abs=1e-12)
        assert list(row.tier_counts) == [t.label for t in era.tiers]
        assert sum(row.tier_counts.values()) == round(row.any_prize_rate * row.tickets)
        assert sum(row.expected_tier_counts.values()) == pytest.approx(any_prize * 2000)
        for low, mean, high, p in (
            (row.main_ci_low, row.mean_main_matches, row.main_ci_high, row.main_p_value),
            (row.bonus_ci_low, row.mean_bonus_matches, row.bonus_ci_high, row.bonus_p_value),
            (row.any_prize_ci_low, row.any_prize_rate, row.any_prize_ci_high, row.any_prize_p_value),
        ):
            assert None not in (low, high, p)
            assert low < mean < high
            assert 0 < p <= 1
        assert "random tickets" in row.verdict


def test_random_tickets_match_the_exact_expectation(em_default: BacktestResult) -> None:
    row = next(s for s in em_default.strategies if s.strategy is Strategy.RANDOM)
    assert None not in (row.main_ci_low, row.main_ci_high)
    half_width = (row.main_ci_high - row.main_ci_low) / 2
    assert 0 < half_width < 0.1  # 200 per-draw means of 10 tickets: sd of a mean about 0.6/sqrt(2000)
    assert abs(row.mean_main_matches - 0.5) <= 2 * half_width
    assert None not in (row.bonus_ci_low, row.bonus_ci_high)
    assert abs(row.mean_bonus_matches - 4 / 12) <= row.bonus_ci_high - row.bonus_ci_low


def test_loto_expectations(shipped_draws: dict[Game, DrawSet]) -> None:
    result = backtest(
        shipped_draws[Game.LOTO], BacktestConfig(draws=20, grids=3, strategies=[Strategy.RANDOM])
    )
    row = result.strategies[0]
    era = era_of(Game.LOTO, result.last_target)
    assert row.expected_main_matches == pytest.approx(25 / 49, abs=1e-12)
    assert row.expected_bonus_matches == pytest.approx(1 / 10, abs=1e-12)
    assert row.expected_any_prize_rate == pytest.approx(fsum(era.tier_probability(t) for t in era.tiers))
    assert "chance number" in row.verdict


def test_targets_across_eras_use_their_own_rules(em_draws: DrawSet) -> None:
    """10 targets with 9 stars, 10 with 11: stars of the old draws stay in 1..9, expectations mix."""
    cut = _row_of(em_draws, STARS_11) + 10
    ds = _prefix(em_draws, cut)
    config = BacktestConfig(draws=20, grids=5, strategies=[Strategy.FREQUENCY_BASED, Strategy.RANDOM])
    outcomes = list(walk_forward(ds, config))
    assert [o.target.era.bonus_max for o in outcomes] == [9] * 10 + [11] * 10
    for o in outcomes:
        for grids in o.tickets.values():
            assert max(max(g.bonus) for g in grids) <= o.target.era.bonus_max
    row = backtest(ds, config).strategies[1]
    assert row.expected_bonus_matches == pytest.approx((4 / 9 + 4 / 11) / 2)
    old, new = eras_of(EM)[0], eras_of(EM)[1]
    mixed = [fsum(e.tier_probability(t) for t in e.tiers) for e in (old, new)]
    assert row.expected_any_prize_rate == pytest.approx(sum(mixed) / 2)
    # '2+0' pays only from 2011: its expectation counts the 10 newer targets alone
    assert row.expected_tier_counts["2+0"] == pytest.approx(50 * new.tier_probability(new.tiers[-1]))


# ---------------------------------------------------------------------------------------------
# Scoring


def test_a_grid_equal_to_the_draw_wins_the_jackpot() -> None:
    target = _target(date(2024, 5, 3))
    score = score_grids([_grid(target.numbers, target.bonus)], target)
    assert (int(score.main_matches[0]), int(score.bonus_matches[0])) == (5, 2)
    assert score.tier_labels() == ["5+2"]
    assert score.won.tolist() == [True]


def _ticket(target: TargetDraw, k: int, s: int) -> Grid:
    """A ticket matching exactly k numbers and s stars of ``target``."""
    others = [n for n in range(1, 51) if n not in target.numbers][: 5 - k]
    stars = [b for b in range(1, 10) if b not in target.bonus][: 2 - s]
    return _grid(tuple(sorted([*target.numbers[:k], *others])), tuple(sorted([*target.bonus[:s], *stars])))


@pytest.mark.parametrize(
    ("day", "tiers"), [(date(2010, 6, 4), 12), (date(2012, 6, 5), 13), (date(2020, 6, 5), 13)]
)
def test_every_pattern_gets_its_eras_tier(day: date, tiers: int) -> None:
    target = _target(day)
    era = era_of(EM, day)
    assert len(era.tiers) == tiers
    patterns = [(k, s) for k in range(6) for s in range(3)]
    score = score_grids([_ticket(target, k, s) for k, s in patterns], target)
    assert list(zip(score.main_matches.tolist(), score.bonus_matches.tolist(), strict=True)) == patterns
    for (k, s), label in zip(patterns, score.tier_labels(), strict=True):
        winners = [t.label for t in era.tiers if t.wins(k, s)]
        assert len(winners) <= 1
        assert label == (winners[0] if winners else None)


def test_tier_tables_follow_the_era() -> None:
    two = (date(2010, 6, 4), date(2012, 6, 5))
    labels = [score_grids([_ticket(_target(d), 2, 0)], _target(d)).tier_labels()[0] for d in two]
    assert labels == [None, "2+0"]  # 2+0 paid nothing under the 12-tier table
    three_two = []
    for d in (date(2012, 6, 5), date(2020, 6, 5)):
        score = score_grids([_ticket(_target(d), 3, 2)], _target(d))
        three_two.append(score.era.tiers[int(score.tier[0])].rank)
    assert three_two == [7, 6]  # 3+2 moved up a rank in 2016


def test_invalid_tickets_are_refused() -> None:
    old = _target(date(2010, 6, 4))
    with pytest.raises(ValueError, match=r"1\.\.9"):
        score_grids([_grid((1, 2, 3, 4, 5), (1, 10))], old)
    with pytest.raises(ValueError, match="5 numbers"):
        score_grids([_grid((1, 2, 3, 4), (1, 2))], old)
    with pytest.raises(ValueError, match=r"1\.\.50"):
        score_grids([_grid((1, 2, 3, 4, 51), (1, 2))], old)


# ---------------------------------------------------------------------------------------------
# Seeds


def test_reproducible_with_a_seed(em_draws: DrawSet) -> None:
    config = BacktestConfig(draws=15, grids=3, seed=42)
    first, again = backtest(em_draws, config), backtest(em_draws, config)
    assert first == again
    other = backtest(em_draws, config.model_copy(update={"seed": 43}))
    assert other.strategies != first.strategies
    tickets = [next(walk_forward(em_draws, c)).tickets for c in (config, other.config)]
    for s in config.strategies:
        assert tickets[0][s] != tickets[1][s]


def test_target_seeds_depend_on_seed_date_and_strategy_only() -> None:
    day = date(2024, 5, 3)
    seeds = {target_seed(s, d, st) for s in (0, 1) for d in (day, date(2024, 5, 7)) for st in Strategy}
    assert len(seeds) == 2 * 2 * len(Strategy)
    assert target_seed(0, day, Strategy.RANDOM) == target_seed(0, day, Strategy.RANDOM)
    assert all(0 <= s < 2**63 for s in seeds)


# ---------------------------------------------------------------------------------------------
# Validation, uncertainty and verdicts


@pytest.mark.parametrize(
    "bad",
    [
        {"draws": 0},
        {"draws": 5001},
        {"grids": 0},
        {"grids": 1001},
        {"seed": -1},
        {"strategies": []},
        {"strategies": ["random", "random"]},
        {"strategies": ["lucky"]},
        {"min_history": 0},
        {"targets": 3},
    ],
)
def test_config_validation(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        BacktestConfig(**bad)


def test_too_little_history_is_refused(em_draws: DrawSet) -> None:
    with pytest.raises(ValueError, match=r"only 10 earlier draws but min_history is 50: use at most 10"):
        backtest(_prefix(em_draws, 60), BacktestConfig(draws=50))
    with pytest.raises(ValueError, match="the window holds 60 draws"):
        backtest(_prefix(em_draws, 60), BacktestConfig(draws=61))
    with pytest.raises(ValueError, match="no draws"):
        backtest(_prefix(em_draws, 0))
    assert backtest(_prefix(em_draws, 60), BacktestConfig(draws=10, grids=1)).strategies[0].targets == 10


def test_progress_is_reported_per_target(em_draws: DrawSet) -> None:
    calls: list[tuple[int, int]] = []
    backtest(em_draws, BacktestConfig(draws=3, grids=1), progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_mean_test_is_a_t_test_on_the_differences_from_expectation() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(0.5, 0.2, 400)
    expected = np.where(np.arange(400) < 200, 0.5, 0.4)  # two eras
    res = mean_test(values, expected)
    assert res.expected == pytest.approx(0.45)
    assert None not in (res.ci_low, res.ci_high, res.p_value)
    sd = np.std(values - expected, ddof=1) / np.sqrt(400)
    assert (res.ci_high - res.ci_low) / 2 == pytest.approx(1.9659 * sd, rel=1e-3)
    t = np.mean(values - expected) / sd
    assert res.p_value == pytest.approx(2 * student_t.sf(abs(t), 399), rel=1e-9)
    assert res.p_value < 1e-3  # the values were drawn around 0.5, not the mixed 0.45
    assert mean_test(np.array([0.3]), np.array([0.5])).p_value is None
    assert mean_test(np.full(5, 0.5), np.full(5, 0.5)) == MeanTest(0.5, 0.5, 0.5, 0.5, 1.0)
    # Equal non-zero differences have no variance: no p-value, not p = 0 (the t test says nothing).
    assert mean_test(np.full(5, 0.7), np.full(5, 0.5)) == MeanTest(0.7, 0.5, None, None, None)


def _crafted(
    strategy: Strategy, main_p: float | None, bonus_p: float | None = 0.5, any_p: float | None = 0.5
) -> StrategyBacktest:
    return crafted_row(EM, strategy, main_p, bonus_p, any_p)


def test_verdicts_allow_for_chance_and_many_comparisons() -> None:
    """4 strategies x 3 measures: p < 0.05 is said plainly, but only p < 0.05/12 stands out."""
    calm = [_crafted(s, 0.41) for s in Strategy]
    judged = judge_backtest(EM, calm)
    assert (judged.comparisons, judged.cutoff) == (12, pytest.approx(0.05 / 12))
    assert judged.verdicts[Strategy.RANDOM] == (
        "no difference from random tickets at the 5 % level (main numbers p = 0.41, stars p = 0.50, "
        "any prize p = 0.50)"
    )
    assert judged.conclusion.startswith("No strategy differs from random tickets on any of the 3 measures")
    assert "main numbers, stars, any prize" in judged.conclusion

    lucky = [_crafted(Strategy.GAP_BASED, 0.008), *(_crafted(s, 0.41) for s in list(Strategy)[2:])]
    judged = judge_backtest(EM, lucky)
    text = judged.verdicts[Strategy.GAP_BASED]
    assert judged.significance[Strategy.GAP_BASED].level == "nominal"
    assert text.startswith(
        "more main numbers than random tickets at the 5 % level (p = 0.008), but 9 comparisons"
    )
    assert "p < 0.0056 to stand out" in text
    assert "no evidence of an edge" in text
    assert "none is below the cutoff 0.0056" in judged.conclusion
    assert "The other 2 show no difference" in judged.conclusion

    odd = [_crafted(Strategy.RANDOM, 0.3, bonus_p=1e-5)]
    judged = judge_backtest(EM, odd)
    assert judged.significance[Strategy.RANDOM].level == "beyond_chance"
    text = judged.verdicts[Strategy.RANDOM]
    assert text.startswith("fewer stars than random tickets at the 5 % level (p < 0.001), below 0.017")
    assert "check the data and the code" in text

    untested = judge_backtest(EM, [_crafted(Strategy.RANDOM, None, None, None)])
    assert untested.verdicts[Strategy.RANDOM].startswith("too few targets")
    assert untested.conclusion.startswith("Too few targets")


def test_a_backtest_carries_the_verdicts_of_judge_backtest(em_default: BacktestResult) -> None:
    """The stored verdicts are judge_backtest's, whatever was computed first."""
    judged = judge_backtest(EM, em_default.strategies)
    assert {s.strategy: s.verdict for s in em_default.strategies} == judged.verdicts
    assert (em_default.comparisons, em_default.cutoff) == (12, judged.cutoff)
    assert em_default.conclusion == judged.conclusion


def test_a_measure_without_variance_is_not_tested_not_significant() -> None:
    """No prize in any target (all per-draw rates 0): no p-value, said so, and never 'beyond chance'."""
    none_won = mean_test(np.zeros(20), np.full(20, 1 / 13))
    assert (none_won.p_value, none_won.ci_low, none_won.ci_high) == (None, None, None)
    row = _crafted(Strategy.COMBINATION_BASED, 0.41, 0.52, None)
    judged = judge_backtest(EM, [row])
    assert judged.significance[Strategy.COMBINATION_BASED].level == "none"
    assert judged.verdicts[Strategy.COMBINATION_BASED] == (
        "no difference from random tickets at the 5 % level (main numbers p = 0.41, stars p = 0.52, "
        "any prize p not computed)"
    )
