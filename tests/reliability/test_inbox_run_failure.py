"""Inbox files through the real path: a file rejected at load time (its rows contradict the warehouse)
fails its run, nothing of it is loaded, and it goes to rejected/ with the whole-file reason; a good
one is loaded and archived."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from lottery.games import Game
from tests.conftest import FIXTURES, fixture_bytes
from tests.reliability.inbox_runs import run_inbox_file
from tests.rows import FdjCsv
from warehouse.ingest import ingest_game


def conflicting_export() -> bytes:
    """FDJ's newest EuroMillions excerpt with other balls on 3 of its 5 first (already loaded) dates."""
    csv = FdjCsv.from_bytes(fixture_bytes("euromillions/euromillions_202002.csv"))
    for row in range(3):
        balls = [int(csv.field(row, f"boule_{i}")) for i in range(1, 6)]
        other = next(n for n in range(1, 51) if n not in balls)
        combination = "-".join(str(n) for n in sorted([other, *balls[1:]]))
        csv = csv.with_row(
            row,
            csv.edited(
                row, {"boule_1": str(other), "boules_gagnantes_en_ordre_croissant": f"-{combination}-"}
            ),
        )
    return csv.head(5).to_bytes()


def test_load_time_rejection_fails_the_run_and_rejects_the_inbox_file(tmp_path: Path) -> None:
    """Rows parse, the run fails on the conflicts (nothing loaded), the reject sensor files it with why."""
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        ingest_game(con, Game.EUROMILLIONS, str(FIXTURES))
        before = con.execute("SELECT count(*), sum(hash(draw_date, numbers)) FROM draws").fetchone()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "euromillions_202002.csv").write_bytes(conflicting_export())
    shutil.os.utime(inbox / "euromillions_202002.csv", (0, 0))

    reason = run_inbox_file(inbox, warehouse)

    assert not (inbox / "euromillions_202002.csv").exists()
    assert (inbox / "rejected" / "euromillions_202002.csv").exists()
    assert "rejected as a whole, 3 of 5 rows are bad" in reason
    assert "conflicts with the loaded main draw of" in reason
    with duckdb.connect(str(warehouse)) as con:
        assert con.execute("SELECT count(*), sum(hash(draw_date, numbers)) FROM draws").fetchone() == before


def test_a_good_file_is_ingested_then_archived(tmp_path: Path) -> None:
    """The success path: the run loads the new draws, the archive sensor moves the file."""
    warehouse = tmp_path / "w.duckdb"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "euromillions_202002.csv").write_bytes(fixture_bytes("euromillions/euromillions_202002.csv"))
    shutil.os.utime(inbox / "euromillions_202002.csv", (0, 0))
    assert run_inbox_file(inbox, warehouse) == ""
    assert (inbox / "archive" / "euromillions_202002.csv").exists()
    assert list(inbox.glob("*.csv")) == []
    with duckdb.connect(str(warehouse)) as con:
        assert con.execute("SELECT count(*) FROM draws").fetchone()[0] > 0
