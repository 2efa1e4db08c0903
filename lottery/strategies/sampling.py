"""Weighted sampling of grids: each pool's Gumbel-top-k sampler, combination_based's pairs, the plan."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lottery.strategies.inputs import Strategy, StrategyInputs
from lottery.strategies.weights import frequency_weights, gap_weights

TOP_PAIRS = 50  # combination_based builds grids around one of this many most frequent pairs


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
        out: np.ndarray = self.balls[self.top(self.keys(rng, rows), self.k)]
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
        last = len(self.cumulative) - 1
        picked: np.ndarray = np.minimum(np.searchsorted(self.cumulative, u, side="right"), last)
        return picked


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
