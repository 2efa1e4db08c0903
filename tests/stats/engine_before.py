"""The statistics engine as it was before issue 16 (commit a0b10d3), frozen: the reference the
faster engine must equal value for value (tests/stats/test_engine_equivalence.py). Not used by the product."""

# ruff: noqa

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from math import comb, sqrt

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
    bonus_max = np.array([e.bonus_max for e in eras])
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


def ball_counts(values: np.ndarray, pool: np.ndarray, top: int) -> BallStats:
    """Counts, eligibility, expectations, last appearance and current gap of balls 1..top (no gaps).

    ``pool[i]`` is the highest ball that existed in draw i (non-decreasing). Linear in the draws,
    with one pass over the data (a bincount); what quick stats need.
    """
    n, k = values.shape
    balls = np.arange(1, top + 1)
    first_eligible = np.searchsorted(pool, balls, side="left")
    eligible = n - first_eligible
    # Expected count: sum over eligible draws of k / pool size.
    tail = np.concatenate((np.cumsum((k / pool)[::-1])[::-1], [0.0]))
    expected = tail[first_eligible]
    count = np.bincount(values.astype(np.intp).ravel(), minlength=top + 1)[1 : top + 1]
    last_index = _last_indices(values, count)
    current_gap = np.where(last_index >= 0, n - 1 - last_index, eligible)
    none = np.full(top, -1, dtype=np.int64)
    return BallStats(
        count, eligible, expected, last_index, current_gap, none, eligible.copy(), np.full(top, np.nan)
    )


def ball_stats(values: np.ndarray, pool: np.ndarray, top: int) -> BallStats:
    """:func:`ball_counts` plus the gaps: longest complete gap, the run before the first appearance,
    mean gap between appearances."""
    n, k = values.shape
    base = ball_counts(values, pool, top)
    first_eligible = n - base.eligible
    order = np.argsort(values.ravel().astype(np.int16), kind="stable")  # radix sort; keeps draw order
    draw_idx = order // k
    max_gap = np.full(top, -1, dtype=np.int64)
    gap_before_first = base.eligible.copy()
    mean_gap = np.full(top, np.nan)
    count = base.count
    present = np.flatnonzero(count)
    if present.size:
        starts = np.concatenate(([0], np.cumsum(count[present])[:-1]))
        ends = starts + count[present] - 1
        first = draw_idx[starts]
        last = draw_idx[ends]
        gaps = np.empty(len(draw_idx), dtype=np.int64)
        np.subtract(draw_idx[1:], draw_idx[:-1], out=gaps[:-1])
        gaps -= 1
        gaps[ends] = -1  # no gap across two balls' groups (nor after the last)
        max_gap[present] = np.maximum.reduceat(gaps, starts)  # -1 for a single appearance
        gap_before_first[present] = first - first_eligible[present]
        c = count[present]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_gap[present] = np.where(c >= 2, (last - first - (c - 1)) / (c - 1), np.nan)
    return BallStats(
        count,
        base.eligible,
        base.expected,
        base.last_index,
        base.current_gap,
        max_gap,
        gap_before_first,
        mean_gap,
    )


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


def _combo_counts(values: np.ndarray, size: int, base: int) -> np.ndarray:
    k = values.shape[1]
    idx = (
        [(a, b) for a in range(k) for b in range(a + 1, k)]
        if size == 2
        else [(a, b, c) for a in range(k) for b in range(a + 1, k) for c in range(b + 1, k)]
    )
    # One contiguous machine-int column per position: cheap arithmetic, and bincount needs no cast.
    cols = [np.ascontiguousarray(values[:, j], dtype=np.intp) for j in range(k)]
    counts = np.zeros(base**size, dtype=np.int64)
    code = np.empty(len(values), dtype=np.intp)
    for t in idx:
        np.multiply(cols[t[0]], base ** (size - 1), out=code)
        for j, col in enumerate(t[1:], start=1):
            code += cols[col] * base ** (size - 1 - j) if size - 1 - j else cols[col]
        counts += np.bincount(code, minlength=base**size)
    return counts


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
    number_pairs = _top(_combo_counts(ds.numbers, 2, base), grid, 2, base, top_n)

    bonus_pairs: list[PairStat] = []
    if ds.bonus.shape[1] == 2:
        bgrid = np.zeros(base * base)
        for size in np.unique(bonus_pool):
            bgrid[_valid_codes(int(size), 2)] += int(np.sum(bonus_pool == size)) / comb(int(size), 2)
        bonus_pairs = _top(_combo_counts(ds.bonus, 2, base), bgrid, 2, base, top_n)

    tgrid = np.zeros(base**3)
    tgrid[_valid_codes(top_ball, 3)] = n * comb(k, 3) / comb(top_ball, 3)
    triplets = _top(_combo_counts(ds.numbers, 3, base), tgrid, 3, base, triplets_n)
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


def _mask(values: np.ndarray) -> np.ndarray:
    one = np.uint64(1)
    return np.bitwise_or.reduce(np.left_shift(one, values.astype(np.uint64)), axis=1)


def _set_mask(balls: range | list[int]) -> np.uint64:
    return np.uint64(sum(1 << b for b in balls))


