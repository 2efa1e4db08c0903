"""Grid generation: validity, distinctness, determinism, exclusions, progress and each weighting."""

from __future__ import annotations

import re
from itertools import combinations
from math import comb

import numpy as np
import pytest
from scipy.stats import chi2

from lottery.games import Game, current_era
from lottery.stats.engine import DrawSet, ball_counts
from lottery.strategies import (
    MAX_COUNT,
    TOP_PAIRS,
    Generation,
    Strategy,
    StrategyInputs,
    expected_gap,
    generate,
    inputs_from_draws,
)
from tests.strategies.conftest import random_drawset

EM, LOTO = Game.EUROMILLIONS, Game.LOTO
HONEST = re.compile(r"do(es)? not change the (odds of the|next draw's odds)|no strategy changes the odds")
RATIO = r"(\d+% (more|less) often than average|as often as average)"
DISHONEST = re.compile(r"\b(win|winning|better odds|more likely|lucky|due)\b", re.IGNORECASE)


def arrays(gen: Generation) -> tuple[np.ndarray, np.ndarray]:
    """The grids' numbers (count, k) and bonus balls (count, b)."""
    numbers = np.array([g.numbers for g in gen.grids], dtype=np.int64)
    bonus = np.array([g.bonus for g in gen.grids], dtype=np.int64).reshape(len(gen.grids), -1)
    return numbers, bonus


def assert_valid(gen: Generation, game: Game, count: int) -> None:
    """``count`` distinct grids, each valid under the game's current rules, with an honest reason."""
    era = current_era(game)
    numbers, bonus = arrays(gen)
    assert numbers.shape == (count, era.numbers_count)
    assert bonus.shape == (count, era.bonus_count)
    for values, top in ((numbers, era.numbers_max), (bonus, era.bonus_max)):
        assert values.min() >= 1
        assert values.max() <= top
        assert np.all(np.diff(values, axis=1) > 0)  # sorted and distinct
    assert len({(g.numbers, g.bonus) for g in gen.grids}) == count
    scores = np.array([g.score for g in gen.grids])
    assert np.all(np.isfinite(scores))
    assert np.all(scores > 0)
    for reason in {g.reason for g in gen.grids}:
        assert reason.startswith(f"{gen.strategy.value}: ")
        assert "\n" not in reason
        assert HONEST.search(reason), reason
        assert not DISHONEST.search(reason), reason


def counts_of(values: np.ndarray, top: int) -> np.ndarray:
    """How many times each ball 1..top appears."""
    return np.bincount(values.ravel(), minlength=top + 1)[1:]


# ---------------------------------------------------------------------------------------------
# Validity, count, distinctness


@pytest.mark.parametrize("game", list(Game))
@pytest.mark.parametrize("strategy", list(Strategy))
def test_ten_thousand_valid_distinct_grids(
    shipped_inputs: dict[Game, StrategyInputs], game: Game, strategy: Strategy
) -> None:
    gen = generate(strategy, shipped_inputs[game], MAX_COUNT, seed=7)
    assert gen.strategy is strategy
    assert gen.seed == 7
    assert_valid(gen, game, MAX_COUNT)
    if strategy is Strategy.RANDOM:
        assert {g.score for g in gen.grids} == {1.0}
    else:
        assert 0.7 < np.mean([g.score for g in gen.grids]) < 3.0


@pytest.mark.parametrize("strategy", list(Strategy))
@pytest.mark.parametrize("count", [1, 2, 9, 10, 11, 999, 1000, 1001, 4321])
def test_count_is_exactly_honoured(
    shipped_inputs: dict[Game, StrategyInputs], strategy: Strategy, count: int
) -> None:
    gen = generate(strategy, shipped_inputs[EM], count, seed=count)
    assert_valid(gen, EM, count)


@pytest.mark.parametrize("strategy", list(Strategy))
def test_inputs_from_a_synthetic_window(strategy: Strategy) -> None:
    for game in Game:
        inputs = inputs_from_draws(random_drawset(game, 300, seed=3))
        assert_valid(generate(strategy, inputs, 2000, seed=1), game, 2000)


