"""A download end to end through the real Dagster CLI: the schedule's tick (as the daemon evaluates it,
on a DAGSTER_HOME instance), the run it asks for executed by ``dagster job execute`` in its own process
(real DuckDB, real Redis, the loopback FDJ over TCP), then the next tick on the same archive."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import dagster as dg
import pytest

from lottery.games import Game
from pipelines.download import download_job_name
from tests.conftest import PROJECT_ROOT, SHIPPED
from tests.pipelines.archive_server import EM_MEMBER, LOTO_MEMBER, ArchiveServer, fdj_zip, older_export
from tests.pipelines.download_platform import Platform

DAGSTER = PROJECT_ROOT / ".venv" / "bin" / "dagster"
NEW = 3


@pytest.mark.slow
def test_scheduled_download_runs_through_the_cli_then_skips_the_same_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_url: str, fdj: ArchiveServer
) -> None:
    """The acceptance: pointed at a loopback server holding a newer archive, the download adds exactly the
    new draws and what serves them is recomputed (statistics, trends, snapshot, cache; the weekly back-test
    and report are not on this path); a re-run with the same archive changes nothing."""
    platform = Platform(tmp_path, monkeypatch, redis_url, home=tmp_path / "dagster_home")
    em = (SHIPPED / "euromillions" / EM_MEMBER).read_bytes()
    platform.load(older_export(em, NEW))
    platform.load((SHIPPED / "loto" / LOTO_MEMBER).read_bytes(), LOTO_MEMBER, Game.LOTO)
    before = platform.query("SELECT count(*) FROM draws WHERE game = 'euromillions'")[0][0]
    archive = fdj_zip(EM_MEMBER, em)
    defs = platform.point_at(fdj.serve("euromillions", archive))

    (request,) = platform.tick(defs).run_requests
    config = tmp_path / "run.json"
    config.write_text(json.dumps(request.run_config))
    proc = subprocess.run(
        [
            str(DAGSTER),
            "job",
            "execute",
            "-m",
            "pipelines.definitions",
            "-j",
            download_job_name(Game.EUROMILLIONS),
            "-c",
            str(config),
            "--tags",
            json.dumps(request.tags),
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, **platform.env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    for step in (
        "euromillions_draws",
        "euromillions_statistics",
        "euromillions_trends",
        "serving_snapshot",
        "cache_warm",
    ):
        assert f'Finished execution of step "{step}"' in log, step
    for step in ("loto_draws", "loto_statistics", "euromillions_backtest", "weekly_report"):
        assert f'step "{step}"' not in log, step

    (record,) = platform.instance.get_run_records()
    assert record.dagster_run.job_name == download_job_name(Game.EUROMILLIONS)
    assert record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
    sha = hashlib.sha256(archive).hexdigest()
    assert platform.query("SELECT count(*) FROM draws WHERE game = 'euromillions'") == [(before + NEW,)]
    assert platform.query(
        "SELECT run_id, rows_inserted, fetched_sha256 FROM ingest_log ORDER BY ingest_id DESC LIMIT 1"
    ) == [(record.dagster_run.run_id, NEW, sha)]
    snapshot = platform.instance.get_latest_materialization_event(dg.AssetKey("serving_snapshot"))
    assert snapshot is not None
    assert snapshot.run_id == record.dagster_run.run_id

    state = platform.state()
    again = platform.tick(defs)
    assert again.run_requests == []
    assert f"already ingested by run {record.dagster_run.run_id}" in again.skip_message
    assert platform.state() == state
    assert len(platform.instance.get_run_records()) == 1
    platform.instance.dispose()
