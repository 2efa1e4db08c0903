"""Data-quality queries over the warehouse; Dagster asset checks are thin wrappers around these."""

from __future__ import annotations

from datetime import date

import duckdb

from lottery.games import DrawKind, Game, check_draw, era_on
from warehouse.schema import DRAW_TABLES


def rule_violations(con: duckdb.DuckDBPyConnection, game: Game) -> list[tuple[date, str]]:
    """Main-formula draws that break their era's rules (ranges, distinct balls, weekday, order)."""
    rows = con.execute(
        "SELECT draw_date, numbers, bonus, balls_drawn, bonus_drawn FROM draws "
        "WHERE game = ? ORDER BY draw_date",
        [game.value],
    ).fetchall()
    out = []
    for day, numbers, bonus, balls, bonus_drawn in rows:
        era = era_on(game, DrawKind.MAIN, day)
        if era is None:
            out.append((day, f"no {game} main-formula draw existed on {day.isoformat()}"))
            continue
        problem = check_draw(era, day, tuple(balls), tuple(bonus_drawn))
        if problem is None and (sorted(balls) != list(numbers) or sorted(bonus_drawn) != list(bonus)):
            problem = "sorted numbers disagree with the draw-order balls"
        if problem:
            out.append((day, problem))
    return out


def duplicate_draws(con: duckdb.DuckDBPyConnection, game: Game) -> list[tuple[str, date, int]]:
    """(table, date, copies) for every draw key held more than once, in any draw table."""
    out = []
    for table in DRAW_TABLES.values():
        out += [
            (table, d, n)
            for d, n in con.execute(
                f"SELECT draw_date, count(*) FROM {table} WHERE game = ? "
                "GROUP BY draw_date, tirage HAVING count(*) > 1",
                [game.value],
            ).fetchall()
        ]
    return out


def shrunk_tables(con: duckdb.DuckDBPyConnection, game: Game) -> dict[str, tuple[int, int]]:
    """Draw tables whose latest recorded row count is below the one before: {kind: (before, now)}."""
    rows = con.execute(
        """
        SELECT kind, list(row_count ORDER BY counted_at DESC)[1:2]
        FROM draw_counts WHERE game = ? GROUP BY kind
        """,
        [game.value],
    ).fetchall()
    return {
        kind: (counts[1], counts[0]) for kind, counts in rows if len(counts) == 2 and counts[0] < counts[1]
    }


def latest_rejects(con: duckdb.DuckDBPyConnection, game: Game) -> list[tuple[str, int, str]]:
    """(file, line, reason) of every row rejected by the latest ingest run of ``game``."""
    return con.execute(
        """
        SELECT r.file, r.line_no, r.reason FROM rejects r JOIN ingest_log l USING (ingest_id)
        WHERE l.game = ? AND l.run_id IS NOT DISTINCT FROM (
            SELECT run_id FROM ingest_log WHERE game = ? ORDER BY ingest_id DESC LIMIT 1)
        ORDER BY r.file, r.line_no
        """,
        [game.value, game.value],
    ).fetchall()


def unbalanced_ingests(con: duckdb.DuckDBPyConnection, game: Game) -> list[tuple[str, int, int]]:
    """(file, read, accounted) for ingest-log rows whose counts do not add up."""
    return con.execute(
        """
        SELECT file, rows_read, rows_inserted + rows_updated + rows_unchanged + rows_rejected
        FROM ingest_log
        WHERE game = ? AND status = 'ok'
          AND rows_read <> rows_inserted + rows_updated + rows_unchanged + rows_rejected
        """,
        [game.value],
    ).fetchall()