@pytest.mark.parametrize("strategy", list(Strategy))
def test_every_grid_of_a_tiny_pool_is_found_once(
    shipped_inputs: dict[Game, StrategyInputs], strategy: Strategy
) -> None:
    # 6 numbers and 2 stars left: exactly 6 distinct grids exist, and all are asked for.
    gen = generate(strategy, shipped_inputs[EM], 6, seed=1, exclude=range(7, 51), exclude_bonus=range(3, 13))
    assert_valid(gen, EM, 6)
    assert {g.numbers for g in gen.grids} == set(combinations(range(1, 7), 5))
    assert {g.bonus for g in gen.grids} == {(1, 2)}


# ---------------------------------------------------------------------------------------------
# Determinism


@pytest.mark.parametrize("strategy", list(Strategy))
def test_same_seed_same_grids_other_seed_other_grids(
    shipped_inputs: dict[Game, StrategyInputs], strategy: Strategy
) -> None:
    inputs = shipped_inputs[LOTO]
    first = generate(strategy, inputs, 500, seed=123)
    again = generate(strategy, inputs, 500, seed=123)
    other = generate(strategy, inputs, 500, seed=124)
    assert first.grids == again.grids
    assert [g.numbers for g in first.grids] != [g.numbers for g in other.grids]
    assert len({g.numbers for g in first.grids} & {g.numbers for g in other.grids}) < 50


@pytest.mark.parametrize("strategy", list(Strategy))
def test_grids_do_not_depend_on_chunking_or_clock(
    shipped_inputs: dict[Game, StrategyInputs], strategy: Strategy
) -> None:
    inputs = shipped_inputs[EM]
    ticks = iter(range(0, 10**9, 5))
    small = generate(
        strategy, inputs, 3000, seed=9, chunk_size=7, progress=lambda d, t: None, clock=lambda: next(ticks)
    )
    default = generate(strategy, inputs, 3000, seed=9)
    assert small.grids == default.grids


def test_a_missing_seed_is_drawn_and_returned() -> None:
    inputs = inputs_from_draws(random_drawset(EM, 100))
    gen = generate(Strategy.FREQUENCY_BASED, inputs, 50)
    assert 0 <= gen.seed < 2**63
    assert generate(Strategy.FREQUENCY_BASED, inputs, 50, seed=gen.seed).grids == gen.grids
    assert generate(Strategy.FREQUENCY_BASED, inputs, 50).seed != gen.seed


# ---------------------------------------------------------------------------------------------
# Exclusions and impossible requests


@pytest.mark.parametrize("strategy", list(Strategy))
def test_exclusions_are_respected(shipped_inputs: dict[Game, StrategyInputs], strategy: Strategy) -> None:
    excluded, excluded_bonus = {1, 7, 13, 22, 36, 44, 50}, {2, 12}
    gen = generate(
        strategy, shipped_inputs[EM], 3000, seed=5, exclude=excluded, exclude_bonus=iter(excluded_bonus)
    )
    assert_valid(gen, EM, 3000)
    numbers, bonus = arrays(gen)
    assert not set(numbers.ravel().tolist()) & excluded
    assert not set(bonus.ravel().tolist()) & excluded_bonus
    assert len(set(numbers.ravel().tolist())) == 50 - len(excluded)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": 0}, r"count must be between 1 and 10,000, got 0"),
        ({"count": MAX_COUNT + 1}, r"count must be between 1 and 10,000, got 10001"),
        ({"count": 5, "exclude": [0]}, r"exclude: 0 is outside 1\.\.50"),
        ({"count": 5, "exclude": [51]}, r"exclude: 51 is outside 1\.\.50"),
        ({"count": 5, "exclude_bonus": [13]}, r"exclude_bonus: 13 is outside 1\.\.12"),
        ({"count": 5, "exclude": [2.5]}, r"exclude must be whole numbers"),
        (
            {"count": 5, "exclude": range(1, 47)},
            r"exclusions leave 4 numbers but a euromillions grid needs 5",
        ),
        ({"count": 5, "exclude_bonus": range(1, 12)}, r"exclusions leave 1 bonus balls but .* needs 2"),
        (
            {"count": 7, "exclude": range(7, 51), "exclude_bonus": range(3, 13)},
            r"asked for 7 distinct grids but only 6 distinct grids( holding one of the top pairs)? exist",
        ),
        ({"count": 5, "seed": -1}, r"seed must be a non-negative integer"),
        ({"count": 5, "chunk_size": 0}, r"chunk_size must be at least 1"),
    ],
)
@pytest.mark.parametrize("strategy", list(Strategy))
def test_impossible_requests_raise_before_generating(
    shipped_inputs: dict[Game, StrategyInputs], strategy: Strategy, kwargs: dict, message: str
) -> None:
    calls: list[tuple[int, int]] = []
    with pytest.raises(ValueError, match=message):
        generate(strategy, shipped_inputs[EM], progress=lambda d, t: calls.append((d, t)), **kwargs)
    assert calls == []


