"""Inbox files through the real path: a file rejected at load time (its rows contradict the warehouse)
fails its run, nothing of it is loaded, and it goes to rejected/ with the whole-file reason; a good
one is loaded and archived."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from lottery.games import Game
from tests.conftest import FIXTURES, fixture_bytes
from tests.reliability.bad_files import conflicting_export
from tests.reliability.inbox_runs import run_inbox_file
from warehouse.ingest import ingest_game


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
