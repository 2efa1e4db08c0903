"""Fixtures of the strategy tests: inputs from the shipped history and from synthetic windows."""

from __future__ import annotations

import numpy as np
import pytest

from lottery.games import Game, current_era
from lottery.stats.engine import DrawSet
from lottery.stats.models import StatsFilter
from lottery.strategies import StrategyInputs, inputs_from_draws
from tests.conftest import ShippedWarehouse
from warehouse.statistics import load_window


@pytest.fixture(scope="session")
def shipped_inputs(shipped_warehouse: ShippedWarehouse) -> dict[Game, StrategyInputs]:
    """Each game's inputs over its whole shipped history (the session's shared warehouse)."""
    with shipped_warehouse.connect() as con:
        return {game: inputs_from_draws(load_window(con, game, StatsFilter())) for game in Game}


def random_drawset(
    game: Game,
    n: int,
    seed: int = 0,
    *,
    weights: np.ndarray | None = None,
    start: str = "2017-01-03",
) -> DrawSet:
    """``n`` draws of the game's current rules every 3 days from ``start``, numbers drawn with
    probabilities proportional to ``weights`` (uniform when None), without replacement."""
    era = current_era(game)
    rng = np.random.default_rng(seed)
    k, big_k, b, big_s = era.numbers_count, era.numbers_max, era.bonus_count, era.bonus_max
    log_w = np.zeros(big_k) if weights is None else np.log(weights)
    numbers = np.argpartition(-(log_w + rng.gumbel(size=(n, big_k))), k - 1, axis=1)[:, :k] + 1
    bonus = np.argpartition(-rng.random((n, big_s)), b - 1, axis=1)[:, :b] + 1
    numbers.sort(axis=1)
    bonus.sort(axis=1)
    dates = np.datetime64(start) + np.arange(n) * np.timedelta64(3, "D")
    return DrawSet(game=game, dates=dates, numbers=numbers.astype(np.int16), bonus=bonus.astype(np.int16))
