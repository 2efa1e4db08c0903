"""Randomness: Pearson's chi-square of ball counts against uniform, one corrected term per pool era."""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2

from lottery.significance import Level, allowance, judge, p_text
from lottery.stats.engine.counts import POISSON_NOISE_BELOW, _counts
from lottery.stats.engine.pools import _eras
from lottery.stats.engine.window import _as_date
from lottery.stats.models import ChiSquare, ChiSquareEra


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