def test_loto_impossible_bonus_request() -> None:
    inputs = inputs_from_draws(random_drawset(LOTO, 50))
    with pytest.raises(ValueError, match=r"exclusions leave 0 bonus balls but a loto grid needs 1"):
        generate(Strategy.RANDOM, inputs, 1, exclude_bonus=range(1, 11))
    # 5 numbers and 3 chance numbers left: 3 grids.
    with pytest.raises(ValueError, match=r"only 3 distinct grids exist"):
        generate(Strategy.RANDOM, inputs, 4, exclude=range(6, 50), exclude_bonus=range(4, 11))
    assert (
        len(generate(Strategy.RANDOM, inputs, 3, exclude=range(6, 50), exclude_bonus=range(4, 11)).grids) == 3
    )


def one_pair_window() -> StrategyInputs:
    """A EuroMillions window where the same five numbers always came out: only 10 pairs exist."""
    rows = 40
    return inputs_from_draws(
        DrawSet(
            game=EM,
            dates=np.datetime64("2020-01-03") + np.arange(rows) * np.timedelta64(7, "D"),
            numbers=np.tile(np.arange(1, 6, dtype=np.int16), (rows, 1)),
            bonus=np.tile(np.array([3, 9], dtype=np.int16), (rows, 1)),
        )
    )


def test_combination_based_counts_only_the_grids_around_its_pairs() -> None:
    inputs = one_pair_window()
    # Numbers 1..10 and stars 1, 2 left; grids holding two of 1..5: C(10,5) - C(5,5) - 5 C(5,4) = 226.
    reachable = comb(10, 5) - 1 - 5 * comb(5, 4)
    kwargs = {"exclude": range(11, 51), "exclude_bonus": range(3, 13)}
    with pytest.raises(
        ValueError, match=rf"only {reachable} distinct grids holding one of the top pairs exist"
    ):
        generate(Strategy.COMBINATION_BASED, inputs, reachable + 1, seed=1, **kwargs)
    # The other strategies can reach all 252.
    assert len(generate(Strategy.RANDOM, inputs, 252, seed=1, **kwargs).grids) == 252


def test_improbable_requests_give_up_with_a_clear_message() -> None:
    # The 226 grids exist, but those with three never-drawn numbers are extremely unlikely.
    inputs = one_pair_window()
    with pytest.raises(ValueError, match=r"found only \d+ distinct combination_based grids of the 226 asked"):
        generate(
            Strategy.COMBINATION_BASED, inputs, 226, seed=1, exclude=range(11, 51), exclude_bonus=range(3, 13)
        )


# ---------------------------------------------------------------------------------------------
# Progress


def test_progress_every_tenth_and_at_the_end(shipped_inputs: dict[Game, StrategyInputs]) -> None:
    calls: list[tuple[int, int]] = []
    generate(
        Strategy.GAP_BASED, shipped_inputs[EM], MAX_COUNT, seed=1, progress=lambda d, t: calls.append((d, t))
    )
    done = [d for d, _ in calls]
    assert len(calls) >= 10
    assert calls[-1] == (MAX_COUNT, MAX_COUNT)
    assert {t for _, t in calls} == {MAX_COUNT}
    assert done == sorted(done)
    assert np.diff([0, *done]).max() <= MAX_COUNT / 10


