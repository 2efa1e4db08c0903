"""Exact statistics over a window of main-formula draws, vectorised with numpy.

Input is a :class:`DrawSet` (dates ascending, one row of sorted balls per draw). Every figure is
exact; the expectations are the exact ones for fair draws under the rules in force on each date
(EuroMillions' star pool grew from 9 to 11 to 12: a star only counts as *eligible* in draws where
it existed). Definitions:

* Gaps. A gap is a run of eligible draws without the number. ``max_gap`` is the longest *complete*
  gap, strictly between two consecutive appearances (None below two appearances). The two censored
  runs are reported apart, since the window cuts them: ``gap_before_first`` (eligible draws before
  the first appearance; the run may have begun before the window) and ``current_gap`` (draws after
  the last appearance, still running). A never-drawn number has both equal to ``eligible_draws``.
  ``mean_gap``: mean draws between two consecutive appearances (None below two appearances).
* The chi-square statistic treats each draw's k balls as drawn without replacement, so Pearson's
  X^2 behaves like c * chi2(K-1) with c = (K-k)/(K-1); we divide by c. Where the bonus pool
  changed inside the window, each era contributes its own corrected term and K-1 degrees of
  freedom (the eras are independent sets of draws): the terms are reported one by one.
* Hot/cold: each number's count over the last N draws of the window against the fair expectation
  N*k/K, with its exact binomial tail; see :func:`hot_cold`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from functools import cache
from math import comb, sqrt
from types import TracebackType
from typing import Any, TypeVar

import numpy as np
from scipy.stats import binom, chi2

from lottery.games import DrawKind, Game, eras_of
from lottery.significance import ALPHA, Level, allowance, judge, p_text
from lottery.stats.models import (
    Bucket,
    ChiSquare,
    ChiSquareEra,
    Distribution,
    Distributions,
    DrawOut,
    FullStats,
    HotCold,
    HotColdNumber,
    NumberStat,
    Pairs,
    PairStat,
    QuickNumberStat,
    QuickStats,
    Randomness,
    StatsFilter,
)

POISSON_NOISE_BELOW = 5.0  # expected counts under this are flagged as noise


@dataclass(frozen=True)
class DrawSet:
    """A window of one game's main-formula draws, oldest first."""

    game: Game
    dates: np.ndarray  # datetime64[D], ascending
    numbers: np.ndarray  # (n, k) integers, each row sorted
    bonus: np.ndarray  # (n, b) integers, each row sorted

    def __post_init__(self) -> None:
        n = len(self.dates)
        if self.numbers.shape[0] != n or self.bonus.shape[0] != n:
            raise ValueError("dates, numbers and bonus must have one row per draw")

    @property
    def size(self) -> int:
        """Number of draws."""
        return len(self.dates)

    def draw(self, i: int) -> DrawOut:
        """Draw ``i`` as the API shows it."""
        return DrawOut(
            draw_date=_as_date(self.dates[i]),
            numbers=[int(x) for x in self.numbers[i]],
            bonus=[int(x) for x in self.bonus[i]],
        )


def _as_date(value: np.datetime64) -> date:
    return date.fromisoformat(str(value.astype("datetime64[D]")))


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


# ---------------------------------------------------------------------------------------------
# Per-ball statistics


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


BLOCK_DRAWS = 1 << 16  # draws per block in the passes below: the block's arrays stay in the CPU cache


def _blocks(n: int, block: int | None) -> list[tuple[int, int]]:
    """(start, stop) of each block of ``block`` draws (None: BLOCK_DRAWS, read at call time)."""
    size = block or BLOCK_DRAWS
    return [(start, min(start + size, n)) for start in range(0, n, size)]


def _counts(values: np.ndarray, top: int, block: int | None = None) -> np.ndarray:
    """Appearances of each ball 0..top (index 0 unused), one ``bincount`` per block of draws."""
    count = np.zeros(top + 1, dtype=np.int64)
    for start, stop in _blocks(len(values), block):
        count += np.bincount(values[start:stop].ravel(), minlength=top + 1)[: top + 1]
    return count


T = TypeVar("T")
PARALLEL_FROM_DRAWS = 1 << 18  # windows of this many draws or more run their passes on threads
STATS_THREADS = 2  # threads of one statistics computation on a large window


