"""The pool each draw of a window was drawn from, its runs (eras) and what a fair draw expects of them."""

from __future__ import annotations

import numpy as np

from lottery.games import DrawKind, Game, eras_of


def pools(game: Game, dates: np.ndarray) -> tuple[int, np.ndarray]:
    """The main pool size K (constant for the main formula) and the bonus pool on each date."""
    eras = eras_of(game, DrawKind.MAIN)
    if len({e.numbers_max for e in eras}) != 1 or len({e.numbers_count for e in eras}) != 1:
        raise NotImplementedError("the main-number pool is constant in every game's main formula")
    bonus_max = np.array([e.bonus_max for e in eras], dtype=np.int16)  # 2 bytes a draw, not 8
    if np.any(np.diff(bonus_max) < 0):
        raise NotImplementedError("eligibility assumes a bonus pool that never shrinks")
    starts = np.array([np.datetime64(e.start, "D") for e in eras])
    # Dates are ascending: each era is one contiguous run (draws before the first era count in it).
    cuts = np.searchsorted(dates.astype("datetime64[D]", copy=False), starts[1:], side="left")
    return eras[0].numbers_max, np.repeat(bonus_max, np.diff(np.concatenate(([0], cuts, [len(dates)]))))


def _constant(pool: int, n: int) -> np.ndarray:
    """The main pool on each of ``n`` draws, as a read-only broadcast view (no array of n values)."""
    return np.broadcast_to(np.int64(pool), (n,))


def _eligibility(pool: np.ndarray, top: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The first row where each ball 1..top exists (``len(pool)`` if none) and its expected count, the
    sum of k / pool size over the draws from there: computed over the runs of the non-decreasing
    ``pool`` (a handful; it may be a broadcast scalar), not draw by draw."""
    n = len(pool)
    starts = np.concatenate(([0], np.flatnonzero(pool[1:] != pool[:-1]) + 1)) if n else np.zeros(0, np.intp)
    sizes = pool[starts]
    ends = np.append(starts[1:], n)
    run = np.searchsorted(sizes, np.arange(1, top + 1), side="left")  # the first run holding the ball
    first_eligible = np.append(starts, n)[run].astype(np.int64)
    overlap = np.clip(ends - np.maximum(starts, first_eligible[:, None]), 0, None)
    return first_eligible, (overlap * (k / sizes)).sum(axis=1)


def _eras(values: np.ndarray, pool: np.ndarray) -> list[tuple[int, int, int, np.ndarray]]:
    """(pool size, first row, last row, rows' balls) of each pool size, smallest first."""
    if not len(pool):
        return []
    starts = np.concatenate(([0], np.flatnonzero(pool[1:] != pool[:-1]) + 1))
    sizes = pool[starts]
    if np.all(sizes[1:] > sizes[:-1]):  # one run per size (pools only grow): slices, no copies
        ends = np.concatenate((starts[1:], [len(pool)]))
        return [
            (int(z), int(a), int(b) - 1, values[a:b]) for z, a, b in zip(sizes, starts, ends, strict=True)
        ]
    out = []
    for size in np.unique(pool):
        rows = np.flatnonzero(pool == size)
        out.append((int(size), int(rows[0]), int(rows[-1]), values[rows]))
    return out