def test_small_chunks_still_report_every_tenth(shipped_inputs: dict[Game, StrategyInputs]) -> None:
    calls: list[tuple[int, int]] = []
    generate(
        Strategy.RANDOM,
        shipped_inputs[EM],
        5000,
        seed=1,
        chunk_size=100,
        progress_every_s=60,
        progress=lambda d, t: calls.append((d, t)),
    )
    done = [d for d, _ in calls]
    assert np.diff([0, *done]).max() <= 500
    assert 10 <= len(calls) <= 12  # the clock never says 60 s passed: no reason to report more often
    assert calls[-1] == (5000, 5000)


def test_slow_chunks_report_every_chunk(shipped_inputs: dict[Game, StrategyInputs]) -> None:
    now = [0.0]

    def clock() -> float:  # every look at the clock finds it 2 s later
        now[0] += 2.0
        return now[0]

    calls: list[tuple[int, int]] = []
    generate(
        Strategy.FREQUENCY_BASED,
        shipped_inputs[EM],
        MAX_COUNT,
        seed=1,
        chunk_size=100,
        clock=clock,
        progress=lambda d, t: calls.append((d, t)),
    )
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert len(calls) >= MAX_COUNT // 100
    assert np.diff([0, *done]).max() <= 100
    assert calls[-1] == (MAX_COUNT, MAX_COUNT)


