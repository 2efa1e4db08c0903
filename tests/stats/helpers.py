"""Building DrawSets by hand for the statistics tests."""

from __future__ import annotations

import numpy as np

from lottery.games import Game
from lottery.stats.engine import DrawSet


def drawset(game: Game, rows: list[tuple[str, list[int], list[int]]]) -> DrawSet:
    """A DrawSet from ``(iso date, numbers, bonus)`` rows, oldest first."""
    return DrawSet(
        game=game,
        dates=np.array([r[0] for r in rows], dtype="datetime64[D]"),
        numbers=np.array([sorted(r[1]) for r in rows], dtype=np.int16),
        bonus=np.array([sorted(r[2]) for r in rows], dtype=np.int16),
    )
