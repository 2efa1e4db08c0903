"""How recent the warehouse is: a game's last draw and its last statistics snapshot."""

from __future__ import annotations

from datetime import date

import duckdb

from lottery.games import Game


def last_draw_date(con: duckdb.DuckDBPyConnection, game: Game) -> date | None:
    """The day of ``game``'s latest main-formula draw (None without draws)."""
    return con.execute("SELECT max(draw_date) FROM draws WHERE game = ?", [game.value]).fetchall()[0][0]


def last_snapshot_date(con: duckdb.DuckDBPyConnection, game: Game) -> date | None:
    """The day of ``game``'s latest statistics snapshot (None before the first)."""
    return con.execute(
        "SELECT max(snapshot_date) FROM stats_snapshots WHERE game = ?", [game.value]
    ).fetchall()[0][0]