def test_progress_of_a_single_grid() -> None:
    calls: list[tuple[int, int]] = []
    generate(
        Strategy.RANDOM,
        inputs_from_draws(random_drawset(LOTO, 20)),
        1,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls == [(1, 1)]


# ---------------------------------------------------------------------------------------------
# What each strategy favours


def test_frequency_based_picks_frequent_numbers_more_often() -> None:
    # Numbers drawn with weights 1..50: number 50 came out about 50 times as often as number 1.
    inputs = inputs_from_draws(random_drawset(EM, 2000, seed=11, weights=np.arange(1, 51, dtype=float)))
    order = np.argsort(inputs.number_frequency)
    low, high = order[:10], order[-10:]
    assert inputs.number_frequency[high].mean() > 5 * inputs.number_frequency[low].mean()
    numbers, _ = arrays(generate(Strategy.FREQUENCY_BASED, inputs, MAX_COUNT, seed=2))
    picks = counts_of(numbers, 50)
    assert picks[high].mean() > 3 * picks[low].mean()
    # and the picks follow the frequencies in rank
    assert np.corrcoef(picks, inputs.number_frequency)[0, 1] > 0.9
    uniform, _ = arrays(generate(Strategy.RANDOM, inputs, MAX_COUNT, seed=2))
    assert abs(counts_of(uniform, 50)[high].mean() / counts_of(uniform, 50)[low].mean() - 1) < 0.15


def test_frequency_based_bonus_and_reason(shipped_inputs: dict[Game, StrategyInputs]) -> None:
    inputs = shipped_inputs[EM]
    gen = generate(Strategy.FREQUENCY_BASED, inputs, 5000, seed=3)
    numbers, bonus = arrays(gen)
    # The pick-weighted mean frequency exceeds the plain mean, for numbers and stars.
    assert inputs.number_frequency[numbers - 1].mean() > inputs.number_frequency.mean()
    assert inputs.bonus_frequency[bonus - 1].mean() > inputs.bonus_frequency.mean()
    reason = gen.grids[0].reason
    assert re.fullmatch(
        rf"frequency_based: numbers drawn {RATIO} in this window, stars {RATIO}; "
        "past frequency does not change the odds of the next draw",
        reason,
    ), reason


def test_never_drawn_numbers_stay_possible() -> None:
    inputs = inputs_from_draws(random_drawset(EM, 30, seed=4))
    never = np.flatnonzero(inputs.number_frequency == 0) + 1
    assert len(never) > 0
    numbers, _ = arrays(generate(Strategy.FREQUENCY_BASED, inputs, MAX_COUNT, seed=4))
    assert set(never.tolist()) <= set(numbers.ravel().tolist())


def test_gap_based_favours_long_absences() -> None:
    # 300 fair draws, then 60 without numbers 41..50: those have been absent for 60+ draws.
    start = random_drawset(EM, 300, seed=5)
    weights = np.r_[np.ones(40), np.full(10, 1e-12)]
    recent = random_drawset(EM, 60, seed=6, weights=weights, start="2019-06-01")
    assert recent.numbers.max() <= 40
    ds = DrawSet(
        game=EM,
        dates=np.concatenate((start.dates, recent.dates)),
        numbers=np.vstack((start.numbers, recent.numbers)),
        bonus=np.vstack((start.bonus, recent.bonus)),
    )
    inputs = inputs_from_draws(ds)
    assert inputs.number_current_gap[40:].min() >= 60
    gen = generate(Strategy.GAP_BASED, inputs, MAX_COUNT, seed=6)
    numbers, _ = arrays(gen)
    picks = counts_of(numbers, 50)
    assert picks[40:].mean() > 2.5 * picks[:40].mean()
    gaps = inputs.number_current_gap
    assert np.corrcoef(picks, gaps)[0, 1] > 0.8
    assert "fair average gap 9" in gen.grids[0].reason
    assert "stars" in gen.grids[0].reason
    assert expected_gap(5, 50) == pytest.approx(9.0)
    assert expected_gap(2, 12) == pytest.approx(5.0)


@pytest.mark.parametrize("game", list(Game))
def test_combination_based_grids_hold_a_top_pair(
    shipped_inputs: dict[Game, StrategyInputs], game: Game
) -> None:
    inputs = shipped_inputs[game]
    i, j = np.triu_indices(inputs.numbers_max, 1)
    counts = inputs.pair_counts[i, j]
    threshold = np.sort(counts)[-TOP_PAIRS]  # the 50th largest count (ties may be among the top 50)
    gen = generate(Strategy.COMBINATION_BASED, inputs, 3000, seed=8)
    for grid in gen.grids:
        best = max(inputs.pair_counts[a - 1, b - 1] for a, b in combinations(grid.numbers, 2))
        assert best >= threshold, grid
        named = re.search(r"built around (\d+)-(\d+), drawn together (\d+) times", grid.reason)
        assert named, grid.reason
        a, b, n = map(int, named.groups())
        assert {a, b} <= set(grid.numbers)
        assert inputs.pair_counts[a - 1, b - 1] == n >= threshold
    # Frequent pairs are picked more often.
    pairs = [tuple(map(int, re.search(r"around (\d+)-(\d+)", g.reason).groups())) for g in gen.grids]
    picked = {p: pairs.count(p) for p in set(pairs)}
    top_pair = max(picked, key=lambda p: inputs.pair_counts[p[0] - 1, p[1] - 1])
    low_pair = min(picked, key=lambda p: inputs.pair_counts[p[0] - 1, p[1] - 1])
    assert picked[top_pair] > picked[low_pair]


@pytest.mark.parametrize("game", list(Game))
def test_random_is_uniform(shipped_inputs: dict[Game, StrategyInputs], game: Game) -> None:
    era = current_era(game)
    gen = generate(Strategy.RANDOM, shipped_inputs[game], MAX_COUNT, seed=10)
    numbers, bonus = arrays(gen)
    for values, k, top in (
        (numbers, era.numbers_count, era.numbers_max),
        (bonus, era.bonus_count, era.bonus_max),
    ):
        observed = counts_of(values, top)
        expected = MAX_COUNT * k / top
        x2 = float(((observed - expected) ** 2 / expected).sum())
        correction = (top - k) / (top - 1) if top > 1 else 1.0  # k balls drawn without replacement
        assert chi2.sf(x2 / correction, top - 1) > 0.001


# ---------------------------------------------------------------------------------------------
# Inputs


def test_inputs_from_draws_by_hand() -> None:
    ds = DrawSet(
        game=EM,
        dates=np.array(["2020-01-03", "2020-01-07", "2020-01-10"], dtype="datetime64[D]"),
        numbers=np.array([[1, 2, 3, 4, 5], [1, 2, 10, 20, 30], [2, 3, 40, 49, 50]], dtype=np.int16),
        bonus=np.array([[1, 2], [1, 12], [5, 6]], dtype=np.int16),
    )
    inputs = inputs_from_draws(ds)
    assert (inputs.numbers_count, inputs.numbers_max, inputs.bonus_count, inputs.bonus_max) == (5, 50, 2, 12)
    assert inputs.draw_count == 3
    assert inputs.number_frequency[[0, 1, 2, 9, 5]].tolist() == pytest.approx([2 / 3, 1, 2 / 3, 1 / 3, 0])
    assert inputs.number_current_gap[[0, 1, 2, 9, 5]].tolist() == [1, 0, 0, 1, 3]
    assert inputs.bonus_frequency[[0, 1, 11, 6]].tolist() == pytest.approx([2 / 3, 1 / 3, 1 / 3, 0])
    assert inputs.bonus_current_gap[[0, 4, 6]].tolist() == [1, 0, 3]
    pc = inputs.pair_counts
    assert pc.shape == (50, 50)
    assert np.array_equal(pc, pc.T)
    assert np.all(np.diag(pc) == 0)
    brute = np.zeros((50, 50))
    for row in ds.numbers.tolist():
        for a, b in combinations(row, 2):
            brute[a - 1, b - 1] += 1
            brute[b - 1, a - 1] += 1
    assert np.array_equal(pc, brute)
    assert pc[0, 1] == 2
    assert pc[1, 2] == 2


def test_inputs_match_the_engine_on_the_shipped_history(shipped_inputs: dict[Game, StrategyInputs]) -> None:
    for game, inputs in shipped_inputs.items():
        era = current_era(game)
        assert inputs.draw_count > 1000
        assert inputs.number_frequency.shape == (era.numbers_max,)
        assert inputs.bonus_frequency.shape == (era.bonus_max,)
        # each draw has C(k, 2) pairs, each counted twice in the symmetric matrix
        assert inputs.pair_counts.sum() == inputs.draw_count * comb(era.numbers_count, 2) * 2
        # frequencies average to k / K
        assert inputs.number_frequency.mean() == pytest.approx(era.numbers_count / era.numbers_max, rel=1e-9)


def test_an_old_window_pads_the_missing_stars_with_no_information() -> None:
    # EuroMillions 2005: 9 stars. Stars 10..12 did not exist: frequency 0, gap 0, average weight.
    rng = np.random.default_rng(12)
    n = 100
    numbers = np.sort(np.argsort(rng.random((n, 50)), axis=1)[:, :5] + 1, axis=1).astype(np.int16)
    bonus = np.sort(np.argsort(rng.random((n, 9)), axis=1)[:, :2] + 1, axis=1).astype(np.int16)
    dates = np.datetime64("2005-01-07") + np.arange(n) * np.timedelta64(7, "D")
    ds = DrawSet(game=EM, dates=dates, numbers=numbers, bonus=bonus)
    inputs = inputs_from_draws(ds)
    stats = ball_counts(bonus, np.full(n, 9), 9)
    assert inputs.bonus_frequency[:9].tolist() == pytest.approx((stats.count / n).tolist())
    assert inputs.bonus_frequency[9:].tolist() == [0, 0, 0]
    assert inputs.bonus_current_gap[9:].tolist() == [0, 0, 0]
    for strategy in (Strategy.FREQUENCY_BASED, Strategy.GAP_BASED):
        _, stars = arrays(generate(strategy, inputs, MAX_COUNT, seed=13))
        picks = counts_of(stars, 12)
        assert picks[9:].min() > 0.5 * picks[:9].mean()


def test_an_empty_window_is_uniform() -> None:
    empty = DrawSet(
        game=LOTO,
        dates=np.array([], dtype="datetime64[D]"),
        numbers=np.empty((0, 5), dtype=np.int16),
        bonus=np.empty((0, 1), dtype=np.int16),
    )
    inputs = inputs_from_draws(empty)
    assert inputs.draw_count == 0
    for strategy in Strategy:
        gen = generate(strategy, inputs, 100, seed=1)
        assert_valid(gen, LOTO, 100)
        if strategy is not Strategy.COMBINATION_BASED:
            assert {g.score for g in gen.grids} == {1.0}


def test_inputs_are_checked() -> None:
    inputs = inputs_from_draws(random_drawset(LOTO, 10))
    with pytest.raises(ValueError, match=r"pair_counts must have shape \(49, 49\)"):
        StrategyInputs(**{**inputs.__dict__, "pair_counts": np.zeros((50, 50))})
    with pytest.raises(ValueError, match=r"bonus_frequency must hold finite non-negative values"):
        StrategyInputs(**{**inputs.__dict__, "bonus_frequency": np.full(10, -1.0)})
    assert not inputs.number_frequency.flags.writeable
