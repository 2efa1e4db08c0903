"""Grid generation: weighted random picks of valid grids from a window's statistics (numpy only).

Lotteries are random: every grid has exactly the same odds, whatever happened before. A strategy
only decides *which* grids a user is shown (weighting the balls by what the window's statistics
say) and every grid's ``reason`` says what the weighting did, never that it improves the odds.

Strategies (each ball pool, numbers and bonus balls, is weighted on its own):

* ``frequency_based``: a ball's weight is its frequency (count / eligible draws) in the window,
  with a floor of :data:`FREQUENCY_FLOOR` x the mean frequency so never-drawn balls stay possible.
* ``gap_based``: weight ``(current_gap + 1) / (expected_gap + 1)`` with ``expected_gap = (1-p)/p``,
  ``p = k/K`` (bonus: ``b/S``), the mean gap of a fair ball: long-absent balls weigh more.
* ``combination_based``: each grid is built around one of the :data:`TOP_PAIRS` most frequent pairs
  of numbers (picked with probability proportional to its count); the other k-2 numbers and the
  bonus balls are drawn with the frequency weights.
* ``random``: uniform over all valid grids.

A ball without any eligible draw in the window (a EuroMillions star that did not exist yet in an
old window, or every ball of an empty window) carries no information and gets the mean weight of
the others. In :class:`StrategyInputs` such a ball has frequency 0 and current gap 0, which no
ball that existed can have (gap 0 means it came out in the last draw).

Sampling k balls without replacement with probabilities driven by weights ``w`` uses the
Gumbel-top-k trick: the k largest of ``log w + Gumbel noise`` are a weighted sample without
replacement (successive draws, each proportional to the weights of the balls left). A whole chunk
of grids is one ``(rows, K)`` array, so there is no Python loop per grid.

Determinism: the numbers, bonus balls and pairs each use their own child stream of
``np.random.default_rng(seed)``, consumed row by row, and the result is the first ``count``
distinct grids of those streams in order. So the same seed and inputs give the same grids, in the
same order, whatever ``chunk_size`` or the clock.

``Grid.score`` is the mean, over the grid's k + b balls, of each ball's *normalised weight* (its
weight divided by the mean weight of the balls allowed in its pool). A uniform pick scores 1.0 on
average; 1.2 means the grid's balls weigh 20% more than average under the strategy. For
``combination_based`` the two balls of the pair count with the pair's normalised count (its count
divided by the mean count of all allowed pairs) and the others with their frequency weights;
``random`` scores exactly 1.0.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations
from math import ceil, comb
from operator import index

import numpy as np

from lottery.games import Game, current_era
from lottery.stats.engine import DrawSet, _combo_counts, ball_counts, pools
from lottery.stats.fair import expected_gap

MAX_COUNT = 10_000  # grids per request
TOP_PAIRS = 50  # combination_based builds grids around one of this many most frequent pairs
FREQUENCY_FLOOR = 0.05  # a never-drawn ball weighs this share of the mean frequency
# Duplicate grids are dropped and more are drawn; give up (ValueError) after drawing this many rows.
DRAW_BUDGET_FACTOR = 20
DRAW_BUDGET_MIN = 20_000
# Exact count of the grids combination_based can reach: enumerated up to this many k-subsets.
ENUMERATE_MAX = 3_000_000

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


# ---------------------------------------------------------------------------------------------
# Weights


def _no_information(freq: np.ndarray, gap: np.ndarray, draw_count: int) -> np.ndarray:
    """Balls without an eligible draw in the window (see the module docstring)."""
    if draw_count == 0:
        return np.ones(len(freq), dtype=bool)
    return (freq == 0) & (gap == 0)


def _neutral_fill(w: np.ndarray, unseen: np.ndarray) -> np.ndarray:
    if unseen.all():
        return np.ones_like(w)
    w = w.copy()
    w[unseen] = w[~unseen].mean()
    return w


def frequency_weights(freq: np.ndarray, gap: np.ndarray, draw_count: int) -> np.ndarray:
    """Frequency, floored at FREQUENCY_FLOOR x the mean; balls without information get the mean."""
    unseen = _no_information(freq, gap, draw_count)
    w = np.asarray(freq, dtype=np.float64).copy()
    seen = ~unseen
    if seen.any() and w[seen].max() > 0:
        w[seen] = np.maximum(w[seen], FREQUENCY_FLOOR * w[seen].mean())
    else:
        unseen[:] = True
    return _neutral_fill(w, unseen)


def gap_weights(freq: np.ndarray, gap: np.ndarray, draw_count: int, drawn: int, pool: int) -> np.ndarray:
    """(current_gap + 1) / (expected_gap + 1); balls without information get the mean."""
    w = (np.asarray(gap, dtype=np.float64) + 1) / (expected_gap(drawn, pool) + 1)
    return _neutral_fill(w, _no_information(freq, gap, draw_count))


@dataclass(frozen=True)
class _Pool:
    """The allowed balls of one pool and their weights."""

    balls: np.ndarray  # allowed balls, ascending
    log_weight: np.ndarray  # per allowed ball
    norm: np.ndarray  # (pool size,) weight / mean allowed weight; 0 for excluded balls
    position: np.ndarray  # (pool size,) column of each ball in ``balls``; -1 for excluded balls
    k: int

    @classmethod
    def build(cls, weights: np.ndarray, allowed: np.ndarray, k: int) -> _Pool:
        w = weights[allowed]
        norm = np.zeros(len(weights))
        if len(w):
            norm[allowed] = w / w.mean()
        position = np.full(len(weights), -1, dtype=np.intp)
        position[allowed] = np.arange(len(w))
        with np.errstate(divide="ignore"):
            log_weight = np.log(w)
        balls = np.flatnonzero(allowed) + 1
        return cls(balls=balls, log_weight=log_weight, norm=norm, position=position, k=k)

    def keys(self, rng: np.random.Generator, rows: int) -> np.ndarray:
        """Gumbel-perturbed log-weights, one row per grid."""
        return self.log_weight + rng.gumbel(size=(rows, len(self.balls)))

    def top(self, keys: np.ndarray, k: int) -> np.ndarray:
        """Columns of the k largest keys of each row (unsorted)."""
        if k == 0:
            return np.empty((len(keys), 0), dtype=np.intp)
        return np.argpartition(-keys, k - 1, axis=1)[:, :k]

    def sample(self, rng: np.random.Generator, rows: int) -> np.ndarray:
        """``rows`` weighted samples of k distinct balls without replacement, each row sorted."""
        if self.k == 0:
            return np.empty((rows, 0), dtype=np.int64)
        out = self.balls[self.top(self.keys(rng, rows), self.k)]
        out.sort(axis=1)
        return out


@dataclass(frozen=True)
class _Pairs:
    """combination_based's candidate pairs, their pick weights and normalised counts."""

    a: np.ndarray  # smaller ball
    b: np.ndarray
    count: np.ndarray
    cumulative: np.ndarray  # cumulative pick weights
    norm: np.ndarray  # count / mean count of every allowed pair

    @classmethod
    def build(cls, pair_counts: np.ndarray, allowed: np.ndarray, top_n: int = TOP_PAIRS) -> _Pairs:
        i, j = np.triu_indices(len(allowed), 1)
        ok = allowed[i] & allowed[j]
        i, j = i[ok], j[ok]
        counts = pair_counts[i, j]
        mean = counts.mean() if len(counts) else 0.0
        order = np.lexsort((j, i, -counts))[:top_n]  # count descending, then ball order
        i, j, counts = i[order], j[order], counts[order]
        if counts.sum() > 0:
            keep = counts > 0  # weighted by count: a pair never drawn together is never picked
            i, j, counts = i[keep], j[keep], counts[keep]
            weights = counts
        else:
            weights = np.ones(len(counts))
        norm = counts / mean if mean > 0 else np.ones(len(counts))
        return cls(a=i + 1, b=j + 1, count=counts, cumulative=np.cumsum(weights), norm=norm)

    def pick(self, rng: np.random.Generator, rows: int) -> np.ndarray:
        """Index of one pair per row, with probability proportional to the pick weights."""
        u = rng.random(rows) * self.cumulative[-1]
        return np.minimum(np.searchsorted(self.cumulative, u, side="right"), len(self.cumulative) - 1)


