"""Fixtures of the statistics tests: one EuroMillions warehouse built from data/fdj per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from lottery.games import Game
from warehouse.ingest import ingest_game

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHIPPED = PROJECT_ROOT / "data" / "fdj"


@pytest.fixture(scope="session")
def em_warehouse_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse file holding the shipped EuroMillions history (built once, then left alone)."""
    path = tmp_path_factory.mktemp("stats_warehouse") / "w.duckdb"
    with duckdb.connect(str(path)) as connection:
        result = ingest_game(connection, Game.EUROMILLIONS, str(SHIPPED))
        assert not result.failed
    return path


@pytest.fixture(scope="session")
def em_con(em_warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the shared EuroMillions warehouse."""
    connection = duckdb.connect(str(em_warehouse_path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture
def em_rw(em_warehouse_path: Path, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable private copy of the EuroMillions warehouse (for tests that change it)."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(em_warehouse_path, copy)
    connection = duckdb.connect(str(copy))
    yield connection
    connection.close()
