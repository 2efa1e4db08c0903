"""Fixtures for the serving layer: a published snapshot of the shipped data, real Redis databases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from lottery.games import Game
from tests.redis_fixtures import BROKER_DB, redis_server_url
from warehouse.ingest import ingest_game
from warehouse.serving import publish
from warehouse.settings import Settings
from warehouse.snapshots import write_snapshot

PROJECT_ROOT = Path(__file__).resolve().parents[2]
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
    publish(con, root / "serving")
    con.close()
    return Published(warehouse=warehouse, serving_dir=root / "serving")


@pytest.fixture
def settings(published: Published, redis_url: str) -> Settings:
    """Settings pointing at the published snapshot and the test's Redis databases."""
    return Settings(
        serving_dir=published.serving_dir,
        warehouse_path=published.warehouse,
        redis_url=redis_url,
        celery_broker_url=f"{redis_server_url()}/{BROKER_DB}",
    )
