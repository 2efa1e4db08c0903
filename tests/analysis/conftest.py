"""A published snapshot with two days of statistics and two back-test runs (statistics over time)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from lottery.backtest import BacktestConfig, backtest
from lottery.games import Game
from lottery.stats.models import StatsFilter
from serving.snapshot import publish
from tests.serving_fixtures import Published
from warehouse.backtests import store_backtest
from warehouse.snapshots import write_snapshot
from warehouse.statistics import load_window

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)
DAY_BEFORE = TODAY - timedelta(days=2)


@dataclass(frozen=True)
class TwoDays:
    """The shipped data published with EuroMillions snapshots of the day before yesterday and yesterday
    (one draw fewer: the same data version) and today."""

    warehouse: Path
    serving_dir: Path
    draws_today: int


@pytest.fixture(scope="module")
def two_days(published: Published, tmp_path_factory: pytest.TempPathFactory) -> TwoDays:
    """Today's snapshot (every draw), then the latest EuroMillions draw removed and the snapshots of
    the two days before and a second, smaller back-test written before publishing."""
    root = tmp_path_factory.mktemp("two_days")
    warehouse = root / "warehouse.duckdb"
    shutil.copy(published.warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    game = Game.EUROMILLIONS.value
    draws_today = con.execute("SELECT count(*) FROM draws WHERE game = ?", [game]).fetchall()[0][0]
    latest = "(SELECT max(draw_date) FROM draws WHERE game = ?)"
    for table in ("prize_tiers", "draws"):
        con.execute(f"DELETE FROM {table} WHERE game = ? AND draw_date = {latest}", [game, game])
    for day in (DAY_BEFORE, YESTERDAY):
        write_snapshot(con, Game.EUROMILLIONS, day)
    draws = load_window(con, Game.EUROMILLIONS, StatsFilter())
    store_backtest(con, backtest(draws, BacktestConfig(draws=5, grids=1)), YESTERDAY)
    publish(con, root / "serving")
    con.close()
    return TwoDays(warehouse=warehouse, serving_dir=root / "serving", draws_today=draws_today)
