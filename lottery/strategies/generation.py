"""Generation: chunks of weighted grids drawn until ``count`` distinct ones, deterministic by seed."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from math import ceil
from operator import index

import numpy as np

from lottery.strategies.grids import Generation, _grids
from lottery.strategies.inputs import Strategy, StrategyInputs
from lottery.strategies.request_check import _checked
from lottery.strategies.sampling import _draw

# Duplicate grids are dropped and more are drawn; give up (ValueError) after drawing this many rows.
DRAW_BUDGET_FACTOR = 20
DRAW_BUDGET_MIN = 20_000


def _encoder(inputs: StrategyInputs) -> np.ndarray:
    """Mixed-radix digit weights: one int64 code per grid (numbers then bonus balls)."""
    base = max(inputs.numbers_max, inputs.bonus_max) + 1
    digits = inputs.numbers_count + inputs.bonus_count
    if base**digits >= 2**63:
        raise NotImplementedError("grids of this game do not fit a 64-bit code")
    return base ** np.arange(digits - 1, -1, -1, dtype=np.int64)


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
