"""Per-ball gaps: the longest complete gap, the run before the first appearance, the mean gap."""

from __future__ import annotations

import numpy as np

from lottery.stats.engine.counts import BallStats
from lottery.stats.engine.passes import _blocks
from lottery.stats.engine.pools import _eligibility


def _appearances(
    values: np.ndarray, top: int, block: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each ball's count, first and last row (-1 if never drawn) and longest complete gap (-1 below
    two appearances), block by block of draws.

    Within a block, a stable sort of the block's balls (a one-pass radix sort of bytes) lists each
    ball's rows in draw order; its gaps are the differences of consecutive rows. Across blocks, the
    gap between a ball's last row in the blocks before and its first row in this one is one more
    candidate. Only arrays of one block's size are ever allocated.
    """
    n, k = values.shape
    first = np.full(top + 1, -1, dtype=np.int64)
    last = np.full(top + 1, -1, dtype=np.int64)
    max_gap = np.full(top + 1, -1, dtype=np.int64)
    total = np.zeros(top + 1, dtype=np.int64)
    small = values.astype(np.uint8 if top < 256 else np.uint16, copy=False)
    for start, stop in _blocks(n, block):
        flat = small[start:stop].ravel()
        order = np.argsort(flat, kind="stable")
        rows = order // k
        count = np.bincount(flat, minlength=top + 1)[: top + 1]
        total += count
        present = np.flatnonzero(count)
        ends = np.cumsum(count[present]) - 1
        starts = ends - count[present] + 1
        gaps = np.empty(len(rows), dtype=np.int64)
        np.subtract(rows[1:], rows[:-1], out=gaps[:-1])
        gaps -= 1
        gaps[ends] = -1  # no gap across two balls' groups (nor after the last)
        inside = np.maximum.reduceat(gaps, starts)
        block_first = rows[starts] + start
        seen = last[present] >= 0
        across = np.where(seen, block_first - last[present] - 1, -1)
        max_gap[present] = np.maximum(max_gap[present], np.maximum(inside, across))
        first[present] = np.where(seen, first[present], block_first)
        last[present] = rows[ends] + start
    return total[1:], first[1:], last[1:], max_gap[1:]


def ball_stats(values: np.ndarray, pool: np.ndarray, top: int, *, block: int | None = None) -> BallStats:
    """:func:`ball_counts` plus the gaps: longest complete gap, the run before the first appearance,
    mean gap between appearances. One blocked pass over the draws."""
    n, k = values.shape
    first_eligible, expected = _eligibility(pool, top, k)
    eligible = n - first_eligible
    count, first, last, max_gap = _appearances(values, top, block)
    current_gap = np.where(last >= 0, n - 1 - last, eligible)
    gap_before_first = np.where(count > 0, first - first_eligible, eligible)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_gap = np.where(count >= 2, (last - first - (count - 1)) / (count - 1), np.nan)
    return BallStats(count, eligible, expected, last, current_gap, max_gap, gap_before_first, mean_gap)
