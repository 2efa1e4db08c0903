"""Statistics snapshots as of a past date: the same snapshot the daily asset writes, from the draws
dated on or before that date only.

Every statistics query reads the unqualified ``draws`` table, so :func:`draws_as_of` shadows it, for
one connection and the length of a block, with a temporary view of the draws up to the date: the
snapshot code runs unchanged, and what it stores (scopes, payloads, ``data_version``) is exactly what
the daily asset would have stored that evening.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import duckdb

from lottery.games import Game
from warehouse.snapshots import SnapshotAudit, SnapshotReport, audit_snapshot, write_snapshot


@contextmanager
def draws_as_of(con: duckdb.DuckDBPyConnection, day: date) -> Iterator[None]:
    """Within the block, ``draws`` on ``con`` holds only the draws dated on or before ``day``."""
    catalog = con.execute("SELECT current_database()").fetchall()[0][0].replace('"', '""')
    con.execute(
        "CREATE OR REPLACE TEMP VIEW draws AS "
        f"""SELECT * FROM "{catalog}".main.draws WHERE draw_date <= DATE '{day.isoformat()}'"""
    )
    try:
        yield
    finally:
        con.execute("DROP VIEW IF EXISTS temp.draws")


def write_snapshot_as_of(
    con: duckdb.DuckDBPyConnection, game: Game, day: date
) -> tuple[SnapshotReport, SnapshotAudit] | None:
    """Store ``game``'s statistics snapshot of ``day`` from the draws up to ``day`` (None: no draw yet)."""
    with draws_as_of(con, day):
        held = con.execute("SELECT count(*) FROM draws WHERE game = ?", [game.value]).fetchall()[0][0]
        if held == 0:
            return None
        report = write_snapshot(con, game, day)
        return report, audit_snapshot(con, game, day)
