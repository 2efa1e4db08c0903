"""An older warehouse is brought to the current schema in place, without losing a row."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb

from lottery.games import Game
from tests.conftest import SHIPPED
from warehouse.ingest import ingest_game
from warehouse.schema import SCHEMA_VERSION, ensure_schema
from warehouse.snapshots import write_snapshot


def _as_version_1(con: duckdb.DuckDBPyConnection) -> None:
    """Turn a fresh warehouse into what schema version 1 created."""
    con.execute("ALTER TABLE number_stats DROP COLUMN gap_before_first")
    con.execute("ALTER TABLE number_stats ALTER COLUMN max_gap SET NOT NULL")
    con.execute("ALTER TABLE ingest_log DROP COLUMN fetched_sha256")
    con.execute("DELETE FROM schema_version")
    con.execute("INSERT INTO schema_version VALUES (1, now())")


def test_version_1_number_stats_gain_the_censored_gap_column(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_schema(con)
        _as_version_1(con)
        con.execute(
            "INSERT INTO number_stats VALUES ('euromillions', DATE '2026-01-01', 'all', 'number', 7, 3, 10, "
            "0.3, 1.0, 2, 5, 2.5, DATE '2025-12-30')"
        )
        ensure_schema(con)
        assert SCHEMA_VERSION == 5
        assert con.execute("SELECT max(version) FROM schema_version").fetchone() == (SCHEMA_VERSION,)
        columns = {
            name: nullable for name, _, nullable, *_ in con.execute("DESCRIBE number_stats").fetchall()
        }
        assert columns["max_gap"] == "YES"
        assert columns["gap_before_first"] == "YES"
        # The old row is kept as it was, its new column unknown.
        assert con.execute("SELECT max_gap, gap_before_first FROM number_stats").fetchall() == [(5, None)]
        # A new snapshot writes both gap columns (a ball with one appearance has no complete gap).
        ingest_game(con, Game.EUROMILLIONS, str(SHIPPED))
        write_snapshot(con, Game.EUROMILLIONS, date(2026, 6, 1))
        nulls, before = con.execute(
            "SELECT count(*) FILTER (WHERE max_gap IS NULL), count(gap_before_first) FROM number_stats "
            "WHERE snapshot_date = DATE '2026-06-01' AND scope = '2026-05'"
        ).fetchone()
        assert nulls > 0
        assert before == 50 + 12
        ensure_schema(con)  # idempotent
        assert con.execute(
            "SELECT count(*) FROM schema_version WHERE version = ?", [SCHEMA_VERSION]
        ).fetchone() == (1,)


def test_version_2_warehouse_gains_the_trend_tables(tmp_path: Path) -> None:
    """v4 adds the statistics-over-time tables (v5 the statistics windows); an older warehouse gets them
    and records the current version."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_schema(con)
        for table in ("trend_balls", "trend_chi_square", "trend_backtests"):
            con.execute(f"DROP TABLE {table}")
        con.execute("DELETE FROM schema_version")
        con.execute("INSERT INTO schema_version VALUES (2, now())")
        ensure_schema(con)
        tables = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert {"trend_balls", "trend_chi_square", "trend_backtests"} <= tables
        assert "stats_windows" in tables
        assert con.execute("SELECT max(version) FROM schema_version").fetchone() == (SCHEMA_VERSION,)
        ensure_schema(con)  # idempotent
        assert con.execute("SELECT count(*) FROM schema_version WHERE version = 5").fetchone() == (1,)


def test_version_2_ingest_log_gains_the_fetched_sha256_column(tmp_path: Path) -> None:
    """v3: ingest_log rows keep the sha256 of the file as fetched; rows from before v3 keep NULL."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ingest_game(con, Game.EUROMILLIONS, str(SHIPPED / "euromillions" / "euromillions.csv"))
        con.execute("ALTER TABLE ingest_log DROP COLUMN fetched_sha256")
        con.execute("DELETE FROM schema_version")
        con.execute("INSERT INTO schema_version VALUES (2, now())")
        ensure_schema(con)
        assert con.execute("SELECT max(version) FROM schema_version").fetchone() == (SCHEMA_VERSION,)
        assert con.execute("SELECT count(*), count(fetched_sha256) FROM ingest_log").fetchone() == (1, 0)
        second = SHIPPED / "euromillions" / "euromillions_2.csv"
        ingest_game(con, Game.EUROMILLIONS, str(second))
        fetched = con.execute("SELECT fetched_sha256 FROM ingest_log WHERE fetched_sha256 NOTNULL").fetchall()
        assert fetched == [(hashlib.sha256(second.read_bytes()).hexdigest(),)]
