"""End to end: the Dagster CLI materialises everything from an FDJ directory into a fresh warehouse;
the history location's partitioned assets are refused without a partition."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from lottery.games import Game
from tests.conftest import PROJECT_ROOT

DAGSTER = PROJECT_ROOT / ".venv" / "bin" / "dagster"


@pytest.mark.slow
def test_cli_materialise_everything(fixture_dir: Path, tmp_path: Path, redis_url: str) -> None:
    """`dagster asset materialize --select '*'` loads the excerpts; all 8 ingest checks pass; the main
    location has no partitioned asset, so '*' runs everything, the trends included."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")  # as scripts/run.sh does
    warehouse = tmp_path / "w.duckdb"
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "FDJ_SOURCE": str(fixture_dir),
        "DAGSTER_HOME": str(home),
        "SERVING_DIR": str(tmp_path / "serving"),
        "REDIS_URL": redis_url,
    }
    proc = _materialize(env, "-m", "pipelines.definitions", "--select", "*")
    log = proc.stdout + proc.stderr
    for asset in ("euromillions_draws", "loto_draws"):
        assert f'Finished execution of step "{asset}"' in log, log[-3000:]
        for check in (
            "draws_obey_rules",
            "no_duplicate_draws",
            "row_count_never_shrinks",
            "no_rejected_rows",
        ):
            assert f"Asset check '{check}' on '{asset}' passed." in log
    # On a real clock the excerpts (EuroMillions to 2026-05-19) are stale: the freshness check says so,
    # names the first missed draw, and blocks nothing downstream.
    assert "Asset check 'draws_fresh' on 'euromillions_draws' did not pass. Description: '" in log
    assert "missing after its last draw of 2026-05-19: 2026-05-22, " in log
    assert "Asset check 'statistics_fresh' on 'euromillions_statistics' passed." in log
    assert 'Finished execution of step "serving_snapshot"' in log
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT game, count(*) FROM draws GROUP BY game ORDER BY game").fetchall() == [
            ("euromillions", 23),
            ("loto", 14),
        ]
        assert con.execute("SELECT count(*) FROM loto_6_49_draws").fetchone() == (5,)
        assert con.execute("SELECT count(*) FROM loto_second_draws").fetchone() == (5,)
        assert con.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'ok'), sum(rows_read), sum(rows_rejected) "
            "FROM ingest_log"
        ).fetchone() == (12, 12, 44, 0)
        assert con.execute("SELECT count(*) FROM rejects").fetchone() == (0,)
        assert con.execute("SELECT DISTINCT game FROM trend_chi_square ORDER BY 1").fetchall() == [
            ("euromillions",),
            ("loto",),
        ]
    for game in Game:
        assert f'Finished execution of step "{game.value}_trends"' in log
    serving = tmp_path / "serving"
    manifest = json.loads((serving / "manifest.json").read_text())
    with duckdb.connect(str(serving / manifest["snapshot"]), read_only=True) as snap:
        assert snap.execute("SELECT count(*) FROM trend_balls").fetchone()[0] > 0
    assert proc.returncode == 0, log[-3000:]
    # The partitioned assets of the history location are refused when asked for without a range.
    proc = _materialize(env, "-m", "pipelines.history", "--select", "*")
    assert proc.returncode != 0
    assert "Asset has partitions, but no '--partition' option was provided" in proc.stdout + proc.stderr


def _materialize(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DAGSTER), "asset", "materialize", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
