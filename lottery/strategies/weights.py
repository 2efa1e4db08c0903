"""Ball weights of the frequency and gap strategies."""

from __future__ import annotations

import numpy as np

from lottery.stats.fair import expected_gap

FREQUENCY_FLOOR = 0.05  # a never-drawn ball weighs this share of the mean frequency


def _no_information(freq: np.ndarray, gap: np.ndarray, draw_count: int) -> np.ndarray:
    """Balls without an eligible draw in the window (see the module docstring)."""
    if draw_count == 0:
        return np.ones(len(freq), dtype=bool)
    unseen: np.ndarray = (freq == 0) & (gap == 0)
    return unseen


def _neutral_fill(w: np.ndarray, unseen: np.ndarray) -> np.ndarray:
    if unseen.all():
        return np.ones_like(w)
    w = w.copy()
    w[unseen] = w[~unseen].mean()
    return w


def frequency_weights(freq: np.ndarray, gap: np.ndarray, draw_count: int) -> np.ndarray:
    """Frequency, floored at FREQUENCY_FLOOR x the mean; balls without information get the mean."""
    unseen = _no_information(freq, gap, draw_count)
    w = np.asarray(freq, dtype=np.float64).copy()
    seen = ~unseen
    if seen.any() and w[seen].max() > 0:
        w[seen] = np.maximum(w[seen], FREQUENCY_FLOOR * w[seen].mean())
    else:
        unseen[:] = True
    return _neutral_fill(w, unseen)


def gap_weights(freq: np.ndarray, gap: np.ndarray, draw_count: int, drawn: int, pool: int) -> np.ndarray:
    """(current_gap + 1) / (expected_gap + 1); balls without information get the mean."""
    w = (np.asarray(gap, dtype=np.float64) + 1) / (expected_gap(drawn, pool) + 1)
    return _neutral_fill(w, _no_information(freq, gap, draw_count))
