"""What the warehouse already did with a file's bytes, by their sha256 (``ingest_log.fetched_sha256``).

Read from a read-only connection that never migrates and lets go at once, so a schedule tick can ask
while no run is writing; when one is (DuckDB: one writing process or readers, never both), it waits a
moment and then says the warehouse is busy.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from lottery.games import Game


class WarehouseBusyError(RuntimeError):
    """Another process holds the warehouse for writing longer than the caller would wait."""


@dataclass(frozen=True)
class PastIngest:
    """The warehouse's record of one ingest of these bytes."""

    status: str  # 'ok' (loaded) or 'failed' (refused, nothing of it loaded)
    run_id: str | None
    finished_at: datetime
    error: str | None
    rows_inserted: int
    rows_updated: int

    @property
    def ok(self) -> bool:
        """Whether these bytes were loaded."""
        return self.status == "ok"


def past_ingest(con: duckdb.DuckDBPyConnection, game: Game, fetched_sha256: str) -> PastIngest | None:
    """The ingest of these bytes for ``game``: the latest that loaded them, else the latest refusal."""
    columns = {
        row[0]
        for row in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'ingest_log'"
        ).fetchall()
    }
    if "fetched_sha256" not in columns:  # no warehouse yet, or one from before schema v3
        return None
    row = con.execute(
        """
        SELECT status, run_id, finished_at, error, rows_inserted, rows_updated FROM ingest_log
        WHERE game = ? AND fetched_sha256 = ?
        ORDER BY status = 'ok' DESC, ingest_id DESC LIMIT 1
        """,
        [game.value, fetched_sha256],
    ).fetchone()
    return None if row is None else PastIngest(*row)


def read_past_ingest(
    path: Path, game: Game, fetched_sha256: str, *, wait_s: float = 5.0
) -> PastIngest | None:
    """:func:`past_ingest` from the warehouse file at ``path`` (None when there is no warehouse yet)."""
    if not path.exists():
        return None
    deadline = time.monotonic() + wait_s
    while True:
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                return past_ingest(con, game, fetched_sha256)
        except duckdb.IOException as exc:
            if time.monotonic() >= deadline:
                raise WarehouseBusyError(
                    f"the warehouse is held by a writing process for over {wait_s:g} s ({exc})"
                ) from exc
            time.sleep(0.2)