# ---------------------------------------------------------------------------------------------
# Validation


class GenerationRequestError(ValueError):
    """A request that can never succeed; ``field`` names the culprit (``count``, ``exclude`` ...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _balls(values: Iterable[int], top: int, what: str) -> np.ndarray:
    """A boolean mask (top,) of the excluded balls, or GenerationRequestError naming the culprit."""
    mask = np.zeros(top, dtype=bool)
    for value in values:
        try:
            ball = index(value)
        except TypeError:
            raise GenerationRequestError(what, f"{what} must be whole numbers, got {value!r}") from None
        if not 1 <= ball <= top:
            shown = ball if -(10**6) < ball < 10**6 else "a number far out of range"
            raise GenerationRequestError(what, f"{what}: {shown} is outside 1..{top}")
        if mask[ball - 1]:
            raise GenerationRequestError(what, f"{what}: {ball} is listed more than once")
        mask[ball - 1] = True
    return mask


def _reachable_with_pairs(allowed_balls: np.ndarray, k: int, pairs: _Pairs) -> int:
    """How many k-subsets of the allowed balls hold at least one candidate pair (enumerated)."""
    n = len(allowed_balls)
    subsets = np.fromiter(combinations(range(n), k), dtype=np.dtype((np.uint8, (k,))), count=comb(n, k))
    masks = np.bitwise_or.reduce(np.left_shift(np.uint64(1), subsets.astype(np.uint64)), axis=1)
    position = np.full(int(allowed_balls.max()) + 1, -1, dtype=np.int64)
    position[allowed_balls] = np.arange(n)
    hit = np.zeros(len(masks), dtype=bool)
    for a, b in zip(position[pairs.a].tolist(), position[pairs.b].tolist(), strict=True):
        pair = np.uint64((1 << a) | (1 << b))
        hit |= (masks & pair) == pair
    return int(hit.sum())


def _check_possible(strategy: Strategy, count: int, inputs: StrategyInputs, plan: _Plan) -> None:
    """ValueError when ``count`` distinct grids cannot exist under the rules and exclusions."""
    k, b = inputs.numbers_count, inputs.bonus_count
    n_allowed, b_allowed = len(plan.numbers.balls), len(plan.bonus.balls)
    if n_allowed < k:
        raise GenerationRequestError(
            "exclude",
            f"exclusions leave {n_allowed} numbers but a {inputs.game.value} grid needs {k} "
            f"distinct numbers of 1..{inputs.numbers_max}",
        )
    if b_allowed < b:
        raise GenerationRequestError(
            "exclude_bonus",
            f"exclusions leave {b_allowed} bonus balls but a {inputs.game.value} grid needs {b} "
            f"distinct bonus balls of 1..{inputs.bonus_max}",
        )
    bonus_grids = comb(b_allowed, b)
    possible = comb(n_allowed, k) * bonus_grids
    what = "grids"
    if plan.pairs is not None:
        if k < 2:
            raise GenerationRequestError("strategy", "combination_based needs grids of at least 2 numbers")
        # Grids around the most frequent pair alone are enough for most requests; count the grids
        # holding any candidate pair only when they might not be.
        if comb(n_allowed - 2, k - 2) * bonus_grids < count and comb(n_allowed, k) <= ENUMERATE_MAX:
            possible = _reachable_with_pairs(plan.numbers.balls, k, plan.pairs) * bonus_grids
            what = "grids holding one of the top pairs"
    if count > possible:
        raise GenerationRequestError(
            "count",
            f"asked for {count} distinct grids but only {possible:,} distinct {what} exist with these "
            f"exclusions ({n_allowed} numbers and {b_allowed} bonus balls left)",
        )


# ---------------------------------------------------------------------------------------------
# Generation


@dataclass(frozen=True)
class _Plan:
    """Everything a strategy samples from, once the exclusions are applied."""

    numbers: _Pool
    bonus: _Pool
    pairs: _Pairs | None = None


def _plan(
    strategy: Strategy, inputs: StrategyInputs, allowed: np.ndarray, allowed_bonus: np.ndarray
) -> _Plan:
    k, b, n = inputs.numbers_count, inputs.bonus_count, inputs.draw_count
    freq, gap = inputs.number_frequency, inputs.number_current_gap
    bfreq, bgap = inputs.bonus_frequency, inputs.bonus_current_gap
    if strategy is Strategy.RANDOM:
        weights, bonus_weights = np.ones(len(freq)), np.ones(len(bfreq))
    elif strategy is Strategy.GAP_BASED:
        weights = gap_weights(freq, gap, n, k, inputs.numbers_max)
        bonus_weights = gap_weights(bfreq, bgap, n, b, inputs.bonus_max) if b else np.ones(len(bfreq))
    else:
        weights, bonus_weights = frequency_weights(freq, gap, n), frequency_weights(bfreq, bgap, n)
    pairs = _Pairs.build(inputs.pair_counts, allowed) if strategy is Strategy.COMBINATION_BASED else None
    return _Plan(
        numbers=_Pool.build(weights, allowed, k),
        bonus=_Pool.build(bonus_weights, allowed_bonus, b),
        pairs=pairs,
    )


def _draw(
    plan: _Plan, streams: list[np.random.Generator], rows: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``rows`` grids: sorted numbers, sorted bonus balls, and the pair of each (combination_based)."""
    main, bonus_stream, pair_stream = streams
    pool = plan.numbers
    if plan.pairs is None:
        numbers, picked = pool.sample(main, rows), None
    else:
        picked = plan.pairs.pick(pair_stream, rows)
        a, b = plan.pairs.a[picked], plan.pairs.b[picked]
        keys = pool.keys(main, rows)
        every = np.arange(rows)
        keys[every, pool.position[a - 1]] = -np.inf
        keys[every, pool.position[b - 1]] = -np.inf
        numbers = np.column_stack((a, b, pool.balls[pool.top(keys, pool.k - 2)]))
        numbers.sort(axis=1)
    return numbers, plan.bonus.sample(bonus_stream, rows), picked


