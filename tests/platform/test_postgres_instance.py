"""The production profile: a Dagster instance on PostgreSQL (127.0.0.1:5432 on these machines)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import psycopg2
import pytest

from tests.components import missing_component
from tests.serving_fixtures import PROJECT_ROOT

PG = os.environ.get("LOTOSTATS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
pytestmark = pytest.mark.slow


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh database on the local PostgreSQL server, dropped afterwards."""
    try:
        admin = psycopg2.connect(PG, connect_timeout=3)
    except psycopg2.OperationalError as exc:
        missing_component(
            f"no PostgreSQL answers at {PG} ({str(exc).strip()}): set LOTOSTATS_TEST_PG to run this test"
        )
    admin.autocommit = True
    name = f"lotostats_test_{uuid.uuid4().hex[:8]}"
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    yield PG.rsplit("/", 1)[0] + "/" + name
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


def test_materialisation_against_a_postgres_backed_instance(
    pg_database: str, fixture_dir: Path, tmp_path: Path
) -> None:
    """Runs, events and schedules go to PostgreSQL; the warehouse is still DuckDB."""
    home = tmp_path / "dagster"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "deploy" / "dagster-postgres.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_URL": pg_database.replace("postgresql://", "postgresql+psycopg2://", 1),  # as run.sh does
        "WAREHOUSE_PATH": str(tmp_path / "w.duckdb"),
        "FDJ_SOURCE": str(fixture_dir),
    }
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "dagster"),
            "asset",
            "materialize",
            "-m",
            "pipelines.definitions",
            "--select",
            "euromillions_draws,loto_draws",
        ],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with psycopg2.connect(pg_database) as con, con.cursor() as cur:
        cur.execute("SELECT status FROM runs")
        assert [r[0] for r in cur.fetchall()] == ["SUCCESS"]
        cur.execute("SELECT count(*) FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION'")
        assert cur.fetchone()[0] == 2
    assert not list(home.glob("history/runs.db"))  # nothing went to SQLite
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as wh:
        assert wh.execute("SELECT count(*) FROM draws").fetchall()[0][0] == 37