class _Passes:
    """Independent passes over one window, on ``threads`` threads when the window holds at least
    :data:`PARALLEL_FROM_DRAWS` draws (numpy's loops release the GIL), else one after the other in
    the caller's thread (a thread pool would cost more than a small window's passes). ``run``
    returns a callable giving the pass's result (raising its exception)."""

    def __init__(self, draws: int, threads: int) -> None:
        self._pool = ThreadPoolExecutor(threads) if threads > 1 and draws >= PARALLEL_FROM_DRAWS else None

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Callable[[], T]:
        if self._pool is None:
            value = fn(*args, **kwargs)
            return lambda: value
        return self._pool.submit(fn, *args, **kwargs).result

    def __enter__(self) -> _Passes:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def compact(ds: DrawSet) -> DrawSet:
    """The same draws with balls as bytes in C order (when they fit): every pass reads less memory."""
    if ds.size == 0 or max(int(ds.numbers.max()), int(ds.bonus.max())) > 255:
        return ds
    return replace(
        ds,
        numbers=np.ascontiguousarray(ds.numbers, dtype=np.uint8),
        bonus=np.ascontiguousarray(ds.bonus, dtype=np.uint8),
    )


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


def _quick_numbers(ds: DrawSet, st: BallStats) -> list[QuickNumberStat]:
    return [
        QuickNumberStat(
            number=i + 1,
            count=int(st.count[i]),
            frequency=float(st.count[i] / st.eligible[i]) if st.eligible[i] else 0.0,
            current_gap=int(st.current_gap[i]),
            last_drawn=_as_date(ds.dates[st.last_index[i]]) if st.last_index[i] >= 0 else None,
        )
        for i in range(len(st.count))
    ]


def _full_numbers(ds: DrawSet, st: BallStats) -> list[NumberStat]:
    return [
        NumberStat(
            **q.model_dump(),
            eligible_draws=int(st.eligible[i]),
            expected=float(st.expected[i]),
            max_gap=int(st.max_gap[i]) if st.max_gap[i] >= 0 else None,
            gap_before_first=int(st.gap_before_first[i]),
            mean_gap=None if np.isnan(st.mean_gap[i]) else float(st.mean_gap[i]),
        )
        for i, q in enumerate(_quick_numbers(ds, st))
    ]


# ---------------------------------------------------------------------------------------------
# Hot and cold


def _crossing_share(m: int, p: float, *, upper: bool) -> tuple[float, bool]:
    """P(one number crosses the line) in ``m`` fair draws, and whether any count can cross it."""
    counts = np.arange(m + 1)
    tails = binom.sf(counts - 1, m, p) if upper else binom.cdf(counts, m, p)
    crossing = tails <= ALPHA
    if not crossing.any():
        return 0.0, False
    # The counts whose tail is at most the line form one run at the end (hot) or start (cold).
    return float(binom.pmf(counts[crossing], m, p).sum()), True


def _side_text(side: str, crossing: int, expected: float, possible: bool, m: int, reach: float) -> str:
    if not possible:
        return (
            f"{m} draws are too few to call any number {side}: even the most extreme count has a "
            f"probability of {reach:.2f} in fair draws, above the {ALPHA:g} line"
        )
    are = "number is" if crossing == 1 else "numbers are"
    return f"{crossing} {are} {side} (about {expected:.1f} expected by chance)"