def _encoder(inputs: StrategyInputs) -> np.ndarray:
    """Mixed-radix digit weights: one int64 code per grid (numbers then bonus balls)."""
    base = max(inputs.numbers_max, inputs.bonus_max) + 1
    digits = inputs.numbers_count + inputs.bonus_count
    if base**digits >= 2**63:
        raise NotImplementedError("grids of this game do not fit a 64-bit code")
    return base ** np.arange(digits - 1, -1, -1, dtype=np.int64)


def check_request(
    strategy: Strategy,
    inputs: StrategyInputs,
    count: int,
    *,
    seed: int | None = None,
    exclude: Iterable[int] = (),
    exclude_bonus: Iterable[int] = (),
) -> None:
    """Every reason ``generate`` with these arguments can never succeed, as a
    :class:`GenerationRequestError` naming the field, before anything is drawn: a count outside
    1..MAX_COUNT, a seed that is not a non-negative integer, an excluded ball out of range or listed
    twice, exclusions leaving too few balls, more grids asked than distinct grids exist (for
    combination_based: than grids holding one of its pairs). The API calls it before queuing; the
    worker's ``generate`` runs the same checks."""
    _checked(strategy, inputs, count, seed, exclude, exclude_bonus)


def _checked(
    strategy: Strategy,
    inputs: StrategyInputs,
    count: int,
    seed: int | None,
    exclude: Iterable[int],
    exclude_bonus: Iterable[int],
) -> tuple[Strategy, int, int | None, _Plan]:
    try:
        strategy = Strategy(strategy)
    except ValueError:
        raise GenerationRequestError("strategy", f"unknown strategy {strategy!r}") from None
    try:
        count = index(count)
    except TypeError:
        raise GenerationRequestError("count", "count must be a whole number") from None
    if not 1 <= count <= MAX_COUNT:
        raise GenerationRequestError("count", f"count must be between 1 and {MAX_COUNT:,}, got {count}")
    if seed is not None:
        try:
            seed = index(seed)
        except TypeError:
            raise GenerationRequestError(
                "seed", f"seed must be a non-negative integer, got {seed!r}"
            ) from None
        if seed < 0:
            raise GenerationRequestError("seed", f"seed must be a non-negative integer, got {seed}")
    allowed = ~_balls(exclude, inputs.numbers_max, "exclude")
    allowed_bonus = ~_balls(exclude_bonus, inputs.bonus_max, "exclude_bonus")
    plan = _plan(strategy, inputs, allowed, allowed_bonus)
    _check_possible(strategy, count, inputs, plan)
    return strategy, count, seed, plan


