"""The backfill through the real Dagster CLI: a short partition range of ``{game}_stats_history`` writes the
snapshots of exactly those dates, each from the draws up to its date; ``--select '*'`` of the main location
is untouched by the partitioned assets (they live in ``pipelines.history``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest

from lottery.games import Game
from tests.conftest import PROJECT_ROOT, SHIPPED
from warehouse.ingest import ingest_game

DAGSTER = PROJECT_ROOT / ".venv" / "bin" / "dagster"


def _env(tmp_path: Path, warehouse: Path, redis_url: str) -> dict[str, str]:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copy(PROJECT_ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    return {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "DAGSTER_HOME": str(home),
        "SERVING_DIR": str(tmp_path / "serving"),
        "REDIS_URL": redis_url,
    }


def _materialize(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DAGSTER), "asset", "materialize", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_partition_range_backfills_exactly_those_snapshot_dates(tmp_path: Path, redis_url: str) -> None:
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        for game in Game:
            ingest_game(con, game, str(SHIPPED))
        # A year of history keeps each day's snapshot small (every year and month is a scope of it).
        con.execute("DELETE FROM draws WHERE draw_date < DATE '2024-01-01'")
    env = _env(tmp_path, warehouse, redis_url)
    proc = _materialize(
        env,
        "-m",
        "pipelines.history",
        "--select",
        "euromillions_stats_history",
        "--partition-range",
        "2025-01-06...2025-01-08",
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        dates = con.execute(
            "SELECT DISTINCT game, snapshot_date FROM stats_snapshots ORDER BY 1, 2"
        ).fetchall()
        assert dates == [("euromillions", date(2025, 1, d)) for d in (6, 7, 8)]
        assert con.execute("SELECT DISTINCT snapshot_date FROM number_stats ORDER BY 1").fetchall() == [
            (date(2025, 1, d),) for d in (6, 7, 8)
        ]
        # Statistics as of D: the draws dated on or before D (a Tuesday draw on 2025-01-07).
        expected = {
            day: con.execute(
                "SELECT count(*), max(draw_date) FROM draws WHERE game = 'euromillions' AND draw_date <= ?",
                [date(2025, 1, day)],
            ).fetchone()
            for day in (6, 7, 8)
        }
        assert expected[6][0] + 1 == expected[7][0] == expected[8][0]
        for day, (count, last) in expected.items():
            stored, payload = con.execute(
                "SELECT draw_count, payload FROM stats_snapshots WHERE snapshot_date = ? AND scope = 'all' "
                "AND kind = 'full'",
                [date(2025, 1, day)],
            ).fetchone()
            assert stored == count
            assert json.loads(payload)["last_draw"]["draw_date"] == last.isoformat()
            months = con.execute(
                "SELECT max(scope) FROM stats_snapshots WHERE snapshot_date = ? AND scope LIKE '____-__'",
                [date(2025, 1, day)],
            ).fetchone()
            assert months == ("2025-01",)

    # Both games share the partitions: '*' with a range backfills each of them.
    proc = _materialize(
        env, "-m", "pipelines.history", "--select", "*", "--partition-range", "2025-01-10...2025-01-10"
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "SELECT DISTINCT game FROM stats_snapshots WHERE snapshot_date = DATE '2025-01-10' ORDER BY 1"
        ).fetchall() == [("euromillions",), ("loto",)]