def _histogram(per_draw: np.ndarray, values: range, expected: list[float] | None) -> Distribution:
    counts = np.bincount(per_draw, minlength=max(values) + 1)
    total = max(len(per_draw), 1)
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
        mean=float(per_draw.mean()) if len(per_draw) else 0.0,
        expected_mean=None
        if expected is None
        else float(sum(v * p for v, p in zip(values, expected, strict=True))),
    )


def distributions(ds: DrawSet, pool: int) -> Distributions:
    """Odd/even, low/high, sum, consecutive numbers, decades and repeats from the previous draw."""
    n, k = ds.numbers.shape
    mask = _mask(ds.numbers)
    odd = [b for b in range(1, pool + 1) if b % 2]
    low = list(range(1, pool // 2 + 1))
    counts_of = range(k + 1)

    odd_d = _histogram(
        np.bitwise_count(mask & _set_mask(odd)),
        counts_of,
        [_hypergeom(pool, len(odd), k, j) for j in counts_of],
    )
    low_d = _histogram(
        np.bitwise_count(mask & _set_mask(low)),
        counts_of,
        [_hypergeom(pool, len(low), k, j) for j in counts_of],
    )
    consecutive = [comb(k - 1, j) * comb(pool - k + 1, k - j) / comb(pool, k) for j in range(k)]
    consecutive_d = _histogram(np.bitwise_count(mask & (mask >> np.uint64(1))), range(k), consecutive)
    repeats_d = (
        _histogram(
            np.bitwise_count(mask[1:] & mask[:-1]), counts_of, [_hypergeom(pool, k, k, j) for j in counts_of]
        )
        if n >= 2
        else None
    )

    sums = ds.numbers.sum(axis=1)
    exact = sum_distribution(pool, k)
    width = 10
    edges = (
        range((int(sums.min()) // width) * width, (int(sums.max()) // width) * width + 1, width)
        if n
        else range(0)
    )
    sum_buckets = []
    for lo in edges:
        c = int(np.sum((sums >= lo) & (sums < lo + width)))
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
        mean=float(sums.mean()) if n else 0.0,
        expected_mean=k * (pool + 1) / 2,
        sd=float(sums.std(ddof=1)) if n > 1 else None,
        expected_sd=sqrt(k * (pool + 1) * (pool - k) / 12),
    )

    decade_sets = [list(range(max(d, 1), min(d + 10, pool + 1))) for d in range(0, pool + 1, 10)]
    if len(decade_sets[-1]) == 1:  # 50 joins the forties
        decade_sets[-2].extend(decade_sets.pop())
    dec_buckets = []
    for balls in decade_sets:
        c = int(np.bitwise_count(mask & _set_mask(balls)).sum())
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


def chi_square(values: np.ndarray, pool: np.ndarray, dates: np.ndarray, comparisons: int = 2) -> ChiSquare:
    """Pearson's chi-square of ball counts against uniform, one corrected term per era of the pool.

    ``comparisons``: the tests of the page judged together (numbers and bonus balls: 2).
    """
    k = values.shape[1]
    eras: list[ChiSquareEra] = []
    sizes = np.unique(pool)
    for size in sizes:
        size = int(size)
        rows = np.flatnonzero(pool == size)
        era_values = values if len(sizes) == 1 else values[rows]
        observed = np.bincount(era_values.ravel(), minlength=size + 1)[1 : size + 1]
        expected = len(rows) * k / size
        x2 = float(np.sum((observed - expected) ** 2) / expected)
        c = (size - k) / (size - 1)
        eras.append(
            ChiSquareEra(
                first_date=_as_date(dates[rows[0]]),
                last_date=_as_date(dates[rows[-1]]),
                pool=size,
                draws=len(rows),
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


def quick_stats(ds: DrawSet, filters: StatsFilter, data_version: str, *, hot_n: int = 50) -> QuickStats:
    """Draw count, first/last draw, every number's and bonus ball's count/frequency/gap, hot/cold."""
    pool, bonus_pool = pools(ds.game, ds.dates)
    numbers = ball_counts(ds.numbers, np.full(ds.size, pool), pool)
    bonus = ball_counts(ds.bonus, bonus_pool, int(bonus_pool.max()))
    return QuickStats(
        **_window(ds, filters, data_version),
        numbers=_quick_numbers(ds, numbers),
        bonus=_quick_numbers(ds, bonus),
        hot_cold=hot_cold(ds.numbers, pool, hot_n),
    )


def full_stats(
    ds: DrawSet,
    filters: StatsFilter,
    data_version: str,
    *,
    hot_n: int = 50,
    top_n: int | None = 20,
    triplets_n: int = 10,
) -> FullStats:
    """Everything: per-ball statistics, pairs, triplets, distributions, hot/cold, randomness."""
    pool, bonus_pool = pools(ds.game, ds.dates)
    numbers = ball_stats(ds.numbers, np.full(ds.size, pool), pool)
    bonus = ball_stats(ds.bonus, bonus_pool, int(bonus_pool.max()))
    return FullStats(
        **_window(ds, filters, data_version),
        numbers=_full_numbers(ds, numbers),
        bonus=_full_numbers(ds, bonus),
        pairs=pairs(ds, pool, bonus_pool, top_n, triplets_n),
        distributions=distributions(ds, pool),
        hot_cold=hot_cold(ds.numbers, pool, hot_n),
        randomness=Randomness(
            numbers=chi_square(ds.numbers, np.full(ds.size, pool), ds.dates),
            bonus=chi_square(ds.bonus, bonus_pool, ds.dates),
        ),
    )