def hot_cold(values: np.ndarray, top_ball: int, last_n: int, shown: int = 5) -> HotCold:
    """Hot and cold numbers of the last ``last_n`` draws, against the fair expectation.

    In a fair draw of k balls out of K, a given number comes out with probability p = k/K, independently
    from draw to draw, so its count over m draws is Binomial(m, p) exactly. A number is hot when
    P(count >= its count) <= 0.05 and cold when P(count <= its count) <= 0.05; the expected number of
    hot (cold) numbers in fair draws is K x P(one number crosses), computed for this m. The lists
    show the ``shown`` smallest tails of each side; a side that no count can reach with m draws
    (cold below 29 EuroMillions draws: even a count of 0 is likelier than 5 %) is empty, and the
    note says why. The smallest tail of all is judged by the one significance rule among 2K tests.
    """
    n, k = values.shape
    m = min(last_n, n)
    p = k / top_ball
    recent = np.bincount(values[n - m :].ravel(), minlength=top_ball + 1)[1:]
    fair = m * p
    sd = sqrt(m * p * (1 - p))
    z = (recent - fair) / sd if sd > 0 else np.zeros(top_ball)
    upper = binom.sf(recent - 1, m, p)  # P(X >= count)
    lower = binom.cdf(recent, m, p)  # P(X <= count)
    hot_share, hot_possible = _crossing_share(m, p, upper=True)
    cold_share, cold_possible = _crossing_share(m, p, upper=False)

    def row(i: int, tail: float) -> HotColdNumber:
        return HotColdNumber(
            number=i + 1,
            recent_count=int(recent[i]),
            fair_expected=float(fair),
            z=float(z[i]),
            tail_probability=float(tail),
            crosses_line=bool(tail <= ALPHA),
        )

    numbers = np.arange(top_ball)
    hot_order = np.lexsort((numbers, -recent, upper))[:shown] if hot_possible else []
    cold_order = np.lexsort((numbers, recent, lower))[:shown] if cold_possible else []
    hot_crossing = int(np.sum(upper <= ALPHA))
    cold_crossing = int(np.sum(lower <= ALPHA))
    expected_hot, expected_cold = top_ball * hot_share, top_ball * cold_share
    sig = judge(float(min(upper.min(), lower.min())), 2 * top_ball)
    sides = [
        _side_text("hot", hot_crossing, expected_hot, hot_possible, m, float(p**m)),
        _side_text("cold", cold_crossing, expected_cold, cold_possible, m, float((1 - p) ** m)),
    ]
    if sig.level is Level.NONE:
        verdict = "no number's tail is below 0.05"
    else:
        verdict = f"the smallest tail is {p_text(sig.p_value)}, {allowance(sig)}"
    note = (
        f"Counts over the last {m} draws against the fair expectation of {fair:.2f} each "
        f"(exact binomial tails, line at {ALPHA:g}): {sides[0]}; {sides[1]}; {verdict}. "
        "Draws have no memory: none of this predicts the next draw."
    )
    if not hot_possible and not cold_possible:
        note = (
            f"{m} draw{'s are' if m != 1 else ' is'} too few to call any number hot or cold: no count can be "
            f"rarer than {ALPHA:g} in fair draws. Draws have no memory: none of this predicts the next draw."
        )
    return HotCold(
        last_n=m,
        line=ALPHA,
        hot=[row(int(i), upper[i]) for i in hot_order],
        cold=[row(int(i), lower[i]) for i in cold_order],
        hot_crossing=hot_crossing,
        cold_crossing=cold_crossing,
        expected_hot_by_chance=expected_hot,
        expected_cold_by_chance=expected_cold,
        hot_possible=hot_possible,
        cold_possible=cold_possible,
        significance=sig,
        note=note,
    )


# ---------------------------------------------------------------------------------------------
# Pairs and triplets


def _combo_counts(values: np.ndarray, size: int, base: int, *, block: int | None = None) -> np.ndarray:
    """Counts of every ``size``-subset of each row's balls, indexed by sum(ball_j * base**(size-1-j)).

    Block by block of draws, the codes of all the block's subsets in one small array, counted by
    one bincount over a compact code (balls 1..top in base ``top``, so the counts stay in cache),
    then spread to ``base``'s codes.
    """
    n, k = values.shape
    top = int(values.max()) if n else 1
    subsets = (
        np.array(
            [(a, b) for a in range(k) for b in range(a + 1, k)]
            if size == 2
            else [(a, b, c) for a in range(k) for b in range(a + 1, k) for c in range(b + 1, k)],
            dtype=np.intp,
        )
        .reshape(-1, size)
        .T
    )
    dtype = np.int16 if top**size < 2**15 else np.int32
    compact = np.zeros(top**size, dtype=np.int64)
    for start, stop in _blocks(n, block):
        cols = values[start:stop].T.astype(dtype) - 1  # (k, rows): ball - 1
        code = cols[subsets[0]] * dtype(top ** (size - 1))
        for j in range(1, size):
            code += cols[subsets[j]] * dtype(top ** (size - 1 - j)) if size - 1 - j else cols[subsets[j]]
        compact += np.bincount(code.ravel(), minlength=top**size)
    digits = np.indices((top,) * size).reshape(size, -1) + 1  # the balls of each compact code
    counts = np.zeros(base**size, dtype=np.int64)
    counts[sum(digits[j] * base ** (size - 1 - j) for j in range(size))] = compact
    return counts


_COMBOS_AT_MOST = 4_000_000  # the most possible draws the triplet counter enumerates (C(50, 5): 2.1 M)


@cache
def _binomials(j: int) -> np.ndarray:
    """C(x, j) for x = 0..63: the colex rank of a sorted tuple of 0-based balls is sum_j C(x_j, j+1)."""
    table = np.array([comb(x, j) for x in range(64)], dtype=np.int64)
    table.setflags(write=False)
    return table


