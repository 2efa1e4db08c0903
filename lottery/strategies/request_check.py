"""The checks that tell a request that can never succeed before anything is drawn."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations
from math import comb
from operator import index

import numpy as np

from lottery.strategies.inputs import Strategy, StrategyInputs
from lottery.strategies.sampling import _Pairs, _Plan, _plan

MAX_COUNT = 10_000  # grids per request
# Exact count of the grids combination_based can reach: enumerated up to this many k-subsets.
ENUMERATE_MAX = 3_000_000


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
