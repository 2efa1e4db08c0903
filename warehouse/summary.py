"""Print what the warehouse holds: ``python -m warehouse.summary``."""

from __future__ import annotations

import sys

import duckdb

from warehouse.schema import DRAW_TABLES
from warehouse.settings import get_settings


def summary(con: duckdb.DuckDBPyConnection) -> str:
    """A few lines on every draw table and the ingest log."""
    lines = []
    for kind, table in DRAW_TABLES.items():
        for game, n, first, last in con.execute(
            f"SELECT game, count(*), min(draw_date), max(draw_date) FROM {table} GROUP BY game ORDER BY game"
        ).fetchall():
            lines.append(f"{table:<18} {game:<13} {n:>6} draws  {first} -> {last}  ({kind})")
    row = con.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE status = 'failed'), sum(rows_read), sum(rows_inserted),
               sum(rows_updated), sum(rows_unchanged), sum(rows_rejected)
        FROM ingest_log WHERE run_id = (SELECT run_id FROM ingest_log ORDER BY ingest_id DESC LIMIT 1)
        """
    ).fetchall()[0]
    if row[0]:
        files, failed, read, ins, upd, same, rej = row
        lines.append(
            f"last ingest: {files} files ({failed} failed), {read} rows read: {ins} inserted, "
            f"{upd} updated, {same} unchanged, {rej} rejected"
        )
    return "\n".join(lines)


def main() -> int:
    """Entry point: summarise the warehouse at WAREHOUSE_PATH (read-only)."""
    path = get_settings().warehouse_path
    if not path.exists():
        print(f"no warehouse at {path}: run scripts/run.sh first", file=sys.stderr)
        return 1
    with duckdb.connect(str(path), read_only=True) as con:
        print(f"warehouse {path}")
        print(summary(con))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
