"""Hot and cold numbers: counts over the last draws against the fair expectation, exact binomial tails."""

from __future__ import annotations

from math import sqrt

import numpy as np
from scipy.stats import binom

from lottery.significance import ALPHA, Level, allowance, judge, p_text
from lottery.stats.models import HotCold, HotColdNumber


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
    none = np.zeros(0, dtype=np.intp)
    hot_order = np.lexsort((numbers, -recent, upper))[:shown] if hot_possible else none
    cold_order = np.lexsort((numbers, recent, lower))[:shown] if cold_possible else none
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
