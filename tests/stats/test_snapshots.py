"""Dated statistics snapshots of the shipped EuroMillions history: contents, audit, replacement."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from lottery.games import Game
from lottery.stats.models import StatsFilter
from warehouse.snapshots import SnapshotReport, audit_snapshot, write_snapshot
from warehouse.statistics import compute_full, compute_quick

EM = Game.EUROMILLIONS
TODAY = date.today()
EARLIER = TODAY - timedelta(days=30)


@pytest.fixture(scope="module")
def snap_path(em_warehouse_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the warehouse holding an earlier snapshot and today's."""
    path = tmp_path_factory.mktemp("snapshots") / "w.duckdb"
    shutil.copyfile(em_warehouse_path, path)
    with duckdb.connect(str(path)) as con:
        write_snapshot(con, EM, EARLIER)
        write_snapshot(con, EM, TODAY)
    return path


@pytest.fixture(scope="module")
def snap(snap_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(snap_path), read_only=True)
    yield con
    con.close()


def _expected_scopes(con: duckdb.DuckDBPyConnection) -> set[str]:
    months = con.execute(
        "SELECT DISTINCT strftime(draw_date, '%Y-%m') FROM draws WHERE game = 'euromillions'"
    ).fetchall()
    return {"all", "last50", "last100"} | {str(y) for y in range(2004, 2027)} | {m for (m,) in months}


def test_two_rows_per_scope(snap: duckdb.DuckDBPyConnection) -> None:
    rows = snap.execute(
        "SELECT scope, list(kind ORDER BY kind), count(*) FROM stats_snapshots "
        "WHERE game = 'euromillions' AND snapshot_date = ? GROUP BY scope",
        [TODAY],
    ).fetchall()
    scopes = _expected_scopes(snap)
    assert len(scopes) == 1 + 23 + 268 + 2  # every month from 2004-02 to 2026-05 has draws
    assert {r[0] for r in rows} == scopes
    assert all(r[1] == ["full", "quick"] and r[2] == 2 for r in rows)
    versions = snap.execute(
        "SELECT DISTINCT data_version FROM stats_snapshots WHERE snapshot_date = ?", [TODAY]
    ).fetchall()
    assert len(versions) == 1
    assert versions[0][0].startswith("1947-")


def test_draw_counts_and_number_rows(snap: duckdb.DuckDBPyConnection) -> None:
    counts = dict(
        snap.execute(
            "SELECT scope, draw_count FROM stats_snapshots WHERE snapshot_date = ? AND kind = 'quick'",
            [TODAY],
        ).fetchall()
    )
    assert counts["all"] == 1947
    assert counts["last50"] == 50
    assert counts["last100"] == 100
    assert counts["2004"] == 47  # Fridays from 2004-02-13
    assert counts["2025-03"] == 8
    assert sum(c for s, c in counts.items() if len(s) == 4) == 1947
    assert sum(c for s, c in counts.items() if len(s) == 7 and s[4] == "-") == 1947

    per_scope = dict(
        snap.execute(
            "SELECT scope, count(*) FILTER (ball = 'bonus') FROM number_stats "
            "WHERE snapshot_date = ? GROUP BY scope HAVING count(*) FILTER (ball = 'number') = 50",
            [TODAY],
        ).fetchall()
    )
    assert set(per_scope) == set(counts)
    assert per_scope["2004"] == 9
    assert per_scope["2011"] == 11
    assert per_scope["2016"] == 12
    assert per_scope["all"] == 12


