"""Pairs and triplets: how many draws hold each pair and triplet of balls, against fair draws."""

from __future__ import annotations

from functools import cache
from math import comb

import numpy as np

from lottery.stats.engine.counts import POISSON_NOISE_BELOW
from lottery.stats.engine.passes import _blocks
from lottery.stats.engine.pools import _eras
from lottery.stats.engine.window import DrawSet
from lottery.stats.models import Pairs, PairStat


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
    codes: np.ndarray = sum(balls[j] * base ** (size - 1 - j) for j in range(size))
    return codes


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
    codes: np.ndarray = sum(grids[j][keep] * base ** (size - 1 - j) for j in range(size))
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