@cache
def _colex(top: int, size: int) -> np.ndarray:
    """Every ascending ``size``-tuple of 0-based balls 0..top-1 in colex rank order: (size, C(top, size))."""
    table = np.zeros((1, 0), dtype=np.uint8)
    for j in range(1, size + 1):
        # The j-tuples whose largest ball is c are the (j-1)-tuples below c, which come first in colex order.
        table = np.concatenate(
            [
                np.column_stack([table[: comb(c, j - 1)], np.full(comb(c, j - 1), c, dtype=np.uint8)])
                for c in range(j - 1, top)
            ]
        )
    out = np.ascontiguousarray(table.T)
    out.setflags(write=False)
    return out


def _subsets(k: int, size: int) -> np.ndarray:
    """Positions of every ``size``-subset of a row of ``k`` balls, as (size, C(k, size))."""
    rows = [(a, b, c) for a in range(k) for b in range(a + 1, k) for c in range(b + 1, k)]
    return np.array(rows if size == 3 else [], dtype=np.intp).reshape(-1, size).T


def _triplet_ranks_direct(values: np.ndarray, top: int, block: int | None) -> np.ndarray:
    """Counts of each ball triplet by colex rank: every row's C(k, 3) triplets, block by block."""
    n, k = values.shape
    counts = np.zeros(comb(top, 3), dtype=np.int64)
    positions = _subsets(k, 3)
    dtype = np.int16 if comb(top, 3) < 2**15 else np.int32
    c2, c3 = _binomials(2).astype(dtype), _binomials(3).astype(dtype)
    for start, stop in _blocks(n, block):
        cols = values[start:stop].T.astype(dtype) - 1
        rank = cols[positions[0]] + c2[cols[positions[1]]] + c3[cols[positions[2]]]
        counts += np.bincount(rank.ravel(), minlength=len(counts))
    return counts


def _triplet_ranks_by_draw(values: np.ndarray, top: int, block: int | None) -> np.ndarray:
    """The same counts through the count of each whole draw (by its colex rank among the C(top, k)
    possible draws): one code per row, then C(k, 3) weighted counts per possible draw. Cheaper once
    the draws outnumber the possible draws."""
    n, k = values.shape
    ranks = np.empty(n, dtype=np.int64)
    # C(ball - 1, j + 1) indexed by the ball itself: ``take`` of the byte columns, no conversion.
    tables = [np.concatenate(([0], _binomials(j + 1)[:-1])) for j in range(k)]
    for start, stop in _blocks(n, block):
        rows, out = values[start:stop], ranks[start:stop]
        np.take(tables[0], rows[:, 0], out=out)
        for j in range(1, k):
            out += tables[j].take(rows[:, j])
    per_draw = np.bincount(ranks, minlength=comb(top, k)).astype(np.float64)
    del ranks
    draws = [column.astype(np.intp) for column in _colex(top, k)]  # ``take`` wants machine-size indices
    c2, c3 = _binomials(2), _binomials(3)
    counts = np.zeros(comb(top, 3))
    for a, b, c in _subsets(k, 3).T:
        rank = c2.take(draws[b])
        rank += draws[a]
        rank += c3.take(draws[c])
        counts += np.bincount(rank, weights=per_draw, minlength=len(counts))
    return np.rint(counts).astype(np.int64)  # sums of integers far below 2**53: exact


def triplet_counts(
    values: np.ndarray, top: int, *, block: int | None = None, by_draw: bool | None = None
) -> np.ndarray:
    """How many rows hold each triplet of balls 1..top, indexed by the triplet's colex rank.

    ``by_draw`` None picks the cheaper way: counting whole draws once rows outnumber possible draws.
    """
    n, k = values.shape
    if k < 3:
        return np.zeros(comb(top, 3), dtype=np.int64)
    possible = comb(top, k)
    if by_draw is None:
        by_draw = n >= possible and possible <= _COMBOS_AT_MOST
    if by_draw:
        return _triplet_ranks_by_draw(values, top, block)
    return _triplet_ranks_direct(values, top, block)


def _rank_to_code(top: int, size: int, base: int) -> np.ndarray:
    """The ``base`` code (sum ball_j * base**(size-1-j), balls 1-based) of each colex rank."""
    balls = _colex(top, size).astype(np.intp) + 1
    return sum(balls[j] * base ** (size - 1 - j) for j in range(size))