def test_payloads_are_what_the_api_would_compute(snap: duckdb.DuckDBPyConnection) -> None:
    for scope, filters in (("all", StatsFilter()), ("2025-03", StatsFilter(year=2025, month=3))):
        stored = dict(
            snap.execute(
                "SELECT kind, payload FROM stats_snapshots WHERE snapshot_date = ? AND scope = ?",
                [TODAY, scope],
            ).fetchall()
        )
        assert json.loads(stored["full"]) == json.loads(compute_full(snap, EM, filters).model_dump_json())
        assert json.loads(stored["quick"]) == json.loads(compute_quick(snap, EM, filters).model_dump_json())
    row = snap.execute(
        "SELECT count, eligible_draws, current_gap, max_gap FROM number_stats "
        "WHERE snapshot_date = ? AND scope = 'all' AND ball = 'bonus' AND number = 12",
        [TODAY],
    ).fetchall()[0]
    star12 = compute_full(snap, EM, StatsFilter()).bonus[11]
    assert row == (star12.count, star12.eligible_draws, star12.current_gap, star12.max_gap)


def test_audit_finds_nothing(snap: duckdb.DuckDBPyConnection) -> None:
    for day in (TODAY, EARLIER):
        audit = audit_snapshot(snap, EM, day)
        assert audit.scopes == len(_expected_scopes(snap))
        assert (audit.bad_sums, audit.bad_frequencies, audit.bad_counts) == ([], [], [])


def test_corruption_is_reported_and_a_rewrite_replaces_it(snap_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    shutil.copyfile(snap_path, path)
    with duckdb.connect(str(path)) as con:
        # numbers[0].count of 2025-03 (1) becomes 999.
        con.execute(
            """UPDATE stats_snapshots
            SET payload = regexp_replace(payload::VARCHAR, '"count":\\d+', '"count":999')::JSON
            WHERE snapshot_date = ? AND scope = '2025-03' AND kind = 'full'""",
            [TODAY],
        ).fetchall()
        con.execute(
            """UPDATE stats_snapshots SET payload = regexp_replace(payload::VARCHAR, '"frequency":[0-9.e-]+',
            '"frequency":1.5')::JSON WHERE snapshot_date = ? AND scope = '2024' AND kind = 'full'""",
            [TODAY],
        ).fetchall()
        con.execute(
            "UPDATE stats_snapshots SET draw_count = 51 WHERE snapshot_date = ? AND scope = 'last50'", [TODAY]
        ).fetchall()
        audit = audit_snapshot(con, EM, TODAY)
        assert audit.bad_sums == [
            "2025-03: numbers 1038 vs 5x8, bonus 16 vs 2x8",
            "last50: numbers 250 vs 5x51, bonus 100 vs 2x51",
        ]
        assert audit.bad_frequencies == ["2024: frequency outside [0, 1]"]
        assert audit.bad_counts == ["last50: snapshot says 51 draws, draws table has 50"]
        # The other day's snapshot is untouched.
        assert audit_snapshot(con, EM, EARLIER).bad_sums == []

        before = con.execute(
            "SELECT snapshot_date, count(*) FROM stats_snapshots GROUP BY 1 ORDER BY 1"
        ).fetchall()
        stats_before = con.execute(
            "SELECT snapshot_date, count(*) FROM number_stats GROUP BY 1 ORDER BY 1"
        ).fetchall()
        report = write_snapshot(con, EM, TODAY)
        assert isinstance(report, SnapshotReport)
        assert report.scopes == len(_expected_scopes(con))
        assert report.headline is not None
        assert report.headline.draw_count == 1947
        after = con.execute(
            "SELECT snapshot_date, count(*) FROM stats_snapshots GROUP BY 1 ORDER BY 1"
        ).fetchall()
        assert after == before == [(EARLIER, 2 * report.scopes), (TODAY, 2 * report.scopes)]
        assert (
            con.execute("SELECT snapshot_date, count(*) FROM number_stats GROUP BY 1 ORDER BY 1").fetchall()
            == stats_before
        )
        audit = audit_snapshot(con, EM, TODAY)
        assert (audit.bad_sums, audit.bad_frequencies, audit.bad_counts) == ([], [], [])
        duplicates = con.execute(
            "SELECT count(*) FROM (SELECT game, snapshot_date, scope, kind FROM stats_snapshots "
            "GROUP BY ALL HAVING count(*) > 1)"
        ).fetchall()
        assert duplicates == [(0,)]
