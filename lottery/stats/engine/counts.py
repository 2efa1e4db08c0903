"""Per-ball counts: appearances, eligibility, expectations, last appearance and current gap."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lottery.stats.engine.passes import _blocks
from lottery.stats.engine.pools import _eligibility

POISSON_NOISE_BELOW = 5.0  # expected counts under this are flagged as noise


@dataclass(frozen=True)
class BallStats:
    """Arrays indexed by ball - 1."""

    count: np.ndarray
    eligible: np.ndarray
    expected: np.ndarray
    last_index: np.ndarray  # -1 when never drawn
    current_gap: np.ndarray
    max_gap: np.ndarray  # longest complete gap; -1 below two appearances
    gap_before_first: np.ndarray  # censored run before the first appearance
    mean_gap: np.ndarray  # nan below two appearances


def _last_indices(values: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Row of each ball's last appearance (-1 if never), searching ever longer tails of the draws."""
    n, k = values.shape
    last = np.full(len(count), -1, dtype=np.int64)
    m = min(n, 64)
    while m:
        balls, first_in_reversed = np.unique(values[n - m :][::-1].ravel(), return_index=True)
        last[balls - 1] = n - 1 - first_in_reversed // k
        if m == n or np.all(last[count > 0] >= 0):
            break
        m = min(n, m * 8)
    return last


def _counts(values: np.ndarray, top: int, block: int | None = None) -> np.ndarray:
    """Appearances of each ball 0..top (index 0 unused), one ``bincount`` per block of draws."""
    count = np.zeros(top + 1, dtype=np.int64)
    for start, stop in _blocks(len(values), block):
        count += np.bincount(values[start:stop].ravel(), minlength=top + 1)[: top + 1]
    return count


def ball_counts(values: np.ndarray, pool: np.ndarray, top: int) -> BallStats:
    """Counts, eligibility, expectations, last appearance and current gap of balls 1..top (no gaps).

    ``pool[i]`` is the highest ball that existed in draw i (non-decreasing). Linear in the draws,
    with one pass over the data (a bincount per block of draws); what quick stats need.
    """
    n, k = values.shape
    first_eligible, expected = _eligibility(pool, top, k)
    eligible = n - first_eligible
    count = _counts(values, top)[1:]
    last_index = _last_indices(values, count)
    current_gap = np.where(last_index >= 0, n - 1 - last_index, eligible)
    none = np.full(top, -1, dtype=np.int64)
    return BallStats(
        count, eligible, expected, last_index, current_gap, none, eligible.copy(), np.full(top, np.nan)
    )
