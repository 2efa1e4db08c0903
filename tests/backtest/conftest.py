"""Fixtures of the back-test tests: each game's shipped draws (the session's shared warehouse)."""

from __future__ import annotations

import pytest

from lottery.backtest import BacktestResult, backtest
from lottery.games import Game
from lottery.stats.engine import DrawSet
from lottery.stats.models import StatsFilter
from tests.conftest import ShippedWarehouse
from warehouse.statistics import load_window


@pytest.fixture(scope="session")
def shipped_draws(shipped_warehouse: ShippedWarehouse) -> dict[Game, DrawSet]:
    """Every main-formula draw of each game in data/fdj."""
    with shipped_warehouse.connect() as con:
        return {game: load_window(con, game, StatsFilter()) for game in Game}


@pytest.fixture(scope="session")
def em_draws(shipped_draws: dict[Game, DrawSet]) -> DrawSet:
    """All shipped EuroMillions draws."""
    return shipped_draws[Game.EUROMILLIONS]


@pytest.fixture(scope="session")
def em_default(em_draws: DrawSet) -> BacktestResult:
    """The default back-test (4 strategies x 200 targets x 10 grids) of the shipped EuroMillions."""
    return backtest(em_draws)
