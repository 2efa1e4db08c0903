"""The column types every frame shares: categories for games, balls and strategies, datetime64 dates."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from lottery.games import Game
from lottery.strategies import Strategy

GAME = pd.CategoricalDtype([g.value for g in Game])
BALL = pd.CategoricalDtype(["number", "bonus"])
STRATEGY = pd.CategoricalDtype([s.value for s in Strategy])
DATE = "datetime64[s]"


def as_dates(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    """Turn date columns (``date`` objects or strings, None as NaT) into ``datetime64[s]`` in place."""
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).astype(DATE)