def _number_combos(values: np.ndarray, top: int, base: int) -> tuple[np.ndarray, np.ndarray]:
    """Pair and triplet counts by ``base`` code; pairs from triplets when rows hold 3 balls or more
    (each row holding a pair holds k - 2 triplets holding it)."""
    k = values.shape[1]
    if k < 3:
        return _combo_counts(values, 2, base), np.zeros(base**3, dtype=np.int64)
    by_rank = triplet_counts(values, top)
    triples = _colex(top, 3).astype(np.intp)
    pair_rank = [
        triples[0] + _binomials(2)[triples[1]],
        triples[0] + _binomials(2)[triples[2]],
        triples[1] + _binomials(2)[triples[2]],
    ]
    pair_by_rank = np.zeros(comb(top, 2), dtype=np.int64)
    for r in pair_rank:
        np.add.at(pair_by_rank, r, by_rank)
    pair_counts = np.zeros(base**2, dtype=np.int64)
    pair_counts[_rank_to_code(top, 2, base)] = pair_by_rank // (k - 2)
    triplet = np.zeros(base**3, dtype=np.int64)
    triplet[_rank_to_code(top, 3, base)] = by_rank
    return pair_counts, triplet


def _decode(code: int, size: int, base: int) -> list[int]:
    return [(code // base ** (size - 1 - j)) % base for j in range(size)]


def _top(counts: np.ndarray, expected: np.ndarray, size: int, base: int, top_n: int | None) -> list[PairStat]:
    valid = np.flatnonzero(expected > 0)
    if top_n is not None:
        order = np.lexsort((valid, -counts[valid]))[:top_n]
        valid = valid[order]
    return [
        PairStat(
            numbers=_decode(int(c), size, base),
            count=int(counts[c]),
            expected=float(expected[c]),
            poisson_noise=bool(expected[c] < POISSON_NOISE_BELOW),
        )
        for c in valid
    ]


@cache
def _valid_codes(top_ball: int, size: int, base: int = 64) -> np.ndarray:
    """Codes of every ascending ``size``-tuple of balls 1..top_ball, encoded in ``base``."""
    grids = np.meshgrid(*(np.arange(1, top_ball + 1),) * size, indexing="ij")
    keep = np.all([grids[j] < grids[j + 1] for j in range(size - 1)], axis=0)
    codes = sum(grids[j][keep] * base ** (size - 1 - j) for j in range(size))
    codes.setflags(write=False)
    return codes


def pairs(ds: DrawSet, top_ball: int, bonus_pool: np.ndarray, top_n: int | None, triplets_n: int) -> Pairs:
    """Pair counts of numbers (and of bonus balls where there are two) and the top triplets."""
    n, k = ds.numbers.shape
    base = 64
    grid = np.zeros(base * base)
    grid[_valid_codes(top_ball, 2)] = n * k * (k - 1) / (top_ball * (top_ball - 1))
    pair_counts, triplet_counts_ = _number_combos(ds.numbers, top_ball, base)
    number_pairs = _top(pair_counts, grid, 2, base, top_n)

    bonus_pairs: list[PairStat] = []
    if ds.bonus.shape[1] == 2:
        bgrid = np.zeros(base * base)
        for size, _, _, era_rows in _eras(ds.bonus, bonus_pool):
            bgrid[_valid_codes(size, 2)] += len(era_rows) / comb(size, 2)
        bonus_pairs = _top(_combo_counts(ds.bonus, 2, base), bgrid, 2, base, top_n)

    tgrid = np.zeros(base**3)
    tgrid[_valid_codes(top_ball, 3)] = n * comb(k, 3) / comb(top_ball, 3)
    triplets = _top(triplet_counts_, tgrid, 3, base, triplets_n)
    return Pairs(
        numbers=number_pairs, bonus=bonus_pairs, triplets=triplets, total_number_pairs=comb(top_ball, 2)
    )


# ---------------------------------------------------------------------------------------------
# Distributions


def _hypergeom(pool: int, good: int, k: int, j: int) -> float:
    return comb(good, j) * comb(pool - good, k - j) / comb(pool, k)


@cache
def sum_distribution(pool: int, k: int) -> tuple[float, ...]:
    """Exact P(sum of k distinct balls of 1..pool = s), indexed by s."""
    top = k * pool
    ways = np.zeros((k + 1, top + 1), dtype=object)
    ways[0, 0] = 1
    for ball in range(1, pool + 1):
        for j in range(k, 0, -1):
            ways[j, ball:] = ways[j, ball:] + ways[j - 1, : top + 1 - ball]
    total = comb(pool, k)
    return tuple(float(w) / total for w in ways[k])


_BITS = np.left_shift(np.uint64(1), np.arange(64, dtype=np.uint64))


def _mask(values: np.ndarray) -> np.ndarray:
    """Each row's balls as one 64-bit set (bit b for ball b), column by column through a table
    (``take`` of the byte columns: about 2.5x faster than fancy indexing)."""
    if not values.shape[1]:
        return np.zeros(len(values), dtype=np.uint64)
    mask = _BITS.take(values[:, 0])
    for j in range(1, values.shape[1]):
        mask |= _BITS.take(values[:, j])
    return mask


def _set_mask(balls: range | list[int]) -> np.uint64:
    return np.uint64(sum(1 << b for b in balls))


def _histogram(counts: np.ndarray, values: range, expected: list[float] | None) -> Distribution:
    """A distribution from how many draws show each value (``counts[v]``)."""
    draws = int(counts.sum())
    total = max(draws, 1)
    weighted = sum(int(counts[v]) * v for v in range(len(counts)))
    return Distribution(
        buckets=[
            Bucket(
                value=str(v),
                count=int(counts[v]),
                share=float(counts[v] / total),
                expected_share=None if expected is None else expected[i],
            )
            for i, v in enumerate(values)
        ],
        # The mean of integers: their exact sum over the count (what numpy's mean gives, exactly).
        mean=weighted / draws if draws else 0.0,
        expected_mean=None
        if expected is None
        else float(sum(v * p for v, p in zip(values, expected, strict=True))),
    )


@dataclass(frozen=True)
class _Shapes:
    """Per-draw shapes counted over the window: ``odd[j]`` draws with j odd numbers, and so on."""

    odd: np.ndarray
    low: np.ndarray
    consecutive: np.ndarray
    repeats: np.ndarray  # over the n - 1 draws that have a previous one
    sums: np.ndarray  # sums[s]: draws whose numbers add up to s


def _shapes(values: np.ndarray, pool: int, block: int | None = None) -> _Shapes:
    """Odd, low, consecutive and repeated counts of each draw, from 64-bit sets of its balls, block by
    block (the sets never exist for the whole window at once); each block's sums column by column,
    counted by value."""
    n, k = values.shape
    odd_set = _set_mask([b for b in range(1, pool + 1) if b % 2])
    low_set = _set_mask(range(1, pool // 2 + 1))
    one = np.uint64(1)
    odd, low, consecutive, repeats = (np.zeros(k + 1, dtype=np.int64) for _ in range(4))
    previous = None
    sums = np.zeros(k * pool + 1, dtype=np.int64)
    total = np.empty(min(n, block or BLOCK_DRAWS), dtype=np.int64)
    for start, stop in _blocks(n, block):
        rows, part = values[start:stop], total[: stop - start]
        np.add(rows[:, 0], 0, out=part, dtype=np.int64)  # column by column: a sum along rows is slow
        for j in range(1, k):
            part += rows[:, j]
        sums += np.bincount(part, minlength=len(sums))[: len(sums)]
        mask = _mask(rows)
        odd += np.bincount(np.bitwise_count(mask & odd_set), minlength=k + 1)[: k + 1]
        low += np.bincount(np.bitwise_count(mask & low_set), minlength=k + 1)[: k + 1]
        consecutive += np.bincount(np.bitwise_count(mask & (mask >> one)), minlength=k + 1)[: k + 1]
        shifted = mask[:-1] if previous is None else np.concatenate(([previous], mask[:-1]))
        repeats += np.bincount(
            np.bitwise_count((mask if previous is not None else mask[1:]) & shifted), minlength=k + 1
        )[: k + 1]
        previous = mask[-1]
    return _Shapes(odd, low, consecutive, repeats, sums)


def _mean(counts: np.ndarray) -> float:
    """The mean value of draws counted by value (``counts[v]`` draws of value v): exact sum over count."""
    values = np.arange(len(counts))
    return int((values * counts).sum()) / int(counts.sum())


def _sd(counts: np.ndarray) -> float:
    """The sample standard deviation (n - 1) of draws counted by value, from exact integer moments."""
    pairs = [(int(v), int(counts[v])) for v in np.flatnonzero(counts)]
    n = sum(c for _, c in pairs)
    total = sum(v * c for v, c in pairs)
    squares = sum(v * v * c for v, c in pairs)
    return sqrt(Fraction(squares * n - total * total, n * (n - 1)))


def distributions(
    ds: DrawSet, pool: int, ball_count: np.ndarray | None = None, shapes: _Shapes | None = None
) -> Distributions:
    """Odd/even, low/high, sum, consecutive numbers, decades and repeats from the previous draw.

    ``ball_count``: each number's count (index 0 unused), ``shapes`` the draws' :func:`_shapes`, if
    already known."""
    n, k = ds.numbers.shape
    shapes = shapes or _shapes(ds.numbers, pool)
    odd = [b for b in range(1, pool + 1) if b % 2]
    low = list(range(1, pool // 2 + 1))
    counts_of = range(k + 1)

    odd_d = _histogram(shapes.odd, counts_of, [_hypergeom(pool, len(odd), k, j) for j in counts_of])
    low_d = _histogram(shapes.low, counts_of, [_hypergeom(pool, len(low), k, j) for j in counts_of])
    consecutive = [comb(k - 1, j) * comb(pool - k + 1, k - j) / comb(pool, k) for j in range(k)]
    consecutive_d = _histogram(shapes.consecutive, range(k), consecutive)
    repeats_d = (
        _histogram(shapes.repeats, counts_of, [_hypergeom(pool, k, k, j) for j in counts_of])
        if n >= 2
        else None
    )

    sums = shapes.sums
    held = np.flatnonzero(sums)
    exact = sum_distribution(pool, k)
    width = 10
    edges = (
        range((int(held[0]) // width) * width, (int(held[-1]) // width) * width + 1, width) if n else range(0)
    )
    per_bucket = np.bincount(np.arange(len(sums)) // width, weights=sums).astype(np.int64)
    sum_buckets = []
    for lo in edges:
        c = int(per_bucket[lo // width])
        sum_buckets.append(
            Bucket(
                value=f"{lo}-{lo + width - 1}",
                count=c,
                share=c / max(n, 1),
                expected_share=sum(exact[lo : lo + width]),
            )
        )
    sum_d = Distribution(
        buckets=sum_buckets,
        mean=_mean(sums) if n else 0.0,
        expected_mean=k * (pool + 1) / 2,
        sd=_sd(sums) if n > 1 else None,
        expected_sd=sqrt(k * (pool + 1) * (pool - k) / 12),
    )

    decade_sets = [list(range(max(d, 1), min(d + 10, pool + 1))) for d in range(0, pool + 1, 10)]
    if len(decade_sets[-1]) == 1:  # 50 joins the forties
        decade_sets[-2].extend(decade_sets.pop())
    dec_buckets = []
    if ball_count is None:
        ball_count = _counts(ds.numbers, pool)
    for balls in decade_sets:
        c = int(ball_count[balls].sum())
        dec_buckets.append(
            Bucket(
                value=f"{balls[0]}-{balls[-1]}",
                count=c,
                share=c / max(n * k, 1),
                expected_share=len(balls) / pool,
            )
        )
    decades_d = Distribution(buckets=dec_buckets, mean=float(k), expected_mean=float(k))
    return Distributions(
        odd_count=odd_d,
        low_count=low_d,
        sum=sum_d,
        consecutive_pairs=consecutive_d,
        decades=decades_d,
        repeats_from_previous=repeats_d,
    )


# ---------------------------------------------------------------------------------------------
# Randomness


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


def chi_square(
    values: np.ndarray,
    pool: np.ndarray,
    dates: np.ndarray,
    comparisons: int = 2,
    ball_count: np.ndarray | None = None,
) -> ChiSquare:
    """Pearson's chi-square of ball counts against uniform, one corrected term per era of the pool.

    ``comparisons``: the tests of the page judged together (numbers and bonus balls: 2).
    ``ball_count``: each ball's count over all rows (index 0 unused) if already known.
    """
    k = values.shape[1]
    eras: list[ChiSquareEra] = []
    for size, first, last, era_values in _eras(values, pool):
        observed = (
            ball_count[1 : size + 1]
            if ball_count is not None and len(era_values) == len(values)
            else _counts(era_values, size)[1:]
        )
        expected = len(era_values) * k / size
        x2 = float(np.sum((observed - expected) ** 2) / expected)
        c = (size - k) / (size - 1)
        eras.append(
            ChiSquareEra(
                first_date=_as_date(dates[first]),
                last_date=_as_date(dates[last]),
                pool=size,
                draws=len(era_values),
                statistic=x2,
                correction=c,
                corrected_statistic=x2 / c,
                df=size - 1,
                min_expected=expected,
            )
        )
    corrected = sum(e.corrected_statistic for e in eras)
    df = sum(e.df for e in eras)
    min_expected = min((e.min_expected for e in eras), default=0.0)
    p = float(chi2.sf(corrected, df)) if df else 1.0
    sig = judge(p, comparisons)
    if sig.level is Level.NONE:
        verdict = f"Consistent with fair draws ({p_text(p)})."
    elif sig.level is Level.NOMINAL:
        verdict = (
            f"Counts depart from uniform at the 5 % level ({p_text(p)}), {allowance(sig)}; and across the "
            "many windows one can look at, about 1 fair window in 20 shows this: check on new draws before "
            "reading anything into it."
        )
    else:
        verdict = (
            f"Counts depart from uniform beyond chance ({p_text(p)}, {allowance(sig)}): check the data "
            "(a missing or duplicated draw) before suspecting the draws."
        )
    if min_expected < POISSON_NOISE_BELOW:
        verdict += f" Expected counts are small (min {min_expected:.1f}), so the p-value is approximate."
    return ChiSquare(
        statistic=sum(e.statistic for e in eras),
        correction=eras[0].correction if len(eras) == 1 else None,
        corrected_statistic=corrected,
        df=df,
        p_value=p,
        min_expected=min_expected,
        eras=eras,
        significance=sig,
        verdict=verdict,
    )


# ---------------------------------------------------------------------------------------------
# The two shapes of result


def _window(ds: DrawSet, filters: StatsFilter, data_version: str) -> dict[str, object]:
    """The fields both shapes of result start with."""
    return {
        "game": ds.game,
        "filters": filters.public(),
        "draw_count": ds.size,
        "first_draw": ds.draw(0),
        "last_draw": ds.draw(ds.size - 1),
        "data_version": data_version,
    }


def quick_stats(
    ds: DrawSet, filters: StatsFilter, data_version: str, *, hot_n: int = 50, threads: int = STATS_THREADS
) -> QuickStats:
    """Draw count, first/last draw, every number's and bonus ball's count/frequency/gap, hot/cold."""
    pool, bonus_pool = pools(ds.game, ds.dates)
    ds = compact(ds)
    with _Passes(ds.size, threads) as passes:
        numbers = passes.run(ball_counts, ds.numbers, _constant(pool, ds.size), pool)
        bonus = passes.run(ball_counts, ds.bonus, bonus_pool, int(bonus_pool.max()))
        hot = hot_cold(ds.numbers, pool, hot_n)
        return QuickStats(
            **_window(ds, filters, data_version),
            numbers=_quick_numbers(ds, numbers()),
            bonus=_quick_numbers(ds, bonus()),
            hot_cold=hot,
        )


def full_stats(
    ds: DrawSet,
    filters: StatsFilter,
    data_version: str,
    *,
    hot_n: int = 50,
    top_n: int | None = 20,
    triplets_n: int = 10,
    threads: int = STATS_THREADS,
) -> FullStats:
    """Everything: per-ball statistics, pairs, triplets, distributions, hot/cold, randomness.

    The passes over the draws (pairs and triplets, the draws' shapes, each pool's balls) are
    independent: on a large window they run on ``threads`` threads, longest first."""
    pool, bonus_pool = pools(ds.game, ds.dates)
    ds = compact(ds)
    number_pool = _constant(pool, ds.size)
    with _Passes(ds.size, threads) as passes:
        pairs_ = passes.run(pairs, ds, pool, bonus_pool, top_n, triplets_n)
        shapes = passes.run(_shapes, ds.numbers, pool)
        numbers_ = passes.run(ball_stats, ds.numbers, number_pool, pool)
        bonus_ = passes.run(ball_stats, ds.bonus, bonus_pool, int(bonus_pool.max()))
        numbers, bonus = numbers_(), bonus_()
        number_count = np.concatenate(([0], numbers.count))
        bonus_count = np.concatenate(([0], bonus.count))
        bonus_chi = passes.run(chi_square, ds.bonus, bonus_pool, ds.dates, ball_count=bonus_count)
        number_chi = chi_square(ds.numbers, number_pool, ds.dates, ball_count=number_count)
        return FullStats(
            **_window(ds, filters, data_version),
            numbers=_full_numbers(ds, numbers),
            bonus=_full_numbers(ds, bonus),
            pairs=pairs_(),
            distributions=distributions(ds, pool, number_count, shapes()),
            hot_cold=hot_cold(ds.numbers, pool, hot_n),
            randomness=Randomness(numbers=number_chi, bonus=bonus_chi()),
        )
