"""The per-draw means' test against the exact expectation: Student t interval and p-value."""

from __future__ import annotations

from dataclasses import dataclass
from math import fsum

import numpy as np
from scipy.stats import ttest_1samp

CONFIDENCE = 0.95


@dataclass(frozen=True)
class MeanTest:
    """Mean of per-draw values, exact expectation, 95 % t interval and two-sided p-value."""

    mean: float
    expected: float
    ci_low: float | None
    ci_high: float | None
    p_value: float | None


def mean_test(values: np.ndarray, expected: np.ndarray) -> MeanTest:
    """One-sample t test of mean(values - expected) = 0 (see the module docstring)."""
    values, expected = np.asarray(values, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if len(values) == 0 or values.shape != expected.shape:
        raise ValueError("mean_test needs one expectation per value, and at least one value")
    mean, exp = fsum(values.tolist()) / len(values), fsum(expected.tolist()) / len(expected)
    diff = values - expected
    if len(diff) < 2:
        return MeanTest(mean, exp, None, None, None)
    if np.ptp(diff) <= 1e-12 * max(1.0, float(np.abs(diff).max())):
        if abs(float(diff.mean())) <= 1e-12:
            return MeanTest(mean, exp, mean, mean, 1.0)
        return MeanTest(mean, exp, None, None, None)  # no variance: the t test cannot say anything
    res = ttest_1samp(diff, 0.0)
    ci = res.confidence_interval(CONFIDENCE)
    return MeanTest(mean, exp, exp + float(ci.low), exp + float(ci.high), float(res.pvalue))
