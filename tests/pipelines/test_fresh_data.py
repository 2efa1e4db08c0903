"""A new FDJ file through the real inbox sensor and the job it asks for: the new draws' statistics are
exactly a full recompute's, only the windows holding them were computed (the others come from the
stored snapshot), and a file with nothing new recomputes nothing."""

from __future__ import annotations

import os
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb

from lottery.games import Game
from pipelines.fresh import inbox_job_name
from serving.snapshot import read_manifest
from tests.conftest import SHIPPED
from tests.pipelines.download_platform import Platform
from tests.pipelines.new_draws import EM_LATEST, latest_euromillions, with_new_draws
from warehouse.ingest import ingest_game
from warehouse.schema import ensure_schema
from warehouse.snapshots import write_snapshot
from warehouse.statistics import data_version

PAYLOADS = (
    "SELECT scope, kind, filters::VARCHAR, data_version, draw_count, payload::VARCHAR FROM {}.stats_snapshots"
)
BALLS = "SELECT * EXCLUDE (snapshot_date) FROM {}.number_stats"
DOWNSTREAM = {"euromillions_statistics", "euromillions_trends", "serving_snapshot", "cache_warm"}


def drop(platform: Platform, data: bytes) -> Path:
    """FDJ's file written into the inbox, settled (untouched for longer than the sensor waits)."""
    inbox = Path(platform.env["INBOX_DIR"])
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / Path(EM_LATEST).name
    path.write_bytes(data)
    settled = time.time() - 10
    os.utime(path, (settled, settled))
    return path


def tick_and_run(platform: Platform, defs: dg.Definitions) -> dg.ExecuteInProcessResult:
    """One evaluation of the inbox sensor, then the one run it asks for, as the daemon would launch it."""
    sensor = defs.resolve_sensor_def("fdj_inbox_sensor")
    with dg.build_sensor_context(instance=platform.instance) as context:
        (request,) = sensor.evaluate_tick(context).run_requests
    assert request.job_name == inbox_job_name(Game.EUROMILLIONS)
    job = defs.resolve_job_def(request.job_name)
    result = job.execute_in_process(
        run_config=request.run_config, tags=request.tags, instance=platform.instance, raise_on_error=False
    )
    assert result.success
    return result


def materialised(result: dg.ExecuteInProcessResult) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def skipped(result: dg.ExecuteInProcessResult) -> set[str]:
    return {e.step_key for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_SKIPPED}


def statistics_metadata(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    (event,) = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey("euromillions_statistics")
    ]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_new_draws_are_served_as_a_full_recompute_and_a_file_with_nothing_new_recomputes_nothing(
    platform: Platform, tmp_path: Path
) -> None:
    platform.warehouse.parent.mkdir(parents=True, exist_ok=True)
    today = date.today()
    with duckdb.connect(str(platform.warehouse)) as con:
        ensure_schema(con)
        assert not ingest_game(con, Game.EUROMILLIONS, str(SHIPPED / "euromillions")).failed
        write_snapshot(con, Game.EUROMILLIONS, today - timedelta(days=1))  # yesterday's 06:00 snapshot
    defs = platform.point_at("")

    # The shipped export as it is, nothing published yet: published, with today's statistics (the
    # calendar windows are yesterday's: their draws are the same).
    drop(platform, latest_euromillions().to_bytes())
    first = tick_and_run(platform, defs)
    assert materialised(first) >= {"euromillions_draws", *DOWNSTREAM}
    assert statistics_metadata(first)["windows_computed"] == 3  # all history, last 50, last 100

    # FDJ's next export: two new draws. Only the windows holding them are computed again.
    newer = with_new_draws(latest_euromillions(), 2, seed=7)
    drop(platform, newer.to_bytes())
    second = tick_and_run(platform, defs)
    assert materialised(second) >= {"euromillions_draws", *DOWNSTREAM}
    assert platform.query("SELECT rows_inserted FROM ingest_log ORDER BY ingest_id DESC LIMIT 1") == [(2,)]
    meta = statistics_metadata(second)
    new_days = {
        date(int(d[6:]), int(d[3:5]), int(d[:2])) for d in (newer.field(i, "date_de_tirage") for i in (0, 1))
    }
    touched = (
        {"all", "last50", "last100"} | {str(d.year) for d in new_days} | {f"{d:%Y-%m}" for d in new_days}
    )
    assert meta["windows_computed"] == len(touched)
    assert meta["windows_reused"] == meta["scopes"] - len(touched) > 200

    # Exactly what a full recompute from scratch writes, row for row.
    scratch = tmp_path / "scratch.duckdb"
    shutil.copy(platform.warehouse, scratch)
    with duckdb.connect(str(scratch)) as con:
        con.execute("DELETE FROM stats_snapshots; DELETE FROM number_stats; DELETE FROM stats_windows")
        report = write_snapshot(con, Game.EUROMILLIONS, today, reuse=False)
        assert report.reused == []
        assert report.computed == meta["scopes"]
        con.execute(f"ATTACH '{platform.warehouse}' AS served (READ_ONLY)")
        for sql in (PAYLOADS, BALLS):
            day = f" WHERE snapshot_date = DATE '{today}'"
            ours, theirs = sql.format("served") + day, sql.format("main") + day
            assert con.execute(f"SELECT count(*) FROM ({theirs})").fetchall()[0][0] > 0
            assert con.execute(f"({ours}) EXCEPT ALL ({theirs})").fetchall() == []
            assert con.execute(f"({theirs}) EXCEPT ALL ({ours})").fetchall() == []
        version = data_version(con, Game.EUROMILLIONS)
    manifest = read_manifest(Path(platform.env["SERVING_DIR"]))
    assert manifest is not None
    assert manifest.version(Game.EUROMILLIONS) == version

    # The same export dropped again: the run succeeds, nothing downstream of the ingest runs.
    computed_at = platform.query("SELECT max(computed_at) FROM stats_snapshots")
    drop(platform, newer.to_bytes())
    third = tick_and_run(platform, defs)
    assert materialised(third) == set()
    assert skipped(third) >= DOWNSTREAM
    assert platform.query(
        "SELECT rows_inserted, rows_unchanged > 0 FROM ingest_log ORDER BY ingest_id DESC LIMIT 1"
    ) == [(0, True)]
    assert platform.query("SELECT max(computed_at) FROM stats_snapshots") == computed_at
    after = read_manifest(Path(platform.env["SERVING_DIR"]))
    assert after is not None
    assert after.snapshot == manifest.snapshot


def test_a_window_is_reused_only_from_the_same_draws_and_the_same_engine(tmp_path: Path) -> None:
    """A snapshot stored by another engine is recomputed whole; an unchanged warehouse reuses every
    calendar window (all history and the last-N windows are always computed)."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_schema(con)
        assert not ingest_game(con, Game.EUROMILLIONS, str(SHIPPED / "euromillions")).failed
        first = write_snapshot(con, Game.EUROMILLIONS, date(2026, 5, 20), reuse=True)
        assert first.reused == []
        same = write_snapshot(con, Game.EUROMILLIONS, date(2026, 5, 21), reuse=True)
        assert same.computed == 3
        assert same.reused_from == date(2026, 5, 20)
        con.execute(
            "UPDATE stats_windows SET engine_version = 'another engine' WHERE snapshot_date = '2026-05-21'"
        )
        again = write_snapshot(con, Game.EUROMILLIONS, date(2026, 5, 22), reuse=True)
        assert again.reused == []
        assert again.computed == same.scopes
