"""The window the engine reads: one game's main-formula draws, oldest first, as numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from lottery.games import Game
from lottery.stats.models import DrawOut


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


def compact(ds: DrawSet) -> DrawSet:
    """The same draws with balls as bytes in C order (when they fit): every pass reads less memory."""
    if ds.size == 0 or max(int(ds.numbers.max()), int(ds.bonus.max())) > 255:
        return ds
    return replace(
        ds,
        numbers=np.ascontiguousarray(ds.numbers, dtype=np.uint8),
        bonus=np.ascontiguousarray(ds.bonus, dtype=np.uint8),
    )
