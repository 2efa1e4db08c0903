"""The shipped files ingested, with today's statistics and trends, published for serving (once a session)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from lottery.backtest import BacktestConfig, backtest
from lottery.games import Game
from lottery.stats.models import StatsFilter
from serving.snapshot import publish
from warehouse.backtests import store_backtest
from warehouse.ingest import ingest_game
from warehouse.snapshots import write_snapshot
from warehouse.statistics import load_window
from warehouse.trends import write_trends

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHIPPED = PROJECT_ROOT / "data" / "fdj"


@dataclass(frozen=True)
class Published:
    """A warehouse built from the shipped files, with today's statistics, published for serving."""

    warehouse: Path
    serving_dir: Path


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """Ingest, snapshot and publish the shipped data once per session (a few seconds)."""
    root = tmp_path_factory.mktemp("published")
    warehouse = root / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    for game in Game:
        ingest_game(con, game, str(SHIPPED))
        write_snapshot(con, game, date.today())
        draws = load_window(con, game, StatsFilter())
        store_backtest(con, backtest(draws, BacktestConfig(draws=20, grids=2)), date.today())
        write_trends(con, game)
    publish(con, root / "serving")
    con.close()
    return Published(warehouse=warehouse, serving_dir=root / "serving")