def generate(
    strategy: Strategy,
    inputs: StrategyInputs,
    count: int,
    *,
    seed: int | None = None,
    exclude: Iterable[int] = (),
    exclude_bonus: Iterable[int] = (),
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int = 1000,
    clock: Callable[[], float] = time.monotonic,
    progress_every_s: float = 1.0,
) -> Generation:
    """``count`` distinct valid grids of the game's current rules, weighted by ``strategy``.

    ``exclude`` / ``exclude_bonus`` are balls no grid may hold. Grids are drawn a chunk at a time
    (at most ``chunk_size`` rows and a tenth of ``count``), duplicates dropped, more drawn until
    there are ``count``. ``progress(done, count)`` is called after a chunk whenever waiting for the
    next one could let more than a tenth of the request pass unreported, or ``progress_every_s``
    (by ``clock``) have passed since the last call, and once at the end with ``(count, count)``.

    ValueError, before anything is drawn, for a count outside 1..MAX_COUNT, an excluded ball out of
    range, exclusions leaving too few balls, or more grids asked than distinct grids exist; and
    when the weights make the last distinct grids so unlikely that the draw budget runs out.
    """
    try:
        chunk_size = index(chunk_size)
    except TypeError:
        raise ValueError("chunk_size must be a whole number") from None
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    strategy, count, seed, plan = _checked(strategy, inputs, count, seed, exclude, exclude_bonus)
    if seed is None:
        seed = secrets.randbits(63)

    streams = np.random.default_rng(seed).spawn(3)
    digit_weights = _encoder(inputs)
    step = ceil(count / 10)
    chunk = min(chunk_size, step)
    budget = max(DRAW_BUDGET_FACTOR * count, DRAW_BUDGET_MIN)
    kept: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]] = []
    seen = np.empty(0, dtype=np.int64)
    done = drawn = reported = 0
    last_report = clock() if progress is not None else 0.0
    while done < count:
        if drawn >= budget:
            raise ValueError(
                f"found only {done} distinct {strategy.value} grids of the {count} asked after drawing "
                f"{drawn:,}: the weights make the remaining grids very unlikely; ask for fewer grids "
                "or exclude fewer balls"
            )
        numbers, bonus, picked = _draw(plan, streams, chunk)
        drawn += chunk
        codes = np.hstack((numbers, bonus)).astype(np.int64) @ digit_weights
        unique, first = np.unique(codes, return_index=True)
        fresh = np.sort(first[~np.isin(unique, seen, assume_unique=True)])[: count - done]
        if len(fresh):
            seen = np.union1d(seen, codes[fresh])
            kept.append((numbers[fresh], bonus[fresh], None if picked is None else picked[fresh]))
            done += len(fresh)
        if progress is not None and done < count:
            now = clock()
            if done - reported + chunk > step or now - last_report >= progress_every_s:
                progress(done, count)
                reported, last_report = done, now
    if progress is not None:
        progress(count, count)
    numbers = np.concatenate([c[0] for c in kept])
    bonus = np.concatenate([c[1] for c in kept])
    picked = None if plan.pairs is None else np.concatenate([c[2] for c in kept])
    return Generation(
        strategy=strategy, seed=seed, grids=_grids(strategy, inputs, plan, numbers, bonus, picked)
    )


# ---------------------------------------------------------------------------------------------
# Scores and reasons


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
